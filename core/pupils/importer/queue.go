package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
)

// Task types of the import jobs.
const (
	// TaskRun checks or commits one uploaded file (payload: the import's id and what to do).
	TaskRun = "core:pupils:import"
	// TaskReconcile, every minute and at each worker start, runs Reconcile.
	TaskReconcile = "core:pupils:import-reconcile"
	// TaskPurge is the hourly task of earlier versions; a node of one still
	// queues it during an upgrade, and it runs Reconcile.
	TaskPurge = "core:pupils:import-purge"
)

// importQueue is the asynq queue of TaskRun.
const importQueue = "default"

// FileTTL is how long an uploaded file (and its report) is kept when it is
// not committed; a committed file is deleted at once.
const FileTTL = 24 * time.Hour

// Statuses of an import.
const (
	StatusChecking  = "checking"  // the dry run is queued or running
	StatusChecked   = "checked"   // the preview is ready
	StatusImporting = "importing" // the commit is queued or running
	StatusDone      = "done"
	StatusFailed    = "failed"
	StatusExpired   = "expired" // not committed within FileTTL; the file is gone
)

// Sealing contexts of what an import keeps.
const (
	fileContext   = "pupil.import.file"
	reportContext = "pupil.import.report"
)

// Record is one upload (table pupil_imports).
type Record struct {
	ID            uint       `gorm:"primaryKey" json:"id"`
	TenantID      uint       `json:"-"`
	SchoolID      uint       `json:"school_id"`
	UserID        *uint      `json:"user_id,omitempty"`
	ActorLabel    string     `json:"-"`
	FileName      string     `json:"file_name"`
	FileSize      int64      `json:"file_size"`
	FileSealed    []byte     `gorm:"column:file_sealed" json:"-"`
	Format        string     `json:"format"`
	Encoding      string     `json:"encoding"`
	Status        string     `json:"status"`
	Mode          string     `json:"mode"`
	TotalRows     int        `json:"total_rows"`
	ProcessedRows int        `json:"processed_rows"`
	NewRows       int        `json:"new_rows"`
	ChangedRows   int        `json:"changed_rows"`
	CreatedRows   int        `json:"created_rows"`
	UpdatedRows   int        `json:"updated_rows"`
	UnchangedRows int        `json:"unchanged_rows"`
	ErrorRows     int        `json:"error_rows"`
	Message       string     `json:"message,omitempty"`
	ReportSealed  []byte     `gorm:"column:report_sealed" json:"-"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
}

// TableName maps Record onto the core schema.
func (Record) TableName() string { return "pupil_imports" }

// Running reports whether a job is (or will be) working on the import.
func (r Record) Running() bool { return r.Status == StatusChecking || r.Status == StatusImporting }

// ErrNotFound: no such import of the tenant and school.
var ErrNotFound = errors.New("no such import")

// ErrState: the import is not in a state that allows the request.
var ErrState = errors.New("the import cannot do that now")

// Authorizer answers whether a user holds a permission at a unit; core/authz's Enforcer is one.
type Authorizer interface {
	Can(ctx context.Context, tenantID, userID uint, perm string, unitID uint) (bool, error)
}

// Queue keeps uploaded files (sealed) and runs their checks and commits as
// jobs, with progress a page can show.
type Queue struct {
	svc    *Service
	db     *storage.DB
	box    *sealed.Box
	client *jobs.Client
	az     Authorizer
	log    *slog.Logger
	// live holds the progress of the runs in this process (on SQLite the
	// commit's transaction keeps other connections from writing it).
	live sync.Map // import id -> Progress
	// MaxBytes is the upload size limit (importfile.DefaultMaxBytes).
	MaxBytes int64
}

// NewQueue returns the import queue; Register wires it to the job system.
func NewQueue(db *storage.DB, ps *pupils.Service, box *sealed.Box) *Queue {
	return &Queue{svc: New(db, ps), db: db, box: box, MaxBytes: importfile.DefaultMaxBytes, log: slog.Default()}
}

// Service is the importer under the queue.
func (q *Queue) Service() *Service { return q.svc }

// Register adds the import jobs to reg, with Reconcile every minute and at
// each worker start, enqueueing through client and checking moves with az.
func (q *Queue) Register(reg *jobs.Registry, client *jobs.Client, az Authorizer, log *slog.Logger) error {
	q.client, q.az = client, az
	if log != nil {
		q.log = log
	}
	reg.Handle(TaskRun, q.handle, asynq.MaxRetry(1), asynq.Timeout(30*time.Minute), asynq.Queue(importQueue))
	reconcile := func(ctx context.Context, _ []byte) error { return q.Reconcile(ctx) }
	reg.Handle(TaskReconcile, reconcile, asynq.MaxRetry(0), asynq.Timeout(5*time.Minute), asynq.Queue("low"))
	reg.Handle(TaskPurge, reconcile, asynq.MaxRetry(0), asynq.Timeout(5*time.Minute), asynq.Queue("low"))
	if err := reg.Schedule("@every 1m", TaskReconcile, nil); err != nil {
		return fmt.Errorf("register import jobs: %w", err)
	}
	if err := reg.AtStart(TaskReconcile); err != nil {
		return fmt.Errorf("register import jobs: %w", err)
	}
	return nil
}

type runPayload struct {
	ID     uint   `json:"id"`
	Commit bool   `json:"commit"`
	Mode   string `json:"mode,omitempty"`
}

// Upload keeps data (sealed) as a new import of a school by the actor in
// ctx, and queues its check. A file over MaxBytes is refused before anything is kept.
func (q *Queue) Upload(ctx context.Context, tenantID, schoolID uint, userID *uint, fileName string, data []byte) (Record, error) {
	if int64(len(data)) > q.MaxBytes {
		return Record{}, &importfile.FileError{Msg: "the file is larger than the limit"}
	}
	rec := Record{TenantID: tenantID, SchoolID: schoolID, UserID: userID, ActorLabel: audit.ActorFrom(ctx).Label,
		FileName: clipName(fileName), FileSize: int64(len(data)), FileSealed: q.box.Seal(string(data), fileContext),
		Status: StatusChecking, Mode: string(ModeAll)}
	if err := q.db.For(ctx, tenantID).Create(&rec).Error; err != nil {
		return Record{}, fmt.Errorf("keep uploaded file: %w", err)
	}
	if err := q.enqueue(ctx, runPayload{ID: rec.ID}); err != nil {
		return Record{}, err
	}
	return rec, nil
}

func clipName(s string) string {
	r := []rune(s)
	if len(r) > 200 {
		return string(r[:200])
	}
	return s
}

// taskID is the asynq task id of an import's check or commit.
func taskID(importID uint, commit bool) string {
	if commit {
		return fmt.Sprintf("pupil-import-%d-commit", importID)
	}
	return fmt.Sprintf("pupil-import-%d-check", importID)
}

func (q *Queue) enqueue(ctx context.Context, p runPayload) error {
	if q.client == nil {
		return errors.New("import jobs are not registered")
	}
	// One task per import and step: a second enqueue while it is queued or
	// running (Reconcile's resumption of a lost task) is a no-op.
	id := taskID(p.ID, p.Commit)
	if _, err := q.client.Enqueue(ctx, TaskRun, p, asynq.TaskID(id)); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("queue import %d: %w", p.ID, err)
	}
	return nil
}

// Get returns an import of the tenant's school.
func (q *Queue) Get(ctx context.Context, tenantID, schoolID, id uint) (Record, error) {
	var rec Record
	err := q.db.For(ctx, tenantID).Omit("file_sealed").Where("tenant_id = ? AND school_id = ? AND id = ?", tenantID, schoolID, id).First(&rec).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, fmt.Errorf("load import %d: %w", id, err)
	}
	return rec, nil
}

// Recent lists a school's latest imports, newest first.
func (q *Queue) Recent(ctx context.Context, tenantID, schoolID uint, n int) ([]Record, error) {
	var out []Record
	err := q.db.For(ctx, tenantID).Omit("file_sealed", "report_sealed").Where("tenant_id = ? AND school_id = ?", tenantID, schoolID).
		Order("id DESC").Limit(n).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	return out, nil
}

// Report is what a check or commit found: the column mapping and the per-row errors.
type Report struct {
	Info            importfile.Info `json:"info"`
	Errors          []RowError      `json:"errors"`
	ErrorsTruncated bool            `json:"errors_truncated,omitempty"`
	Moved           int             `json:"moved"`
}

// Report opens an import's report (zero when there is none yet or it expired).
func (q *Queue) Report(rec Record) (Report, error) {
	var r Report
	if len(rec.ReportSealed) == 0 {
		return r, nil
	}
	s, err := q.box.Open(rec.ReportSealed, reportContext)
	if err != nil {
		return r, fmt.Errorf("open report of import %d: %w", rec.ID, err)
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("read report of import %d: %w", rec.ID, err)
	}
	return r, nil
}

// Progress returns the live progress of a run in this process.
func (q *Queue) Progress(id uint) (Progress, bool) {
	p, ok := q.live.Load(id)
	if !ok {
		return Progress{}, false
	}
	return p.(Progress), true
}

// Commit queues the commit of a checked import: mode ModeAll needs every
// row valid; ModeValid (the user's explicit choice) imports the valid rows.
func (q *Queue) Commit(ctx context.Context, tenantID, schoolID, id uint, mode Mode) (Record, error) {
	if mode != ModeAll && mode != ModeValid {
		return Record{}, fmt.Errorf("%w: unknown mode", ErrState)
	}
	res := q.db.WithContext(ctx).Model(&Record{}).
		Where("tenant_id = ? AND school_id = ? AND id = ? AND status = ? AND (error_rows = 0 OR ? = ?)", tenantID, schoolID, id, StatusChecked, string(mode), string(ModeValid)).
		Updates(map[string]any{"status": StatusImporting, "mode": string(mode), "processed_rows": 0})
	if res.Error != nil {
		return Record{}, fmt.Errorf("commit import %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		if _, err := q.Get(ctx, tenantID, schoolID, id); err != nil {
			return Record{}, err
		}
		return Record{}, fmt.Errorf("%w: it is not checked, was already imported, or has errors (choose to import only the valid rows)", ErrState)
	}
	if err := q.enqueue(ctx, runPayload{ID: id, Commit: true, Mode: string(mode)}); err != nil {
		return Record{}, err
	}
	return q.Get(ctx, tenantID, schoolID, id)
}

// handle runs one check or commit.
func (q *Queue) handle(ctx context.Context, payload []byte) error {
	var p runPayload
	if err := json.Unmarshal(payload, &p); err != nil || p.ID == 0 {
		return jobs.Permanent(fmt.Errorf("pupil import: bad payload"))
	}
	var rec Record
	if err := q.db.WithContext(ctx).First(&rec, p.ID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return jobs.Permanent(fmt.Errorf("pupil import %d: %w", p.ID, ErrNotFound))
		}
		return fmt.Errorf("load import %d: %w", p.ID, err)
	}
	want := StatusChecking
	if p.Commit {
		want = StatusImporting
	}
	if rec.Status != want || len(rec.FileSealed) == 0 {
		return nil // done already, or expired
	}
	data, err := q.box.Open(rec.FileSealed, fileContext)
	if err != nil {
		return q.fail(ctx, rec, "the uploaded file cannot be read back (was the pupil key changed?)")
	}
	label := rec.ActorLabel
	ctx = audit.WithActor(ctx, audit.Actor{UserID: rec.UserID, Label: label})
	opt := Options{TenantID: rec.TenantID, SchoolID: rec.SchoolID, Mode: Mode(p.Mode), DryRun: !p.Commit,
		Via: "job:" + TaskRun, EntityID: fmt.Sprint(rec.ID), MaxBytes: q.MaxBytes}
	if rec.UserID != nil && q.az != nil {
		uid := *rec.UserID
		opt.CanImportAt = func(ctx context.Context, schoolID uint) (bool, error) {
			return q.az.Can(ctx, rec.TenantID, uid, authz.PermPupilImport, schoolID)
		}
	}
	var lastWrite time.Time
	opt.Progress = func(pr Progress) {
		q.live.Store(rec.ID, pr)
		// A separate connection may write while the commit's transaction is
		// open on PostgreSQL, not on SQLite (one writer): there the page
		// reads the live progress of this process.
		if q.db.Dialect == storage.Postgres && time.Since(lastWrite) > time.Second {
			lastWrite = time.Now()
			q.db.WithContext(ctx).Model(&Record{}).Where("id = ?", rec.ID).Update("processed_rows", pr.Rows)
		}
	}
	defer q.live.Delete(rec.ID)
	if p.Commit {
		// The import is done in the commit's own transaction: an import still
		// "importing" has imported nothing, whatever stopped it.
		opt.OnCommit = func(ctx context.Context, tx *gorm.DB, res Result) error {
			return q.record(ctx, tx, rec, true, res, nil)
		}
	}
	res, err := q.svc.Run(ctx, strings.NewReader(data), int64(len(data)), opt) // no second copy of the file
	var fe *importfile.FileError
	switch {
	case errors.As(err, &fe):
		return q.fail(ctx, rec, fe.Msg)
	case err != nil && !errors.Is(err, ErrRowErrors):
		if a, ok := jobs.AttemptFrom(ctx); !ok || a.Last() {
			_ = q.fail(context.WithoutCancel(ctx), rec, "the import failed on our side: nothing was imported")
		}
		return err
	case res.Committed:
		// The pupils changed after the request that asked for the commit:
		// caches of what the tenant holds (the plugins' contributions to
		// the home page) must not keep what they read in between, and the
		// person who imported sees the import at once.
		keys := []string{storage.TenantChangesKey(rec.TenantID)}
		if rec.UserID != nil {
			keys = append(keys, storage.UserChangesKey(rec.TenantID, *rec.UserID, ""))
		}
		if err := storage.NoteTenantChange(ctx, q.db.Core(ctx), keys...); err != nil {
			q.log.WarnContext(ctx, "note the tenant's change after an import", "import_id", rec.ID, "error", err.Error())
		}
		return nil // recorded by OnCommit
	}
	return q.record(ctx, q.db.DB, rec, p.Commit, res, err)
}

// record writes, through db, what a run found: a check becomes checked; a
// commit done (the file deleted), or failed when rows had errors.
func (q *Queue) record(ctx context.Context, db *gorm.DB, rec Record, commit bool, res Result, runErr error) error {
	rep, err := json.Marshal(Report{Info: res.Info, Errors: res.Errors, ErrorsTruncated: res.ErrorsTruncated, Moved: res.Moved})
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	up := map[string]any{
		"format": res.Info.Format, "encoding": res.Info.Encoding, "total_rows": res.Total, "processed_rows": res.Total,
		"new_rows": res.New, "changed_rows": res.Changed, "unchanged_rows": res.Unchanged, "error_rows": res.ErrorRows,
		"report_sealed": q.box.Seal(string(rep), reportContext),
	}
	switch {
	case !commit:
		up["status"] = StatusChecked
	case runErr != nil:
		up["status"], up["message"], up["finished_at"] = StatusFailed, "Some rows have errors, so nothing was imported.", now
	default:
		up["status"], up["created_rows"], up["updated_rows"], up["finished_at"] = StatusDone, res.Created, res.Updated, now
		up["file_sealed"] = nil // the file is not needed any more
	}
	if err := db.WithContext(context.WithoutCancel(ctx)).Model(&Record{}).Where("id = ?", rec.ID).Updates(up).Error; err != nil {
		return fmt.Errorf("record import %d: %w", rec.ID, err)
	}
	return nil
}

func (q *Queue) fail(ctx context.Context, rec Record, msg string) error {
	err := q.db.WithContext(ctx).Model(&Record{}).Where("id = ?", rec.ID).
		Updates(map[string]any{"status": StatusFailed, "message": msg, "finished_at": time.Now().UTC(), "file_sealed": nil}).Error
	if err != nil {
		return fmt.Errorf("record failed import %d: %w", rec.ID, err)
	}
	return nil
}

// Purge enforces FileTTL, whatever state an import is in: imports older
// than it lose their uploaded file and their error report; one never
// committed is marked expired, and one whose commit has not finished is
// marked failed (its task may run still; it would find no file, and a commit
// that does finish records itself done).
func (q *Queue) Purge(ctx context.Context) error {
	cutoff := time.Now().UTC().Add(-FileTTL)
	db := q.db.WithContext(ctx).Model(&Record{})
	if err := db.Where("created_at < ? AND status IN ?", cutoff, []string{StatusChecking, StatusChecked}).
		Updates(map[string]any{"status": StatusExpired}).Error; err != nil {
		return fmt.Errorf("expire imports: %w", err)
	}
	if err := q.db.WithContext(ctx).Model(&Record{}).Where("created_at < ? AND status = ?", cutoff, StatusImporting).
		Updates(map[string]any{"status": StatusFailed, "finished_at": time.Now().UTC(),
			"message": "The import did not finish within 24 hours of the upload, when its file is deleted: nothing was imported. Upload the file again."}).Error; err != nil {
		return fmt.Errorf("fail unfinished imports: %w", err)
	}
	res := q.db.WithContext(ctx).Model(&Record{}).Where("created_at < ? AND (file_sealed IS NOT NULL OR report_sealed IS NOT NULL)", cutoff).
		Updates(map[string]any{"file_sealed": nil, "report_sealed": nil})
	if res.Error != nil {
		return fmt.Errorf("purge import files: %w", res.Error)
	}
	if res.RowsAffected > 0 {
		q.log.InfoContext(ctx, "purged old pupil import files", "imports", res.RowsAffected)
	}
	return nil
}
