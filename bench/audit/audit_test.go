// Package audit_test measures what the hash chain costs: audit.Record (read
// the tenant's head, hash, INSERT … ON CONFLICT DO NOTHING, in a transaction)
// against a plain INSERT of the same row, measured in the same run and
// interleaved so that both see the same machine and the same table size.
//
//	go test ./bench/audit -run '^$' -bench Record -benchtime 1000x
//	go test ./bench/audit -run '^$' -bench Verify -benchtime 20x
//
// Each benchmark reports plain-ns/op and chained-ns/op and their ratio
// (chained/plain): change-in-caller-tx records a change inside the caller's
// transaction, as services do; change-alone with no transaction (Record
// opens its own, the plain insert autocommits); read-of-30-pupils records a
// RecordAccess naming 30 pupils; parallel-8 runs 8 writers on one tenant,
// where writers race for the next seq, and on PostgreSQL also reports
// advisory-lock/plain: the same writers queueing on a per-tenant advisory
// lock instead of racing. No absolute time is asserted.
// `go test ./bench/audit` runs TestWorkloadVerifies, the same workload at a
// small size on both databases, checking the chain it leaves verifies.
package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// pupilsPerRead is how many pupils one recorded read names (a class list).
const pupilsPerRead = 30

func setup(tb testing.TB, d storage.Dialect) *storage.DB {
	tb.Helper()
	db := storagetest.Open(tb, d)
	for _, slug := range []string{"plain", "chained", "advisory"} {
		if err := db.Exec("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", slug, slug).Error; err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// plainRow is the audit row with no seq or hash, written by a plain INSERT.
type plainRow struct {
	ID          uint `gorm:"primaryKey"`
	TenantID    uint
	ActorUserID *uint
	ActorLabel  string
	Action      string
	EntityType  string
	EntityID    string
	Before      string
	After       string
	RequestID   string
	IP          string
	CreatedAt   time.Time
}

func (plainRow) TableName() string { return "audit_events" }

type plainPupil struct{ EventID, TenantID, PupilID uint }

func (plainPupil) TableName() string { return "audit_event_pupils" }

var uid = uint(42)

func actx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{UserID: &uid, Label: "head@example.org", RequestID: "0123456789abcdef", IP: "192.0.2.10"})
}

func change(i int, withPupils bool) audit.Change {
	ch := audit.Change{TenantID: 2, Action: "orgunit.update", EntityType: "org_unit", EntityID: fmt.Sprint(i),
		Before: map[string]any{"name": "Old name", "phase": "Primary"}, After: map[string]any{"name": "New name", "phase": "Primary"}}
	if withPupils {
		ch.Action, ch.EntityType, ch.EntityID = "pupil.list", "pupil", fmt.Sprintf("%d pupils", pupilsPerRead)
		ch.Before, ch.After = nil, map[string]any{"via": "GET /schools/:id/pupils"}
		for p := 0; p < pupilsPerRead; p++ {
			ch.PupilIDs = append(ch.PupilIDs, uint(i*pupilsPerRead+p+1))
		}
	}
	return ch
}

// insertPlain writes the same row (and pupil rows) as Record would, with one
// INSERT each and no chain, in one transaction as Record uses.
func insertPlain(db *storage.DB, ch audit.Change) error {
	a := audit.ActorFrom(actx())
	r := plainRow{TenantID: 1, ActorUserID: a.UserID, ActorLabel: a.Label, Action: ch.Action, EntityType: ch.EntityType,
		EntityID: ch.EntityID, Before: `{"name":"Old name","phase":"Primary"}`, After: `{"name":"New name","phase":"Primary"}`,
		RequestID: a.RequestID, IP: a.IP, CreatedAt: time.Now().UTC()}
	if len(ch.PupilIDs) == 0 {
		return db.Create(&r).Error
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		rows := make([]plainPupil, len(ch.PupilIDs))
		for i, p := range ch.PupilIDs {
			rows[i] = plainPupil{EventID: r.ID, TenantID: 1, PupilID: p}
		}
		return tx.CreateInBatches(rows, 500).Error
	})
}

func report(b *testing.B, plain, chained time.Duration, n int) {
	b.ReportMetric(float64(plain.Nanoseconds())/float64(n), "plain-ns/op")
	b.ReportMetric(float64(chained.Nanoseconds())/float64(n), "chained-ns/op")
	b.ReportMetric(float64(chained)/float64(plain), "chained/plain")
}

// benchSerial times one writer. inCallerTx puts both the plain insert and
// Record inside a caller's transaction, as services record a change (the
// transaction's BEGIN and COMMIT are timed in both).
func benchSerial(b *testing.B, d storage.Dialect, withPupils, inCallerTx bool) {
	db := setup(b, d)
	ctx := actx()
	var plain, chained time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ch := change(i, withPupils)
		t0 := time.Now()
		var err error
		if inCallerTx {
			err = db.Transaction(func(tx *gorm.DB) error { return insertPlain(&storage.DB{DB: tx, Dialect: db.Dialect}, ch) })
		} else {
			err = insertPlain(db, ch)
		}
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if inCallerTx {
			err = db.Transaction(func(tx *gorm.DB) error { return audit.Record(ctx, tx, ch) })
		} else {
			err = audit.Record(ctx, db.DB, ch)
		}
		if err != nil {
			b.Fatal(err)
		}
		chained += time.Since(t1)
		plain += t1.Sub(t0)
	}
	b.StopTimer()
	report(b, plain, chained, b.N)
}

// burst runs n calls of fn over workers goroutines and returns the wall time.
func burst(b *testing.B, n, workers int, fn func(i int) error) time.Duration {
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	errs := make(chan error, workers)
	t0 := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return elapsed
}

func benchParallel(b *testing.B, d storage.Dialect) {
	db := setup(b, d)
	ctx := actx()
	const workers = 8
	b.ResetTimer()
	// Alternate bursts of 100 so both phases see the same table size.
	// On PostgreSQL a third phase measures the alternative to the unique index
	// and retry: a per-tenant advisory lock taken before Record, so writers
	// queue instead of racing (tenant 3, its own chain).
	var plain, chained, advisory time.Duration
	for done := 0; done < b.N; done += 100 {
		n := min(100, b.N-done)
		plain += burst(b, n, workers, func(i int) error { return insertPlain(db, change(done+i, false)) })
		chained += burst(b, n, workers, func(i int) error { return audit.Record(ctx, db.DB, change(done+i, false)) })
		if d == storage.Postgres {
			advisory += burst(b, n, workers, func(i int) error {
				return db.Transaction(func(tx *gorm.DB) error {
					if err := tx.Exec("SELECT pg_advisory_xact_lock(7, 3)").Error; err != nil {
						return err
					}
					ch := change(done+i, false)
					ch.TenantID = 3
					return audit.Record(ctx, tx, ch)
				})
			})
		}
	}
	b.StopTimer()
	report(b, plain, chained, b.N)
	if d == storage.Postgres {
		b.ReportMetric(float64(advisory)/float64(plain), "advisory-lock/plain")
	}
	for _, tenant := range []uint{2, 3} {
		if tenant == 3 && d != storage.Postgres {
			continue
		}
		if rep, err := audit.Verify(context.Background(), db.DB, tenant); err != nil || !rep.OK() || rep.Rows != int64(b.N) {
			b.Fatalf("chain of tenant %d after %d parallel records: %+v %v", tenant, b.N, rep, err)
		}
	}
}

func BenchmarkRecord(b *testing.B) {
	for _, d := range storagetest.Dialects {
		b.Run(string(d)+"/change-in-caller-tx", func(b *testing.B) { benchSerial(b, d, false, true) })
		b.Run(string(d)+"/change-alone", func(b *testing.B) { benchSerial(b, d, false, false) })
		b.Run(fmt.Sprintf("%s/read-of-%d-pupils", d, pupilsPerRead), func(b *testing.B) { benchSerial(b, d, true, false) })
		b.Run(string(d)+"/parallel-8", func(b *testing.B) { benchParallel(b, d) })
	}
}

// verifyRows is the length of the chain BenchmarkVerify walks.
const verifyRows = 2000

// BenchmarkVerify records a chain of verifyRows events (a tenth naming
// pupils); one op is audit.Verify over the whole chain, timed against a
// plain read of the same rows in the same batches, interleaved. It reports
// verify-ns/row and the ratio verify/plain-read.
func BenchmarkVerify(b *testing.B) {
	for _, d := range storagetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			db := setup(b, d)
			ctx := actx()
			err := db.Transaction(func(tx *gorm.DB) error {
				for i := 0; i < verifyRows; i++ {
					if err := audit.Record(ctx, tx, change(i, i%10 == 0)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			var plain, verify time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				read := 0
				var batch []audit.Event
				err := db.Where("tenant_id = 2").Order("seq").FindInBatches(&batch, 500, func(*gorm.DB, int) error {
					read += len(batch)
					return nil
				}).Error
				if err != nil || read != verifyRows {
					b.Fatalf("plain read: %d rows, %v", read, err)
				}
				t1 := time.Now()
				rep, err := audit.Verify(ctx, db.DB, 2)
				if err != nil || !rep.OK() || rep.Rows != verifyRows {
					b.Fatalf("%+v %v", rep, err)
				}
				verify += time.Since(t1)
				plain += t1.Sub(t0)
			}
			b.StopTimer()
			b.ReportMetric(float64(verify.Nanoseconds())/float64(b.N*verifyRows), "verify-ns/row")
			b.ReportMetric(float64(verify)/float64(plain), "verify/plain-read")
		})
	}
}

func TestWorkloadVerifies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		for _, slug := range []string{"plain", "chained"} {
			if err := db.Exec("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", slug, slug).Error; err != nil {
				t.Fatal(err)
			}
		}
		ctx := actx()
		for i := 0; i < 20; i++ {
			if err := insertPlain(db, change(i, i%2 == 0)); err != nil {
				t.Fatal(err)
			}
			if err := audit.Record(ctx, db.DB, change(i, i%2 == 0)); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := audit.Verify(ctx, db.DB, 2)
		if err != nil || !rep.OK() || rep.Rows != 20 {
			t.Fatalf("chained tenant: %+v %v", rep, err)
		}
		// The plain rows have no seq: verify flags them, as it would any row written around Record.
		if rep, _ := audit.Verify(ctx, db.DB, 1); rep.OK() {
			t.Fatal("rows inserted without the chain must not verify")
		}
	})
}
