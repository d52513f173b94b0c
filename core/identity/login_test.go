package identity_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestLogin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		c := newClock()
		s := identity.NewService(db, testOptions(c))
		u := mustUser(t, s, a, "alice@example.org")

		tok, sess, lu, err := s.Login(ctx, a, " ALICE@example.org", pw, ip1, agent)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 43 || strings.ContainsAny(tok, "+/=") {
			t.Fatalf("token %q is not 32 bytes of base64url", tok)
		}
		sum := sha256.Sum256([]byte(tok))
		if sess.ID != hex.EncodeToString(sum[:]) || sess.UserID != u.ID || sess.TenantID != a || sess.IP != ip1 ||
			sess.UserAgent != agent || len(sess.CSRFToken) < 32 || !sess.ExpiresAt.Equal(c.Now().Add(time.Hour)) {
			t.Fatalf("session %+v", sess)
		}
		if lu.ID != u.ID || lu.LastLoginAt == nil || !lu.LastLoginAt.Equal(c.Now()) {
			t.Fatalf("user after login %+v", lu)
		}
		var rows []identity.Session
		db.Find(&rows)
		if len(rows) != 1 || rows[0].ID != sess.ID || rows[0].ID == tok || rows[0].CSRFToken != sess.CSRFToken {
			t.Fatalf("stored sessions %+v", rows)
		}
		stored, _ := s.GetUser(ctx, a, u.ID)
		if stored.LastLoginAt == nil || !stored.LastLoginAt.Equal(c.Now()) || !stored.UpdatedAt.Equal(u.UpdatedAt) {
			t.Fatalf("stored user %+v", stored)
		}
		_, sess2 := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		if sess2.CSRFToken == sess.CSRFToken || sess2.ID == sess.ID {
			t.Fatal("two sessions share a CSRF token or id")
		}

		_, _, _, err = s.Login(ctx, a, "alice@example.org", "wrong password", ip1, agent)
		wantErr(t, err, identity.ErrBadCredentials)
		_, _, _, err = s.Login(ctx, a, "nobody@example.org", pw, ip1, agent)
		wantErr(t, err, identity.ErrBadCredentials)
		_, _, _, err = s.Login(ctx, a+1, "alice@example.org", pw, ip1, agent)
		wantErr(t, err, identity.ErrBadCredentials)

		evs, _, _ := audit.List(ctx, db.DB, a, audit.Filter{Action: "user.login"})
		if len(evs) != 2 {
			t.Fatalf("want 2 user.login events (successes only), got %d", len(evs))
		}
		if e := evs[0]; e.ActorUserID == nil || *e.ActorUserID != u.ID || e.ActorLabel != "alice@example.org" ||
			e.IP != ip1 || e.EntityType != "user" || e.EntityID != "1" {
			t.Fatalf("login event %+v", e)
		}
		var attempts []struct {
			Email   string
			Success bool
		}
		db.Raw("SELECT email, success FROM login_attempts ORDER BY id").Scan(&attempts)
		var got []string
		for _, at := range attempts {
			got = append(got, at.Email+map[bool]string{true: "+", false: "-"}[at.Success])
		}
		want := []string{"alice@example.org+", "alice@example.org+", "alice@example.org-", "nobody@example.org-", "alice@example.org-"}
		if !slices.Equal(got, want) {
			t.Fatalf("attempts %v, want %v", got, want)
		}
	})
}

func TestLoginRateLimitPerAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
		c := newClock()
		s := identity.NewService(db, testOptions(c)) // limit 3 per 15 minutes
		mustUser(t, s, a, "alice@example.org")
		mustUser(t, s, b, "alice@example.org")
		mustUser(t, s, a, "bob@example.org")

		// limit failures, each from another address so only the account counts.
		for i := range 3 {
			_, _, _, err := s.Login(ctx, a, "alice@example.org", "wrong password", "198.51.100."+string(rune('1'+i)), agent)
			wantErr(t, err, identity.ErrBadCredentials)
		}
		_, _, _, err := s.Login(ctx, a, "Alice@example.org", pw, ip2, agent)
		wantErr(t, err, identity.ErrRateLimited)
		// Other accounts, and the same email in another tenant, are unaffected.
		mustLogin(t, s, a, "bob@example.org", pw, ip2)
		mustLogin(t, s, b, "alice@example.org", pw, ip2)

		// Still locked just inside the window (the refused attempts count too).
		c.Advance(14 * time.Minute)
		_, _, _, err = s.Login(ctx, a, "alice@example.org", pw, ip2, agent)
		wantErr(t, err, identity.ErrRateLimited)
		c.Advance(15*time.Minute + time.Second)
		mustLogin(t, s, a, "alice@example.org", pw, ip2)

		// Within one window, failures before a success no longer count:
		// 2 failures, a success, 2 failures still allow a login.
		fail := func(ip string) {
			t.Helper()
			_, _, _, err := s.Login(ctx, a, "alice@example.org", "wrong password", ip, agent)
			wantErr(t, err, identity.ErrBadCredentials)
		}
		fail("203.0.113.1")
		fail("203.0.113.2")
		mustLogin(t, s, a, "alice@example.org", pw, ip2)
		fail("203.0.113.3")
		fail("203.0.113.4")
		mustLogin(t, s, a, "alice@example.org", pw, ip2)
		var n int64
		db.Raw("SELECT COUNT(*) FROM login_attempts WHERE email = ? AND tenant_id = ?", "alice@example.org", a).Scan(&n)
		if n != 12 {
			t.Fatalf("%d attempts recorded, want 12 (history is kept)", n)
		}
	})
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		c := newClock()
		s := identity.NewService(db, testOptions(c))
		mustUser(t, s, a, "alice@example.org")
		for i, email := range []string{"bob@example.org", "carol@example.org", "dan@example.org"} {
			if i%2 == 0 {
				mustUser(t, s, a, email)
			}
			_, _, _, err := s.Login(ctx, a, email, "wrong password", ip1, agent)
			wantErr(t, err, identity.ErrBadCredentials)
		}
		_, _, _, err := s.Login(ctx, a, "alice@example.org", pw, ip1, agent)
		wantErr(t, err, identity.ErrRateLimited)
		mustLogin(t, s, a, "alice@example.org", pw, ip2)
		c.Advance(16 * time.Minute)
		mustLogin(t, s, a, "alice@example.org", pw, ip1)
	})
}

// An unknown email must cost a password hash, like a wrong password does.
func TestLoginUnknownEmailTakesHashTime(t *testing.T) {
	db := storagetest.Open(t, storage.SQLite)
	ctx := context.Background()
	a := newTenant(t, db, "a")
	opts := testOptions(newClock())
	opts.Argon = identity.Params{Memory: 16 * 1024, Time: 2, Threads: 1}
	opts.LoginLimit, opts.IPLoginLimit = 100, 100
	s := identity.NewService(db, opts)
	mustUser(t, s, a, "alice@example.org")
	median := func(email string) time.Duration {
		var ds []time.Duration
		for range 5 {
			start := time.Now()
			_, _, _, err := s.Login(ctx, a, email, "wrong password", ip1, agent)
			ds = append(ds, time.Since(start))
			wantErr(t, err, identity.ErrBadCredentials)
		}
		slices.Sort(ds)
		return ds[2]
	}
	median("nobody@example.org") // warm up the dummy hash
	wrong, unknown := median("alice@example.org"), median("nobody@example.org")
	if unknown < wrong/3 {
		t.Fatalf("unknown email took %v, wrong password %v: the dummy hash is not verified", unknown, wrong)
	}
}

func TestLoginUpgradesHashCosts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		c := newClock()
		s := identity.NewService(db, testOptions(c))
		mustUser(t, s, a, "alice@example.org")
		opts := testOptions(c)
		opts.Argon = identity.Params{Memory: 2048, Time: 1, Threads: 1}
		s2 := identity.NewService(db, opts)
		_, _, u, err := s2.Login(ctx, a, "alice@example.org", pw, ip1, agent)
		if err != nil || !strings.Contains(u.PasswordHash, "$m=2048,") {
			t.Fatalf("login: %v, hash %s", err, u.PasswordHash)
		}
		stored, _ := s.GetUser(ctx, a, u.ID)
		if stored.PasswordHash != u.PasswordHash {
			t.Fatal("upgraded hash not stored")
		}
		mustLogin(t, s, a, "alice@example.org", pw, ip1)
	})
}
