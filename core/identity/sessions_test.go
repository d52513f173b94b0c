package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// Two Services on two connections to one database stand for two nodes: a
// session made on one is honoured by the other, and failures add up.
func TestSessionsAcrossNodes(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := storagetest.URL(t, d)
			open := func() *storage.DB {
				db, err := storage.Open(ctx, url, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = db.Close() })
				return db
			}
			db1, db2 := open(), open()
			m, err := storage.NewMigrator(db1, storage.CoreMigrations())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Up(ctx); err != nil {
				t.Fatal(err)
			}
			a := newTenant(t, db1, "a")
			c := newClock()
			node1, node2 := identity.NewService(db1, testOptions(c)), identity.NewService(db2, testOptions(c))
			u := mustUser(t, node1, a, "alice@example.org")

			tok, sess := mustLogin(t, node1, a, "alice@example.org", pw, ip1)
			got, gu, err := node2.SessionByToken(ctx, tok)
			if err != nil || got.ID != sess.ID || got.CSRFToken != sess.CSRFToken || gu.ID != u.ID || gu.TenantID != a {
				t.Fatalf("node 2 does not honour node 1's session: %+v %+v %v", got, gu, err)
			}
			if err := node2.Logout(ctx, tok); err != nil {
				t.Fatal(err)
			}
			_, _, err = node1.SessionByToken(ctx, tok)
			wantErr(t, err, identity.ErrNotFound)

			// Failures seen by different nodes add up to the limit.
			for i := range 3 {
				n := []*identity.Service{node1, node2}[i%2]
				_, _, _, err := n.Login(ctx, a, "alice@example.org", "wrong password", "198.51.100."+string(rune('1'+i)), agent)
				wantErr(t, err, identity.ErrBadCredentials)
			}
			_, _, _, err = node1.Login(ctx, a, "alice@example.org", pw, ip2, agent)
			wantErr(t, err, identity.ErrRateLimited)
			_, _, _, err = node2.Login(ctx, a, "alice@example.org", pw, ip2, agent)
			wantErr(t, err, identity.ErrRateLimited)
		})
	}
}

func TestSessionSlidingExpiryAndPurge(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		c := newClock()
		s := identity.NewService(db, testOptions(c)) // TTL 1h
		mustUser(t, s, a, "alice@example.org")
		start := c.Now()
		tok, sess := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		stored := func() identity.Session {
			var r identity.Session
			if err := db.Where("id = ?", sess.ID).Take(&r).Error; err != nil {
				t.Fatal(err)
			}
			return r
		}

		c.Advance(30 * time.Second)
		got, _, err := s.SessionByToken(ctx, tok)
		if err != nil || !got.LastSeenAt.Equal(start) {
			t.Fatalf("within a minute: %+v %v", got, err)
		}
		if r := stored(); !r.LastSeenAt.Equal(start) || !r.ExpiresAt.Equal(start.Add(time.Hour)) {
			t.Fatalf("a use within a minute wrote the session: %+v", r)
		}
		c.Advance(50 * time.Minute)
		got, _, err = s.SessionByToken(ctx, tok)
		if err != nil || !got.LastSeenAt.Equal(c.Now()) || !got.ExpiresAt.Equal(c.Now().Add(time.Hour)) {
			t.Fatalf("refresh: %+v %v", got, err)
		}
		if r := stored(); !r.LastSeenAt.Equal(c.Now()) || !r.ExpiresAt.Equal(c.Now().Add(time.Hour)) {
			t.Fatalf("refresh not stored: %+v", r)
		}
		c.Advance(50 * time.Minute) // past the first expiry, within the slid one
		if _, _, err := s.SessionByToken(ctx, tok); err != nil {
			t.Fatalf("sliding expiry: %v", err)
		}
		c.Advance(time.Hour)
		_, _, err = s.SessionByToken(ctx, tok)
		wantErr(t, err, identity.ErrNotFound)

		tok2, _ := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		c.Advance(31 * 24 * time.Hour)
		if _, _, err := s.SessionByToken(ctx, tok2); err == nil {
			t.Fatal("session alive after a month")
		}
		tok3, _ := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		n, err := s.PurgeExpired(ctx)
		// 2 expired sessions + the 2 attempts older than 30 days (the first login's and tok2's).
		if err != nil || n != 4 {
			t.Fatalf("purge: %d %v", n, err)
		}
		var sessions, attempts int64
		db.Model(&identity.Session{}).Count(&sessions)
		db.Raw("SELECT COUNT(*) FROM login_attempts").Scan(&attempts)
		if sessions != 1 || attempts != 1 {
			t.Fatalf("after purge: %d sessions, %d attempts", sessions, attempts)
		}
		if _, _, err := s.SessionByToken(ctx, tok3); err != nil {
			t.Fatalf("live session purged: %v", err)
		}
	})
}

func TestLogoutAndBadTokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		s := identity.NewService(db, testOptions(newClock()))
		mustUser(t, s, a, "alice@example.org")
		tok, sess := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		other, _ := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		for _, bad := range []string{"", "x", sess.ID, strings.Repeat("A", 43), tok + "A", sess.CSRFToken} {
			_, _, err := s.SessionByToken(ctx, bad)
			wantErr(t, err, identity.ErrNotFound)
		}
		if err := s.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.SessionByToken(ctx, tok)
		wantErr(t, err, identity.ErrNotFound)
		if _, _, err := s.SessionByToken(ctx, other); err != nil {
			t.Fatalf("logout ended another session: %v", err)
		}
		if err := s.Logout(ctx, tok); err != nil {
			t.Fatalf("second logout: %v", err)
		}
	})
}

func TestDisabledUserSessionStopsWorking(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newTenant(t, db, "a")
		c := newClock()
		s := identity.NewService(db, testOptions(c))
		u := mustUser(t, s, a, "alice@example.org")
		tok, _ := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		// Disabled behind the service's back: the session is refused all the same.
		if err := db.Exec("UPDATE users SET disabled_at = ? WHERE id = ?", c.Now(), u.ID).Error; err != nil {
			t.Fatal(err)
		}
		_, _, err := s.SessionByToken(ctx, tok)
		wantErr(t, err, identity.ErrNotFound)
		wantErr(t, err, identity.ErrDisabled)
	})
}

func TestChangePassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
		s := identity.NewService(db, testOptions(newClock()))
		u := mustUser(t, s, a, "alice@example.org")
		bob := mustUser(t, s, a, "bob@example.org")
		current, _ := mustLogin(t, s, a, "alice@example.org", pw, ip1)
		other, _ := mustLogin(t, s, a, "alice@example.org", pw, ip2)
		bobs, _ := mustLogin(t, s, a, "bob@example.org", pw, ip2)
		const newPW = "a much better passphrase"

		wantErr(t, s.ChangePassword(ctx, a, u.ID, "wrong password", newPW, current), identity.ErrBadCredentials)
		wantValidation(t, s.ChangePassword(ctx, a, u.ID, pw, "short", current), "password")
		wantValidation(t, s.ChangePassword(ctx, a, u.ID, pw, "ALICE@example.org", current), "password")
		wantErr(t, s.ChangePassword(ctx, b, u.ID, pw, newPW, current), identity.ErrNotFound)
		for _, tok := range []string{current, other} {
			if _, _, err := s.SessionByToken(ctx, tok); err != nil {
				t.Fatalf("a refused change ended a session: %v", err)
			}
		}

		if err := s.ChangePassword(ctx, a, u.ID, pw, newPW, current); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionByToken(ctx, current); err != nil {
			t.Fatalf("current session ended: %v", err)
		}
		_, _, err := s.SessionByToken(ctx, other)
		wantErr(t, err, identity.ErrNotFound)
		if _, bu, err := s.SessionByToken(ctx, bobs); err != nil || bu.ID != bob.ID {
			t.Fatalf("another user's session ended: %v", err)
		}
		_, _, _, err = s.Login(ctx, a, "alice@example.org", pw, ip1, agent)
		wantErr(t, err, identity.ErrBadCredentials)
		mustLogin(t, s, a, "alice@example.org", newPW, ip1)

		// Without a token to keep, every session ends.
		if err := s.ChangePassword(ctx, a, u.ID, newPW, pw, ""); err != nil {
			t.Fatal(err)
		}
		var n int64
		db.Model(&identity.Session{}).Where("user_id = ?", u.ID).Count(&n)
		if n != 0 {
			t.Fatalf("%d sessions left", n)
		}
	})
}
