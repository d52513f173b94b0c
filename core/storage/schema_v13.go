package storage

import (
	"fmt"

	"gorm.io/gorm"
)

// Schema version 13: least privilege, PostgreSQL only. PostgreSQL grants
// every role (PUBLIC) CONNECT and TEMPORARY on a database, USAGE on schema
// public and EXECUTE on every new function; a plugin's role needs none of
// it. So the core takes them from PUBLIC and grants them back to the roles
// that need them: the core's own role (the one migrating), TenantRole
// (USAGE on public, see v11) and each plugin's role (CONNECT on this
// database alone, granted when its schema is provisioned, core/pluginhost).
//
// Taking CONNECT and TEMPORARY from PUBLIC needs the database's owner (or a
// superuser), and is skipped, with the rest done, when the core's role is
// not it, and on the maintenance database "postgres", which other clients
// of the cluster use. docs/operations.md says what an operator does then.
func v13Up(tx *gorm.DB, d Dialect) error {
	if d != Postgres {
		return nil
	}
	stmts := []string{
		"REVOKE ALL ON SCHEMA public FROM PUBLIC",
		"GRANT USAGE, CREATE ON SCHEMA public TO CURRENT_USER",
		"GRANT USAGE ON SCHEMA public TO " + TenantRole,
		"REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC",
		"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO CURRENT_USER",
		"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
	}
	var db struct {
		Name  string
		Owner bool
	}
	if err := tx.Raw(`SELECT datname AS name, pg_has_role(current_user, datdba, 'MEMBER') AS owner
		FROM pg_database WHERE datname = current_database()`).Scan(&db).Error; err != nil {
		return fmt.Errorf("least privilege: look up the database: %w", err)
	}
	if db.Owner && db.Name != "postgres" {
		name := tx.Statement.Quote(db.Name)
		stmts = append(stmts,
			"REVOKE CONNECT, TEMPORARY ON DATABASE "+name+" FROM PUBLIC",
			"GRANT CONNECT, TEMPORARY ON DATABASE "+name+" TO CURRENT_USER",
			// Tenant work stages a pupil import in a temporary table.
			"GRANT TEMPORARY ON DATABASE "+name+" TO "+TenantRole,
		)
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("least privilege: %s: %w", s, err)
		}
	}
	return nil
}

func v13Down(tx *gorm.DB, d Dialect) error {
	if d != Postgres {
		return nil
	}
	var name string
	if err := tx.Raw("SELECT current_database()").Scan(&name).Error; err != nil {
		return fmt.Errorf("least privilege: look up the database: %w", err)
	}
	for _, s := range []string{
		"GRANT USAGE ON SCHEMA public TO PUBLIC",
		"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC",
		"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO PUBLIC",
		"GRANT CONNECT, TEMPORARY ON DATABASE " + tx.Statement.Quote(name) + " TO PUBLIC",
		"REVOKE TEMPORARY ON DATABASE " + tx.Statement.Quote(name) + " FROM " + TenantRole,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("least privilege back: %s: %w", s, err)
		}
	}
	return nil
}
