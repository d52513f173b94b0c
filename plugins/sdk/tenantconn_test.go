package sdk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"
)

// rlsThing is a tenant-owned row of the row-security tests.
type rlsThing struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;index"`
	Name     string
}

func (rlsThing) TableName() string { return "rls_things" }

// pluginRoleStorage makes a role like the core's plugin_<id> ones (LOGIN,
// not a superuser, owner of its schema alone) and returns storage reaching
// the schema as that role: the superuser the other tests use bypasses
// row-level security.
func pluginRoleStorage(t *testing.T) *pluginv1.Storage {
	t.Helper()
	var b [5]byte
	_, _ = rand.Read(b[:])
	role := "sdk_rls_" + hex.EncodeToString(b[:])
	admin := openTest(t, "postgres") // any superuser handle
	for _, s := range []string{
		"CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'pw" + role + "'",
		"CREATE SCHEMA " + role + " AUTHORIZATION " + role,
	} {
		if err := unscoped(admin).Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_ = unscoped(admin).Exec("DROP SCHEMA IF EXISTS " + role + " CASCADE").Error
		_ = unscoped(admin).Exec("DROP ROLE IF EXISTS " + role).Error
	})
	u, err := url.Parse(plugintest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, "pw"+role)
	q := u.Query()
	q.Set("search_path", role)
	u.RawQuery = q.Encode()
	return &pluginv1.Storage{Driver: "postgres", Dsn: u.String(), Schema: role}
}

// TestRowSecurityUnscopedSeesOnlyTheTenant runs deliberately unscoped
// statements, as a plugin's own role, in a request, a job and a health
// check: each sees and writes only the rows of the tenant it acts for, and
// a call with no tenant sees none.
func TestRowSecurityUnscopedSeesOnlyTheTenant(t *testing.T) {
	seen := map[string][]uint64{}
	readAll := func(ctx context.Context, key string) error {
		var ids []uint64
		if err := Unscoped(ctx).Raw("SELECT tenant_id FROM rls_things ORDER BY tenant_id").Scan(&ids).Error; err != nil {
			return err
		}
		seen[key] = ids
		return nil
	}
	router := NewRouter()
	router.HandleFunc(Endpoint{Method: "GET", Path: "/", Permission: "demo.thing.read", Scope: ScopeAnywhere}, func(w http.ResponseWriter, r *http.Request) {
		if err := readAll(r.Context(), fmt.Sprintf("request %d", TenantID(r.Context()))); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		// Writing another tenant's row is refused by the policy's check.
		err := Unscoped(r.Context()).Exec("INSERT INTO rls_things (tenant_id, name) VALUES (?, 'planted')", TenantID(r.Context())+1).Error
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			http.Error(w, fmt.Sprintf("insert for another tenant: %v", err), 500)
			return
		}
		var n int64
		if err := Unscoped(r.Context()).Exec("UPDATE rls_things SET name = 'changed'").Error; err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_ = Unscoped(r.Context()).Raw("SELECT count(*) FROM rls_things WHERE name = 'changed'").Scan(&n)
		seen[fmt.Sprintf("changed %d", TenantID(r.Context()))] = []uint64{uint64(n)}
		w.WriteHeader(http.StatusNoContent)
	})
	p := &Plugin{
		Manifest: testManifest(),
		Handler:  router,
		Migrations: []Migration{{Version: 1, Name: "create rls_things", Up: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&rlsThing{}); err != nil {
				return err
			}
			return tx.Create(&[]rlsThing{{TenantID: 1, Name: "a"}, {TenantID: 2, Name: "b"}, {TenantID: 2, Name: "c"}}).Error
		}}},
		AfterMigrate: rowsecurity.Enable,
		Jobs:         map[string]JobFunc{"work": func(ctx context.Context, _ []byte) error { return readAll(ctx, fmt.Sprintf("job %d", TenantID(ctx))) }},
		Health:       func(ctx context.Context) error { return readAll(ctx, "health") },
	}
	p.Manifest.StorageSchemaVersion = 1
	host := plugintest.NewTestHost(plugintest.DefaultFixture(), p.Manifest)
	c, conn := hostClient(t, host)
	s := newServer(p, nil)
	s.log = newLogger(io.Discard)
	db, err := openStorage(t.Context(), pluginRoleStorage(t), s.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStorage(db) })
	s.configure(c, conn, db, t.TempDir())
	t.Cleanup(func() { s.configure(nil, nil, nil, "") })

	// Migrations see every tenant: they seeded both, and run again cleanly.
	for range 2 {
		if _, err := s.Migrate(t.Context(), &pluginv1.MigrateRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	var forced bool
	if err := unscoped(db).Raw("SELECT relforcerowsecurity FROM pg_class WHERE oid = 'rls_things'::regclass").Scan(&forced).Error; err != nil || !forced {
		t.Fatalf("rls_things: forced row security %v, %v", forced, err)
	}
	for _, tenant := range []uint64{1, 2} {
		resp, err := s.HandleHTTP(t.Context(), &pluginv1.HandleHTTPRequest{Actor: &pluginv1.Actor{TenantId: tenant, UserId: 100},
			Method: "GET", Path: "/", Route: "/"})
		if err != nil || resp.GetStatus() != http.StatusNoContent {
			t.Fatalf("tenant %d: %v %d %s", tenant, err, resp.GetStatus(), resp.GetBody())
		}
		if _, err := s.RunJob(t.Context(), &pluginv1.RunJobRequest{Job: "work", Actor: &pluginv1.Actor{TenantId: tenant}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CheckHealth(t.Context(), &pluginv1.CheckHealthRequest{}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]uint64{
		"request 1": {1}, "request 2": {2, 2}, "job 1": {1}, "job 2": {2, 2},
		"changed 1": {1}, "changed 2": {2}, "health": nil,
	}
	for k, w := range want {
		if !slices.Equal(seen[k], w) {
			t.Errorf("%s saw tenants %v, want %v", k, seen[k], w)
		}
	}
	// The pool's connections carry no tenant after the calls.
	var n int64
	if err := unscoped(db).Raw("SELECT count(*) FROM rls_things").Scan(&n).Error; err != nil || n != 0 {
		t.Errorf("a connection of the pool outside a call sees %d rows (%v), want 0", n, err)
	}
}
