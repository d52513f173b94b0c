package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// On PostgreSQL a request bound to its tenant (storage.Bind) manages that
// tenant's accounts through the binding, as the tenant role: creating,
// reading, listing and updating a user and their API tokens work; asked
// about another tenant's accounts, every statement is refused
// (storage.ErrOtherTenant), so no bug in a filter reaches another tenant's
// people.
func TestBoundWorkManagesItsOwnTenantsAccountsOnly(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t, storage.Postgres)
	a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
	s := identity.NewService(db, testOptions(newClock()))
	bob := mustUser(t, s, b, "bob@b.example.org")

	bound, release, err := db.Bind(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ann, err := s.CreateUser(bound, a, "ann@a.example.org", "Ann", pw, false)
	if err != nil {
		t.Fatalf("create A's user, bound to A: %v", err)
	}
	if _, err := s.UpdateUser(bound, a, ann.ID, "Ann Smith", false); err != nil {
		t.Fatalf("update A's user, bound to A: %v", err)
	}
	if users, n, err := s.ListUsers(bound, a, "", 10, 0); err != nil || n != 1 || users[0].Name != "Ann Smith" {
		t.Fatalf("A's users, bound to A: %d %+v %v", n, users, err)
	}
	if _, _, err := s.CreateScopedAPIToken(bound, a, ann.ID, identity.TokenSpec{Name: "sync", Scope: identity.TokenRead}); err != nil {
		t.Fatalf("A's token, bound to A: %v", err)
	}
	if toks, err := s.ListAPITokens(bound, a, ann.ID); err != nil || len(toks) != 1 {
		t.Fatalf("A's tokens, bound to A: %+v %v", toks, err)
	}

	if _, err := s.GetUser(bound, b, bob.ID); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("B's user, bound to A: %v, want ErrOtherTenant", err)
	}
	if _, _, err := s.ListUsers(bound, b, "", 10, 0); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("B's users, bound to A: %v, want ErrOtherTenant", err)
	}
	if _, err := s.UpdateUser(bound, b, bob.ID, "Mallory", true); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("update B's user, bound to A: %v, want ErrOtherTenant", err)
	}
	if _, err := s.CreateUser(bound, b, "eve@b.example.org", "Eve", pw, false); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("create a user of B, bound to A: %v, want ErrOtherTenant", err)
	}
	got, err := s.GetUser(ctx, b, bob.ID)
	if err != nil || got.Name != bob.Name || got.Disabled() {
		t.Errorf("B's user after the refused update: %+v %v", got, err)
	}
}
