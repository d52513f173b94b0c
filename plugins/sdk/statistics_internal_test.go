package sdk

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// rowsInStatistics is the row count SQLite's statistics give index idx
// (the first number of its sqlite_stat1 row); -1 when it has none.
func rowsInStatistics(t *testing.T, db *gorm.DB, idx string) int {
	t.Helper()
	var exists int64
	if err := db.Raw(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&exists).Error; err != nil {
		t.Fatal(err)
	}
	if exists == 0 {
		return -1
	}
	var stats []string
	if err := db.Raw(`SELECT stat FROM sqlite_stat1 WHERE idx = ?`, idx).Scan(&stats).Error; err != nil {
		t.Fatal(err)
	}
	if len(stats) == 0 {
		return -1
	}
	n, err := strconv.Atoi(strings.Fields(stats[0])[0])
	if err != nil {
		t.Fatalf("stat of %s: %q", idx, stats[0])
	}
	return n
}

// A plugin's SQLite storage gets the planner's statistics after its
// migrations and after a job that loads rows in bulk, so its next page is
// planned from the rows it holds, not from SQLite's guesses.
func TestStatisticsAfterMigrationsAndJobs(t *testing.T) {
	const rows = 300
	p := &Plugin{
		Migrations: []Migration{{Version: 1, Name: "visits", Up: func(tx *gorm.DB) error {
			return tx.Exec(`CREATE TABLE visits (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, school_id INTEGER NOT NULL);
CREATE INDEX ix_visits_school ON visits (tenant_id, school_id)`).Error
		}}},
		Jobs: map[string]JobFunc{"load": func(ctx context.Context, _ []byte) error {
			return Unscoped(ctx).Transaction(func(tx *gorm.DB) error {
				for i := range rows {
					if err := tx.Exec(`INSERT INTO visits (tenant_id, school_id) VALUES (?, ?)`, TenantID(ctx), i%30).Error; err != nil {
						return err
					}
				}
				return nil
			})
		}},
	}
	p.Manifest = testManifest()
	p.Manifest.StorageSchemaVersion = 1
	s, _ := testServer(t, p)
	ctx := t.Context()
	if _, err := s.Migrate(ctx, &pluginv1.MigrateRequest{}); err != nil {
		t.Fatal(err)
	}
	db := s.storage()
	// Analysed while empty: SQLite writes no row for an empty table.
	if n := rowsInStatistics(t, db, "ix_visits_school"); n > 0 {
		t.Fatalf("statistics of the empty table say %d rows", n)
	}
	if _, err := s.RunJob(ctx, &pluginv1.RunJobRequest{Actor: &pluginv1.Actor{TenantId: 1}, Job: "load"}); err != nil {
		t.Fatal(err)
	}
	if n := rowsInStatistics(t, db, "ix_visits_school"); n != rows {
		t.Errorf("after the job the statistics say %d rows of visits, want %d", n, rows)
	}
}

// On PostgreSQL the SDK leaves statistics to autovacuum: refreshing does
// nothing and fails nothing.
func TestRefreshStatisticsOnPostgresDoesNothing(t *testing.T) {
	db := openTest(t, "postgres")
	if err := refreshStatistics(t.Context(), db); err != nil {
		t.Fatal(err)
	}
}
