package contract_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

// A seal verifies for exactly the claims and key it was made with, and
// says when it was issued; any other plugin, tenant, user, email, request,
// key or an edited seal is refused.
func TestAuditSealVerifiesOnlyItsOwnClaims(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	claims := contract.AuditClaims{PluginID: "hello", TenantID: 1, UserID: 101, UserEmail: "hari.head@test.example", RequestID: "req-1"}
	issued := time.Date(2025, 9, 28, 10, 0, 0, 0, time.UTC)
	seal := contract.SealAudit(key, claims, issued)
	if !strings.HasPrefix(seal, "v1.") || strings.Contains(seal, claims.UserEmail) {
		t.Fatalf("seal %q: want v1.… without the claims in it", seal)
	}
	got, err := contract.VerifyAuditSeal(key, seal, claims)
	if err != nil || !got.Equal(issued) {
		t.Fatalf("verify = %v, %v; want %v", got, err, issued)
	}
	others := map[string]func(c *contract.AuditClaims){
		"plugin":  func(c *contract.AuditClaims) { c.PluginID = "other" },
		"tenant":  func(c *contract.AuditClaims) { c.TenantID = 2 },
		"user":    func(c *contract.AuditClaims) { c.UserID = 0 },
		"email":   func(c *contract.AuditClaims) { c.UserEmail = "ada.admin@test.example" },
		"request": func(c *contract.AuditClaims) { c.RequestID = "req-2" },
		// Length prefixes: moving a character between fields changes the seal.
		"boundary": func(c *contract.AuditClaims) { c.UserEmail, c.RequestID = c.UserEmail+"r", "eq-1" },
	}
	for name, change := range others {
		c := claims
		change(&c)
		if _, err := contract.VerifyAuditSeal(key, seal, c); !errors.Is(err, contract.ErrAuditSeal) {
			t.Errorf("%s changed: %v, want ErrAuditSeal", name, err)
		}
	}
	parts := strings.Split(seal, ".")
	bad := map[string]string{
		"other key":     contract.SealAudit([]byte("another key of thirty-two bytes!"), claims, issued),
		"later issue":   parts[0] + ".1759054000." + parts[2],
		"no mac":        parts[0] + "." + parts[1] + ".",
		"other version": "v2." + parts[1] + "." + parts[2],
		"empty":         "",
		"garbage":       "v1.x.y",
	}
	for name, s := range bad {
		if _, err := contract.VerifyAuditSeal(key, s, claims); !errors.Is(err, contract.ErrAuditSeal) {
			t.Errorf("%s: %v, want ErrAuditSeal", name, err)
		}
	}
	if _, err := contract.VerifyAuditSeal(nil, seal, claims); !errors.Is(err, contract.ErrAuditSeal) {
		t.Errorf("no key: %v", err)
	}
}
