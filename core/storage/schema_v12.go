package storage

import (
	"fmt"

	"gorm.io/gorm"
)

// Schema version 12: row-level security keyed on the tenant, PostgreSQL
// only (see rowsecurity.go). It creates the cluster-wide NOLOGIN role
// TenantRole if missing (two installs of one cluster share it; it holds
// rights only where granted), makes the migrating role a member of it so it
// can SET ROLE to it, and guards every tenant_id table.
func v12Up(tx *gorm.DB, d Dialect) error {
	if d != Postgres {
		return nil
	}
	stmts := []string{
		// Two databases migrating at once may both try to create the role.
		`DO $$ BEGIN
  CREATE ROLE ` + TenantRole + ` NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`,
		`DO $$ BEGIN
  GRANT ` + TenantRole + ` TO CURRENT_USER;
EXCEPTION WHEN unique_violation THEN NULL;
END $$`,
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("role %s: %w", TenantRole, err)
		}
	}
	return GuardTenantTables(tx, d)
}

func v12Down(tx *gorm.DB, d Dialect) error {
	if d != Postgres {
		return nil
	}
	var tables []string
	if err := tx.Raw(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relrowsecurity`).Scan(&tables).Error; err != nil {
		return fmt.Errorf("row security: list the guarded tables: %w", err)
	}
	for _, t := range tables {
		name := tx.Statement.Quote(t)
		for _, s := range []string{
			"DROP POLICY IF EXISTS " + tenantPolicy + " ON " + name,
			"DROP POLICY IF EXISTS " + corePolicy + " ON " + name,
			"ALTER TABLE " + name + " NO FORCE ROW LEVEL SECURITY",
			"ALTER TABLE " + name + " DISABLE ROW LEVEL SECURITY",
		} {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("row security off %s: %w", t, err)
			}
		}
	}
	for _, s := range []string{
		"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + TenantRole,
		"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM " + TenantRole,
		"REVOKE ALL ON SCHEMA public FROM " + TenantRole,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("revoke from %s: %w", TenantRole, err)
		}
	}
	return nil
}
