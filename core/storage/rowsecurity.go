package storage

import (
	"fmt"
	"strconv"

	"gorm.io/gorm"
)

// Row-level security, PostgreSQL only (SQLite has none; there the queries'
// own tenant filters are the only wall).
//
// Every core table with a tenant_id column has ROW LEVEL SECURITY enabled
// and forced, and two policies:
//
//   - upwards_tenant, for every role: the row's tenant is the one the
//     transaction acts for (the setting TenantSetting, set by ActAs);
//     with none set, no row.
//   - upwards_core, for the role that ran the migrations (the core's own
//     role: migrations, operators' commands, cross-tenant jobs): every row.
//     That is the explicit escape; it names one role, and nothing that
//     acts for a tenant runs as it once it calls ActAs.
//
// Work done for one tenant calls ActAs inside its transaction: the
// transaction then runs as TenantRole, which does not own the tables, has
// no BYPASSRLS and holds only SELECT, INSERT, UPDATE and DELETE on them, with
// the tenant set, so a statement that forgets its tenant filter still sees
// and writes only that tenant's rows.
const (
	// TenantRole is the NOLOGIN role tenant-scoped transactions run as.
	TenantRole = "upwards_tenant"
	// TenantSetting is the setting the policies read.
	TenantSetting = "upwards.tenant_id"
	tenantPolicy  = "upwards_tenant"
	corePolicy    = "upwards_core"
	// tenantPredicate is the upwards_tenant policy's condition.
	tenantPredicate = "tenant_id = NULLIF(current_setting('" + TenantSetting + "', true), '')::bigint"
)

// ActAs makes the rest of transaction tx act for tenantID on PostgreSQL: it
// runs as TenantRole (SET LOCAL ROLE) with TenantSetting set to the tenant
// (set_config local to the transaction), so row-level security shows and
// accepts only that tenant's rows. Both end with the transaction. On SQLite
// it does nothing. Call it first thing in a transaction that acts for one
// tenant.
func ActAs(tx *gorm.DB, d Dialect, tenantID uint) error {
	if d != Postgres {
		return nil
	}
	if tenantID == 0 {
		return fmt.Errorf("act for a tenant: no tenant")
	}
	if err := tx.Exec("SET LOCAL ROLE " + TenantRole).Error; err != nil {
		return fmt.Errorf("act for tenant %d: set role: %w", tenantID, err)
	}
	if err := tx.Exec("SELECT set_config(?, ?, true)", TenantSetting, strconv.FormatUint(uint64(tenantID), 10)).Error; err != nil {
		return fmt.Errorf("act for tenant %d: %w", tenantID, err)
	}
	return nil
}

// GuardTenantTables puts row-level security on every table of schema public
// that has a tenant_id column and lacks it, and grants TenantRole its
// rights on every table and sequence. A migration that adds a tenant-owned
// table calls it; it is idempotent. On SQLite it does nothing.
func GuardTenantTables(tx *gorm.DB, d Dialect) error {
	if d != Postgres {
		return nil
	}
	var tables []struct {
		Name                     string
		Enabled, Forced          bool
		HasTenant, HasCore, Seen bool
	}
	err := tx.Raw(`SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
		EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = ?) AS has_tenant,
		EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = ?) AS has_core
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		ORDER BY c.relname`, tenantPolicy, corePolicy).Scan(&tables).Error
	if err != nil {
		return fmt.Errorf("row security: list the tenant tables: %w", err)
	}
	for _, t := range tables {
		name := tx.Statement.Quote(t.Name)
		var stmts []string
		if !t.HasCore {
			stmts = append(stmts, "CREATE POLICY "+corePolicy+" ON "+name+" TO CURRENT_USER USING (true) WITH CHECK (true)")
		}
		if !t.HasTenant {
			stmts = append(stmts, "CREATE POLICY "+tenantPolicy+" ON "+name+" USING ("+tenantPredicate+") WITH CHECK ("+tenantPredicate+")")
		}
		if !t.Enabled {
			stmts = append(stmts, "ALTER TABLE "+name+" ENABLE ROW LEVEL SECURITY")
		}
		if !t.Forced {
			stmts = append(stmts, "ALTER TABLE "+name+" FORCE ROW LEVEL SECURITY")
		}
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("row security on %s: %w", t.Name, err)
			}
		}
	}
	for _, s := range []string{
		"GRANT USAGE ON SCHEMA public TO " + TenantRole,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + TenantRole,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + TenantRole,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("row security: grant %s: %w", TenantRole, err)
		}
	}
	return nil
}
