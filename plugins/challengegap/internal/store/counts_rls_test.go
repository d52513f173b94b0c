package store

import (
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"
)

// The counts kept by migration 12's triggers under PostgreSQL's row-level
// security, as the plugin runs in production: as a role of its own that
// neither is superuser nor bypasses row security, each call's connection
// bound to its tenant (plugintest.PluginRole, BindTenant, MigrateAsPlugin).

// migrateAsPlugin runs migrations ms as the SDK's Migrate does, as the
// plugin's role (plugintest.MigrateAsPlugin).
func migrateAsPlugin(t *testing.T, db *gorm.DB, ms []sdk.Migration) {
	t.Helper()
	steps := make([]func(*gorm.DB) error, len(ms))
	for i, m := range ms {
		steps[i] = m.Up
	}
	plugintest.MigrateAsPlugin(t, db, steps...)
}

// TestHomeCountsUnderRowSecurity: migration 12 counts what two tenants
// recorded before it; the counts tables are guarded like every other; and
// after every kind of write made as tenant A, the counts kept equal a
// plain count of every tenant's rows, the home page's counts equal the Go
// count, and A sees none of tenant B's counts.
func TestHomeCountsUnderRowSecurity(t *testing.T) {
	role, admin := plugintest.PluginRole(t, "ctg_rls_")
	migrateAsPlugin(t, role, Migrations[:11])
	dbA, _ := plugintest.BindTenant(t, role, 1, false)
	dbB, _ := plugintest.BindTenant(t, role, 2, false)
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
	none, _ := plugintest.BindTenant(t, role, 0, false)
	var n int64
	if err := none.Raw("SELECT (SELECT count(*) FROM cohort_counts) + (SELECT count(*) FROM snapshot_counts)").Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("a call with no tenant sees %d rows of the counts (%v)", n, err)
	}
}
