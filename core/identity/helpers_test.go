package identity_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
)

const (
	pw    = "correct horse battery"
	ip1   = "192.0.2.1"
	ip2   = "192.0.2.2"
	agent = "test-agent/1.0"
)

// clock is a fake, settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cheap are argon2id costs that keep tests fast.
var cheap = identity.Params{Memory: 1024, Time: 1, Threads: 1}

func testOptions(c *clock) identity.Options {
	return identity.Options{SessionTTL: time.Hour, LoginLimit: 3, IPLoginLimit: 3, LoginWindow: 15 * time.Minute, Now: c.Now, Argon: cheap}
}

// newTenant inserts a tenant row directly (the tenancy package is separate).
func newTenant(t *testing.T, db *storage.DB, slug string) uint {
	t.Helper()
	if err := db.Exec("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", slug, slug).Error; err != nil {
		t.Fatal(err)
	}
	var id uint
	if err := db.Raw("SELECT id FROM tenants WHERE slug = ?", slug).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("tenant %s: id %d, %v", slug, id, err)
	}
	return id
}

func mustUser(t *testing.T, s *identity.Service, tenant uint, email string) identity.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), tenant, email, "User "+email, pw, false)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func mustLogin(t *testing.T, s *identity.Service, tenant uint, email, password, ip string) (string, identity.Session) {
	t.Helper()
	tok, sess, _, err := s.Login(context.Background(), tenant, email, password, ip, agent)
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return tok, sess
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want %v", err, target)
	}
}

func wantValidation(t *testing.T, err error, field string) {
	t.Helper()
	var ve *identity.ValidationError
	if !errors.As(err, &ve) || ve.Field != field {
		t.Fatalf("got %v, want a validation error on %q", err, field)
	}
}
