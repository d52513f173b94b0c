package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// A token records its scope, areas and expiry (90 days unless asked, at most
// 365); bad specs are refused by field.
func TestScopedAPITokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := newClock()
		s := identity.NewService(db, testOptions(c))
		a := newTenant(t, db, "a")
		u := mustUser(t, s, a, "alice@example.org")

		tok, at, err := s.CreateScopedAPIToken(ctx, a, u.ID, identity.TokenSpec{Name: "reports", Scope: identity.TokenRead,
			Areas: []string{"units", "audit", "units"}, TTL: 30 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if at.Scope != "read" || at.Areas != "audit,units" || !at.ExpiresAt.Equal(c.Now().Add(30*24*time.Hour)) ||
			!at.ReadOnly() || !at.AllowsArea("units") || at.AllowsArea("pupils") {
			t.Fatalf("token %+v", at)
		}
		_, got, err := s.UserByAPIToken(ctx, tok)
		if err != nil || got.Scope != "read" || got.Areas != "audit,units" {
			t.Fatalf("looked up %+v, %v", got, err)
		}
		for field, spec := range map[string]identity.TokenSpec{
			"scope": {Name: "x", Scope: "admin"},
			"areas": {Name: "x", Scope: "read", Areas: []string{"Units; DROP"}},
			"ttl":   {Name: "x", Scope: "read", TTL: 366 * 24 * time.Hour},
		} {
			_, _, err := s.CreateScopedAPIToken(ctx, a, u.ID, spec)
			wantValidation(t, err, field)
		}
		c.Advance(30 * 24 * time.Hour)
		_, _, err = s.UserByAPIToken(ctx, tok)
		wantErr(t, err, identity.ErrNotFound)
	})
}

// Changing the password revokes every API token of the user (and only theirs).
func TestChangingThePasswordRevokesAPITokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := identity.NewService(db, testOptions(newClock()))
		a := newTenant(t, db, "a")
		u := mustUser(t, s, a, "alice@example.org")
		bob := mustUser(t, s, a, "bob@example.org")
		t1, _, _ := s.CreateAPIToken(ctx, a, u.ID, "one", 0)
		t2, _, _ := s.CreateAPIToken(ctx, a, u.ID, "two", 0)
		tb, _, _ := s.CreateAPIToken(ctx, a, bob.ID, "bob", 0)
		if err := s.ChangePassword(ctx, a, u.ID, pw, "violet kettle orbit lantern", ""); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{t1, t2} {
			_, _, err := s.UserByAPIToken(ctx, tok)
			wantErr(t, err, identity.ErrNotFound)
		}
		if _, _, err := s.UserByAPIToken(ctx, tb); err != nil {
			t.Fatalf("another user's token was revoked: %v", err)
		}
	})
}
