package store

import (
	"fmt"

	"gorm.io/gorm"
)

// countIndexes let SchoolCounts count a school's pupils, their
// objections and their scores from narrow indexes that hold every column
// the counts read (the tenant included), never from the rows themselves.
var countIndexes = []struct{ name, table, cols string }{
	{"ix_trial_pupils_counts", "trial_pupils", "tenant_id, trial_school_id, objected_on"},
	{"ix_pupil_points_counts", "pupil_points", "trial_pupil_id, tenant_id, point, score"},
}

func migrate2(tx *gorm.DB) error {
	for _, ix := range countIndexes {
		if err := tx.Exec("CREATE INDEX " + ix.name + " ON " + ix.table + " (" + ix.cols + ")").Error; err != nil {
			return fmt.Errorf("create index %s on %s: %w", ix.name, ix.table, err)
		}
	}
	return nil
}
