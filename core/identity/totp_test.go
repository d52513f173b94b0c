package identity_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func totpOptions(t *testing.T, c *clock) identity.Options {
	t.Helper()
	key, err := sealed.ParseKey(sealed.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	box, err := sealed.New(key)
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions(c)
	o.Sealer = box
	return o
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol sets up TOTP for u and returns its secret and recovery codes.
func enrol(t *testing.T, s *identity.Service, c *clock, tenant, userID uint) (string, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := s.BeginTOTP(ctx, tenant, userID)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := s.ConfirmTOTP(ctx, tenant, userID, code(t, e.Secret, c.Now()), "")
	if err != nil {
		t.Fatal(err)
	}
	return e.Secret, codes
}

// Enrolment: the secret is stored sealed, a wrong code does not confirm it,
// a right one does and yields ten recovery codes.
func TestTOTPEnrolment(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := newClock()
		s := identity.NewService(db, totpOptions(t, c))
		a := newTenant(t, db, "a")
		u := mustUser(t, s, a, "alice@example.org")
		e, err := s.BeginTOTP(ctx, a, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Secret) < 16 || !bytes.HasPrefix(e.PNG, []byte("\x89PNG")) || e.URL == "" {
			t.Fatalf("enrolment %+v", e.URL)
		}
		var stored []byte
		db.Raw("SELECT secret FROM user_totp WHERE user_id = ?", u.ID).Scan(&stored)
		if len(stored) == 0 || bytes.Contains(stored, []byte(e.Secret)) {
			t.Fatal("the TOTP secret is stored in clear")
		}
		if _, err := s.ConfirmTOTP(ctx, a, u.ID, "000000", ""); err == nil {
			t.Fatal("a wrong code confirmed the enrolment")
		}
		if on, _ := s.HasSecondFactor(ctx, a, u.ID); on {
			t.Fatal("second factor on before confirmation")
		}
		codes, err := s.ConfirmTOTP(ctx, a, u.ID, code(t, e.Secret, c.Now()), "")
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %d codes, %v", len(codes), err)
		}
		if on, _ := s.HasSecondFactor(ctx, a, u.ID); !on {
			t.Fatal("second factor not on after confirmation")
		}
		if _, err := s.BeginTOTP(ctx, a, u.ID); err == nil {
			t.Fatal("a second enrolment replaced a confirmed one")
		}
		var actions []string
		db.Raw("SELECT action FROM audit_events WHERE entity_id = ? AND action LIKE 'user.second_factor%' ORDER BY id", fmt.Sprint(u.ID)).Scan(&actions)
		if strings.Join(actions, ",") != "user.second_factor_begin,user.second_factor_on" {
			t.Fatalf("audited %v", actions)
		}
	})
}

// Login with TOTP: the session waits for the code; a wrong code fails, the
// right one completes it, the same code again is refused (replay), a
// recovery code works once, and five wrong codes lock attempts.
func TestTOTPLogin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := newClock()
		s := identity.NewService(db, totpOptions(t, c))
		a := newTenant(t, db, "a")
		u := mustUser(t, s, a, "alice@example.org")
		secret, recovery := enrol(t, s, c, a, u.ID)
		c.Advance(30 * time.Second)

		tok, sess := mustLogin(t, s, a, u.Email, pw, ip1)
		if sess.Pending != identity.PendingSecondFactor {
			t.Fatalf("session pending %q", sess.Pending)
		}
		if got, _, err := s.SessionByToken(ctx, tok); err != nil || got.Pending != identity.PendingSecondFactor {
			t.Fatalf("looked-up session %+v, %v", got, err)
		}
		_, _, err := s.VerifySecondFactor(ctx, tok, "123456")
		wantErr(t, err, identity.ErrSecondFactor)
		now := code(t, secret, c.Now())
		got, gu, err := s.VerifySecondFactor(ctx, tok, now)
		if err != nil || got.Pending != "" || gu.ID != u.ID {
			t.Fatalf("verify: %+v %v", got, err)
		}
		if got, _, _ := s.SessionByToken(ctx, tok); got.Pending != "" {
			t.Fatal("session still pending after the code")
		}
		// Replay: the same code on a new login within its window.
		tok2, _ := mustLogin(t, s, a, u.Email, pw, ip1)
		_, _, err = s.VerifySecondFactor(ctx, tok2, now)
		wantErr(t, err, identity.ErrSecondFactor)
		// A recovery code works, once.
		if _, _, err := s.VerifySecondFactor(ctx, tok2, recovery[0]); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		tok3, _ := mustLogin(t, s, a, u.Email, pw, ip1)
		_, _, err = s.VerifySecondFactor(ctx, tok3, recovery[0])
		wantErr(t, err, identity.ErrSecondFactor)
		// Rate limit: LoginLimit (3 in tests) failures, then even the right code is refused.
		for range 2 {
			_, _, err = s.VerifySecondFactor(ctx, tok3, "000000")
			wantErr(t, err, identity.ErrSecondFactor)
		}
		c.Advance(30 * time.Second)
		_, _, err = s.VerifySecondFactor(ctx, tok3, code(t, secret, c.Now()))
		wantErr(t, err, identity.ErrRateLimited)
		c.Advance(16 * time.Minute)
		if _, _, err := s.VerifySecondFactor(ctx, tok3, code(t, secret, c.Now())); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// A tenant that requires a second factor makes its operators (and, through
// IsAdministrator, its administrators) enrol at their next login; others
// are not asked, and a required user cannot turn it off.
func TestTenantRequiresSecondFactor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := newClock()
		o := totpOptions(t, c)
		var adminID uint
		o.IsAdministrator = func(_ context.Context, _, userID uint) (bool, error) { return userID == adminID, nil }
		s := identity.NewService(db, o)
		a := newTenant(t, db, "a")
		op, err := s.CreateUser(ctx, a, "op@example.org", "Op", pw, true)
		if err != nil {
			t.Fatal(err)
		}
		admin := mustUser(t, s, a, "admin@example.org")
		adminID = admin.ID
		staff := mustUser(t, s, a, "staff@example.org")
		if _, sess := mustLogin(t, s, a, op.Email, pw, ip1); sess.Pending != "" {
			t.Fatalf("not required yet, pending %q", sess.Pending)
		}
		if err := s.SetRequireSecondFactor(ctx, a, true); err != nil {
			t.Fatal(err)
		}
		for _, u := range []identity.User{op, admin} {
			tok, sess := mustLogin(t, s, a, u.Email, pw, ip1)
			if sess.Pending != identity.PendingEnrol {
				t.Fatalf("%s: pending %q, want enrol", u.Email, sess.Pending)
			}
			e, err := s.BeginTOTP(ctx, a, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.ConfirmTOTP(ctx, a, u.ID, code(t, e.Secret, c.Now()), tok); err != nil {
				t.Fatal(err)
			}
			if got, _, _ := s.SessionByToken(ctx, tok); got.Pending != "" {
				t.Fatalf("%s: still pending %q after enrolling", u.Email, got.Pending)
			}
			err = s.DisableTOTP(ctx, a, u.ID, pw)
			wantValidation(t, err, "second_factor")
		}
		if _, sess := mustLogin(t, s, a, staff.Email, pw, ip1); sess.Pending != "" {
			t.Fatalf("staff asked for %q", sess.Pending)
		}
		var n int64
		db.Raw("SELECT count(*) FROM audit_events WHERE action = 'tenant.require_second_factor'").Scan(&n)
		if n != 1 {
			t.Fatalf("%d audit events of the setting", n)
		}
	})
}
