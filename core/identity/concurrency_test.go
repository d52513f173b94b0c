package identity_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// One reset link used twice at once sets the password once; one TOTP code
// sent on two sessions at once completes one login.
func TestOneTimeSecretsUnderConcurrency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := newClock()
		s := identity.NewService(db, totpOptions(t, c))
		a := newTenant(t, db, "a")
		u := mustUser(t, s, a, "alice@example.org")
		token, _, err := s.IssueResetToken(ctx, a, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for _, p := range []string{"violet kettle orbit lantern", "amber meadow copper whistle"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.ResetPassword(ctx, token, p); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("a reset link worked %d times at once", ok)
		}

		v := mustUser(t, s, a, "bob@example.org")
		secret, _ := enrol(t, s, c, a, v.ID)
		c.Advance(30 * time.Second)
		t1, _ := mustLogin(t, s, a, v.Email, pw, ip1)
		t2, _ := mustLogin(t, s, a, v.Email, pw, ip1)
		code := code(t, secret, c.Now())
		ok = 0
		for _, tok := range []string{t1, t2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := s.VerifySecondFactor(ctx, tok, code); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("one TOTP code completed %d logins", ok)
		}
	})
}
