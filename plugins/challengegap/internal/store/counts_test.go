package store

import (
	"fmt"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

// cohort_counts and snapshot_counts (migration 12) are kept by triggers.
// The tests here check that after every kind of write the rows kept equal
// a plain count of every tenant's rows, and that the home page's counts
// read from them equal the Go count they replaced (goCohortStates,
// goYearMovement), on both kinds of storage; counts_rls_test.go does the
// same under PostgreSQL's row-level security, as the plugin runs.

// keptRow is a row of snapshot_counts or cohort_counts (Kind "cohort":
// only Rows, the pupils, is used).
type keptRow struct {
	Kind                           string
	TenantID, ID                   uint64
	Rows, Entered                  int64
	GapPupils, GapClosed           int64
	AttitudePupils, AttitudeRaised int64
}

// keptRows are the rows kept, leaving out those counting nothing.
const keptRows = `SELECT 'cohort' AS kind, tenant_id, cohort_id AS id, pupils AS rows, 0 AS entered, 0 AS gap_pupils, 0 AS gap_closed,
  0 AS attitude_pupils, 0 AS attitude_raised FROM cohort_counts WHERE pupils <> 0
UNION ALL SELECT 'snapshot', tenant_id, snapshot_id, data_rows, entered, gap_pupils, gap_closed, attitude_pupils, attitude_raised
  FROM snapshot_counts WHERE data_rows <> 0 OR entered <> 0 OR gap_pupils <> 0 OR gap_closed <> 0 OR attitude_pupils <> 0 OR attitude_raised <> 0
ORDER BY 1, 2, 3`

// plainRows is a plain count of the same, from the tables counted: every
// current member of every cohort, and for every snapshot, its data points
// with, for those of current members, whether they hold a value and their
// movement from the baseline, compared row by row.
const plainRows = `SELECT 'cohort' AS kind, tenant_id, cohort_id AS id, COUNT(*) AS rows, 0 AS entered, 0 AS gap_pupils, 0 AS gap_closed,
  0 AS attitude_pupils, 0 AS attitude_raised FROM cohort_members WHERE removed_at IS NULL GROUP BY tenant_id, cohort_id
UNION ALL SELECT 'snapshot', x.tenant_id, x.id, COUNT(*),
  COUNT(CASE WHEN m.id IS NOT NULL AND (d.reading <> '' OR d.writing <> '' OR d.maths <> '' OR d.age_equivalent IS NOT NULL
    OR d.attitude IS NOT NULL OR d.aspiration IS NOT NULL OR d.attendance IS NOT NULL) THEN 1 END),
  COUNT(CASE WHEN m.id IS NOT NULL AND x.seq <> 0 AND d.gap_months IS NOT NULL AND b.gap_months IS NOT NULL THEN 1 END),
  COUNT(CASE WHEN m.id IS NOT NULL AND x.seq <> 0 AND d.gap_months > b.gap_months THEN 1 END),
  COUNT(CASE WHEN m.id IS NOT NULL AND x.seq <> 0 AND d.attitude IS NOT NULL AND b.attitude IS NOT NULL THEN 1 END),
  COUNT(CASE WHEN m.id IS NOT NULL AND x.seq <> 0 AND d.attitude > b.attitude THEN 1 END)
FROM snapshots x
JOIN data_points d ON d.tenant_id = x.tenant_id AND d.snapshot_id = x.id
LEFT JOIN cohorts c ON c.tenant_id = x.tenant_id AND c.year_id = x.year_id AND c.school_id = x.school_id
LEFT JOIN cohort_members m ON m.tenant_id = c.tenant_id AND m.cohort_id = c.id AND m.pupil_id = d.pupil_id AND m.removed_at IS NULL
LEFT JOIN snapshots s0 ON s0.tenant_id = x.tenant_id AND s0.year_id = x.year_id AND s0.school_id = x.school_id AND s0.seq = 0
LEFT JOIN data_points b ON b.tenant_id = s0.tenant_id AND b.snapshot_id = s0.id AND b.pupil_id = d.pupil_id
GROUP BY x.tenant_id, x.id
ORDER BY 1, 2, 3`

// keptAndPlain returns the rows kept and the plain count, as db sees them.
func keptAndPlain(t testing.TB, db *gorm.DB) (kept, plain []keptRow) {
	t.Helper()
	if err := db.Raw(keptRows).Scan(&kept).Error; err != nil {
		t.Fatalf("the counts kept: %v", err)
	}
	if err := db.Raw(plainRows).Scan(&plain).Error; err != nil {
		t.Fatalf("a plain count: %v", err)
	}
	return kept, plain
}

// homeSchools are the hand-made programme's schools (handMade).
var homeSchools = []uint64{10, 11, 12, 13}

// checkReads fails t unless the home page's counts of s's year, read from
// the counts kept, equal the Go count, for all the schools and each one.
func checkReads(t testing.TB, step string, s *Store, y *Year) {
	t.Helper()
	lists := [][]uint64{homeSchools}
	for _, sc := range homeSchools {
		lists = append(lists, []uint64{sc})
	}
	for _, some := range lists {
		got := check(s.CohortStates(y.ID, some))(t)
		if ref := check(goCohortStates(s, y.ID, some))(t); !reflect.DeepEqual(got, ref) {
			t.Errorf("%s: CohortStates(%v) = %+v, the Go count %+v", step, some, got, ref)
		}
		m := check(s.YearMovement(y.ID, some))(t)
		if ref := check(goYearMovement(s, y.ID, some))(t); m != ref {
			t.Errorf("%s: YearMovement(%v) = %+v, the Go count %+v", step, some, m, ref)
		}
	}
	f := check(s.YearFigures(y.ID, "2030-01-01"))(t)
	var accepted []uint64
	for _, p := range check(s.PlacesOf(y.ID, homeSchools))(t) {
		if p.Status == StatusAccepted {
			accepted = append(accepted, p.SchoolID)
		}
	}
	pupils := 0
	for _, st := range check(goCohortStates(s, y.ID, accepted))(t) {
		pupils += st.Pupils
	}
	if m := check(goYearMovement(s, y.ID, accepted))(t); f.Pupils != pupils || f.Movement != m {
		t.Errorf("%s: YearFigures gives %d pupils and %+v, the Go count %d and %+v", step, f.Pupils, f.Movement, pupils, m)
	}
}

// countedWrite is a write that changes what the counts count.
type countedWrite struct {
	name string
	do   func(t testing.TB, s *Store, y *Year, db *gorm.DB)
}

// memberOf returns pupil's membership of school's cohort in year y.
func memberOf(t testing.TB, s *Store, y *Year, school, pupil uint64) CohortMember {
	t.Helper()
	co := check(s.CohortOf(y.ID, school, false))(t)
	for _, m := range check(s.CohortMembers(co.ID, true))(t) {
		if m.PupilID == pupil {
			return m
		}
	}
	t.Fatalf("pupil %d is not in school %d's cohort", pupil, school)
	return CohortMember{}
}

// snapshotOf returns school's snapshot labelled label in year y.
func snapshotOf(t testing.TB, s *Store, y *Year, school uint64, label string) Snapshot {
	t.Helper()
	for _, sn := range check(s.Snapshots(y.ID, school))(t) {
		if sn.Label == label {
			return sn
		}
	}
	t.Fatalf("school %d has no snapshot %s", school, label)
	return Snapshot{}
}

// countedWrites are every kind of write to what the counts count, made on
// the hand-made programme (handMade) of s and y: through the store as the
// pages and jobs make them, and straight to the tables (db: the
// tenant's handle).
var countedWrites = []countedWrite{
	{"values changed at the baseline", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		saveRows(t, s, 10, snapshotOf(t, s, y, 10, "Baseline").ID, []row{{pupil: 1, gap: ip(-2), attitude: ip(90)}, {pupil: 3, empty: true}})
	}},
	{"values changed and cleared at a later snapshot", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		saveRows(t, s, 11, snapshotOf(t, s, y, 11, "March").ID, []row{{pupil: 21, empty: true}, {pupil: 22, gap: ip(-9), attitude: ip(70)}})
	}},
	{"values entered at a later snapshot, which becomes the latest with data", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		saveRows(t, s, 10, snapshotOf(t, s, y, 10, "March").ID, []row{{pupil: 1, gap: ip(-1), attitude: ip(95)}, {pupil: 3, gap: ip(-8), reading: rules.AREBelow}})
	}},
	{"a removed pupil back in the cohort", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		check(s.AddToCohort(y.ID, 11, []uint64{23}, 1, "back"))(t)
	}},
	{"a pupil added after the baseline, with values", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		check(s.AddToCohort(y.ID, 11, []uint64{24}, 1, "joined"))(t)
		saveRows(t, s, 11, snapshotOf(t, s, y, 11, "March").ID, []row{{pupil: 24, gap: ip(-4), attitude: ip(30)}})
		saveRows(t, s, 11, snapshotOf(t, s, y, 11, "Baseline").ID, []row{{pupil: 24, gap: ip(-6), attitude: ip(20)}})
	}},
	{"a pupil removed from the cohort", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		check(s.RemoveFromCohort(y.ID, 10, memberOf(t, s, y, 10, 1).ID, 1, "left"))(t)
	}},
	{"a cohort frozen and its baseline filled", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		check(s.FreezeCohort(y.ID, 12, 1, y.Label[:4]+"-09-22"))(t)
		saveRows(t, s, 12, snapshotOf(t, s, y, 12, "Baseline").ID, []row{{pupil: 31, gap: ip(-5), attitude: ip(10)}, {pupil: 32, empty: true}})
	}},
	{"a new snapshot, filled", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		sn := check(s.AddSnapshot(y.ID, 12, "October", y.Label[:4]+"-10-22"))(t)
		saveRows(t, s, 12, sn.ID, []row{{pupil: 31, gap: ip(-3), attitude: ip(5)}, {pupil: 32, gap: ip(-2), attitude: ip(50)}})
	}},
	{"an empty snapshot added and deleted", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		sn := check(s.AddSnapshot(y.ID, 11, "July", "20"+y.Label[5:7]+"-07-01"))(t)
		check(s.DeleteEmptySnapshot(11, sn.ID))(t)
	}},
	{"a school withdrawn", func(t testing.TB, s *Store, y *Year, _ *gorm.DB) {
		c := check(s.Clusters(y.ID))(t)[0]
		check(s.WithdrawSchool(c.ID, 11, "20"+y.Label[5:7]+"-02-01", "staffing"))(t)
	}},
	{"a pupil erased", func(t testing.TB, s *Store, _ *Year, _ *gorm.DB) {
		check(s.ErasePupil(2))(t)
	}},
	{"values changed straight in the table", func(_ testing.TB, s *Store, _ *Year, db *gorm.DB) {
		mustExec(db, "UPDATE data_points SET attitude = 100 - attitude, gap_months = NULL WHERE tenant_id = ? AND pupil_id IN (3, 22, 31)", s.tenant)
	}},
	{"memberships removed and deleted straight in the table", func(_ testing.TB, s *Store, _ *Year, db *gorm.DB) {
		mustExec(db, "UPDATE cohort_members SET removed_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND pupil_id = 32", s.tenant)
		mustExec(db, "DELETE FROM cohort_members WHERE tenant_id = ? AND pupil_id = 24", s.tenant)
	}},
	{"data points deleted straight in the table", func(_ testing.TB, s *Store, _ *Year, db *gorm.DB) {
		mustExec(db, "DELETE FROM data_points WHERE tenant_id = ? AND pupil_id IN (4, 21, 31)", s.tenant)
	}},
}

// mustExec runs a statement of a write step, panicking on its error (the
// steps' writes are known to be valid).
func mustExec(db *gorm.DB, q string, args ...any) {
	if err := db.Exec(q, args...).Error; err != nil {
		panic(fmt.Sprintf("%s: %v", q, err))
	}
}

// TestHomeCountsKeepStepWithEveryWrite makes every kind of write to the
// hand-made programme of one tenant and year, with another year and
// another tenant's programme with the same ids beside it, and checks
// after each that the counts kept equal a plain count of every row and
// that the home page's counts equal the Go count.
func TestHomeCountsKeepStepWithEveryWrite(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		handMade(t, db, 2, "2017-18")
		s, y := handMade(t, db, 1, "2017-18")
		other, oy := handMade(t, db, 1, "2018-19")
		for _, w := range append([]countedWrite{{"the programme made", func(testing.TB, *Store, *Year, *gorm.DB) {}}}, countedWrites...) {
			w.do(t, s, y, db)
			kept, plain := keptAndPlain(t, db)
			if !reflect.DeepEqual(kept, plain) {
				t.Fatalf("%s: the counts kept\n%+v\na plain count\n%+v", w.name, kept, plain)
			}
			checkReads(t, w.name, s, y)
			checkReads(t, w.name+" (another year)", other, oy)
		}
	})
}

// TestMigration12CountsWhatWasRecorded: on storage holding programmes
// before migration 12, the migration counts them as the triggers would.
func TestMigration12CountsWhatWasRecorded(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			db := testdb.Open(t, d, Migrations[:11])
			handMade(t, db, 2, "2017-18")
			s, y := handMade(t, db, 1, "2017-18")
			for _, m := range Migrations[11:] {
				if err := db.Transaction(m.Up); err != nil {
					t.Fatalf("migration %d: %v", m.Version, err)
				}
			}
			kept, plain := keptAndPlain(t, db)
			if len(kept) == 0 || !reflect.DeepEqual(kept, plain) {
				t.Fatalf("after migration 12 the counts kept\n%+v\na plain count\n%+v", kept, plain)
			}
			checkReads(t, "after migration 12", s, y)
		})
	}
}
