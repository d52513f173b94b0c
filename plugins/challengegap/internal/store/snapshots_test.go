package store

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

func TestSnapshotsAndDataPoints(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if _, err := s.AddToCohort(y.ID, 10, []uint64{1000, 1001}, 5, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddSnapshot(y.ID, 10, "October", "2017-10-16"); !isValidation(err, "snapshot") {
			t.Fatalf("a snapshot before the baseline: %v", err)
		}
		if _, err := s.FreezeCohort(y.ID, 10, 5, "02/10/2017"); !isValidation(err, "taken_on") {
			t.Fatalf("a baseline with a bad date: %v", err)
		}
		if c, _ := s.CohortOf(y.ID, 10, false); c.Frozen() {
			t.Fatal("a failed baseline froze the cohort")
		}
		if _, err := s.FreezeCohort(y.ID, 10, 5, "2017-10-02"); err != nil {
			t.Fatal(err)
		}
		sns, _ := s.Snapshots(y.ID, 10)
		if len(sns) != 1 || sns[0].Seq != 0 || sns[0].Label != BaselineLabel || sns[0].TakenOn != "2017-10-02" {
			t.Fatalf("snapshots after the baseline = %+v", sns)
		}
		if _, err := s.AddSnapshot(y.ID, 10, "September", "2017-09-20"); !isValidation(err, "taken_on") {
			t.Fatalf("a snapshot before the baseline's day: %v", err)
		}
		march, err := s.AddSnapshot(y.ID, 10, "March", "2018-03-12")
		if err != nil || march.Seq != 1 {
			t.Fatalf("AddSnapshot = %+v, %v", march, err)
		}
		if _, err := s.AddSnapshot(y.ID, 10, "March", "2018-03-20"); !errors.Is(err, ErrConflict) {
			t.Fatalf("the same label twice: %v", err)
		}
		i := func(v int) *int { return &v }
		f := func(v float64) *float64 { return &v }
		base := sns[0].ID
		// A bad row keeps every row out and says which.
		err = s.SaveDataPoints(10, base, []PointInput{
			{PupilID: 1000, Values: rules.DataPoint{Reading: rules.AREBelow, AgeEquivalent: i(90)}, GapMonths: i(-10)},
			{PupilID: 1001, Values: rules.DataPoint{Attendance: f(120)}},
		}, 5)
		var ge *GridError
		if !errors.As(err, &ge) || len(ge.Rows) != 1 || ge.Rows[0].PupilID != 1001 || ge.Rows[0].Problems[0].Field != "attendance" {
			t.Fatalf("a bad row: %v", err)
		}
		if got, _ := s.DataPoints(base); len(got) != 0 {
			t.Fatalf("a refused grid saved %+v", got)
		}
		if err := s.SaveDataPoints(10, base, []PointInput{{PupilID: 1099}}, 5); !isValidation(err, "pupils") {
			t.Fatalf("a pupil outside the cohort: %v", err)
		}
		if err := s.SaveDataPoints(10, base, []PointInput{
			{PupilID: 1000, Values: rules.DataPoint{Reading: rules.AREBelow, Maths: rules.AREAt, AgeEquivalent: i(90), Attitude: i(40)}, GapMonths: i(-10)},
			{PupilID: 1001, Values: rules.DataPoint{Attendance: f(91.5)}},
		}, 5); err != nil {
			t.Fatal(err)
		}
		// Saving again updates in place.
		if err := s.SaveDataPoints(10, base, []PointInput{{PupilID: 1000, Values: rules.DataPoint{Reading: rules.AREAt}, GapMonths: nil}}, 6); err != nil {
			t.Fatal(err)
		}
		got, _ := s.DataPoints(base)
		if len(got) != 2 || got[1000].Reading != "at" || got[1000].AgeEquivalent != nil || got[1000].UpdatedBy != 6 || *got[1001].Attendance != 91.5 {
			t.Fatalf("data points = %+v", got)
		}
		if _, err := s.Snapshot(11, base); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a snapshot through another school: %v", err)
		}
		if err := New(db, 2).SaveDataPoints(10, base, nil, 1); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another tenant's grid: %v", err)
		}
		rec, _ := s.PupilRecords(1000)
		if len(rec.Points) != 1 {
			t.Fatalf("the export lacks the data point: %+v", rec)
		}
		if n, err := s.ErasePupil(1000); err != nil || n != 3 { // data point, change, membership
			t.Fatalf("ErasePupil = %d, %v", n, err)
		}
	})
}

func TestCohortPointsAlignSchoolsBySnapshotOrder(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		i := func(v int) *int { return &v }
		for _, sc := range []struct {
			school uint64
			pupils []uint64
			dates  []string
		}{{10, []uint64{1000, 1001}, []string{"2017-10-02", "2018-03-12"}}, {11, []uint64{1100}, []string{"2017-10-09", "2018-03-20"}}} {
			if _, err := s.AddToCohort(y.ID, sc.school, sc.pupils, 5, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FreezeCohort(y.ID, sc.school, 5, sc.dates[0]); err != nil {
				t.Fatal(err)
			}
			march, err := s.AddSnapshot(y.ID, sc.school, "March", sc.dates[1])
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SaveDataPoints(sc.school, march.ID, []PointInput{{PupilID: sc.pupils[0], Values: rules.DataPoint{Attitude: i(50)}, GapMonths: i(-3)}}, 5); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.CohortPoints(y.ID, []uint64{10, 11, 12}, 0, 1)
		if err != nil || len(got[10]) != 2 || len(got[11]) != 1 || len(got[12]) != 0 {
			t.Fatalf("CohortPoints = %+v, %v", got, err)
		}
		if got[10][0].From != nil || got[10][0].To == nil || *got[10][0].To.GapMonths != -3 || got[10][1].To != nil || got[11][0].To == nil {
			t.Fatalf("points = %+v", got)
		}
		labels, err := s.SnapshotLabels(y.ID, []uint64{10, 11})
		if err != nil || len(labels) != 2 || labels[0] != BaselineLabel || labels[1] != "March" {
			t.Fatalf("SnapshotLabels = %v, %v", labels, err)
		}
		if other, _ := New(db, 2).CohortPoints(y.ID, []uint64{10, 11}, 0, 1); len(other) != 0 {
			t.Fatalf("another tenant sees %+v", other)
		}
	})
}
