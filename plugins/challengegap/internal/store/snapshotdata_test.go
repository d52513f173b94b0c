package store

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

// SharedSeq is the latest snapshot number every school with data has data
// at: an empty snapshot, a missing one or a gap pulls it back; a school
// without data does not.
func TestSharedSeqSkipsEmptyAndMissingSnapshots(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		i := func(v int) *int { return &v }
		fill := func(school uint64, sn *Snapshot) {
			t.Helper()
			if err := s.SaveDataPoints(school, sn.ID, []PointInput{{PupilID: 1000 + school, Values: rules.DataPoint{Attitude: i(50)}}}, 5); err != nil {
				t.Fatal(err)
			}
		}
		snaps := map[uint64][]*Snapshot{}
		for _, school := range []uint64{10, 11, 12} {
			if _, err := s.StartCohort(y.ID, school, []uint64{1000 + school}, 5); err != nil {
				t.Fatal(err)
			}
		}
		for _, school := range []uint64{10, 11} {
			if _, err := s.FreezeCohort(y.ID, school, 5, "2017-09-20"); err != nil {
				t.Fatal(err)
			}
			for _, d := range []struct{ label, on string }{{"October", "2017-10-20"}, {"March", "2018-03-20"}} {
				if _, err := s.AddSnapshot(y.ID, school, d.label, d.on); err != nil {
					t.Fatal(err)
				}
			}
			sns, _ := s.Snapshots(y.ID, school)
			for k := range sns {
				snaps[school] = append(snaps[school], &sns[k])
			}
		}
		want := func(w int) {
			t.Helper()
			if got, err := s.SharedSeq(y.ID, []uint64{10, 11, 12}); err != nil || got != w {
				t.Fatalf("SharedSeq = %d, %v, want %d", got, err, w)
			}
		}
		want(0) // no data at all
		fill(10, snaps[10][0])
		fill(10, snaps[10][1])
		fill(10, snaps[10][2])
		fill(11, snaps[11][0])
		want(0) // 11 has only its baseline
		fill(11, snaps[11][2])
		want(2) // both at March (11's October is empty: a gap, not the latest)
		if _, err := s.AddSnapshot(y.ID, 10, "July", "2018-07-10"); err != nil {
			t.Fatal(err)
		}
		want(2) // 10's July is empty
		// Dates outside the year are refused; an empty latest snapshot is deleted, a filled one is not.
		var v *ValidationError
		if _, err := s.AddSnapshot(y.ID, 11, "July", "2018-09-01"); !errors.As(err, &v) || v.Field != "taken_on" {
			t.Fatalf("a snapshot after the year: %v", err)
		}
		if _, err := s.DeleteEmptySnapshot(11, snaps[11][2].ID); !errors.Is(err, ErrConflict) {
			t.Fatalf("deleting a snapshot with data: %v", err)
		}
		latest, _ := s.Snapshots(y.ID, 10)
		if _, err := s.DeleteEmptySnapshot(10, latest[3].ID); err != nil {
			t.Fatalf("deleting the empty July: %v", err)
		}
		if sns, _ := s.Snapshots(y.ID, 10); len(sns) != 3 {
			t.Fatalf("%d snapshots after deleting July", len(sns))
		}
	})
}
