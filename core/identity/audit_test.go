package identity_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestAuditTrailHoldsNoSecrets(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		admin := uint(42)
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: &admin, Label: "admin@example.org", RequestID: "req-1"})
		a := newTenant(t, db, "a")
		s := identity.NewService(db, testOptions(newClock()))
		const newPW = "another long password"

		u, err := s.CreateUser(ctx, a, "alice@example.org", "Alice", pw, false)
		if err != nil {
			t.Fatal(err)
		}
		sessTok, _, _, err := s.Login(ctx, a, "alice@example.org", pw, ip1, agent)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, a, u.ID, "Alice S", false); err != nil {
			t.Fatal(err)
		}
		if err := s.ChangePassword(ctx, a, u.ID, pw, newPW, sessTok); err != nil {
			t.Fatal(err)
		}
		apiTok, at, err := s.CreateAPIToken(ctx, a, u.ID, "ci", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIToken(ctx, a, u.ID, at.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, a, u.ID, "Alice S", true); err != nil {
			t.Fatal(err)
		}
		final, _ := s.GetUser(ctx, a, u.ID)

		evs, _, err := audit.List(ctx, db.DB, a, audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for i := len(evs) - 1; i >= 0; i-- {
			e := evs[i]
			actions = append(actions, e.Action)
			for _, secret := range []string{"argon2", "password_hash", pw, newPW, sessTok, apiTok, apiTok[4:], at.TokenHash, final.PasswordHash, u.PasswordHash} {
				if strings.Contains(e.Before, secret) || strings.Contains(e.After, secret) {
					t.Fatalf("%s event holds a secret (%q): before %s after %s", e.Action, secret, e.Before, e.After)
				}
			}
			wantActor := "admin@example.org"
			if e.Action == "user.login" {
				wantActor = "alice@example.org"
			}
			if e.ActorLabel != wantActor || e.RequestID != "req-1" {
				t.Fatalf("%s event actor %q request %q", e.Action, e.ActorLabel, e.RequestID)
			}
		}
		want := []string{"user.create", "user.login", "user.update", "user.password_change", "apitoken.create", "apitoken.revoke", "user.disable"}
		if !slices.Equal(actions, want) {
			t.Fatalf("actions %v, want %v", actions, want)
		}
		if e := evs[0]; !strings.Contains(e.After, `"disabled_at"`) || strings.Contains(e.Before, `"disabled_at"`) {
			t.Fatalf("disable event %+v", e)
		}
	})
}
