package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/storage"
)

// pending is a valid row waiting for its batch, with its UPN already
// hashed and sealed (and, on SQLite, its values encoded as the JSON array the
// batch statement reads) by the reading goroutine.
type pending struct {
	row        int
	rec        pupils.Record
	hash       string
	sealed     []byte
	js         []byte
	given, fam string
}

// stored is what the second pass reads of an existing pupil.
type stored struct {
	ID             uint
	UPNHash        string `gorm:"column:upn_hash"`
	SchoolID       uint
	GivenName      string
	FamilyName     string
	DateOfBirth    string
	YearGroup      int
	Gender         string
	PupilPremium   bool
	FSM            bool   `gorm:"column:fsm"`
	FSMEver6       bool   `gorm:"column:fsm_ever6"`
	EALProficiency string `gorm:"column:eal_proficiency"`
	SEN            string `gorm:"column:sen"`
	LookedAfter    bool
}

// column is one pupils column the file may set.
type column struct {
	name   string
	fields []importfile.Field // the file fields that set it (any present sets it)
	value  func(r *pupils.Record) any
	same   func(r *pupils.Record, s *stored) bool
}

var setColumns = []column{
	{"given_name", []importfile.Field{importfile.GivenName}, func(r *pupils.Record) any { return r.GivenName }, func(r *pupils.Record, s *stored) bool { return r.GivenName == s.GivenName }},
	{"family_name", []importfile.Field{importfile.FamilyName}, func(r *pupils.Record) any { return r.FamilyName }, func(r *pupils.Record, s *stored) bool { return r.FamilyName == s.FamilyName }},
	{"date_of_birth", []importfile.Field{importfile.DateOfBirth}, func(r *pupils.Record) any { return r.DateOfBirth }, func(r *pupils.Record, s *stored) bool { return r.DateOfBirth == s.DateOfBirth }},
	{"year_group", []importfile.Field{importfile.YearGroup}, func(r *pupils.Record) any { return r.YearGroup }, func(r *pupils.Record, s *stored) bool { return r.YearGroup == s.YearGroup }},
	{"gender", []importfile.Field{importfile.Gender}, func(r *pupils.Record) any { return r.Gender }, func(r *pupils.Record, s *stored) bool { return r.Gender == s.Gender }},
	{"pupil_premium", []importfile.Field{importfile.PupilPremium}, func(r *pupils.Record) any { return r.PupilPremium }, func(r *pupils.Record, s *stored) bool { return r.PupilPremium == s.PupilPremium }},
	{"fsm", []importfile.Field{importfile.FSM}, func(r *pupils.Record) any { return r.FSM }, func(r *pupils.Record, s *stored) bool { return r.FSM == s.FSM }},
	{"fsm_ever6", []importfile.Field{importfile.FSMEver6}, func(r *pupils.Record) any { return r.FSMEver6 }, func(r *pupils.Record, s *stored) bool { return r.FSMEver6 == s.FSMEver6 }},
	{"eal_proficiency", []importfile.Field{importfile.EAL, importfile.EALProficiency}, func(r *pupils.Record) any { return r.EALProficiency }, func(r *pupils.Record, s *stored) bool { return r.EALProficiency == s.EALProficiency }},
	{"sen", []importfile.Field{importfile.SEN}, func(r *pupils.Record) any { return r.SEN }, func(r *pupils.Record, s *stored) bool { return r.SEN == s.SEN }},
	{"looked_after", []importfile.Field{importfile.LookedAfter}, func(r *pupils.Record) any { return r.LookedAfter }, func(r *pupils.Record, s *stored) bool { return r.LookedAfter == s.LookedAfter }},
}

// present returns the columns the file sets: only these change on existing pupils.
func present(info importfile.Info) []column {
	var out []column
	for _, c := range setColumns {
		for _, f := range c.fields {
			if info.Has(f) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// batch is what the reading goroutine hands the writer: valid rows, how
// many rows of the file have been read, and the fraction of the work done.
type batch struct {
	rows  []pending
	done  int
	total int // rows in the file, 0 while not yet known
	frac  float64
	// ahead is set when the look-up stage has looked the rows up (and taken
	// ids for the new ones) before the writer gets the batch.
	ahead *lookedUp
}

// lookedUp is what the look-up stage found for a batch.
type lookedUp struct {
	found []stored
	ids   []uint // ids from the sequence for the batch's new pupils, in order
}

// stream reads the file and writes it: one goroutine reads, checks, hashes
// and seals the rows (the CPU work), another writes them in batches, and in
// a commit a third looks each batch up before the writer gets it, so the
// reading, the look-ups and the writing of successive batches overlap.
//
// With first false it is the second pass after check: rows check flagged
// are skipped, and the rows are counted (and, with write, written). With
// first true it is the only pass of an all-or-nothing commit: rows are
// checked here, and from the first row error on nothing more is written (the
// caller rolls back and counts with a dry second pass).
func (ru *run) stream(ctx context.Context, r io.ReadSeeker, db *gorm.DB, conn *sql.Conn, write, first bool) error {
	if first {
		ru.pos = &counting{ReadSeeker: r}
		r = ru.pos
	}
	rd, err := ru.open(r)
	if err != nil {
		return err
	}
	defer rd.Close()
	if first {
		ru.res.Info = rd.Info()
	}
	g, gctx := errgroup.WithContext(ctx)
	w := &writer{ru: ru, db: db.WithContext(gctx), raw: conn, write: write, cols: present(rd.Info()), canMove: map[uint]bool{}, dialect: ru.s.db.Dialect}
	w.insertSQL, w.upsertSQL = w.buildStatements()
	batches := make(chan batch, 2)
	g.Go(func() error {
		defer close(batches)
		return ru.read(gctx, rd, first, batches)
	})
	toWrite := batches
	if write {
		// The look-up stage (lookAhead) works on another connection of the
		// pool while the writer writes the batch before: the database works on
		// both at once (on SQLite, a WAL reader beside the writer). Those
		// look-ups see only committed pupils, which is all they need: the
		// file's UPNs are unique (duplicates are errors), so no batch looks up
		// a pupil this import wrote.
		looked := make(chan batch, 1)
		toWrite = looked
		g.Go(func() error {
			defer close(looked)
			return w.lookAhead(gctx, batches, looked)
		})
	}
	g.Go(func() error {
		for b := range toWrite {
			if first && ru.failed() {
				continue // a row error: the caller rolls back; keep reading for the report
			}
			if err := w.flush(gctx, b.rows, b.ahead); err != nil {
				return err
			}
			phase := "writing"
			if first {
				phase = "importing"
			}
			ru.progress(phase, b.done, b.total, b.frac)
		}
		return nil
	})
	return g.Wait()
}

// read is stream's reading goroutine: it sends batches of valid rows to out.
func (ru *run) read(ctx context.Context, rd *importfile.Reader, first bool, out chan<- batch) error {
	info := rd.Info()
	var seen map[uint64]int32
	if first {
		seen = map[uint64]int32{}
	}
	sqlite := ru.s.db.Dialect != storage.Postgres
	rows := make([]pending, 0, ru.opt.Batch)
	done := 0
	total := ru.res.Total // known after check; counted here on the first pass
	send := func(last bool) error {
		frac := 0.5 + 0.5*float64(done)/float64(max(total, 1))
		if first {
			frac = min(1, float64(ru.pos.n)/float64(max(ru.size, 1)))
		}
		if last {
			frac, total = 1, done
		}
		select {
		case out <- batch{rows: rows, done: done, total: total, frac: frac}:
		case <-ctx.Done():
			return ctx.Err()
		}
		rows = make([]pending, 0, ru.opt.Batch)
		return nil
	}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		done++
		if done%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var rec pupils.Record
		var hash string
		if first {
			var ok bool
			if rec, hash, ok = ru.checkRow(row, info, seen); !ok {
				continue
			}
		} else {
			if ru.isBad(row.Number) {
				continue
			}
			var errs pupils.FieldErrors
			rec, errs = row.Record(info, ru.today)
			if errs != nil { // the file changed between the passes
				return fmt.Errorf("import: row %d read differently on the second pass", row.Number)
			}
			hash = ru.s.pupils.HashUPN(rec.UPN)
		}
		p := pending{row: row.Number, rec: rec, hash: hash,
			given: row.Values[importfile.GivenName], fam: row.Values[importfile.FamilyName]}
		if first && ru.failed() {
			continue // nothing more is written: no need to seal
		}
		p.sealed = ru.s.pupils.SealUPN(rec.UPN)
		if sqlite {
			if p.js, err = rowJSON(&p); err != nil {
				return err
			}
		}
		rows = append(rows, p)
		if len(rows) == cap(rows) {
			if err := send(false); err != nil {
				return err
			}
		}
	}
	if first {
		ru.res.Total = done
	}
	return send(true)
}

type writer struct {
	ru        *run
	db        *gorm.DB
	raw       *sql.Conn // the transaction's connection, for COPY on PostgreSQL (nil in a dry run)
	write     bool
	cols      []column
	canMove   map[uint]bool
	insertSQL string
	upsertSQL string
	dialect   storage.Dialect
}

// flush classifies one batch and, when writing, upserts its new and changed rows.
func (w *writer) flush(ctx context.Context, batch []pending, ahead *lookedUp) error {
	if len(batch) == 0 {
		return nil
	}
	ru := w.ru
	var existing []stored
	if ahead != nil {
		existing = ahead.found
	} else {
		var err error
		if existing, err = w.existing(ctx, w.conn(), hashesOf(batch)); err != nil {
			return err
		}
	}
	byHash := make(map[string]*stored, len(existing))
	for i := range existing {
		byHash[existing[i].UPNHash] = &existing[i]
	}
	var write []*pending
	isNew := map[string]bool{}
	var matched []uint
	for i := range batch {
		p := &batch[i]
		s := byHash[p.hash]
		if s == nil {
			ru.res.New++
			isNew[p.hash] = true
			write = append(write, p)
			continue
		}
		matched = append(matched, s.ID)
		if s.SchoolID != ru.opt.SchoolID {
			ok, err := w.mayMove(ctx, s.SchoolID)
			if err != nil {
				return err
			}
			if !ok {
				ru.addError(&importfile.Row{Number: p.row, Values: names(p)}, pupils.FieldUPN,
					"a pupil with this UPN is on roll at another school of the organisation, where you may not import: that school must record them as left, or someone who can import at both schools must import this row")
				continue
			}
			ru.res.Moved++
			ru.res.Changed++
			write = append(write, p)
			continue
		}
		same := true
		for _, c := range w.cols {
			if !c.same(&p.rec, s) {
				same = false
				break
			}
		}
		if same {
			ru.res.Unchanged++
			continue
		}
		ru.res.Changed++
		write = append(write, p)
	}
	if !w.write {
		if ru.opt.DryRun && len(matched) > 0 {
			// The dry run compared these pupils' stored records with the file.
			if err := audit.RecordAccess(ctx, w.db, audit.Access{TenantID: ru.opt.TenantID, Action: ActionImportPreview, Via: ru.opt.Via, PupilIDs: matched}); err != nil {
				return err
			}
		}
		return nil
	}
	if len(write) == 0 {
		return nil
	}
	var fresh, changed []*pending
	for _, p := range write {
		if isNew[p.hash] {
			fresh = append(fresh, p)
		} else {
			changed = append(changed, p)
		}
	}
	var created []uint
	var err error
	if w.postgres() {
		var ids []uint
		if ahead != nil {
			ids = ahead.ids
		}
		created, err = w.copyNew(ctx, fresh, ids)
	} else {
		created, _, err = w.upsert(ctx, w.insertSQL, fresh, isNew)
	}
	if err != nil {
		return err
	}
	_, updated, err := w.upsert(ctx, w.upsertSQL, changed, isNew)
	if err != nil {
		return err
	}
	ru.res.Created += len(created)
	ru.res.Updated += len(updated)
	for _, ch := range []struct {
		action string
		ids    []uint
	}{{ActionImportCreate, created}, {ActionImportUpdate, updated}} {
		if err := audit.RecordAccess(ctx, w.db, audit.Access{TenantID: ru.opt.TenantID, Action: ch.action, Via: ru.opt.Via, PupilIDs: ch.ids}); err != nil {
			return err
		}
	}
	return nil
}

func names(p *pending) [len(importfile.Row{}.Values)]string {
	var v [len(importfile.Row{}.Values)]string
	v[importfile.GivenName], v[importfile.FamilyName] = p.given, p.fam
	return v
}

// mayMove asks (once per school) whether the actor may import at another school.
func (w *writer) mayMove(ctx context.Context, schoolID uint) (bool, error) {
	if ok, seen := w.canMove[schoolID]; seen {
		return ok, nil
	}
	ok := false
	if w.ru.opt.CanImportAt != nil {
		var err error
		if ok, err = w.ru.opt.CanImportAt(ctx, schoolID); err != nil {
			return false, fmt.Errorf("check permission at school %d: %w", schoolID, err)
		}
	}
	w.canMove[schoolID] = ok
	return ok, nil
}

func hashesOf(batch []pending) []string {
	hashes := make([]string, len(batch))
	for i := range batch {
		hashes[i] = batch[i].hash
	}
	return hashes
}

// lookAhead is the look-up stage of a commit (see stream): for each batch
// from in it looks the rows up and takes ids for the new ones on a pool
// connection, then hands the batch on. Rows are not classified here: the
// writer does that with what was found, in the batch's order.
func (w *writer) lookAhead(ctx context.Context, in <-chan batch, out chan<- batch) error {
	pool := w.ru.s.db.DB.WithContext(ctx).Statement.ConnPool
	for b := range in {
		if len(b.rows) > 0 && !w.ru.failed() {
			found, err := w.existing(ctx, pool, hashesOf(b.rows))
			if err != nil {
				return err
			}
			b.ahead = &lookedUp{found: found}
			if w.postgres() {
				if b.ahead.ids, err = w.takeIDs(ctx, pool, len(b.rows)-len(found)); err != nil {
					return err
				}
			}
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
