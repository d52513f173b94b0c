package store

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// migrateAsPlugin runs migrations ms as the SDK's Migrate does, as the
// plugin's role (plugintest.MigrateAsPlugin).
func migrateAsPlugin(t *testing.T, db *gorm.DB, ms []sdk.Migration) {
	t.Helper()
	steps := make([]func(*gorm.DB) error, len(ms))
	for i, m := range ms {
		steps[i] = m.Up
	}
	plugintest.MigrateAsPlugin(t, db, steps...)
}

// countRow is a row of school_counts.
type countRow struct {
	TenantID, TrialSchoolID uint64
	What                    string
	N                       int64
}

// everyCount reads, past row-level security, the non-zero rows of
// school_counts and what a plain count of every tenant's rows gives.
func everyCount(t *testing.T, admin *gorm.DB) (kept, plain []countRow) {
	t.Helper()
	const order = " ORDER BY tenant_id, trial_school_id, what"
	if err := admin.Raw("SELECT tenant_id, trial_school_id, what, n FROM school_counts WHERE n <> 0" + order).Scan(&kept).Error; err != nil {
		t.Fatal(err)
	}
	err := admin.Raw(`SELECT * FROM (
		SELECT tenant_id, trial_school_id, 'pupils' AS what, COUNT(*) AS n FROM trial_pupils GROUP BY tenant_id, trial_school_id
		UNION ALL SELECT tenant_id, trial_school_id, 'objected', COUNT(*) FROM trial_pupils WHERE objected_on <> '' GROUP BY tenant_id, trial_school_id
		UNION ALL SELECT p.tenant_id, p.trial_school_id, 'scored:' || pp.point, COUNT(*)
			FROM trial_pupils p JOIN pupil_points pp ON pp.trial_pupil_id = p.id WHERE p.objected_on = '' AND pp.score IS NOT NULL
			GROUP BY p.tenant_id, p.trial_school_id, pp.point) c` + order).Scan(&plain).Error
	if err != nil {
		t.Fatal(err)
	}
	return kept, plain
}

// TestSchoolCountsUnderRowSecurity: on PostgreSQL as production runs it,
// with the plugin's own role (not a superuser, not bypassing row-level
// security), its tables under FORCE ROW LEVEL SECURITY and the tenant set
// on each call's connection, the triggers of migration 2 keep
// school_counts equal to a plain count: migration 2 counts what two
// tenants recorded before it, and after every kind of write made through
// the store for tenant A (pupils added, scores saved, changed and cleared,
// an objection, a pupil erased, a pupil deleted before their points) A's
// counts equal a plain count, tenant B's are unchanged, none of B's rows
// is visible from A, and every row of school_counts carries the tenant of
// its school.
func TestSchoolCountsUnderRowSecurity(t *testing.T) {
	role, admin := plugintest.PluginRole(t, "eal_rls_")
	migrateAsPlugin(t, role, Migrations[:1])
	dbA, _ := plugintest.BindTenant(t, role, 1, false)
	dbB, _ := plugintest.BindTenant(t, role, 2, false)
	a, b := New(dbA, 1), New(dbB, 2)

	// Both tenants' trials, before migration 2, as on an upgrade.
	school := func(s *Store, codes ...uint64) []TrialSchool {
		t.Helper()
		tr, err := s.CreateTrial(TrialInput{Name: "T", RegistrationID: "R", Schedule: schedule}, make([]byte, 32), nil, now)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.AddCentre(tr.ID, 900, "North", 0, now)
		if err != nil {
			t.Fatal(err)
		}
		var out []TrialSchool
		for _, code := range codes {
			ts, err := s.AddSchool(tr.ID, code, c.ID, "Secondary", "2017-02-01", now)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ts)
		}
		return out
	}
	pupils := func(s *Store, ts TrialSchool, ids ...uint64) {
		t.Helper()
		in := make([]PupilIn, len(ids))
		for i, id := range ids {
			in[i] = PupilIn{PupilID: id, YearGroup: 9}
		}
		if _, err := s.AddPupils(ts.ID, in, now); err != nil {
			t.Fatal(err)
		}
	}
	trialPupil := func(s *Store, schools []TrialSchool) map[uint64]uint64 { // pupil → trial pupil
		t.Helper()
		ids := make([]uint64, len(schools))
		for i, x := range schools {
			ids[i] = x.ID
		}
		ps, err := s.Pupils(ids...)
		if err != nil {
			t.Fatal(err)
		}
		out := map[uint64]uint64{}
		for _, p := range ps {
			out[p.PupilID] = p.ID
		}
		return out
	}
	save := func(s *Store, p rules.Point, rows ...PointIn) {
		t.Helper()
		if _, err := s.SavePoints(p, rows, now); err != nil {
			t.Fatal(err)
		}
	}
	as := school(a, 101, 102, 103) // the third has no pupil
	bs := school(b, 101)
	pupils(a, as[0], 1, 2, 3)
	pupils(b, bs[0], 1, 7, 8) // pupil 1 is also tenant B's
	ida, idb := trialPupil(a, as), trialPupil(b, bs)
	save(a, rules.PointBaseline, PointIn{ida[1], "A", "40"}, PointIn{ida[2], "B", "50"})
	save(b, rules.PointBaseline, PointIn{idb[1], "A", "30"}, PointIn{idb[7], "B", "35"}, PointIn{idb[8], "C", ""})
	if _, _, err := b.Object(idb[8], "2018-01-10"); err != nil {
		t.Fatal(err)
	}

	migrateAsPlugin(t, role, Migrations[1:]) // the upgrade
	var guard struct {
		Forced    bool
		HasPolicy bool
	}
	if err := admin.Raw(`SELECT c.relforcerowsecurity AS forced,
		EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = ?) AS has_policy
		FROM pg_class c WHERE c.oid = 'school_counts'::regclass`, rowsecurity.Policy).Scan(&guard).Error; err != nil || !guard.Forced || !guard.HasPolicy {
		t.Fatalf("school_counts: %+v (%v), want row security forced with the policy %s", guard, err, rowsecurity.Policy)
	}

	aIDs := []uint64{as[0].ID, as[1].ID, as[2].ID}
	var bWant map[uint64]SchoolCount // B's counts, which A's writes leave alone
	check := func(step string, want map[uint64]SchoolCount) {
		t.Helper()
		got, err := a.SchoolCounts(aIDs...)
		if err != nil {
			t.Fatal(err)
		}
		if plain := countInGo(t, dbA, 1); !reflect.DeepEqual(got, plain) {
			t.Fatalf("%s: tenant A's school_counts %v, a plain count %v", step, got, plain)
		}
		if want != nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: tenant A's counts %v, want %v", step, got, want)
		}
		gotB, err := b.SchoolCounts(bs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if plain := countInGo(t, dbB, 2); !reflect.DeepEqual(gotB, plain) || !reflect.DeepEqual(gotB, bWant) {
			t.Fatalf("%s: tenant B's school_counts %v, a plain count %v, want %v", step, gotB, plain, bWant)
		}
		// B's rows are invisible from A, by id or by any query.
		if got, err := a.SchoolCounts(bs[0].ID); err != nil || len(got) != 0 {
			t.Fatalf("%s: tenant A reads tenant B's school's counts: %v %v", step, got, err)
		}
		var others int64
		if err := dbA.Raw("SELECT count(*) FROM school_counts WHERE tenant_id <> 1 OR trial_school_id = ?", bs[0].ID).Scan(&others).Error; err != nil || others != 0 {
			t.Fatalf("%s: tenant A sees %d of school_counts' other rows (%v)", step, others, err)
		}
		// Past row security: every row is its school's tenant's, and right.
		if kept, plain := everyCount(t, admin); !slices.Equal(kept, plain) {
			t.Fatalf("%s: school_counts %v, a plain count of every tenant %v", step, kept, plain)
		}
	}
	bWant = map[uint64]SchoolCount{bs[0].ID: {Pupils: 3, Objected: 1, Scored: map[rules.Point]int{rules.PointBaseline: 2}}}
	check("migration 2 counts what was recorded", map[uint64]SchoolCount{
		as[0].ID: {Pupils: 3, Scored: map[rules.Point]int{rules.PointBaseline: 2}},
	})
	if kept, _ := everyCount(t, admin); len(kept) != 5 {
		t.Fatalf("school_counts after migration 2: %v, want 5 rows (both tenants')", kept)
	}

	pupils(a, as[1], 4, 5)
	ida = trialPupil(a, as)
	check("pupils added", nil)
	save(a, rules.PointBaseline, PointIn{ida[3], "C", "60"}, PointIn{ida[4], "C", "61"}, PointIn{ida[5], "D", ""})
	save(a, rules.PointPost, PointIn{ida[1], "B", "45"}, PointIn{ida[2], "C", "55"}, PointIn{ida[4], "D", "70"})
	check("scores saved", map[uint64]SchoolCount{
		as[0].ID: {Pupils: 3, Scored: map[rules.Point]int{rules.PointBaseline: 3, rules.PointPost: 2}},
		as[1].ID: {Pupils: 2, Scored: map[rules.Point]int{rules.PointBaseline: 1, rules.PointPost: 1}},
	})
	save(a, rules.PointBaseline, PointIn{ida[1], "A", "41"}, PointIn{ida[5], "D", "62"}) // one changed, one added
	check("a score changed and one added", nil)
	save(a, rules.PointPost, PointIn{ida[2], "C", ""}) // the code kept, the score cleared
	check("a score cleared", map[uint64]SchoolCount{
		as[0].ID: {Pupils: 3, Scored: map[rules.Point]int{rules.PointBaseline: 3, rules.PointPost: 1}},
		as[1].ID: {Pupils: 2, Scored: map[rules.Point]int{rules.PointBaseline: 2, rules.PointPost: 1}},
	})
	if _, _, err := a.Object(ida[3], "2018-01-10"); err != nil {
		t.Fatal(err)
	}
	check("an objection", nil)
	if n, err := a.ErasePupil(1); err != nil || n != 3 { // their two points, then them; B's pupil 1 stays
		t.Fatalf("erase pupil 1: %d, %v", n, err)
	}
	check("a pupil erased", map[uint64]SchoolCount{
		as[0].ID: {Pupils: 2, Objected: 1, Scored: map[rules.Point]int{rules.PointBaseline: 1}},
		as[1].ID: {Pupils: 2, Scored: map[rules.Point]int{rules.PointBaseline: 2, rules.PointPost: 1}},
	})
	if err := dbA.Where("id = ?", ida[4]).Delete(&TrialPupil{}).Error; err != nil { // the pupil before their points
		t.Fatal(err)
	}
	check("a pupil deleted before their points", nil)
	if err := dbA.Where("trial_pupil_id = ?", ida[4]).Delete(&PupilPoint{}).Error; err != nil {
		t.Fatal(err)
	}
	check("their points deleted after", map[uint64]SchoolCount{
		as[0].ID: {Pupils: 2, Objected: 1, Scored: map[rules.Point]int{rules.PointBaseline: 1}},
		as[1].ID: {Pupils: 1, Scored: map[rules.Point]int{rules.PointBaseline: 1}},
	})

	// Tenant B writes; A's counts stay as they were.
	aBefore, _ := a.SchoolCounts(aIDs...)
	pupils(b, bs[0], 9)
	idb = trialPupil(b, bs)
	save(b, rules.PointBaseline, PointIn{idb[9], "A", "20"})
	bWant = map[uint64]SchoolCount{bs[0].ID: {Pupils: 4, Objected: 1, Scored: map[rules.Point]int{rules.PointBaseline: 3}}}
	check("tenant B's pupil added and scored", nil)
	if aAfter, _ := a.SchoolCounts(aIDs...); !maps.EqualFunc(aBefore, aAfter, func(x, y SchoolCount) bool { return reflect.DeepEqual(x, y) }) {
		t.Fatalf("tenant B's writes changed tenant A's counts: %v, then %v", aBefore, aAfter)
	}

	// A call acting for no tenant (a health check) sees no count at all.
	none, _ := plugintest.BindTenant(t, role, 0, false)
	var n int64
	if err := none.Raw("SELECT count(*) FROM school_counts").Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("a call with no tenant sees %d rows of school_counts (%v)", n, err)
	}
}
