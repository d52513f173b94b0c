package storage_test

import (
	"context"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
)

// Rows written before v5 are chained by the migration, and the pupils named
// by RecordAccess events of that time are indexed; down removes it all.
func TestV5ChainsEarlierRowsAndGoesDown(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		upBefore(t, db, 5)
		for _, s := range []string{
			"INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('a', 'A', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
			"INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('b', 'B', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
			"INSERT INTO audit_events (tenant_id, actor_label, action, entity_type, entity_id, created_at) VALUES (1, 'cli', 'orgunit.create', 'org_unit', '1', CURRENT_TIMESTAMP)",
			"INSERT INTO audit_events (tenant_id, action, created_at) VALUES (2, 'orgunit.create', CURRENT_TIMESTAMP)",
			`INSERT INTO audit_events (tenant_id, actor_label, action, entity_type, entity_id, after, created_at) VALUES (1, 'a@example.org', 'pupil.read', 'pupil', '2 pupils', '{"pupil_ids":[8,5],"via":"GET /pupils"}', CURRENT_TIMESTAMP)`,
			"INSERT INTO audit_events (tenant_id, action, created_at) VALUES (1, 'orgunit.update', CURRENT_TIMESTAMP)",
		} {
			if err := db.Exec(s).Error; err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		m, err := storage.NewMigrator(db, storage.CoreMigrations())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		for tenant, rows := range map[uint]int64{1: 3, 2: 1} {
			rep, err := audit.Verify(ctx, db.DB, tenant)
			if err != nil || !rep.OK() || rep.Rows != rows {
				t.Fatalf("tenant %d after v5: %+v %v; want %d rows chained", tenant, rep, err, rows)
			}
		}
		evs, err := audit.AccessesOfPupil(ctx, db.DB, 1, 5)
		if err != nil || len(evs) != 1 || evs[0].Action != "pupil.read" {
			t.Fatalf("a pre-v5 read of pupil 5: %+v %v", evs, err)
		}
		if err := db.Exec("UPDATE audit_events SET action = 'y'").Error; err == nil {
			t.Fatal("the append-only triggers must be back after the backfill")
		}
		// Down to v4: the chain's columns and table go; the rows stay, still append-only.
		var down int
		for _, mig := range storage.CoreMigrations() {
			if mig.Version >= 5 {
				down++
			}
		}
		if _, err := m.Down(ctx, down); err != nil {
			t.Fatal(err)
		}
		if db.Migrator().HasTable("audit_event_pupils") || db.Migrator().HasColumn("audit_events", "hash") || db.Migrator().HasColumn("audit_events", "seq") {
			t.Fatal("v5 down left its table or columns")
		}
		var n int64
		db.Table("audit_events").Count(&n)
		if n != 4 {
			t.Fatalf("%d audit rows after down, want the 4 there were", n)
		}
		if err := db.Exec("DELETE FROM audit_events").Error; err == nil {
			t.Fatal("audit_events must stay append-only after v5 down")
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		if rep, _ := audit.Verify(ctx, db.DB, 1); !rep.OK() || rep.Rows != 3 {
			t.Fatalf("re-chained after down and up: %+v", rep)
		}
	})
}
