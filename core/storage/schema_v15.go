package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema version 15: archived org units (a school that leaves). org_units
// gains archived_at: a unit archived is kept with its history but left out
// of lists, pickers and new work until it is unarchived (NULL: not archived).
type v15Unit struct {
	ArchivedAt *time.Time
}

func (v15Unit) TableName() string { return "org_units" }

func v15Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().AddColumn(&v15Unit{}, "ArchivedAt"); err != nil {
		return fmt.Errorf("add org_units.archived_at: %w", err)
	}
	return nil
}

func v15Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropColumn(&v15Unit{}, "ArchivedAt"); err != nil {
		return fmt.Errorf("drop org_units.archived_at: %w", err)
	}
	return nil
}
