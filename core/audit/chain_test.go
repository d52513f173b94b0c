package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/audit/chain"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func addTenants(t *testing.T, db *storage.DB, slugs ...string) {
	t.Helper()
	for _, slug := range slugs {
		if err := db.Exec("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", slug, slug).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// seed creates tenants 1 and 2 and seeds them.
func seed(t *testing.T, db *storage.DB) {
	t.Helper()
	addTenants(t, db, "a", "b")
	seedPair(t, db, 1, 2)
}

// seedPair records five events in tenant a (two naming pupils) and two in tenant b.
func seedPair(t *testing.T, db *storage.DB, a, b uint) {
	t.Helper()
	ctx := context.Background()
	uid := uint(3)
	actx := audit.WithActor(ctx, audit.Actor{UserID: &uid, Label: "head@example.org", RequestID: "req-1", IP: "192.0.2.1"})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(audit.Record(actx, db.DB, audit.Change{TenantID: a, Action: "orgunit.create", EntityType: "org_unit", EntityID: "1", After: map[string]string{"name": "A"}}))
	must(audit.RecordAccess(actx, db.DB, audit.Access{TenantID: a, Action: "pupil.read", Via: "GET /pupils/:id", PupilIDs: []uint{11}}))
	must(audit.Record(ctx, db.DB, audit.Change{TenantID: b, Action: "orgunit.create", EntityType: "org_unit", EntityID: "2"}))
	must(audit.RecordAccess(actx, db.DB, audit.Access{TenantID: a, Action: "pupil.list", Via: "GET /schools/:id/pupils", PupilIDs: []uint{12, 11, 13}}))
	must(audit.Record(actx, db.DB, audit.Change{TenantID: a, Action: "orgunit.update", EntityType: "org_unit", EntityID: "1",
		Before: map[string]string{"name": "A"}, After: map[string]string{"name": "B"}}))
	must(audit.Record(ctx, db.DB, audit.Change{TenantID: b, Action: "orgunit.update", EntityType: "org_unit", EntityID: "2"}))
	must(audit.Record(actx, db.DB, audit.Change{TenantID: a, Action: "pupil.update", EntityType: "pupil", EntityID: "12", PupilIDs: []uint{12}}))
}

func verify(t *testing.T, db *storage.DB, tenant uint) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), db.DB, tenant)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// eventID returns the id of tenant 1's event with seq.
func eventID(t *testing.T, db *storage.DB, seq int) uint { t.Helper(); return eventIDOf(t, db, 1, seq) }

// eventIDOf returns the id of a tenant's event with seq.
func eventIDOf(t *testing.T, db *storage.DB, tenant uint, seq int) uint {
	t.Helper()
	var id uint
	if err := db.Raw("SELECT id FROM audit_events WHERE tenant_id = ? AND seq = ?", tenant, seq).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("event seq %d of tenant %d: %v", seq, tenant, err)
	}
	return id
}

// dropAppendOnly removes the append-only triggers, as an attacker with the
// database's owner rights could.
func dropAppendOnly(t *testing.T, db *storage.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete",
		"DROP TRIGGER audit_event_pupils_no_update", "DROP TRIGGER audit_event_pupils_no_delete"}
	if db.Dialect == storage.Postgres {
		stmts = []string{"DROP TRIGGER audit_events_append_only ON audit_events", "DROP TRIGGER audit_event_pupils_append_only ON audit_event_pupils"}
	}
	for _, s := range stmts {
		if err := db.Exec(s).Error; err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestUntouchedChainVerifies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		r1, r2 := verify(t, db, 1), verify(t, db, 2)
		if !r1.OK() || !r2.OK() {
			t.Fatalf("untouched chains broken: %+v %+v", r1.Break, r2.Break)
		}
		if r1.Rows != 5 || r1.HeadSeq != 5 || r2.Rows != 2 || r2.HeadSeq != 2 {
			t.Fatalf("rows checked: tenant 1 %d (head %d), tenant 2 %d (head %d)", r1.Rows, r1.HeadSeq, r2.Rows, r2.HeadSeq)
		}
		seq, hash, err := audit.Head(context.Background(), db.DB, 1)
		if err != nil || seq != 5 || hash != r1.HeadHash {
			t.Fatalf("head %d %s %v; verify saw %s", seq, hash, err, r1.HeadHash)
		}
		if err := audit.CheckHead(context.Background(), db.DB, 1, 3, mustHashOf(t, db, 3)); err != nil {
			t.Fatalf("an earlier head must still be in the chain: %v", err)
		}
		if rep := verify(t, db, 99); !rep.OK() || rep.Rows != 0 {
			t.Fatalf("a tenant without events: %+v", rep)
		}
		var evs []audit.Event
		db.Where("tenant_id = 1").Order("seq").Find(&evs)
		for i, e := range evs {
			if e.Seq == nil || *e.Seq != int64(i+1) || (i > 0 && e.PrevHash != evs[i-1].Hash) || (i == 0 && e.PrevHash != "") {
				t.Fatalf("event %d is not linked to its predecessor: %+v", i, e)
			}
		}
	})
}

func mustHashOf(t *testing.T, db *storage.DB, seq int) string {
	t.Helper()
	return hashOf(t, db, 1, seq)
}

func hashOf(t *testing.T, db *storage.DB, tenant uint, seq int) string {
	t.Helper()
	var h string
	db.Raw("SELECT hash FROM audit_events WHERE tenant_id = ? AND seq = ?", tenant, seq).Scan(&h)
	if h == "" {
		t.Fatalf("no hash for seq %d of tenant %d", seq, tenant)
	}
	return h
}

func TestAppendOnlyCoversPupilRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		if err := db.Exec("UPDATE audit_event_pupils SET pupil_id = 99").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("update of a pupil row: %v", err)
		}
		if err := db.Exec("DELETE FROM audit_event_pupils").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("delete of a pupil row: %v", err)
		}
		if err := db.Exec("UPDATE audit_events SET hash = 'x'").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("update of an audit row: %v", err)
		}
		if db.Dialect == storage.Postgres {
			for _, table := range []string{"audit_events", "audit_event_pupils"} {
				if err := db.Exec("TRUNCATE " + table + " CASCADE").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("truncate %s: %v", table, err)
				}
			}
		}
	})
}

func TestTamperingBreaksTheChain(t *testing.T) {
	type tamper struct {
		name   string
		do     func(t *testing.T, db *storage.DB, a, b uint) // tamper with tenant a; b is another
		seq    int64                                         // seq of the row named as broken (0: a row without seq)
		reason string                                        // part of the reason
	}
	exec := func(t *testing.T, db *storage.DB, sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	cases := []tamper{
		{"edit a row", func(t *testing.T, db *storage.DB, a, b uint) {
			exec(t, db, "UPDATE audit_events SET actor_label = 'someone@else.org' WHERE id = ?", eventIDOf(t, db, a, 3))
		}, 3, "changed after it was recorded"},
		{"edit a row's time", func(t *testing.T, db *storage.DB, a, b uint) {
			var e audit.Event
			db.First(&e, eventIDOf(t, db, a, 2))
			exec(t, db, "UPDATE audit_events SET created_at = ? WHERE id = ?", e.CreatedAt.Add(-3600e9), e.ID)
		}, 2, "changed after it was recorded"},
		{"edit a row and re-hash it", func(t *testing.T, db *storage.DB, a, b uint) {
			var e audit.Event
			db.First(&e, eventIDOf(t, db, a, 3))
			e.After = `{"name":"forged"}`
			h := chain.Hash(chain.Link{TenantID: a, Seq: 3, PrevHash: e.PrevHash, CreatedAt: e.CreatedAt, ActorUserID: e.ActorUserID,
				ActorLabel: e.ActorLabel, Action: e.Action, EntityType: e.EntityType, EntityID: e.EntityID, Before: e.Before,
				After: e.After, RequestID: e.RequestID, IP: e.IP, PupilIDs: []uint{11, 12, 13}})
			exec(t, db, "UPDATE audit_events SET after = ?, hash = ? WHERE id = ?", e.After, h, e.ID)
		}, 4, "prev_hash"},
		{"delete a row", func(t *testing.T, db *storage.DB, a, b uint) {
			id := eventIDOf(t, db, a, 3)
			exec(t, db, "DELETE FROM audit_event_pupils WHERE event_id = ?", id) // the foreign key asks for them first
			exec(t, db, "DELETE FROM audit_events WHERE id = ?", id)
		}, 4, "missing"},
		{"delete the first row", func(t *testing.T, db *storage.DB, a, b uint) {
			exec(t, db, "DELETE FROM audit_events WHERE id = ?", eventIDOf(t, db, a, 1))
		}, 2, "starts at seq 2"},
		{"insert a row without seq", func(t *testing.T, db *storage.DB, a, b uint) {
			exec(t, db, "INSERT INTO audit_events (tenant_id, action, created_at) VALUES (?, 'forged', CURRENT_TIMESTAMP)", a)
		}, 0, "outside audit.Record"},
		{"insert a row with a repeated seq", func(t *testing.T, db *storage.DB, a, b uint) {
			exec(t, db, "DROP INDEX idx_audit_tenant_seq")
			exec(t, db, "INSERT INTO audit_events (tenant_id, action, created_at, seq, prev_hash, hash) VALUES (?, 'forged', CURRENT_TIMESTAMP, 3, ?, 'x')", a, hashOf(t, db, a, 2))
		}, 3, "appears twice"},
		{"remove a pupil from an event", func(t *testing.T, db *storage.DB, a, b uint) {
			exec(t, db, "DELETE FROM audit_event_pupils WHERE event_id = ? AND pupil_id = 12", eventIDOf(t, db, a, 3))
		}, 3, "pupils it names"},
		{"add a pupil to an event", func(t *testing.T, db *storage.DB, a, b uint) {
			exec(t, db, "INSERT INTO audit_event_pupils (event_id, tenant_id, pupil_id) VALUES (?, ?, 77)", eventIDOf(t, db, a, 1), a)
		}, 1, "pupils it names"},
		{"move a pupil row to another tenant", func(t *testing.T, db *storage.DB, a, b uint) {
			exec(t, db, "UPDATE audit_event_pupils SET tenant_id = ? WHERE event_id = ?", b, eventIDOf(t, db, a, 2))
		}, 2, "names tenant"},
	}
	// One database per dialect: each case tampers with its own pair of
	// tenants, all seeded before any tampering (a dropped unique index would
	// stop Record's ON CONFLICT).
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storagetest.Open(t, d)
			for k := range cases {
				addTenants(t, db, fmt.Sprintf("a%d", k), fmt.Sprintf("b%d", k))
				seedPair(t, db, uint(2*k+1), uint(2*k+2))
			}
			dropAppendOnly(t, db)
			for k, c := range cases {
				a, b := uint(2*k+1), uint(2*k+2)
				t.Run(c.name, func(t *testing.T) {
					if rep := verify(t, db, a); !rep.OK() {
						t.Fatalf("chain broken before tampering: %+v", rep.Break)
					}
					c.do(t, db, a, b)
					rep := verify(t, db, a)
					if rep.OK() {
						t.Fatalf("verify passed a tampered chain (%d rows)", rep.Rows)
					}
					if rep.Break.Seq != c.seq || !strings.Contains(rep.Break.Reason, c.reason) || rep.Break.EventID == 0 {
						t.Fatalf("broken link reported as %+v; want seq %d and a reason with %q", rep.Break, c.seq, c.reason)
					}
					if other := verify(t, db, b); !other.OK() && c.name != "move a pupil row to another tenant" {
						t.Fatalf("the other tenant's untouched chain: %+v", other.Break)
					}
				})
			}
		})
	}
}

func TestCutShortOrRewrittenLogFailsCheckHead(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		ctx := context.Background()
		seq, hash, _ := audit.Head(ctx, db.DB, 1)
		dropAppendOnly(t, db)
		if err := db.Exec("DELETE FROM audit_event_pupils WHERE event_id = ?", eventID(t, db, int(seq))).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("DELETE FROM audit_events WHERE tenant_id = 1 AND seq = ?", seq).Error; err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, db, 1); !rep.OK() {
			t.Fatalf("a chain cut at its end still verifies on its own: %+v", rep.Break)
		}
		if err := audit.CheckHead(ctx, db.DB, 1, seq, hash); err == nil || !strings.Contains(err.Error(), "cut short") {
			t.Fatalf("CheckHead after the newest row was deleted: %v", err)
		}
		if err := audit.CheckHead(ctx, db.DB, 1, 1, hash); err == nil || !strings.Contains(err.Error(), "rewritten") {
			t.Fatalf("CheckHead with another row's hash: %v", err)
		}
	})
}

func TestConcurrentRecordsFormOneChain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		addTenants(t, db, "a", "b")
		const workers, each = 8, 15
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					ch := audit.Change{TenantID: 1, Action: "test.concurrent", EntityType: "worker", EntityID: fmt.Sprintf("%d-%d", w, i),
						PupilIDs: []uint{uint(w + 1), uint(100 + i)}}
					var err error
					if i%2 == 0 {
						err = audit.Record(ctx, db.DB, ch)
					} else {
						// Inside a caller's transaction, alongside the caller's own write.
						err = db.Transaction(func(tx *gorm.DB) error {
							if err := tx.Exec("INSERT INTO revisions (key, value) VALUES (?, 1)", fmt.Sprintf("w%d-%d", w, i)).Error; err != nil {
								return err
							}
							return audit.Record(ctx, tx, ch)
						})
					}
					if err != nil {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent record: %v", err)
		}
		rep := verify(t, db, 1)
		if !rep.OK() || rep.Rows != workers*each || rep.HeadSeq != workers*each {
			t.Fatalf("after %d concurrent records: %d rows, head %d, break %+v", workers*each, rep.Rows, rep.HeadSeq, rep.Break)
		}
		var pupilRows int64
		db.Table("audit_event_pupils").Where("tenant_id = 1").Count(&pupilRows)
		if pupilRows != 2*workers*each {
			t.Fatalf("%d pupil rows, want %d", pupilRows, 2*workers*each)
		}
	})
}

func TestRolledBackRecordLeavesNoLink(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		addTenants(t, db, "a")
		ctx := context.Background()
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := audit.RecordAccess(ctx, tx, audit.Access{TenantID: 1, Action: "pupil.read", Via: "GET /x", PupilIDs: []uint{5}}); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Change{TenantID: 1, Action: "pupil.update", EntityType: "pupil", EntityID: "5", PupilIDs: []uint{5}}); err != nil {
				return err
			}
			return fmt.Errorf("the caller's change failed")
		})
		if err == nil {
			t.Fatal("transaction should have failed")
		}
		if evs, _ := audit.AccessesOfPupil(ctx, db.DB, 1, 5); len(evs) != 0 {
			t.Fatalf("a rolled-back read is still recorded: %+v", evs)
		}
		if err := audit.Record(ctx, db.DB, audit.Change{TenantID: 1, Action: "after"}); err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, db, 1); !rep.OK() || rep.Rows != 1 || rep.HeadSeq != 1 {
			t.Fatalf("chain after a rollback: %+v", rep)
		}
		if err := audit.Record(ctx, db.DB, audit.Change{TenantID: 1, Action: "bad", PupilIDs: []uint{0}}); err == nil {
			t.Fatal("pupil id 0 must be refused")
		}
	})
}

func TestAccessesOfPupil(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		seed(t, db)
		ctx := context.Background()
		if err := audit.RecordAccess(ctx, db.DB, audit.Access{TenantID: 2, Action: "pupil.read", Via: "GET /pupils/:id", PupilIDs: []uint{12}}); err != nil {
			t.Fatal(err)
		}
		evs, err := audit.AccessesOfPupil(ctx, db.DB, 1, 12)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].Action != "pupil.list" || evs[1].Action != "pupil.update" {
			t.Fatalf("tenant 1's events naming pupil 12: %+v", evs)
		}
		if e := evs[0]; e.ActorLabel != "head@example.org" || !strings.Contains(e.After, "GET /schools/:id/pupils") ||
			fmt.Sprint(e.PupilIDs) != "[11 12 13]" {
			t.Fatalf("who/how/which pupils not kept: %+v", e)
		}
		if evs, _ := audit.AccessesOfPupil(ctx, db.DB, 2, 12); len(evs) != 1 || evs[0].TenantID != 2 {
			t.Fatalf("tenant 2 sees only its own read of its pupil 12: %+v", evs)
		}
		if evs, _ := audit.AccessesOfPupil(ctx, db.DB, 1, 404); len(evs) != 0 {
			t.Fatalf("a pupil nobody saw: %+v", evs)
		}
		listed, total, err := audit.List(ctx, db.DB, 1, audit.Filter{PupilID: 11})
		if err != nil || total != 2 || len(listed) != 2 || listed[0].Action != "pupil.list" {
			t.Fatalf("List filtered by pupil 11: %d %+v %v", total, listed, err)
		}
	})
}

// A chain longer than one verify batch, interleaved with another tenant's.
func TestLongInterleavedChainsVerify(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		addTenants(t, db, "a", "b")
		ctx := context.Background()
		const n = 520
		err := db.Transaction(func(tx *gorm.DB) error {
			for i := 0; i < n; i++ {
				for _, tenant := range []uint{1, 2} {
					if err := audit.Record(ctx, tx, audit.Change{TenantID: tenant, Action: "bulk", EntityID: fmt.Sprint(i), PupilIDs: []uint{uint(i%7 + 1)}}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tenant := range []uint{1, 2} {
			if rep := verify(t, db, tenant); !rep.OK() || rep.Rows != n || rep.HeadSeq != n {
				t.Fatalf("tenant %d: %+v", tenant, rep)
			}
		}
		evs, err := audit.AccessesOfPupil(ctx, db.DB, 1, 3)
		if err != nil || len(evs) != (n+4)/7 {
			t.Fatalf("events naming pupil 3: %d, %v", len(evs), err)
		}
		dropAppendOnly(t, db)
		if err := db.Exec("UPDATE audit_events SET entity_id = 'x' WHERE tenant_id = 2 AND seq = 510").Error; err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, db, 2); rep.OK() || rep.Break.Seq != 510 || rep.Rows != 510 {
			t.Fatalf("an edit in the second batch: %+v %+v", rep, rep.Break)
		}
	})
}

func TestPupilIdentifiersAreRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		addTenants(t, db, "a")
		ctx := context.Background()
		for _, after := range []any{
			map[string]any{"given_name": "Ada"},
			map[string]any{"fields": []string{"year_group"}, "pupil": map[string]string{"upn": "A123"}},
			struct {
				DOB string `json:"date_of_birth"`
			}{"2015-01-01"},
		} {
			err := audit.Record(ctx, db.DB, audit.Change{TenantID: 1, Action: "pupil.update", EntityType: "pupil", EntityID: "5", After: after})
			if err == nil || strings.Contains(err.Error(), "Ada") || strings.Contains(err.Error(), "A123") || strings.Contains(err.Error(), "2015") {
				t.Fatalf("after %v: %v", after, err)
			}
		}
		// Field names as values, and a key that merely contains the word, are fine.
		if err := audit.Record(ctx, db.DB, audit.Change{TenantID: 1, Action: "pupil.update", EntityType: "pupil", EntityID: "5", PupilIDs: []uint{5},
			After: map[string]any{"fields": []string{"given_name", "date_of_birth"}, "note": `"upn": moved`}}); err != nil {
			t.Fatal(err)
		}
		if n := verify(t, db, 1).Rows; n != 1 {
			t.Fatalf("%d rows, want only the allowed one", n)
		}
	})
}
