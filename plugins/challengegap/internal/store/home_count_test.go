package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

// The home page's counts (CohortStates, YearMovement, YearFigures) are
// made in SQL. Their definition is the straightforward Go count they
// replaced, kept here (goCohortStates, goYearMovement): rows loaded and
// counted one by one. The tests check the SQL against known counts on a
// small hand-made programme, and against the Go count on a random
// programme of the demo's size, on both kinds of storage.

// hasValue is the condition of a data point holding at least one value, as
// first written (the grid saves a row for every pupil, empty or not).
const hasValue = "(reading <> '' OR writing <> '' OR maths <> '' OR age_equivalent IS NOT NULL OR attitude IS NOT NULL OR aspiration IS NOT NULL OR attendance IS NOT NULL)"

// goCohortStates is CohortStates as first written: every current member
// and every filled data point loaded and counted in Go.
func goCohortStates(s *Store, yearID uint64, schoolIDs []uint64) (map[uint64]CohortState, error) {
	out := map[uint64]CohortState{}
	if len(schoolIDs) == 0 {
		return out, nil
	}
	var cohorts []Cohort
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Find(&cohorts).Error; err != nil {
		return nil, err
	}
	if len(cohorts) == 0 {
		return out, nil
	}
	schoolOf := map[uint64]uint64{}
	cids := make([]uint64, len(cohorts))
	for i, c := range cohorts {
		cids[i] = c.ID
		schoolOf[c.ID] = c.SchoolID
		out[c.SchoolID] = CohortState{Started: true, Frozen: c.Frozen()}
	}
	var members []CohortMember
	if err := s.q().Select("cohort_id", "pupil_id").Where("cohort_id IN ? AND removed_at IS NULL", cids).Find(&members).Error; err != nil {
		return nil, err
	}
	type key struct{ school, pupil uint64 }
	current := map[key]bool{}
	for _, m := range members {
		school := schoolOf[m.CohortID]
		current[key{school, m.PupilID}] = true
		st := out[school]
		st.Pupils++
		out[school] = st
	}
	var sns []Snapshot
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("school_id, seq").Find(&sns).Error; err != nil {
		return nil, err
	}
	if len(sns) == 0 {
		return out, nil
	}
	snIDs := make([]uint64, len(sns))
	bySnap := map[uint64]Snapshot{}
	for i, sn := range sns {
		snIDs[i] = sn.ID
		bySnap[sn.ID] = sn
	}
	var filled []DataPoint
	if err := s.q().Select("snapshot_id", "pupil_id").Where("snapshot_id IN ?", snIDs).Where(hasValue).Find(&filled).Error; err != nil {
		return nil, err
	}
	entered := map[uint64]int{}
	for _, p := range filled {
		if current[key{bySnap[p.SnapshotID].SchoolID, p.PupilID}] {
			entered[p.SnapshotID]++
		}
	}
	for _, sn := range sns {
		st, ok := out[sn.SchoolID]
		if !ok {
			continue
		}
		st.Snapshots = append(st.Snapshots, SnapshotEntry{ID: sn.ID, Seq: sn.Seq, Label: sn.Label, TakenOn: sn.TakenOn, Entered: entered[sn.ID]})
		out[sn.SchoolID] = st
	}
	return out, nil
}

// goYearMovement is YearMovement as first written: the data points of each
// school's baseline and latest snapshot with data loaded and compared in Go.
func goYearMovement(s *Store, yearID uint64, schoolIDs []uint64) (Movement, error) {
	var m Movement
	if len(schoolIDs) == 0 {
		return m, nil
	}
	var sns []Snapshot
	err := s.q().Select("id", "school_id", "seq").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).
		Where("EXISTS (SELECT 1 FROM data_points d WHERE d.tenant_id = snapshots.tenant_id AND d.snapshot_id = snapshots.id)").Find(&sns).Error
	if err != nil {
		return m, err
	}
	base, latest := map[uint64]Snapshot{}, map[uint64]Snapshot{}
	for _, sn := range sns {
		if sn.Seq == 0 {
			base[sn.SchoolID] = sn
		} else if l, ok := latest[sn.SchoolID]; !ok || sn.Seq > l.Seq {
			latest[sn.SchoolID] = sn
		}
	}
	var ids []uint64
	from, to := map[uint64]uint64{}, map[uint64]uint64{}
	for school, b := range base {
		if l, ok := latest[school]; ok {
			ids = append(ids, b.ID, l.ID)
			from[b.ID], to[l.ID] = school, school
		}
	}
	if len(ids) == 0 {
		return m, nil
	}
	var cohorts []Cohort
	if err := s.q().Select("id", "school_id").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Find(&cohorts).Error; err != nil {
		return m, err
	}
	schoolOf := map[uint64]uint64{}
	cids := make([]uint64, len(cohorts))
	for i, c := range cohorts {
		cids[i], schoolOf[c.ID] = c.ID, c.SchoolID
	}
	var members []CohortMember
	if len(cids) > 0 {
		if err := s.q().Select("cohort_id", "pupil_id").Where("cohort_id IN ? AND removed_at IS NULL", cids).Find(&members).Error; err != nil {
			return m, err
		}
	}
	type key struct{ school, pupil uint64 }
	current := map[key]bool{}
	for _, mb := range members {
		current[key{schoolOf[mb.CohortID], mb.PupilID}] = true
	}
	points, err := s.pointValues(ids)
	if err != nil {
		return m, err
	}
	before, after := map[key]*DataPoint{}, map[key]*DataPoint{}
	for i := range points {
		p := &points[i]
		if school, ok := from[p.SnapshotID]; ok {
			before[key{school, p.PupilID}] = p
		}
		if school, ok := to[p.SnapshotID]; ok {
			after[key{school, p.PupilID}] = p
		}
	}
	for k, a := range after {
		b := before[k]
		if b == nil || !current[k] {
			continue
		}
		if a.GapMonths != nil && b.GapMonths != nil {
			m.GapPupils++
			if *a.GapMonths > *b.GapMonths {
				m.GapClosed++
			}
		}
		if a.Attitude != nil && b.Attitude != nil {
			m.AttitudePupils++
			if *a.Attitude > *b.Attitude {
				m.AttitudeRaised++
			}
		}
	}
	return m, nil
}

func ip(v int) *int { return &v }

// row is one pupil's values at a snapshot of the hand-made programme.
type row struct {
	pupil          uint64
	gap, attitude  *int
	reading        rules.ARE
	empty, removed bool
}

func saveRows(t testing.TB, s *Store, school, snapshot uint64, rows []row) {
	t.Helper()
	var in []PointInput
	for _, r := range rows {
		p := PointInput{PupilID: r.pupil, GapMonths: r.gap}
		if !r.empty {
			p.Values = rules.DataPoint{Attitude: r.attitude, Reading: r.reading}
		}
		in = append(in, p)
	}
	if err := s.SaveDataPoints(school, snapshot, in, 1); err != nil {
		t.Fatal(err)
	}
}

// check(f())(t) is f's value, failing t on its error.
func check[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// handMade builds, in tenant, the programme whose counts the table test
// knows (see TestHomeCountsOnAHandMadeProgramme), and the same rows again
// in another year and, with the same ids, in tenant 2, which must never
// count.
func handMade(t testing.TB, db *gorm.DB, tenant uint64, label string) (*Store, *Year) {
	t.Helper()
	s := New(db, tenant)
	y := check(s.CreateYear(label))(t)
	c := check(s.CreateCluster(y.ID, 500, "North"))(t)
	for _, sc := range []uint64{10, 11, 12, 13} {
		check(s.AddSchool(c.ID, sc, 1))(t)
	}
	// School 10: 4 pupils, frozen; baseline, October, March (March empty
	// for all but one row, which has only a gap).
	check(s.StartCohort(y.ID, 10, []uint64{1, 2, 3, 4}, 1))(t)
	check(s.FreezeCohort(y.ID, 10, 1, label[:4]+"-09-20"))(t)
	sns := check(s.Snapshots(y.ID, 10))(t)
	saveRows(t, s, 10, sns[0].ID, []row{{pupil: 1, gap: ip(-10), attitude: ip(40)}, {pupil: 2, gap: ip(-8), attitude: ip(50)},
		{pupil: 3, gap: ip(-6)}, {pupil: 4, attitude: ip(30)}})
	oct := check(s.AddSnapshot(y.ID, 10, "October", label[:4]+"-10-20"))(t)
	saveRows(t, s, 10, oct.ID, []row{{pupil: 1, gap: ip(-7), attitude: ip(40)}, {pupil: 2, gap: ip(-9), attitude: ip(60)},
		{pupil: 3, gap: ip(-6), attitude: ip(20)}, {pupil: 4, empty: true}})
	// March: only an all-empty grid, so October stays the latest with data.
	mar := check(s.AddSnapshot(y.ID, 10, "March", "20"+label[5:7]+"-03-20"))(t)
	saveRows(t, s, 10, mar.ID, []row{{pupil: 1, empty: true}, {pupil: 2, empty: true}})
	// School 11: 3 pupils, one removed after its values; baseline and March.
	check(s.StartCohort(y.ID, 11, []uint64{21, 22, 23}, 1))(t)
	check(s.FreezeCohort(y.ID, 11, 1, label[:4]+"-09-21"))(t)
	sns = check(s.Snapshots(y.ID, 11))(t)
	saveRows(t, s, 11, sns[0].ID, []row{{pupil: 21, gap: ip(-3), attitude: ip(10)}, {pupil: 22, gap: ip(-3), attitude: ip(10)},
		{pupil: 23, gap: ip(-3), attitude: ip(10)}})
	mar11 := check(s.AddSnapshot(y.ID, 11, "March", "20"+label[5:7]+"-03-21"))(t)
	saveRows(t, s, 11, mar11.ID, []row{{pupil: 21, gap: ip(-1), attitude: ip(5)}, {pupil: 22, gap: ip(-3), attitude: ip(11)},
		{pupil: 23, gap: ip(0), attitude: ip(90)}})
	co := check(s.CohortOf(y.ID, 11, false))(t)
	for _, m := range check(s.CohortMembers(co.ID, false))(t) {
		if m.PupilID == 23 {
			check(s.RemoveFromCohort(y.ID, 11, m.ID, 1, "left"))(t)
		}
	}
	// School 12: 2 pupils chosen, not frozen. School 13: no cohort.
	check(s.StartCohort(y.ID, 12, []uint64{31, 32}, 1))(t)
	return s, y
}

// TestHomeCountsOnAHandMadeProgramme checks the counts against numbers
// worked out by hand.
func TestHomeCountsOnAHandMadeProgramme(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		handMade(t, db, 2, "2017-18") // another tenant, same ids: never counted
		s, y := handMade(t, db, 1, "2017-18")
		handMade(t, db, 1, "2018-19") // another year: never counted
		schools := []uint64{10, 11, 12, 13}
		got, err := s.CohortStates(y.ID, schools)
		if err != nil {
			t.Fatal(err)
		}
		type snap struct {
			label   string
			entered int
		}
		want := map[uint64]struct {
			frozen bool
			pupils int
			snaps  []snap
		}{
			// Baseline: 3 with values (pupil 3's row holds only a gap, which
			// is derived, not entered); October: 3 (pupil 4's row empty);
			// March: 0 (a saved grid of empty rows).
			10: {true, 4, []snap{{"Baseline", 3}, {"October", 3}, {"March", 0}}},
			// Pupil 23 removed: counted neither in the cohort nor as entered.
			11: {true, 2, []snap{{"Baseline", 2}, {"March", 2}}},
			12: {false, 2, nil},
		}
		if len(got) != len(want) {
			t.Fatalf("CohortStates gives %d schools, want %d: %+v", len(got), len(want), got)
		}
		for school, w := range want {
			st := got[school]
			var snaps []snap
			for _, sn := range st.Snapshots {
				snaps = append(snaps, snap{sn.Label, sn.Entered})
			}
			if !st.Started || st.Frozen != w.frozen || st.Pupils != w.pupils || !reflect.DeepEqual(snaps, w.snaps) {
				t.Errorf("school %d: %+v, want %+v", school, st, w)
			}
		}
		// Movement, baseline to the latest snapshot with data points: for
		// school 10 that is March, whose saved rows are empty, so none of
		// its pupils counts; school 11's March for 21 (gap -3 to -1: closed;
		// attitude 10 to 5) and 22 (gap -3 to -3; attitude 10 to 11: rose);
		// pupil 23, removed, is not counted.
		m, err := s.YearMovement(y.ID, schools)
		if err != nil {
			t.Fatal(err)
		}
		if want := (Movement{GapPupils: 2, GapClosed: 1, AttitudePupils: 2, AttitudeRaised: 1}); m != want {
			t.Errorf("YearMovement = %+v, want %+v", m, want)
		}
		if ref, err := goYearMovement(s, y.ID, schools); err != nil || ref != m {
			t.Errorf("the Go count gives %+v (%v), the SQL %+v", ref, err, m)
		}
		ref, err := goCohortStates(s, y.ID, schools)
		if err != nil || !reflect.DeepEqual(ref, got) {
			t.Errorf("the Go count gives %+v (%v), the SQL %+v", ref, err, got)
		}
	})
}

// demoSized seeds, in tenant 1, a programme of the full demo's size (11
// clusters of 4 to 7 schools, cohorts of 15, baseline, October and March)
// with random gaps: some pupils removed, some rows empty or without a
// gap or attitude, some schools without a later snapshot or not frozen.
// It returns the year and the schools.
func demoSized(t testing.TB, db *gorm.DB, rng *rand.Rand) (*Store, *Year, []uint64) {
	t.Helper()
	s := New(db, 1)
	y := check(s.CreateYear("2018-19"))(t)
	var schools []uint64
	school := uint64(100)
	for k, n := range []int{4, 7, 4, 5, 6, 6, 5, 7, 7, 6, 5} {
		c := check(s.CreateCluster(y.ID, uint64(500+k), fmt.Sprintf("Cluster %d", k)))(t)
		for range n {
			sc := school
			school++
			schools = append(schools, sc)
			check(s.AddSchool(c.ID, sc, 1))(t)
			pupils := make([]uint64, 15)
			for i := range pupils {
				pupils[i] = sc*100 + uint64(i)
			}
			check(s.StartCohort(y.ID, sc, pupils, 1))(t)
			if rng.IntN(12) == 0 {
				continue // chosen, not frozen
			}
			check(s.FreezeCohort(y.ID, sc, 1, "2018-09-20"))(t)
			snaps := []*Snapshot{}
			sns := check(s.Snapshots(y.ID, sc))(t)
			snaps = append(snaps, &sns[0])
			for _, d := range []struct{ label, on string }{{"October", "2018-10-22"}, {"March", "2019-03-20"}}[:rng.IntN(3)] {
				snaps = append(snaps, check(s.AddSnapshot(y.ID, sc, d.label, d.on))(t))
			}
			for _, sn := range snaps {
				var rows []row
				for _, p := range pupils {
					r := row{pupil: p, reading: rules.AREBelow}
					switch rng.IntN(10) {
					case 0:
						r.empty = true
					case 1:
						r.attitude = ip(rng.IntN(100))
					case 2:
						r.gap = ip(-rng.IntN(20))
					default:
						r.gap, r.attitude = ip(-rng.IntN(20)), ip(rng.IntN(100))
					}
					rows = append(rows, r)
				}
				saveRows(t, s, sc, sn.ID, rows)
			}
			co := check(s.CohortOf(y.ID, sc, false))(t)
			for _, m := range check(s.CohortMembers(co.ID, false))(t) {
				if rng.IntN(15) == 0 {
					check(s.RemoveFromCohort(y.ID, sc, m.ID, 1, "left"))(t)
				}
			}
		}
	}
	return s, y, schools
}

// TestHomeCountsEqualTheGoCountOnADemoSizedProgramme compares the SQL
// counts with the Go count on random programmes of the demo's size, for
// all of its schools and for a few.
func TestHomeCountsEqualTheGoCountOnADemoSizedProgramme(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		handMade(t, db, 2, "2018-19") // another tenant's rows, same school ids
		s, y, schools := demoSized(t, db, rand.New(rand.NewPCG(7, 18)))
		for _, some := range [][]uint64{schools, schools[:1], schools[5:9], {schools[3], 999}} {
			got := check(s.CohortStates(y.ID, some))(t)
			if ref := check(goCohortStates(s, y.ID, some))(t); !reflect.DeepEqual(got, ref) {
				t.Errorf("CohortStates of %d schools differs from the Go count:\n got %+v\nwant %+v", len(some), got, ref)
			}
			m := check(s.YearMovement(y.ID, some))(t)
			if ref := check(goYearMovement(s, y.ID, some))(t); m != ref {
				t.Errorf("YearMovement of %d schools = %+v, the Go count %+v", len(some), m, ref)
			}
		}
	})
}

// BenchmarkCohortStates and BenchmarkYearMovement count the cohorts and
// the movement of the 62 schools of a demo-sized programme (SQLite):
//
//	go test ./plugins/challengegap/internal/store -run '^$' -bench 'CohortStates|YearMovement' -benchmem
func BenchmarkCohortStates(b *testing.B) {
	s, y, schools := demoSized(b, testdb.Open(b, "sqlite", Migrations), rand.New(rand.NewPCG(7, 18)))
	for b.Loop() {
		if _, err := s.CohortStates(y.ID, schools); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkYearMovement(b *testing.B) {
	s, y, schools := demoSized(b, testdb.Open(b, "sqlite", Migrations), rand.New(rand.NewPCG(7, 18)))
	for b.Loop() {
		if _, err := s.YearMovement(y.ID, schools); err != nil {
			b.Fatal(err)
		}
	}
}
