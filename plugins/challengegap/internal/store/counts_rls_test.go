package store

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"
)

// The counts kept by migration 12's triggers under PostgreSQL's row-level
// security, as the plugin runs in production: as a role of its own that
// neither is superuser nor bypasses row security, each call's connection
// bound to its tenant (the harness is the EAL plugin's, see
// plugins/eal/internal/store/counts_rls_test.go).

// pluginRole makes, on plugintest's PostgreSQL, a role like the core's
// plugin_<id> ones (LOGIN, NOSUPERUSER, NOBYPASSRLS, owner of its schema
// alone), as the SDK's row-security tests do, and returns storage opened
// as that role and, to look past row-level security, as the superuser on
// the same schema. Both are dropped when the test ends. PostgreSQL being
// unreachable fails the test, as plugintest.NewStorage does.
func pluginRole(t *testing.T) (role, admin *gorm.DB) {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "ctg_rls_" + hex.EncodeToString(b[:])
	open := func(user *url.Userinfo) *gorm.DB {
		u, err := url.Parse(plugintest.PostgresURL())
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

// bindTo returns a handle on a connection of its own carrying the settings
// row-level security reads, set as the SDK sets them on the connection of
// every call (sdk's bindTenant): the tenant acted for, or, for migrations,
// every tenant. release clears them and returns the connection.
func bindTo(t *testing.T, db *gorm.DB, tenant uint64, all bool) (bound *gorm.DB, release func()) {
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

// migrateAsPlugin runs migrations as the SDK's Migrate does: each in its
// transaction on a connection acting for every tenant, then
// rowsecurity.Enable, the plugin's AfterMigrate (main.go).
func migrateAsPlugin(t *testing.T, db *gorm.DB, ms []sdk.Migration) {
	t.Helper()
	m, release := bindTo(t, db, 0, true)
	defer release()
	for _, x := range ms {
		if err := m.Transaction(x.Up); err != nil {
			t.Fatalf("migration %d as the plugin's role: %v", x.Version, err)
		}
	}
	if err := m.Transaction(rowsecurity.Enable); err != nil {
		t.Fatalf("row security after migration %d: %v", ms[len(ms)-1].Version, err)
	}
}

// TestHomeCountsUnderRowSecurity: migration 12 counts what two tenants
// recorded before it; the counts tables are guarded like every other; and
// after every kind of write made as tenant A, the counts kept equal a
// plain count of every tenant's rows, the home page's counts equal the Go
// count, and A sees none of tenant B's counts.
func TestHomeCountsUnderRowSecurity(t *testing.T) {
	role, admin := pluginRole(t)
	migrateAsPlugin(t, role, Migrations[:11])
	dbA, _ := bindTo(t, role, 1, false)
	dbB, _ := bindTo(t, role, 2, false)
	b, by := handMade(t, dbB, 2, "2017-18")
	a, ay := handMade(t, dbA, 1, "2017-18")
	migrateAsPlugin(t, role, Migrations[11:]) // the upgrade

	for _, table := range []string{"cohort_counts", "snapshot_counts"} {
		var guard struct{ Forced, HasPolicy bool }
		if err := admin.Raw(`SELECT c.relforcerowsecurity AS forced,
			EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = ?) AS has_policy
			FROM pg_class c WHERE c.oid = ?::regclass`, rowsecurity.Policy, table).Scan(&guard).Error; err != nil || !guard.Forced || !guard.HasPolicy {
			t.Fatalf("%s: %+v (%v), want row security forced with the policy %s", table, guard, err, rowsecurity.Policy)
		}
	}
	check := func(step string) {
		t.Helper()
		kept, plain := keptAndPlain(t, admin) // past row security: every tenant's rows
		if len(kept) == 0 || !reflect.DeepEqual(kept, plain) {
			t.Fatalf("%s: the counts kept\n%+v\na plain count\n%+v", step, kept, plain)
		}
		checkReads(t, step, a, ay)
		checkReads(t, step+" (tenant B)", b, by)
		var others int64
		if err := dbA.Raw("SELECT (SELECT count(*) FROM cohort_counts WHERE tenant_id <> 1) + (SELECT count(*) FROM snapshot_counts WHERE tenant_id <> 1)").Scan(&others).Error; err != nil || others != 0 {
			t.Fatalf("%s: tenant A sees %d of the other tenant's counts (%v)", step, others, err)
		}
	}
	check("migration 12 counts what was recorded")
	for _, w := range countedWrites {
		w.do(t, a, ay, dbA)
		check(w.name)
	}
	saveRows(t, b, 10, snapshotOf(t, b, by, 10, "October").ID, []row{{pupil: 4, gap: ip(-1), attitude: ip(99)}})
	check("tenant B's values entered")

	// A call acting for no tenant (a health check) sees no count at all.
	none, _ := bindTo(t, role, 0, false)
	var n int64
	if err := none.Raw("SELECT (SELECT count(*) FROM cohort_counts) + (SELECT count(*) FROM snapshot_counts)").Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("a call with no tenant sees %d rows of the counts (%v)", n, err)
	}
}
