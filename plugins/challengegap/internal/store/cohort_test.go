package store

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

func TestCohortFreezesAtBaseline(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if c, err := s.CohortOf(y.ID, 10, false); err != nil || c != nil {
			t.Fatalf("no cohort yet: %+v %v", c, err)
		}
		if _, err := s.FreezeCohort(y.ID, 10, 5, "2017-10-02"); !isValidation(err, "pupils") {
			t.Fatalf("freezing no cohort: %v", err)
		}
		if _, err := s.AddToCohort(y.ID, 10, nil, 5, ""); !isValidation(err, "pupils") {
			t.Fatalf("adding nobody: %v", err)
		}
		n, err := s.AddToCohort(y.ID, 10, []uint64{1000, 1001, 1002, 1001}, 5, "")
		if err != nil || n != 3 {
			t.Fatalf("AddToCohort = %d, %v", n, err)
		}
		if n, _ := s.AddToCohort(y.ID, 10, []uint64{1000}, 5, ""); n != 0 {
			t.Fatalf("adding a member again added %d", n)
		}
		c, _ := s.CohortOf(y.ID, 10, false)
		ms, _ := s.CohortMembers(c.ID, false)
		if len(ms) != 3 {
			t.Fatalf("members = %+v", ms)
		}
		// Before the baseline a removal needs no reason.
		if _, err := s.RemoveFromCohort(y.ID, 10, ms[2].ID, 5, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveFromCohort(y.ID, 10, ms[2].ID, 5, ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("removing twice: %v", err)
		}
		if _, err := s.RemoveFromCohort(y.ID, 11, ms[1].ID, 5, ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("removing through another school: %v", err)
		}
		frozen, err := s.FreezeCohort(y.ID, 10, 6, "2017-10-02")
		if err != nil || !frozen.Frozen() || frozen.FrozenBy != 6 {
			t.Fatalf("FreezeCohort = %+v, %v", frozen, err)
		}
		if _, err := s.FreezeCohort(y.ID, 10, 6, "2017-10-02"); !errors.Is(err, ErrConflict) {
			t.Fatalf("freezing twice: %v", err)
		}
		// After the baseline every change needs a reason, and says it came after.
		if _, err := s.AddToCohort(y.ID, 10, []uint64{1003}, 5, " "); !isValidation(err, "reason") {
			t.Fatalf("a change after the baseline without reason: %v", err)
		}
		if _, err := s.RemoveFromCohort(y.ID, 10, ms[0].ID, 5, ""); !isValidation(err, "reason") {
			t.Fatalf("a removal after the baseline without reason: %v", err)
		}
		if _, err := s.RemoveFromCohort(y.ID, 10, ms[0].ID, 5, "Moved school"); err != nil {
			t.Fatal(err)
		}
		// The removed pupil comes back with a reason.
		if n, err := s.AddToCohort(y.ID, 10, []uint64{1002}, 5, "Back from a managed move"); err != nil || n != 1 {
			t.Fatalf("re-adding = %d, %v", n, err)
		}
		changes, _ := s.CohortChanges(c.ID)
		if len(changes) != 6 || changes[4].Reason != "Moved school" || !changes[4].AfterBase || changes[0].AfterBase || changes[5].Change != ChangeAdded {
			t.Fatalf("changes = %+v", changes)
		}
		if m, err := s.SetOtherIntervention(y.ID, 10, ms[1].ID, true); err != nil || !m.OtherIntervention {
			t.Fatalf("SetOtherIntervention = %+v, %v", m, err)
		}
		// Another tenant sees none of it and cannot change it.
		if c2, _ := New(db, 2).CohortOf(y.ID, 10, false); c2 != nil {
			t.Fatalf("tenant 2 sees %+v", c2)
		}
		if _, err := New(db, 2).SetOtherIntervention(y.ID, 10, ms[1].ID, false); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tenant 2 changes a member: %v", err)
		}
		// A pupil's records are exported and erased.
		rec, _ := s.PupilRecords(1002)
		if len(rec.Cohorts) != 1 || len(rec.Changes) != 3 {
			t.Fatalf("PupilRecords = %+v", rec)
		}
		if n, err := s.ErasePupil(1002); err != nil || n != 4 {
			t.Fatalf("ErasePupil = %d, %v", n, err)
		}
		if rec, _ := s.PupilRecords(1002); len(rec.Cohorts)+len(rec.Changes) != 0 {
			t.Fatalf("after erasure: %+v", rec)
		}
	})
}

func TestTrialPupilsComeFromTheCohort(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if _, err := s.SeedStrategies(); err != nil {
			t.Fatal(err)
		}
		sts, _ := s.Strategies()
		tr, err := s.StartTrial(y.ID, 10, sts[0].ID, "", "", 5)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetTrialPupils(10, tr.ID, []uint64{1000}); !isValidation(err, "pupils") {
			t.Fatalf("pupils before any cohort: %v", err)
		}
		if _, err := s.AddToCohort(y.ID, 10, []uint64{1000, 1001}, 5, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.SetTrialPupils(10, tr.ID, []uint64{1000, 1099}); !isValidation(err, "pupils") {
			t.Fatalf("a pupil outside the cohort: %v", err)
		}
		if err := s.SetTrialPupils(11, tr.ID, []uint64{1000}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("through another school: %v", err)
		}
		if err := s.SetTrialPupils(10, tr.ID, []uint64{1000, 1001, 1000}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.TrialPupils(tr.ID)
		if len(got[tr.ID]) != 2 {
			t.Fatalf("TrialPupils = %v", got)
		}
		// The list replaces the previous one.
		if err := s.SetTrialPupils(10, tr.ID, []uint64{1001}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TrialPupils(tr.ID); len(got[tr.ID]) != 1 || got[tr.ID][0] != 1001 {
			t.Fatalf("after replacing: %v", got)
		}
		rec, _ := s.PupilRecords(1001)
		if len(rec.Trials) != 1 {
			t.Fatalf("the export lacks the strategy received: %+v", rec)
		}
		if n, err := s.ErasePupil(1001); err != nil || n != 3 { // trial, change, membership
			t.Fatalf("ErasePupil = %d, %v", n, err)
		}
		if got, _ := s.TrialPupils(tr.ID); len(got[tr.ID]) != 0 {
			t.Fatalf("after erasure: %v", got)
		}
	})
}
