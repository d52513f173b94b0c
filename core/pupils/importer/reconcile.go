package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/jobs"
)

// MaxResumes is how many times Reconcile queues again the check or commit
// of one import whose task is gone before it fails the import: a task that
// keeps stopping its worker (killed, out of memory) must not loop for ever.
const MaxResumes = 2

// Audit actions of Reconcile.
const (
	ActionImportResume      = "pupil.import.resume"
	ActionImportInterrupted = "pupil.import.interrupted"
)

// lostGrace is how long an import may have no task just after it changed
// state: Upload and Commit write the import, then queue its task.
const lostGrace = 30 * time.Second

// Reconcile makes the imports agree with the queue, judging from the
// database and not from the queue's own state (TaskReconcile runs it every
// minute and at each worker start). First Purge enforces FileTTL whatever
// the state of each import. Then an import that is checking or importing
// but whose task is gone — never queued, lost with an embedded Redis that
// restarted, or archived by asynq after its worker stopped twice ("task
// lease expired") — is queued again, at most MaxResumes times, and after
// that failed with a message saying nothing was imported. Each resumption
// and failure is written to the audit log, which is also where the
// resumptions are counted. A commit records its import done in its own
// transaction (Options.OnCommit), so an import still importing has written
// no pupil, and running its commit again is safe.
//
// Reconcile is safe to run on several workers at once: each import is
// claimed by a conditional update, so only one of them resumes or fails it.
func (q *Queue) Reconcile(ctx context.Context) error {
	if err := q.Purge(ctx); err != nil {
		return err
	}
	if q.client == nil {
		return errors.New("import jobs are not registered")
	}
	ctx = audit.WithActor(ctx, audit.Actor{Label: "job:" + TaskReconcile})
	var running []Record
	err := q.db.WithContext(ctx).Select("id", "tenant_id", "status", "mode", "updated_at").
		Where("status IN ? AND updated_at < ?", []string{StatusChecking, StatusImporting}, time.Now().UTC().Add(-lostGrace)).
		Order("id").Find(&running).Error
	if err != nil {
		return fmt.Errorf("find running imports: %w", err)
	}
	var errs []error
	for _, rec := range running {
		if err := q.reconcileOne(ctx, rec); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// reconcileOne resumes or fails one import whose task may be gone.
func (q *Queue) reconcileOne(ctx context.Context, rec Record) error {
	commit := rec.Status == StatusImporting
	id := taskID(rec.ID, commit)
	state, err := q.client.TaskState(ctx, importQueue, id)
	if err != nil || jobs.TaskLive(state) {
		return err
	}
	var resumed int64
	if err := q.db.WithContext(ctx).Model(&audit.Event{}).
		Where("tenant_id = ? AND action = ? AND entity_type = ? AND entity_id = ?", rec.TenantID, ActionImportResume, "pupil_import", fmt.Sprint(rec.ID)).
		Count(&resumed).Error; err != nil {
		return fmt.Errorf("count resumptions of import %d: %w", rec.ID, err)
	}
	step := "check"
	if commit {
		step = "commit"
	}
	lost := state
	if lost == "" {
		lost = "missing"
	}
	if resumed >= MaxResumes {
		return q.interrupt(ctx, rec, step, lost, resumed)
	}
	// Claim the import: another worker's Reconcile, or the task itself, may
	// have moved it on since it was read.
	now := time.Now().UTC()
	claim := q.db.WithContext(ctx).Model(&Record{}).Where("id = ? AND status = ? AND updated_at = ?", rec.ID, rec.Status, rec.UpdatedAt).
		Update("updated_at", now)
	if claim.Error != nil || claim.RowsAffected == 0 {
		return claim.Error
	}
	if err := audit.Record(ctx, q.db.DB, audit.Change{TenantID: rec.TenantID, Action: ActionImportResume, EntityType: "pupil_import",
		EntityID: fmt.Sprint(rec.ID), After: map[string]any{"step": step, "task": lost, "resumption": resumed + 1}}); err != nil {
		return err
	}
	// An archived or completed task keeps its id: make room for the new one.
	if err := q.client.DeleteTask(ctx, importQueue, id); err != nil {
		return err
	}
	q.log.WarnContext(ctx, "pupil import resumed: its task was gone", "import_id", rec.ID, "step", step, "task", lost, "resumption", resumed+1)
	return q.enqueue(ctx, runPayload{ID: rec.ID, Commit: commit, Mode: rec.Mode})
}

// interrupt fails an import whose task was lost once more than MaxResumes allows.
func (q *Queue) interrupt(ctx context.Context, rec Record, step, lost string, resumed int64) error {
	msg := fmt.Sprintf("The import's %s stopped %d times before it finished (the server or its worker stopped): nothing was imported. "+
		"Upload the file again; if it stops again, ask an operator to look at the job monitor.", step, resumed+1)
	res := q.db.WithContext(ctx).Model(&Record{}).Where("id = ? AND status = ? AND updated_at = ?", rec.ID, rec.Status, rec.UpdatedAt).
		Updates(map[string]any{"status": StatusFailed, "message": msg, "finished_at": time.Now().UTC(), "file_sealed": nil})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	q.log.ErrorContext(ctx, "pupil import failed: its task was lost too often", "import_id", rec.ID, "step", step, "task", lost, "resumptions", resumed)
	return audit.Record(ctx, q.db.DB, audit.Change{TenantID: rec.TenantID, Action: ActionImportInterrupted, EntityType: "pupil_import",
		EntityID: fmt.Sprint(rec.ID), After: map[string]any{"step": step, "task": lost, "resumptions": resumed}})
}
