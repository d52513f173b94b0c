package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestRecordListExport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		for _, slug := range []string{"a", "b"} {
			if err := db.Exec("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", slug, slug).Error; err != nil {
				t.Fatal(err)
			}
		}
		uid := uint(7)
		actx := audit.WithActor(ctx, audit.Actor{UserID: &uid, Label: "admin@example.org", RequestID: "r1", IP: "127.0.0.1"})
		if err := audit.Record(actx, db.DB, audit.Change{TenantID: 1, Action: "orgunit.update", EntityType: "org_unit", EntityID: "3",
			Before: map[string]string{"name": "Old"}, After: map[string]string{"name": "=cmd()"}}); err != nil {
			t.Fatal(err)
		}
		if err := audit.Record(ctx, db.DB, audit.Change{TenantID: 2, Action: "orgunit.create", EntityType: "org_unit", EntityID: "9"}); err != nil {
			t.Fatal(err)
		}
		evs, total, err := audit.List(ctx, db.DB, 1, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(evs) != 1 {
			t.Fatalf("tenant 1 sees %d events (total %d), want only its own 1", len(evs), total)
		}
		e := evs[0]
		if e.ActorLabel != "admin@example.org" || e.ActorUserID == nil || *e.ActorUserID != 7 || e.RequestID != "r1" || e.Before != `{"name":"Old"}` {
			t.Fatalf("event not recorded faithfully: %+v", e)
		}
		var buf bytes.Buffer
		if err := audit.WriteCSV(ctx, db.DB, 1, audit.Filter{}, &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[1][4] != "orgunit.update" {
			t.Fatalf("csv rows: %v", rows)
		}
		if got := rows[1][8]; got != `{"name":"=cmd()"}` {
			t.Fatalf("after column %q", got)
		}
		sys, _, _ := audit.List(ctx, db.DB, 2, audit.Filter{})
		if len(sys) != 1 || sys[0].ActorLabel != "system" || sys[0].ActorUserID != nil {
			t.Fatalf("event without actor must be the system's: %+v", sys)
		}
	})
}

// A change recorded after the fact keeps the time it was made (At), still
// chained; Check refuses what Record would, writing nothing.
func TestRecordAtAndCheck(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := db.Exec("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('a', 'a', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").Error; err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 9, 28, 9, 30, 0, 123456789, time.UTC)
		id, err := audit.RecordEvent(ctx, db.DB, audit.Change{TenantID: 1, Action: "hello.greeting.create", EntityType: "greeting", EntityID: "1", At: at})
		if err != nil || id == 0 {
			t.Fatalf("RecordEvent = %d, %v", id, err)
		}
		evs, _, err := audit.List(ctx, db.DB, 1, audit.Filter{})
		if err != nil || len(evs) != 1 || evs[0].ID != id || !evs[0].CreatedAt.Equal(at.Truncate(time.Microsecond)) {
			t.Fatalf("events = %+v, %v; want one at %v", evs, err, at)
		}
		if res, err := audit.Verify(ctx, db.DB, 1); err != nil || !res.OK() {
			t.Fatalf("chain after a dated entry: %+v, %v", res, err)
		}
		bad := audit.Change{TenantID: 1, Action: "x.y", After: map[string]string{"upn": "A123"}}
		if err := audit.Check(bad); err == nil || !strings.Contains(err.Error(), "upn") {
			t.Fatalf("Check of a pupil identifier: %v", err)
		}
		if err := audit.Check(audit.Change{TenantID: 1, Action: "x.y", After: map[string]int{"n": 1}}); err != nil {
			t.Fatalf("Check of a good change: %v", err)
		}
		if _, total, _ := audit.List(ctx, db.DB, 1, audit.Filter{}); total != 1 {
			t.Fatalf("Check wrote something: %d events", total)
		}
	})
}
