package storage_test

import (
	"context"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// v15 adds org_units.archived_at (NULL for the units already there) and
// takes it away again going down, keeping the units.
func TestV15ArchivedUnitsUpAndDown(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		upBefore(t, db, 15)
		if err := db.Exec(`INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('t', 'T', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(`INSERT INTO org_units (tenant_id, kind, name, created_at, updated_at)
SELECT id, 'school', 'Ellesmere Primary', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM tenants`).Error; err != nil {
			t.Fatal(err)
		}
		m, err := storage.NewMigrator(db, migrationsBefore(16))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := db.Raw("SELECT count(*) FROM org_units WHERE archived_at IS NULL").Scan(&n).Error; err != nil || n != 1 {
			t.Fatalf("units not archived after up: %d, %v", n, err)
		}
		if err := db.Exec("UPDATE org_units SET archived_at = CURRENT_TIMESTAMP").Error; err != nil {
			t.Fatalf("archive a unit: %v", err)
		}
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down: %v", err)
		}
		if db.Migrator().HasColumn("org_units", "archived_at") {
			t.Fatal("org_units.archived_at still there after down")
		}
		if err := db.Raw("SELECT count(*) FROM org_units").Scan(&n).Error; err != nil || n != 1 {
			t.Fatalf("units after down: %d, %v", n, err)
		}
	})
}
