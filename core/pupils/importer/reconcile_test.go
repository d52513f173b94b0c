package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/jobs/jobstest"
	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// queueWorld is an import queue on a real database and a real queue: the
// embedded Redis with SQLite (the single-process install), a real Redis with
// PostgreSQL (separate workers).
type queueWorld struct {
	*fixture
	q      *importer.Queue
	reg    *jobs.Registry
	redis  *jobs.Redis
	client *jobs.Client
}

func eachQueue(t *testing.T, fn func(t *testing.T, w *queueWorld)) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		kind := jobstest.Embedded
		if db.Dialect == storage.Postgres {
			kind = jobstest.Real
		}
		r := jobstest.Open(t, kind)
		f := newFixture(t, db)
		box, _ := sealed.New(bytes.Repeat([]byte{7}, 32))
		w := &queueWorld{fixture: f, q: importer.NewQueue(db, f.ps, box), reg: jobs.NewRegistry(), redis: r}
		w.client = jobs.NewClient(r, w.reg)
		if err := w.q.Register(w.reg, w.client, nil, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		fn(t, w)
	})
}

// work runs a worker until the import reaches status (or fails the test).
func (w *queueWorld) work(id uint, status string) importer.Record {
	w.t.Helper()
	wk := jobs.NewWorker(w.redis, w.reg, jobs.Options{Concurrency: 2, PollInterval: 20 * time.Millisecond,
		DisableScheduler: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := wk.Start(); err != nil {
		w.t.Fatal(err)
	}
	defer wk.Shutdown()
	return w.await(id, status)
}

func (w *queueWorld) await(id uint, status string) importer.Record {
	w.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		rec := w.record(id)
		if rec.Status == status {
			return rec
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("import %d is %s (%s), not %s", id, rec.Status, rec.Message, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *queueWorld) record(id uint) importer.Record {
	w.t.Helper()
	var rec importer.Record
	if err := w.db.First(&rec, id).Error; err != nil {
		w.t.Fatal(err)
	}
	return rec
}

// age makes the import's last change a minute old: Reconcile leaves alone an
// import that has just been written and is about to be queued.
func (w *queueWorld) age(id uint) {
	w.t.Helper()
	if err := w.db.Model(&importer.Record{}).Where("id = ?", id).UpdateColumn("updated_at", time.Now().UTC().Add(-time.Minute)).Error; err != nil {
		w.t.Fatal(err)
	}
}

func (w *queueWorld) taskState(id uint, commit bool) string {
	w.t.Helper()
	step := "check"
	if commit {
		step = "commit"
	}
	s, err := w.client.TaskState(context.Background(), "default", fmt.Sprintf("pupil-import-%d-%s", id, step))
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *queueWorld) reconcile() {
	w.t.Helper()
	if err := w.q.Reconcile(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

func (w *queueWorld) events(action string, id uint) int64 {
	var n int64
	w.db.Model(&audit.Event{}).Where("action = ? AND entity_id = ?", action, fmt.Sprint(id)).Count(&n)
	return n
}

// An import whose task is gone is queued again from the database's state:
// a check whose task vanished (an embedded Redis that restarted) and a
// commit whose task asynq archived (its worker killed twice: "task lease
// expired") both finish, and a task that is still queued is left alone.
func TestReconcileResumesImportsWhoseTaskIsGone(t *testing.T) {
	eachQueue(t, func(t *testing.T, w *queueWorld) {
		ctx := w.ctx
		rec, err := w.q.Upload(ctx, w.tenant, w.school, nil, "roll.csv", csvOf(40))
		if err != nil {
			t.Fatal(err)
		}
		w.age(rec.ID)
		w.reconcile()
		if w.taskState(rec.ID, false) != "pending" || w.events(importer.ActionImportResume, rec.ID) != 0 {
			t.Fatalf("a queued check was resumed: %s", w.taskState(rec.ID, false))
		}

		// The queue forgets the check.
		if err := w.client.DeleteTask(ctx, "default", fmt.Sprintf("pupil-import-%d-check", rec.ID)); err != nil {
			t.Fatal(err)
		}
		w.reconcile()
		if s := w.taskState(rec.ID, false); s != "pending" || w.events(importer.ActionImportResume, rec.ID) != 1 {
			t.Fatalf("lost check: task %q, %d resumptions", s, w.events(importer.ActionImportResume, rec.ID))
		}
		w.reconcile() // queued again: nothing more to do
		if n := w.events(importer.ActionImportResume, rec.ID); n != 1 {
			t.Fatalf("%d resumptions after a second reconcile", n)
		}
		w.work(rec.ID, importer.StatusChecked)

		// The commit's task is archived, as asynq does when its worker dies twice.
		if _, err := w.q.Commit(ctx, w.tenant, w.school, rec.ID, importer.ModeAll); err != nil {
			t.Fatal(err)
		}
		if err := w.client.Inspector().ArchiveTask("default", fmt.Sprintf("pupil-import-%d-commit", rec.ID)); err != nil {
			t.Fatal(err)
		}
		w.age(rec.ID)
		w.reconcile()
		if s := w.taskState(rec.ID, true); s != "pending" || w.events(importer.ActionImportResume, rec.ID) != 2 {
			t.Fatalf("archived commit: task %q", s)
		}
		done := w.work(rec.ID, importer.StatusDone)
		if done.CreatedRows != 40 || w.count("") != 40 || done.FileSealed != nil {
			t.Fatalf("resumed commit: %+v, %d pupils", done, w.count(""))
		}
	})
}

// An import whose task is lost more often than MaxResumes allows is failed,
// saying that nothing was imported, its file deleted; nothing was written.
func TestReconcileFailsAnImportLostTooOften(t *testing.T) {
	eachQueue(t, func(t *testing.T, w *queueWorld) {
		ctx := w.ctx
		rec, err := w.q.Upload(ctx, w.tenant, w.school, nil, "roll.csv", csvOf(10))
		if err != nil {
			t.Fatal(err)
		}
		w.work(rec.ID, importer.StatusChecked)
		if _, err := w.q.Commit(ctx, w.tenant, w.school, rec.ID, importer.ModeAll); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("pupil-import-%d-commit", rec.ID)
		for i := 0; i <= importer.MaxResumes; i++ {
			if err := w.client.Inspector().ArchiveTask("default", id); err != nil {
				t.Fatalf("archive %d: %v", i, err)
			}
			w.age(rec.ID)
			w.reconcile()
		}
		got := w.record(rec.ID)
		if got.Status != importer.StatusFailed || !strings.Contains(got.Message, "nothing was imported") || got.FileSealed != nil {
			t.Fatalf("import lost %d times: %s %q, file kept %v", importer.MaxResumes+1, got.Status, got.Message, got.FileSealed != nil)
		}
		if w.events(importer.ActionImportResume, rec.ID) != importer.MaxResumes || w.events(importer.ActionImportInterrupted, rec.ID) != 1 || w.count("") != 0 {
			t.Fatalf("%d resumptions, %d interruptions, %d pupils", w.events(importer.ActionImportResume, rec.ID), w.events(importer.ActionImportInterrupted, rec.ID), w.count(""))
		}
	})
}

// A worker that starts reconciles at once: an import left "checking" by a
// crash (its task lost with the embedded Redis) goes on without waiting for
// the schedule.
func TestWorkerStartResumesImportsLeftByACrash(t *testing.T) {
	eachQueue(t, func(t *testing.T, w *queueWorld) {
		rec, err := w.q.Upload(w.ctx, w.tenant, w.school, nil, "roll.csv", csvOf(5))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.client.DeleteTask(w.ctx, "default", fmt.Sprintf("pupil-import-%d-check", rec.ID)); err != nil {
			t.Fatal(err)
		}
		w.age(rec.ID)
		w.work(rec.ID, importer.StatusChecked)
		if w.events(importer.ActionImportResume, rec.ID) != 1 {
			t.Fatal("the check ran without being resumed")
		}
	})
}

// A commit records itself in its own transaction: OnCommit sees the rows
// written, and its failure rolls the whole commit back.
func TestOnCommitRunsInTheCommitsTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		for _, mode := range []importer.Mode{importer.ModeAll, importer.ModeValid} {
			var seen int64
			boom := errors.New("recording the import failed")
			_, err := f.run(csvOf(12), importer.Options{Mode: mode, OnCommit: func(ctx context.Context, tx *gorm.DB, res importer.Result) error {
				tx.Table("pupils").Count(&seen)
				if !res.Committed || res.Created != 12 {
					t.Errorf("%s: OnCommit got %+v", mode, res)
				}
				return boom
			}})
			if !errors.Is(err, boom) || seen != 12 || f.count("") != 0 || f.auditCount(importer.ActionImport) != 0 {
				t.Fatalf("%s: %v; OnCommit saw %d pupils, %d kept", mode, err, seen, f.count(""))
			}
		}
	})
}

// A web request bound to its tenant (PostgreSQL) keeps, reads and lists its
// imports through the binding, as the tenant role; another tenant's import
// is refused (storage.ErrOtherTenant), whatever its id.
func TestBoundWorkSeesItsOwnTenantsImportsOnly(t *testing.T) {
	eachQueue(t, func(t *testing.T, w *queueWorld) {
		other, err := w.q.Upload(w.ctx, w.tenant2, w.school2, nil, "beta.csv", csvOf(3))
		if err != nil {
			t.Fatal(err)
		}
		ctx, release, err := w.db.Bind(w.ctx, w.tenant)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		mine, err := w.q.Upload(ctx, w.tenant, w.school, nil, "roll.csv", csvOf(3))
		if err != nil {
			t.Fatalf("upload, bound to A: %v", err)
		}
		if got, err := w.q.Get(ctx, w.tenant, w.school, mine.ID); err != nil || got.FileName != "roll.csv" {
			t.Fatalf("A's import, bound to A: %+v %v", got, err)
		}
		if recs, err := w.q.Recent(ctx, w.tenant, w.school, 10); err != nil || len(recs) != 1 {
			t.Fatalf("A's recent imports, bound to A: %+v %v", recs, err)
		}
		_, err = w.q.Get(ctx, w.tenant2, w.school2, other.ID)
		if w.db.Dialect == storage.Postgres && !errors.Is(err, storage.ErrOtherTenant) {
			t.Errorf("B's import, bound to A: %v, want ErrOtherTenant", err)
		}
		if _, err := w.q.Recent(ctx, w.tenant2, w.school2, 10); w.db.Dialect == storage.Postgres && !errors.Is(err, storage.ErrOtherTenant) {
			t.Errorf("B's recent imports, bound to A: %v, want ErrOtherTenant", err)
		}
	})
}

// A committed import bumps its tenant's changes revision and its
// importer's own once the pupils are written, so what was cached from the
// tenant's data before (the home page's contributions) is read afresh (at
// once for the importer); a check, which writes no pupil, does not.
func TestACommittedImportNotesTheTenantsChange(t *testing.T) {
	eachQueue(t, func(t *testing.T, w *queueWorld) {
		rev := func() int64 {
			t.Helper()
			got, err := storage.Revisions(w.ctx, w.db.Core(w.ctx), storage.TenantChangesKey(w.tenant))
			if err != nil {
				t.Fatal(err)
			}
			return got[storage.TenantChangesKey(w.tenant)]
		}
		// The importer's own revision: they see their import at once.
		importer42 := uint(42)
		ownKey := storage.UserChangesKey(w.tenant, importer42, "")
		own := func() int64 {
			t.Helper()
			got, err := storage.Revisions(w.ctx, w.db.Core(w.ctx), ownKey)
			if err != nil {
				t.Fatal(err)
			}
			return got[ownKey]
		}
		before := rev()
		rec, err := w.q.Upload(w.ctx, w.tenant, w.school, &importer42, "roll.csv", csvOf(5))
		if err != nil {
			t.Fatal(err)
		}
		w.work(rec.ID, importer.StatusChecked)
		if rev() != before {
			t.Fatalf("a check changed the tenant's revision")
		}
		if _, err := w.q.Commit(w.ctx, w.tenant, w.school, rec.ID, importer.ModeAll); err != nil {
			t.Fatal(err)
		}
		w.work(rec.ID, importer.StatusDone)
		if rev() != before+1 || own() != 1 {
			t.Errorf("after a committed import: the tenant's revision %d, want %d; the importer's %d, want 1", rev(), before+1, own())
		}
	})
}
