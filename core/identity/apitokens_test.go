package identity_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestAPITokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		c := newClock()
		s := identity.NewService(db, testOptions(c))
		u := mustUser(t, s, a, "alice@example.org")
		bob := mustUser(t, s, a, "bob@example.org")

		_, _, err := s.CreateAPIToken(ctx, a, u.ID, " ", 0)
		wantValidation(t, err, "name")
		_, _, err = s.CreateAPIToken(ctx, a, u.ID, "x", -time.Hour)
		wantValidation(t, err, "ttl")

		tok, at, err := s.CreateAPIToken(ctx, a, u.ID, " ci ", 0)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(tok))
		if !strings.HasPrefix(tok, "upw_") || len(tok) != 47 || at.Prefix != tok[4:12] || at.Name != "ci" ||
			at.TokenHash != hex.EncodeToString(sum[:]) || at.ExpiresAt == nil || !at.ExpiresAt.Equal(c.Now().Add(90*24*time.Hour)) ||
			at.Scope != identity.TokenWrite || at.Areas != "" || at.UserID != u.ID || at.TenantID != a {
			t.Fatalf("token %q %+v", tok, at)
		}
		var hashes []string
		db.Raw("SELECT token_hash FROM api_tokens").Scan(&hashes)
		if len(hashes) != 1 || hashes[0] != at.TokenHash || strings.Contains(hashes[0], tok[4:]) {
			t.Fatalf("stored %v", hashes)
		}
		if js, _ := json.Marshal(at); strings.Contains(string(js), at.TokenHash) {
			t.Fatalf("token json leaks the hash: %s", js)
		}

		gu, gt, err := s.UserByAPIToken(ctx, tok)
		if err != nil || gu.ID != u.ID || gt.ID != at.ID || gt.LastUsedAt == nil || !gt.LastUsedAt.Equal(c.Now()) {
			t.Fatalf("use: %+v %+v %v", gu, gt, err)
		}
		first := c.Now()
		lastUsed := func() time.Time {
			var r identity.APIToken
			db.First(&r, at.ID)
			return *r.LastUsedAt
		}
		c.Advance(30 * time.Second)
		if _, gt, err := s.UserByAPIToken(ctx, tok); err != nil || !lastUsed().Equal(first) || !gt.LastUsedAt.Equal(first) {
			t.Fatalf("use within a minute wrote last_used_at (%v) or failed: %v", lastUsed(), err)
		}
		c.Advance(time.Minute)
		if _, _, err := s.UserByAPIToken(ctx, tok); err != nil || !lastUsed().Equal(c.Now()) {
			t.Fatalf("last_used_at not refreshed: %v %v", lastUsed(), err)
		}
		for _, bad := range []string{"", "upw_", "upw_short", tok[4:], "upw_" + strings.Repeat("A", 43), "Bearer " + tok, tok + "x"} {
			_, _, err := s.UserByAPIToken(ctx, bad)
			wantErr(t, err, identity.ErrNotFound)
		}

		expTok, exp, err := s.CreateAPIToken(ctx, a, u.ID, "short-lived", time.Hour)
		if err != nil || exp.ExpiresAt == nil || !exp.ExpiresAt.Equal(c.Now().Add(time.Hour)) {
			t.Fatalf("expiring token: %+v %v", exp, err)
		}
		if _, _, err := s.UserByAPIToken(ctx, expTok); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Hour)
		_, _, err = s.UserByAPIToken(ctx, expTok)
		wantErr(t, err, identity.ErrNotFound)

		list, err := s.ListAPITokens(ctx, a, u.ID)
		if err != nil || len(list) != 2 || list[0].ID != at.ID || list[1].ID != exp.ID {
			t.Fatalf("list: %+v %v", list, err)
		}
		if l, _ := s.ListAPITokens(ctx, a, bob.ID); len(l) != 0 {
			t.Fatalf("bob sees %d tokens", len(l))
		}

		wantErr(t, s.RevokeAPIToken(ctx, a, bob.ID, at.ID), identity.ErrNotFound)
		if _, _, err := s.UserByAPIToken(ctx, tok); err != nil {
			t.Fatalf("refused revoke revoked: %v", err)
		}
		if err := s.RevokeAPIToken(ctx, a, u.ID, at.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.UserByAPIToken(ctx, tok)
		wantErr(t, err, identity.ErrNotFound)
		if err := s.RevokeAPIToken(ctx, a, u.ID, at.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		list, _ = s.ListAPITokens(ctx, a, u.ID)
		if list[0].RevokedAt == nil || list[0].Active(c.Now()) || list[1].Active(c.Now()) {
			t.Fatalf("list after revoke: %+v", list)
		}

		// A disabled user's tokens stop working, and no new ones are issued.
		live, _, err := s.CreateAPIToken(ctx, a, bob.ID, "bob", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, a, bob.ID, bob.Name, true); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.UserByAPIToken(ctx, live)
		wantErr(t, err, identity.ErrNotFound)
		wantErr(t, err, identity.ErrDisabled)
		_, _, err = s.CreateAPIToken(ctx, a, bob.ID, "again", 0)
		wantErr(t, err, identity.ErrDisabled)
		_, _, err = s.CreateAPIToken(ctx, a, 9999, "nobody", 0)
		wantErr(t, err, identity.ErrNotFound)
	})
}

func TestTenantIsolation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
		s := identity.NewService(db, testOptions(newClock()))
		ua := mustUser(t, s, a, "alice@example.org")
		ub := mustUser(t, s, b, "alice@example.org")

		_, err := s.GetUser(ctx, b, ua.ID)
		wantErr(t, err, identity.ErrNotFound)
		if us, total, _ := s.ListUsers(ctx, b, "", 0, 0); total != 1 || us[0].ID != ub.ID {
			t.Fatalf("tenant b lists %+v", us)
		}

		tokA, atA, err := s.CreateAPIToken(ctx, a, ua.ID, "a", 0)
		if err != nil {
			t.Fatal(err)
		}
		u, _, err := s.UserByAPIToken(ctx, tokA)
		if err != nil || u.ID != ua.ID || u.TenantID != a {
			t.Fatalf("token of a resolves to %+v %v", u, err)
		}
		_, _, err = s.CreateAPIToken(ctx, b, ua.ID, "cross", 0)
		wantErr(t, err, identity.ErrNotFound)
		wantErr(t, s.RevokeAPIToken(ctx, b, ua.ID, atA.ID), identity.ErrNotFound)
		wantErr(t, s.RevokeAPIToken(ctx, b, ub.ID, atA.ID), identity.ErrNotFound)
		if l, _ := s.ListAPITokens(ctx, b, ua.ID); len(l) != 0 {
			t.Fatalf("tenant b lists a's tokens: %+v", l)
		}

		// A's password opens a session in A only; a session names its tenant.
		tok, sess := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		_, su, err := s.SessionByToken(ctx, tok)
		if err != nil || sess.TenantID != a || su.ID != ua.ID {
			t.Fatalf("session %+v user %+v %v", sess, su, err)
		}
		wantErr(t, s.ChangePassword(ctx, b, ua.ID, pw, "another long password", ""), identity.ErrNotFound)
		_, err = s.UpdateUser(ctx, b, ua.ID, "x", true)
		wantErr(t, err, identity.ErrNotFound)
	})
}
