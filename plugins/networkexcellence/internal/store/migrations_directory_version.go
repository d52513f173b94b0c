package store

import (
	"fmt"

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
