package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// Guessable passwords are refused wherever a password is set, with the
// estimator's reason; the user's own name and email count as guessable.
func TestGuessablePasswordsAreRefusedWithAReason(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := identity.NewService(db, testOptions(newClock()))
		tenant := newTenant(t, db, "north")
		cases := []struct{ password, why string }{
			{"password12", "common password"},
			{"1234567890", "common password"},
			{"abcdefghijk", "a sequence"},
			{"aaaaaaaaaa", "a repeated character"},
			{"zxcvbnm,./", "keyboard"},
			{"lovelaceada", "your own name or email"},
			{"lovelace@north.example", "email"},
		}
		for _, c := range cases {
			_, err := s.CreateUser(ctx, tenant, "lovelace@north.example", "Ada Lovelace", c.password, false)
			var ve *identity.ValidationError
			if !errors.As(err, &ve) || ve.Field != "password" || !strings.Contains(ve.Message, c.why) {
				t.Errorf("create with %q: got %v, want a password error saying %q", c.password, err, c.why)
			}
		}
		u := mustUser(t, s, tenant, "a@north.example")
		for _, c := range cases[:3] {
			err := s.ChangePassword(ctx, tenant, u.ID, pw, c.password, "")
			wantValidation(t, err, "password")
		}
		_, err := s.CreateUsers(ctx, tenant, []identity.NewUser{{Email: "b@north.example", Name: "B"}}, "password12")
		wantValidation(t, err, "password")
		// A strong password passes.
		if err := s.ChangePassword(ctx, tenant, u.ID, pw, "violet kettle orbit lantern", ""); err != nil {
			t.Fatalf("strong password refused: %v", err)
		}
	})
}
