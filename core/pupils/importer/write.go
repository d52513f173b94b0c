package importer

import (
	"context"
	"errors"
	"fmt"
	"io"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/storage"
)

// pending is a valid row waiting for its batch.
type pending struct {
	row        int
	rec        pupils.Record
	hash       string
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

// lookup is the second pass: valid rows are looked up by UPN hash in
// batches, counted as new, changed or unchanged, and (write) upserted.
func (ru *run) lookup(ctx context.Context, r io.ReadSeeker, db *gorm.DB, write bool) error {
	rd, err := ru.open(r)
	if err != nil {
		return err
	}
	defer rd.Close()
	w := &writer{ru: ru, db: db.WithContext(ctx), write: write, cols: present(rd.Info()), canMove: map[uint]bool{}, dialect: ru.s.db.Dialect}
	w.insertSQL, w.upsertSQL = w.buildStatements()
	batch := make([]pending, 0, ru.opt.Batch)
	done := 0
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		done++
		if ru.bad.has(row.Number) {
			continue
		}
		rec, errs := row.Record(ru.res.Info, ru.today)
		if errs != nil { // the file changed between the passes
			return fmt.Errorf("import: row %d read differently on the second pass", row.Number)
		}
		batch = append(batch, pending{row: row.Number, rec: rec, hash: ru.s.pupils.HashUPN(rec.UPN),
			given: row.Values[importfile.GivenName], fam: row.Values[importfile.FamilyName]})
		if len(batch) == cap(batch) {
			if err := w.flush(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			ru.progress("writing", done, ru.res.Total, 0.5+0.5*float64(done)/float64(max(ru.res.Total, 1)))
		}
	}
	if err := w.flush(ctx, batch); err != nil {
		return err
	}
	ru.progress("writing", done, ru.res.Total, 1)
	return nil
}

type writer struct {
	ru        *run
	db        *gorm.DB
	write     bool
	cols      []column
	canMove   map[uint]bool
	insertSQL string
	upsertSQL string
	dialect   storage.Dialect
}

// flush classifies one batch and, when writing, upserts its new and changed rows.
func (w *writer) flush(ctx context.Context, batch []pending) error {
	if len(batch) == 0 {
		return nil
	}
	ru := w.ru
	hashes := make([]string, len(batch))
	for i := range batch {
		hashes[i] = batch[i].hash
	}
	existing, err := w.existing(ctx, hashes)
	if err != nil {
		return err
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
	created, _, err := w.upsert(ctx, w.insertSQL, fresh, isNew)
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
