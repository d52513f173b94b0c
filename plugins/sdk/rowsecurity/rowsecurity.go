// Package rowsecurity turns on PostgreSQL row-level security keyed on the
// tenant for a plugin's tables: the second wall behind the SDK's tenant
// scope (sdk.Tenant). With it, a query that forgets its tenant, or a
// deliberate sdk.Unscoped, still sees and changes only the rows of the
// tenant the request, job or event acts for.
//
// The SDK sets the tenant on the connection of every call (the setting
// upwards.tenant_id, see Setting); a call with no tenant (a health check)
// sees no row of a guarded table. Migrations run with AllTenants set, so
// they may still touch every tenant's rows. SQLite has no row-level
// security: there Enable does nothing and the tenant scope is the only wall.
//
// A plugin turns it on once, in its Plugin:
//
//	sdk.Plugin{..., Migrations: migrations, AfterMigrate: rowsecurity.Enable}
//
// and every table of its schema with a tenant_id column is guarded, the
// ones later migrations add included (Enable runs after every Migrate).
package rowsecurity

import (
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// The settings the policies read. The SDK sets them on the connection of
// every call; nothing else should.
const (
	// Setting holds the tenant id the connection acts for ('' for none).
	Setting = "upwards.tenant_id"
	// AllTenants is "on" while migrations run: every tenant's rows.
	AllTenants = "upwards.all_tenants"
	// Policy is the name of the policy Enable creates on each table.
	Policy = "upwards_tenant"
)

// Predicate is the condition of the policy: the row's tenant is the one
// the connection acts for, or the connection acts for every tenant.
// Each setting is read in a sub-select, which PostgreSQL evaluates once per
// statement, not once per row.
const Predicate = "tenant_id = (SELECT NULLIF(current_setting('" + Setting + "', true), '')::bigint)" +
	" OR (SELECT current_setting('" + AllTenants + "', true) = 'on')"

// sdkTables are the SDK's own tables, which its background delivery reads
// across tenants: they are left unguarded.
var sdkTables = []string{"upwards_audit_outbox"}

// Enable guards every table of the current schema that has a tenant_id
// column: ENABLE and FORCE ROW LEVEL SECURITY (the plugin's role owns its
// tables, and an owner is exempt unless forced) and the policy Predicate
// for reads and writes. It changes only what is missing, so it is cheap to
// run after every migration. On SQLite it does nothing.
func Enable(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	var tables []struct {
		Name      string
		Enabled   bool
		Forced    bool
		HasPolicy bool
	}
	err := tx.Raw(`SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
		EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = ?) AS has_policy
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
		ORDER BY c.relname`, Policy).Scan(&tables).Error
	if err != nil {
		return fmt.Errorf("row security: list the tables with tenant_id: %w", err)
	}
	for _, t := range tables {
		if slices.Contains(sdkTables, t.Name) {
			continue
		}
		name := tx.Statement.Quote(t.Name)
		var stmts []string
		if !t.Enabled {
			stmts = append(stmts, "ALTER TABLE "+name+" ENABLE ROW LEVEL SECURITY")
		}
		if !t.Forced {
			stmts = append(stmts, "ALTER TABLE "+name+" FORCE ROW LEVEL SECURITY")
		}
		if !t.HasPolicy {
			stmts = append(stmts, "CREATE POLICY "+Policy+" ON "+name+" USING ("+Predicate+") WITH CHECK ("+Predicate+")")
		}
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("row security on %s: %w", t.Name, err)
			}
		}
	}
	return nil
}
