package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema version 11: archived org units (a school that leaves). org_units
// gains archived_at: a unit archived is kept with its history but left out
// of lists, pickers and new work until it is unarchived (NULL: not archived).
type v11Unit struct {
	ArchivedAt *time.Time
}

func (v11Unit) TableName() string { return "org_units" }

func v11Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().AddColumn(&v11Unit{}, "ArchivedAt"); err != nil {
		return fmt.Errorf("add org_units.archived_at: %w", err)
	}
	return nil
}

func v11Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropColumn(&v11Unit{}, "ArchivedAt"); err != nil {
		return fmt.Errorf("drop org_units.archived_at: %w", err)
	}
	return nil
}
