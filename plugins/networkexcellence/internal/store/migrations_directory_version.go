package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// versionIndexes let DirectoryVersion count and find the latest change of
// each table it reads from a narrow index of the tenant's rows, not from
// the rows themselves (profiles and AoEs carry long texts).
var versionIndexes = []struct{ name, table, cols string }{
	{"ix_members_version", "members", "tenant_id, year_id, updated_at"},
	{"ix_hubs_version", "hubs", "tenant_id, updated_at"},
	{"ix_profiles_version", "profiles", "tenant_id, updated_at"},
	{"ix_aoes_version", "aoes", "tenant_id, updated_at"},
	{"ix_days_version", "days", "tenant_id, date, updated_at"},
}

func migrate52(tx *gorm.DB) error {
	for _, ix := range versionIndexes {
		if err := tx.Exec("CREATE INDEX " + ix.name + " ON " + ix.table + " (" + ix.cols + ")").Error; err != nil {
			return fmt.Errorf("create index %s on %s: %w", ix.name, ix.table, err)
		}
	}
	return nil
}

// versionTables are the tables the Directory is built from; a trigger on
// each counts every row written or deleted in directory_changes (one row
// a tenant), so DirectoryVersion reads one row instead of counting eight
// tables on every page.
var versionTables = []string{"years", "members", "hubs", "profiles", "aoes", "aoe_terms", "terms", "days"}

const directoryChanged = `INSERT INTO directory_changes (tenant_id, n) VALUES (%s.tenant_id, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET n = directory_changes.n + 1`

func migrate53(tx *gorm.DB) error {
	if err := tx.Exec("CREATE TABLE directory_changes (tenant_id BIGINT NOT NULL PRIMARY KEY, n BIGINT NOT NULL)").Error; err != nil {
		return fmt.Errorf("create directory_changes: %w", err)
	}
	if tx.Dialector.Name() == "postgres" {
		if err := tx.Exec(`CREATE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		` + fmt.Sprintf(directoryChanged, "OLD") + `;
	ELSE
		` + fmt.Sprintf(directoryChanged, "NEW") + `;
	END IF;
	RETURN NULL;
END $$`).Error; err != nil {
			return fmt.Errorf("create directory_changed: %w", err)
		}
		for _, t := range versionTables {
			if err := tx.Exec("CREATE TRIGGER tr_" + t + "_directory AFTER INSERT OR UPDATE OR DELETE ON " + t +
				" FOR EACH ROW EXECUTE FUNCTION directory_changed()").Error; err != nil {
				return fmt.Errorf("create the trigger on %s: %w", t, err)
			}
		}
		return nil
	}
	for _, t := range versionTables {
		for op, row := range map[string]string{"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"} {
			if err := tx.Exec("CREATE TRIGGER tr_" + t + "_directory_" + strings.ToLower(op) + " AFTER " + op + " ON " + t +
				" BEGIN " + fmt.Sprintf(directoryChanged, row) + "; END").Error; err != nil {
				return fmt.Errorf("create the %s trigger on %s: %w", op, t, err)
			}
		}
	}
	return nil
}
