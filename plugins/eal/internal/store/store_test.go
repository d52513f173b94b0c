package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// each runs fn on fresh, migrated storage of both kinds the core hands a
// plugin (PostgreSQL being unreachable fails the test).
func each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) { eachUpTo(t, len(Migrations), fn) }

// eachUpTo is each with the first n migrations run.
func eachUpTo(t *testing.T, n int, fn func(t *testing.T, db *gorm.DB)) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		st := plugintest.NewStorage(t, d)
		cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true}
		var db *gorm.DB
		var err error
		if d == "sqlite" {
			db, err = gorm.Open(sqlite.Open("file:"+st.GetDsn()+"?_pragma=busy_timeout(10000)&_txlock=immediate"), cfg)
		} else {
			db, err = gorm.Open(postgres.Open(st.GetDsn()), cfg)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if s, err := db.DB(); err == nil {
				_ = s.Close()
			}
		})
		for _, m := range Migrations[:n] {
			if err := db.Transaction(m.Up); err != nil {
				t.Fatalf("migration %d: %v", m.Version, err)
			}
		}
		fn(t, db)
	})
}

var now = time.Date(2017, 6, 1, 9, 0, 0, 0, time.UTC)

var schedule = rules.Schedule{"2017-01-09", "2017-04-24", "2017-07-03", "2017-09-04", "2018-07-02", "2019-08-22"}

// readySchools makes a trial with one centre and n schools ready to be
// randomised (eligible, agreed, one pupil with a baseline each).
func readySchools(t *testing.T, s *Store, n int) (Trial, []TrialSchool) {
	t.Helper()
	tr, err := s.CreateTrial(TrialInput{Name: "T", RegistrationID: "R", Schedule: schedule}, make([]byte, 32), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.AddCentre(tr.ID, 900, "North", 0, now)
	if err != nil {
		t.Fatal(err)
	}
	eal := 20.0
	var out []TrialSchool
	for i := 0; i < n; i++ {
		ts, err := s.AddSchool(tr.ID, uint64(100+i), c.ID, "Secondary", "2017-02-01", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CheckEligibility(ts.ID, rules.Criteria{}, rules.SchoolFacts{EALPercent: &eal, FSMPercent: &eal}, "2017-03-01"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.RecordAgreement(ts.ID, "2017-03-02", 7); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPupils(ts.ID, []PupilIn{{PupilID: uint64(1000 + i), YearGroup: 9}}, now); err != nil {
			t.Fatal(err)
		}
		ps, _ := s.Pupils(ts.ID)
		if _, err := s.SavePoints(rules.PointBaseline, []PointIn{{TrialPupilID: ps[0].ID, Proficiency: "B", Score: "40"}}, now); err != nil {
			t.Fatal(err)
		}
		out = append(out, ts)
	}
	return tr, out
}

func rowsOf(ss []TrialSchool) []FreezeRow {
	out := make([]FreezeRow, len(ss))
	for i, s := range ss {
		out[i] = FreezeRow{TrialSchoolID: s.ID, Stratum: "C01"}
	}
	return out
}

// TestAnotherTenantSeesNothing: tenant 2's store finds none of tenant 1's
// trial, schools, pupils, waves or exports, even by id.
func TestAnotherTenantSeesNothing(t *testing.T) {
	each(t, func(t *testing.T, db *gorm.DB) {
		one, two := New(db, 1), New(db, 2)
		tr, schools := readySchools(t, one, 3)
		if _, err := one.Freeze(tr.ID, rowsOf(schools), "centre", 1, now); err != nil {
			t.Fatal(err)
		}
		if _, err := one.AddExport(tr.ID, []byte("zip"), nil, "", 1, now); err != nil {
			t.Fatal(err)
		}
		if ts, err := two.Trials(); err != nil || len(ts) != 0 {
			t.Fatalf("tenant 2's trials: %v %v", ts, err)
		}
		for what, err := range map[string]error{
			"trial":        func() error { _, err := two.Trial(tr.ID); return err }(),
			"trial school": func() error { _, err := two.TrialSchoolByID(schools[0].ID); return err }(),
			"wave":         func() error { _, err := two.Wave(tr.ID, 1); return err }(),
			"export":       func() error { _, err := two.Export(tr.ID, 1); return err }(),
			"commit":       func() error { _, err := two.Commit(tr.ID, 1, randomise.Seed{1}, now); return err }(),
		} {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("tenant 2's %s: %v, want not found", what, err)
			}
		}
		if ss, _ := two.TrialSchools(tr.ID); len(ss) != 0 {
			t.Fatalf("tenant 2 sees %d schools", len(ss))
		}
		if c, _ := two.PupilCounts(tr.ID); len(c) != 0 {
			t.Fatalf("tenant 2 counts pupils: %v", c)
		}
		if r, _ := two.PupilRecords(1000); len(r.Trials) != 0 {
			t.Fatal("tenant 2 holds tenant 1's pupil")
		}
		// And tenant 1 sees its own.
		if c, _ := one.PupilCounts(tr.ID); !c[schools[0].ID].BaselineComplete() {
			t.Fatalf("tenant 1's counts: %v", c)
		}
	})
}

// TestAWaveIsAllocatedOnceFromItsCommitment: no arm before the allocation;
// the allocation is the seed's, made once; a step out of order, a second
// open wave and a list changed after the commitment are refused.
func TestAWaveIsAllocatedOnceFromItsCommitment(t *testing.T) {
	each(t, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		tr, schools := readySchools(t, s, 5)
		w, err := s.Freeze(tr.ID, rowsOf(schools[:4]), "centre", 1, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Allocate(tr.ID, 1, now); !errors.Is(err, ErrConflict) {
			t.Fatalf("allocate before the commitment: %v", err)
		}
		if _, err := s.Freeze(tr.ID, rowsOf(schools[4:]), "centre", 1, now); !errors.Is(err, ErrConflict) {
			t.Fatalf("a second wave while the first is open: %v", err)
		}
		seed := randomise.Seed{9, 8, 7}
		if w, err = s.Commit(tr.ID, 1, seed, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(tr.ID, 1, randomise.Seed{1}, now); !errors.Is(err, ErrConflict) {
			t.Fatalf("a second commitment: %v", err)
		}
		if _, err := w.RevealedSeed(); !errors.Is(err, ErrSeedSecret) {
			t.Fatalf("the seed before the reveal: %v", err)
		}
		ss, _ := s.TrialSchools(tr.ID)
		for _, x := range ss {
			if x.Arm != "" {
				t.Fatalf("school %s has an arm before the allocation", x.Code)
			}
		}
		w, a, err := s.Allocate(tr.ID, 1, now)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := w.List()
		want, _ := randomise.Randomise(list, seed)
		if len(a) != 4 || a[0] != want[0] || a[3] != want[3] {
			t.Fatalf("the allocation is not the seed's: %v, want %v", a, want)
		}
		if _, _, err := s.Allocate(tr.ID, 1, now); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "never again") {
			t.Fatalf("a second allocation: %v", err)
		}
		if _, err := s.Reveal(tr.ID, 1, now); err != nil {
			t.Fatal(err)
		}
		w, _ = s.Wave(tr.ID, 1)
		if err := w.Check(); err != nil {
			t.Fatalf("the revealed wave does not verify: %v", err)
		}
		// Wave 2, whose list is changed in storage after its commitment:
		// the allocation is refused.
		if _, err := s.Freeze(tr.ID, rowsOf(schools[4:]), "centre", 1, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(tr.ID, 2, seed, now); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE waves SET list_csv = replace(list_csv, 'C01', 'C02') WHERE number = 2").Error; err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Allocate(tr.ID, 2, now); err == nil || !strings.Contains(err.Error(), "changed since its commitment") {
			t.Fatalf("an allocation from a changed list: %v", err)
		}
	})
}

// TestRefusedInputNamesEveryField: a trial with three mistakes reports
// all three, and writes nothing.
func TestRefusedInputNamesEveryField(t *testing.T) {
	each(t, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		bad := schedule
		bad[2] = "3 July"
		_, err := s.CreateTrial(TrialInput{Name: " ", RegistrationID: "R", Schedule: bad}, make([]byte, 32), nil, now)
		var fields []string
		for _, e := range err.(Errors) {
			var v *ValidationError
			if errors.As(e, &v) {
				fields = append(fields, v.Field)
			}
		}
		if strings.Join(fields, ",") != "name,phase_randomisation" {
			t.Fatalf("fields %v (%v)", fields, err)
		}
		if ts, _ := s.Trials(); len(ts) != 0 {
			t.Fatal("a refused trial was written")
		}
		tr, schools := readySchools(t, s, 1)
		_, _, err = s.Withdraw(schools[0].ID, "2018-01-01", "later", "Bored", "")
		var v *ValidationError
		if !errors.As(err, &v) || len(err.(Errors)) != 2 {
			t.Fatalf("withdraw with a bad stage and reason: %v", err)
		}
		if _, err := s.AddExport(tr.ID, []byte("v1"), nil, "", 1, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddExport(tr.ID, []byte("v2"), nil, " ", 1, now); !errors.As(err, &v) || v.Field != "change_log" {
			t.Fatalf("version 2 without a change log: %v", err)
		}
	})
}
