package storage_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// RefreshStatistics gives SQLite's planner the statistics of tables filled
// since the last refresh (SQLite never gathers them itself), and on
// PostgreSQL does nothing and fails nothing.
func TestRefreshStatistics(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		db := storagetest.Open(t, storage.SQLite)
		if err := db.RefreshStatistics(ctx); err != nil { // the migrated, empty tables
			t.Fatal(err)
		}
		g := db.Core(ctx)
		if err := g.Exec(`CREATE TABLE visits (id INTEGER PRIMARY KEY, school_id INTEGER NOT NULL)`).Error; err != nil {
			t.Fatal(err)
		}
		if err := g.Exec(`CREATE INDEX ix_visits_school ON visits (school_id)`).Error; err != nil {
			t.Fatal(err)
		}
		if err := g.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
INSERT INTO visits (school_id) SELECT i % 25 FROM n`).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.RefreshStatistics(ctx); err != nil {
			t.Fatal(err)
		}
		var stat string
		if err := g.Raw(`SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_visits_school'`).Scan(&stat).Error; err != nil {
			t.Fatal(err)
		}
		// "rows rows-per-school": 250 rows, 10 a school.
		if f := strings.Fields(stat); len(f) != 2 || f[0] != "250" || f[1] != strconv.Itoa(10) {
			t.Errorf("statistics of ix_visits_school: %q, want \"250 10\"", stat)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		if err := storagetest.Open(t, storage.Postgres).RefreshStatistics(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
