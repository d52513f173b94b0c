package store

import (
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

// CohortPoints reads only the values (its own scan of the rows): every
// value comes back as saved, a missing one as nil; StrategiesReceived
// gives each pupil's strategies by school.
func TestCohortPointsReadEveryValue(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		i := func(v int) *int { return &v }
		f := func(v float64) *float64 { return &v }
		if _, err := s.StartCohort(y.ID, 10, []uint64{1000, 1001}, 5); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FreezeCohort(y.ID, 10, 5, "2017-09-20"); err != nil {
			t.Fatal(err)
		}
		sns, err := s.Snapshots(y.ID, 10)
		if err != nil || len(sns) != 1 {
			t.Fatalf("snapshots %v, %v", sns, err)
		}
		full := rules.DataPoint{Reading: rules.AREBelow, Writing: rules.AREAt, Maths: rules.AREAbove, AgeEquivalent: i(101),
			Attitude: i(64), Aspiration: i(0), Attendance: f(93.5)}
		if err := s.SaveDataPoints(10, sns[0].ID, []PointInput{{PupilID: 1000, Values: full, GapMonths: i(-14)},
			{PupilID: 1001, Values: rules.DataPoint{Attendance: f(100)}}}, 5); err != nil {
			t.Fatal(err)
		}
		got, err := s.CohortPoints(y.ID, []uint64{10}, 0, 0)
		if err != nil || len(got[10]) != 2 {
			t.Fatalf("CohortPoints = %+v, %v", got, err)
		}
		a, b := got[10][0].From, got[10][1].To
		want := DataPoint{SnapshotID: sns[0].ID, PupilID: 1000, Reading: "below", Writing: "at", Maths: "above", AgeEquivalent: i(101),
			GapMonths: i(-14), Attitude: i(64), Aspiration: i(0), Attendance: f(93.5)}
		if a == nil || !reflect.DeepEqual(*a, want) {
			t.Errorf("pupil 1000: %+v, want %+v", a, want)
		}
		if b == nil || b.PupilID != 1001 || b.Reading != "" || b.GapMonths != nil || b.Attitude != nil || b.AgeEquivalent != nil || *b.Attendance != 100 {
			t.Errorf("pupil 1001: %+v", b)
		}
		// Strategies by school and pupil, in the order trialled.
		if _, err := s.SeedStrategies(); err != nil {
			t.Fatal(err)
		}
		sts, err := s.Strategies()
		if err != nil {
			t.Fatal(err)
		}
		for k, st := range sts[:2] {
			tr, err := s.StartTrial(y.ID, 10, st.ID, "", "", 5)
			if err != nil {
				t.Fatal(err)
			}
			who := []uint64{1000}
			if k == 1 {
				who = append(who, 1001)
			}
			if err := s.SetTrialPupils(10, tr.ID, who); err != nil {
				t.Fatal(err)
			}
		}
		received, err := s.StrategiesReceived(y.ID, []uint64{10, 11})
		if err != nil {
			t.Fatal(err)
		}
		if w := map[uint64]map[uint64][]string{10: {1000: {sts[0].Title, sts[1].Title}, 1001: {sts[1].Title}}}; !reflect.DeepEqual(received, w) {
			t.Errorf("StrategiesReceived = %v, want %v", received, w)
		}
		if other, _ := New(db, 2).StrategiesReceived(y.ID, []uint64{10}); len(other) != 0 {
			t.Errorf("another tenant sees %v", other)
		}
	})
}
