// Package importer writes a school's pupil file (read by
// core/pupils/importfile) into the pupils table: a dry run that counts what
// would change, and a commit that upserts by the UPN's keyed hash, per
// tenant, in one transaction — all or nothing unless the caller asks for only
// the valid rows. Re-importing a file changes nothing: a row equal to the
// stored pupil is not written at all.
//
// Memory does not grow with the file's length beyond a few bytes per row
// (the duplicate check). A preview, and a commit of only the valid rows, run
// in two streaming passes: the first checks every row
// (pupils.ValidateRecord) and finds UPNs that appear twice, the second looks
// the rows up and writes them in batches. An all-or-nothing commit (the
// default) is one pass that checks and writes in one transaction and rolls
// back at the first row error. In both, one goroutine reads, checks, hashes
// and seals the rows while another looks them up and writes them: new
// pupils with one multi-row INSERT per batch (COPY on PostgreSQL), changed
// ones with INSERT … ON CONFLICT (tenant_id, upn_hash) DO UPDATE … WHERE
// the values differ. Errors are per row and field and never contain a UPN.
// docs/import.md has the details and the measured speed.
//
// A pupil whose UPN is on roll at another school of the tenant moves to the
// importing school when the actor may import at both (CanImportAt says so);
// otherwise that row is an error. The commit writes one audit event for the
// import (counts) and, per batch, events naming the ids of the pupils
// created, updated and moved.
package importer

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/storage"
)

// Mode says what a commit does when some rows have errors.
type Mode string

const (
	// ModeAll writes nothing unless every row is valid (the default).
	ModeAll Mode = "all"
	// ModeValid writes the valid rows and skips the others; the user must choose it.
	ModeValid Mode = "valid"
)

// MaxReportedErrors bounds the per-row errors a Result keeps; the counts
// still cover every row.
const MaxReportedErrors = 2000

// Rows per batch statement unless Options.Batch says otherwise. Each batch
// costs a few round trips (look-up, upsert, audit), which dominate on
// PostgreSQL; on SQLite, in-process, smaller batches cost nothing extra.
const (
	DefaultBatch         = 1000
	DefaultPostgresBatch = 5000
)

// Audit actions of an import.
const (
	ActionImport        = "pupil.import"
	ActionImportCreate  = "pupil.import.create"
	ActionImportUpdate  = "pupil.import.update"
	ActionImportPreview = "pupil.import.preview"
)

// Options describe one run.
type Options struct {
	TenantID uint
	SchoolID uint
	Mode     Mode
	// DryRun counts and checks without writing pupils.
	DryRun bool
	// CanImportAt reports whether the actor may import at another school of
	// the tenant (a pupil found there then moves). Nil: never.
	CanImportAt func(ctx context.Context, schoolID uint) (bool, error)
	// Progress, when set, is called every few hundred rows.
	Progress func(Progress)
	// Via names the route or job in the audit log ("cli:import pupils").
	Via string
	// EntityID names the import in its audit event (the pupil_imports id).
	EntityID string
	// MaxBytes is the file size limit (default importfile.DefaultMaxBytes).
	MaxBytes int64
	// Batch is the rows per statement (default DefaultBatch).
	Batch int
	// OnCommit, when set, runs inside a commit's transaction after the rows
	// and the import's audit event are written, with the Result as it will
	// be returned: what the caller records of the commit (the import's
	// status) then commits or rolls back with the rows. Its error rolls the
	// commit back.
	OnCommit func(ctx context.Context, tx *gorm.DB, res Result) error
}

// Progress is how far a run is.
type Progress struct {
	// Phase is "checking" (first pass) or "writing" (second pass).
	Phase string
	// Rows is the rows done in this phase; Total is known in the second.
	Rows, Total int
	// Fraction is the part of the whole run done, 0..1.
	Fraction float64
}

// RowError is one problem of one row. GivenName and FamilyName are the
// row's own name cells, for the uploader's preview only: never log them.
type RowError struct {
	Row        int    `json:"row"`
	Field      string `json:"field"`
	Message    string `json:"message"`
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
}

// Result is what a run found and did.
type Result struct {
	Info importfile.Info `json:"info"`
	// Total counts data rows; New, Changed and Unchanged the valid ones (a
	// move counts as changed); ErrorRows the rows with at least one error.
	Total     int `json:"total"`
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Moved     int `json:"moved"`
	Unchanged int `json:"unchanged"`
	ErrorRows int `json:"error_rows"`
	// Created and Updated count what a commit wrote (zero for a dry run or a refused commit).
	Created int `json:"created"`
	Updated int `json:"updated"`
	// Committed reports that the commit wrote its rows.
	Committed bool `json:"committed"`
	// Errors lists the first MaxReportedErrors problems, by row.
	Errors []RowError `json:"errors"`
	// ErrorsTruncated reports that more problems were found than Errors holds.
	ErrorsTruncated bool `json:"errors_truncated,omitempty"`
}

// Valid counts the rows without errors.
func (r Result) Valid() int { return r.Total - r.ErrorRows }

// ErrRowErrors is returned by a ModeAll commit refused because rows have errors.
var ErrRowErrors = errors.New("the file has rows with errors: nothing was imported")

// Service runs imports.
type Service struct {
	db     *storage.DB
	pupils *pupils.Service
	now    func() time.Time
}

// New returns the import service over db, hashing and sealing UPNs with ps.
func New(db *storage.DB, ps *pupils.Service) *Service {
	return &Service{db: db, pupils: ps, now: time.Now}
}

// Run checks (and unless opt.DryRun, commits) the file r of size bytes. A
// file that cannot be read gives a *importfile.FileError and writes
// nothing; a ModeAll commit with row errors gives the Result and
// ErrRowErrors and writes nothing.
func (s *Service) Run(ctx context.Context, r io.ReadSeeker, size int64, opt Options) (Result, error) {
	if opt.Mode == "" {
		opt.Mode = ModeAll
	}
	if opt.Mode != ModeAll && opt.Mode != ModeValid {
		return Result{}, fmt.Errorf("import: unknown mode %q", opt.Mode)
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
		if s.db.Dialect == storage.Postgres {
			opt.Batch = DefaultPostgresBatch
		}
	}
	if opt.TenantID == 0 || opt.SchoolID == 0 {
		return Result{}, errors.New("import: tenant and school are required")
	}
	today := s.now()
	ru := &run{s: s, opt: opt, today: today, size: size}
	// Pass 1: read and check every row.
	if !opt.DryRun && opt.Mode == ModeAll {
		return s.commitOnePass(ctx, ru, r)
	}
	// A dry run, or only the valid rows: check first, so that the second
	// pass knows which rows to leave out.
	if err := ru.check(ctx, r); err != nil {
		return Result{}, err
	}
	if opt.DryRun {
		if err := ru.stream(ctx, r, s.db.DB, nil, false, false); err != nil {
			return Result{}, err
		}
		ru.finish()
		return ru.res, nil
	}
	err := s.transaction(ctx, ru.opt.TenantID, func(tx *gorm.DB, conn *sql.Conn) error {
		if err := ru.stream(ctx, r, tx, conn, true, false); err != nil {
			return err
		}
		return ru.commit(ctx, tx)
	})
	ru.finish()
	if err != nil {
		return Result{}, fmt.Errorf("import pupils: %w", err)
	}
	ru.res.Committed = true
	return ru.res, nil
}

// commitOnePass is the all-or-nothing commit: one pass that checks and
// writes in one transaction, rolled back at the first row error. The file
// is then read again as a dry run, so the report counts what the file would
// do exactly as a preview does.
func (s *Service) commitOnePass(ctx context.Context, ru *run, r io.ReadSeeker) (Result, error) {
	err := s.transaction(ctx, ru.opt.TenantID, func(tx *gorm.DB, conn *sql.Conn) error {
		if err := ru.stream(ctx, r, tx, conn, true, true); err != nil {
			return err
		}
		if ru.res.ErrorRows > 0 {
			return ErrRowErrors // roll back
		}
		return ru.commit(ctx, tx)
	})
	if errors.Is(err, ErrRowErrors) {
		ru.res.New, ru.res.Changed, ru.res.Moved, ru.res.Unchanged, ru.res.Created, ru.res.Updated = 0, 0, 0, 0, 0, 0
		if err := ru.stream(ctx, r, s.db.DB, nil, false, false); err != nil {
			return Result{}, err
		}
		ru.finish()
		ru.res.Created, ru.res.Updated = 0, 0
		return ru.res, ErrRowErrors
	}
	ru.finish()
	if err != nil {
		var fe *importfile.FileError
		if errors.As(err, &fe) {
			return Result{}, err
		}
		return Result{}, fmt.Errorf("import pupils: %w", err)
	}
	ru.res.Committed = true
	return ru.res, nil
}

// importCacheKiB is the SQLite page cache of an import's connection while it
// writes (SQLite's default is 2 MB). The UPN hashes of a file land all over
// the unique index; once that outgrows the cache, most rows evict a dirty
// page and read another back. Measured at 290,000 rows (bench/pupilimport):
// 2 and 8 MB ~17,000 rows/s, 16 MB ~25,500, 32 MB ~22,500 and 64 MB ~18,000
// (a bigger cache costs more to fill and to hand back). It is a bound, not
// an allocation, and goes back to the connection's previous size after the
// commit, so memory stays flat however long the file.
const importCacheKiB = 16 << 10

// transaction runs fn in the import's transaction on a connection of its
// own, acting for tenantID (on PostgreSQL, row-level security then shows
// and accepts only that tenant's rows: storage.ActAs), which on SQLite has
// a page cache of importCacheKiB while the import runs (about 1.5 times as
// fast at 290,000 rows).
func (s *Service) transaction(ctx context.Context, tenantID uint, fn func(tx *gorm.DB, conn *sql.Conn) error) error {
	return s.db.OnConn(ctx, func(c *storage.Conn) error {
		run := func() error {
			return c.Transaction(func(tx *gorm.DB) error {
				if err := storage.ActAs(tx, s.db.Dialect, tenantID); err != nil {
					return err
				}
				return fn(tx, c.SQL)
			})
		}
		if s.db.Dialect == storage.Postgres {
			return run()
		}
		var cache int64
		if err := c.SQL.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
			return fmt.Errorf("read cache size: %w", err)
		}
		if _, err := c.SQL.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB)); err != nil {
			return fmt.Errorf("set cache size: %w", err)
		}
		err := run()
		if _, rerr := c.SQL.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA cache_size = %d", cache)); rerr != nil {
			// Never hand a connection with the import's cache back to the pool.
			_ = c.SQL.Raw(func(any) error { return driver.ErrBadConn })
		}
		return err
	})
}

// commit ends a commit's transaction: the import's audit event, then the
// caller's OnCommit.
func (ru *run) commit(ctx context.Context, tx *gorm.DB) error {
	if err := ru.recordImport(ctx, tx); err != nil {
		return err
	}
	if ru.opt.OnCommit == nil {
		return nil
	}
	ru.finish()
	res := ru.res
	res.Committed = true
	return ru.opt.OnCommit(ctx, tx, res)
}

// recordImport writes the import's own audit event (its counts).
func (ru *run) recordImport(ctx context.Context, tx *gorm.DB) error {
	opt := ru.opt
	return audit.Record(ctx, tx, audit.Change{TenantID: opt.TenantID, Action: ActionImport, EntityType: "pupil_import",
		EntityID: opt.EntityID, After: map[string]any{
			"school_id": opt.SchoolID, "mode": opt.Mode, "via": opt.Via, "rows": ru.res.Total,
			"created": ru.res.Created, "updated": ru.res.Updated, "moved": ru.res.Moved,
			"unchanged": ru.res.Unchanged, "error_rows": ru.res.ErrorRows}})
}

// run is the state of one Run.
type run struct {
	s     *Service
	opt   Options
	today time.Time
	size  int64
	res   Result
	// bad marks rows (by number) with errors: the second pass skips them.
	bad bitset
	// pos counts the bytes the first pass has read, for its progress.
	pos *counting
	// mu guards bad and the errors of res, which both goroutines of stream add to.
	mu sync.Mutex
}

// counting is a ReadSeeker that counts the bytes read since the last seek.
type counting struct {
	io.ReadSeeker
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.ReadSeeker.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *counting) Seek(off int64, whence int) (int64, error) {
	p, err := c.ReadSeeker.Seek(off, whence)
	c.n = p
	return p, err
}

func (ru *run) addError(row *importfile.Row, field, msg string) {
	ru.mu.Lock()
	defer ru.mu.Unlock()
	if !ru.bad.has(row.Number) {
		ru.bad.set(row.Number)
		ru.res.ErrorRows++
	}
	if len(ru.res.Errors) >= MaxReportedErrors {
		ru.res.ErrorsTruncated = true
		return
	}
	ru.res.Errors = append(ru.res.Errors, RowError{Row: row.Number, Field: field, Message: msg,
		GivenName: clip(row.Values[importfile.GivenName]), FamilyName: clip(row.Values[importfile.FamilyName])})
}

// isBad reports whether a row has an error.
func (ru *run) isBad(row int) bool {
	ru.mu.Lock()
	defer ru.mu.Unlock()
	return ru.bad.has(row)
}

// failed reports whether an all-or-nothing import has a row error, so
// nothing of it will be committed.
func (ru *run) failed() bool {
	ru.mu.Lock()
	defer ru.mu.Unlock()
	return ru.opt.Mode == ModeAll && ru.res.ErrorRows > 0
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// open rewinds r and opens it as a pupil file.
func (ru *run) open(r io.ReadSeeker) (*importfile.Reader, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind import file: %w", err)
	}
	return importfile.Open(r, ru.size, importfile.Options{MaxBytes: ru.opt.MaxBytes})
}

// check is the first pass: every row is read and checked, and UPNs that
// appear in more than one row are flagged in each of those rows.
func (ru *run) check(ctx context.Context, r io.ReadSeeker) error {
	ru.pos = &counting{ReadSeeker: r}
	rd, err := ru.open(ru.pos)
	if err != nil {
		return err
	}
	defer rd.Close()
	ru.res.Info = rd.Info()
	// The first row of each UPN, by a 64-bit prefix of its keyed hash (a
	// chance collision in 290,000 rows is about 1 in 400 million); negative
	// once that row has been flagged as a duplicate.
	seen := map[uint64]int32{}
	n := 0
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		n++
		if n%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			ru.progress("checking", n, 0, 0.5*min(1, float64(ru.pos.n)/float64(max(ru.size, 1))))
		}
		ru.checkRow(row, ru.res.Info, seen)
	}
	ru.res.Total = n
	return nil
}

// checkRow checks one row of the file (the first pass, or the one pass of
// an all-or-nothing commit): its errors are added, and a UPN already seen in
// an earlier row flags both rows (see duplicate). ok is false when the row
// has an error (its record is then not to be written); hash is set whenever
// the UPN is valid.
func (ru *run) checkRow(row *importfile.Row, info importfile.Info, seen map[uint64]int32) (rec pupils.Record, hash string, ok bool) {
	rec, errs := row.Record(info, ru.today)
	for _, e := range errs {
		ru.addError(row, e.Field, e.Message)
	}
	if errs.For(pupils.FieldUPN) != "" {
		return rec, "", false
	}
	hash = ru.s.pupils.HashUPN(rec.UPN)
	if ru.duplicate(seen, row, hash) || errs != nil {
		return rec, hash, false
	}
	return rec, hash, true
}

// duplicate reports whether row's UPN (hash) was seen in an earlier row,
// flagging both rows if so; otherwise it remembers the row. seen maps the
// first 8 bytes of a hash to the first row holding it (negated once that row
// has been flagged).
func (ru *run) duplicate(seen map[uint64]int32, row *importfile.Row, hash string) bool {
	key := hashKey(hash)
	first, ok := seen[key]
	if !ok {
		seen[key] = int32(row.Number)
		return false
	}
	firstRow := int(max(first, -first))
	ru.addError(row, pupils.FieldUPN, fmt.Sprintf("the same UPN is also in row %d", firstRow))
	if first > 0 {
		seen[key] = -first
		ru.addError(&importfile.Row{Number: firstRow}, pupils.FieldUPN, fmt.Sprintf("the same UPN is also in row %d", row.Number))
	}
	return true
}

func hashKey(hexHash string) uint64 {
	var b [8]byte
	_, _ = hex.Decode(b[:], []byte(hexHash[:16]))
	return binary.BigEndian.Uint64(b[:])
}

func (ru *run) progress(phase string, rows, total int, frac float64) {
	if ru.opt.Progress != nil {
		ru.opt.Progress(Progress{Phase: phase, Rows: rows, Total: total, Fraction: frac})
	}
}

// finish sorts the report by row.
func (ru *run) finish() {
	sort.SliceStable(ru.res.Errors, func(i, j int) bool { return ru.res.Errors[i].Row < ru.res.Errors[j].Row })
}

// bitset is a growable set of small non-negative integers.
type bitset []uint64

func (b *bitset) set(i int) {
	for i/64 >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b bitset) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }
