package plugintest

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"net/url"
	"strconv"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"
)

// Storage under PostgreSQL's row-level security, as a plugin runs in
// production: as a role of its own that neither is superuser nor bypasses
// row security, each call's connection bound to the tenant it acts for.
// A plugin whose migrations add tables, triggers or functions tests them
// here, where a policy it forgot or a trigger that reads past the tenant
// shows.

// PluginRole makes, on PostgresURL's server, a role like the core's
// plugin_<id> ones (LOGIN, NOSUPERUSER, NOBYPASSRLS, owner of a schema of
// its own alone), named prefix and a random suffix, and returns storage
// opened as that role and, to look past row-level security, as the
// superuser on the same schema. Both are dropped when the test ends.
// PostgreSQL being unreachable fails the test, as NewStorage does.
func PluginRole(t testing.TB, prefix string) (role, admin *gorm.DB) {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	open := func(user *url.Userinfo) *gorm.DB {
		u, err := url.Parse(PostgresURL())
		if err != nil {
			t.Fatal(err)
		}
		if user != nil {
			u.User = user
		}
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		db, err := gorm.Open(postgres.Open(u.String()), &gorm.Config{Logger: logger.Discard, TranslateError: true})
		if err != nil {
			t.Fatalf("PostgreSQL is required for this test (make test starts it): %v", err)
		}
		t.Cleanup(func() {
			if s, err := db.DB(); err == nil {
				_ = s.Close()
			}
		})
		return db
	}
	admin = open(nil)
	if err := admin.Exec("CREATE ROLE " + name + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'pw" + name + "'").Error; err != nil {
		t.Fatalf("PostgreSQL is required for this test (make test starts it): create role: %v", err)
	}
	t.Cleanup(func() { // after the role's connections are closed (cleanups run last first)
		_ = admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE").Error
		_ = admin.Exec("DROP ROLE IF EXISTS " + name).Error
	})
	if err := admin.Exec("CREATE SCHEMA " + name + " AUTHORIZATION " + name).Error; err != nil {
		t.Fatal(err)
	}
	role = open(url.UserPassword(name, "pw"+name))
	var r struct{ Rolsuper, Rolbypassrls bool }
	if err := role.Raw("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").Scan(&r).Error; err != nil || r.Rolsuper || r.Rolbypassrls {
		t.Fatalf("the plugin's role: %+v, %v; want neither superuser nor bypassing row security", r, err)
	}
	return role, admin
}

// BindTenant returns a handle on a connection of its own carrying the
// settings row-level security reads, as the SDK sets them on the
// connection of every call: the tenant acted for (0: none), or, with all,
// every tenant (as for migrations). release clears them and returns the
// connection; it also runs when the test ends.
func BindTenant(t testing.TB, db *gorm.DB, tenant uint64, all bool) (bound *gorm.DB, release func()) {
	t.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tid, every := "", ""
	if tenant != 0 {
		tid = strconv.FormatUint(tenant, 10)
	}
	if all {
		every = "on"
	}
	const set = "SELECT set_config('" + rowsecurity.Setting + "', $1, false), set_config('" + rowsecurity.AllTenants + "', $2, false)"
	if _, err := conn.ExecContext(ctx, set, tid, every); err != nil {
		t.Fatal(err)
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		if _, err := conn.ExecContext(ctx, set, "", ""); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}
	t.Cleanup(release)
	g := db.Session(&gorm.Session{NewDB: true, Context: ctx})
	g.Statement.ConnPool = conn
	return g, release
}

// MigrateAsPlugin runs migration steps (each a sdk.Migration's Up) as the
// SDK's Migrate does: each in its transaction on a connection acting for
// every tenant, then rowsecurity.Enable, a plugin's AfterMigrate.
func MigrateAsPlugin(t testing.TB, db *gorm.DB, steps ...func(tx *gorm.DB) error) {
	t.Helper()
	m, release := BindTenant(t, db, 0, true)
	defer release()
	for i, up := range steps {
		if err := m.Transaction(up); err != nil {
			t.Fatalf("migration step %d of %d as the plugin's role: %v", i+1, len(steps), err)
		}
	}
	if err := m.Transaction(rowsecurity.Enable); err != nil {
		t.Fatalf("row security after the migrations: %v", err)
	}
}
