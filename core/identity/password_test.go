package identity_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity"
)

func TestDefaults(t *testing.T) {
	o := identity.DefaultOptions()
	if o.SessionTTL != 12*time.Hour || o.LoginLimit != 5 || o.LoginWindow != 15*time.Minute || o.Now == nil ||
		o.Argon != (identity.Params{Memory: 64 * 1024, Time: 2, Threads: 2}) {
		t.Fatalf("default options %+v", o)
	}
}

func TestHashPasswordDefaultParams(t *testing.T) {
	h, err := identity.HashPassword(pw, identity.DefaultOptions().Argon)
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("not an argon2id PHC string: %s", h)
	}
	if ok, err := identity.VerifyPassword(h, pw); err != nil || !ok {
		t.Fatalf("verify right password: %v %v", ok, err)
	}
	if ok, err := identity.VerifyPassword(h, pw+"x"); err != nil || ok {
		t.Fatalf("verify wrong password: %v %v", ok, err)
	}
}

func TestVerifyPasswordReadsStoredParams(t *testing.T) {
	a, err := identity.HashPassword(pw, cheap)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := identity.HashPassword(pw, identity.Params{Memory: 2048, Time: 2, Threads: 2})
	if !strings.Contains(a, "$m=1024,t=1,p=1$") || !strings.Contains(b, "$m=2048,t=2,p=2$") {
		t.Fatalf("params not recorded: %s / %s", a, b)
	}
	for _, h := range []string{a, b} {
		if ok, err := identity.VerifyPassword(h, pw); err != nil || !ok {
			t.Fatalf("verify %s: %v %v", h, ok, err)
		}
	}
	if c, _ := identity.HashPassword(pw, cheap); c == a {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	// Same salt and hash with other costs must not verify.
	if ok, _ := identity.VerifyPassword(strings.Replace(a, "t=1", "t=2", 1), pw); ok {
		t.Fatal("verification ignored the stored costs")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		strings.Replace(a, "v=19", "v=16", 1), strings.Replace(a, "m=1024", "m=99999999", 1),
		strings.Replace(a, "p=1", "p=0", 1), a[:len(a)-30]} {
		if ok, err := identity.VerifyPassword(bad, pw); err == nil || ok {
			t.Fatalf("malformed %q: ok=%v err=%v", bad, ok, err)
		}
	}
	if _, err := identity.HashPassword(pw, identity.Params{}); err == nil {
		t.Fatal("zero params accepted")
	}
}
