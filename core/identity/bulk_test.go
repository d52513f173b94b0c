package identity_test

import (
	"context"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestCreateUsersSharesOneHashAllOrNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		s := identity.NewService(db, testOptions(newClock()))

		made, err := s.CreateUsers(ctx, a, []identity.NewUser{{"Head1.900001@Example.org", " Ada Head "}, {"teacher1.900001@example.org", "Ben Teach"}}, pw)
		if err != nil || len(made) != 2 {
			t.Fatalf("create users: %v %+v", err, made)
		}
		if made[0].Email != "head1.900001@example.org" || made[0].Name != "Ada Head" || made[0].ID == 0 || made[0].PasswordHash != made[1].PasswordHash {
			t.Fatalf("made %+v", made)
		}
		for _, u := range made {
			if _, _, _, err := s.Login(ctx, a, u.Email, pw, ip1, agent); err != nil {
				t.Fatalf("log in as %s: %v", u.Email, err)
			}
		}
		evs, _, err := audit.List(ctx, db.DB, a, audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		created := 0
		for _, e := range evs {
			if e.Action == "user.create" {
				created++
			}
		}
		if created != 2 {
			t.Fatalf("%d user.create audits, want 2", created)
		}
		// A duplicate in the batch: nobody is created.
		_, err = s.CreateUsers(ctx, a, []identity.NewUser{{"para1.900001@example.org", "Cy Para"}, {"head1.900001@example.org", "Again"}}, pw)
		wantErr(t, err, identity.ErrConflict)
		if _, err := s.UserByEmail(ctx, a, "para1.900001@example.org"); err == nil {
			t.Fatal("a refused batch created its first user")
		}
		// Bad input is refused before anything is hashed or stored.
		if _, err := s.CreateUsers(ctx, a, []identity.NewUser{{"not-an-email", "X"}}, pw); err == nil {
			t.Fatal("a bad email was accepted")
		}
	})
}
