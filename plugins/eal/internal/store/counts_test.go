package store

import (
	"maps"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// countInGo is SchoolCounts' definition, counted the plain way from every
// row (as SchoolCounts did before school_counts): each school's pupils,
// those objecting, and, of the others, those with a score at each point.
func countInGo(t *testing.T, db *gorm.DB, tenant uint64) map[uint64]SchoolCount {
	t.Helper()
	var pupils []TrialPupil
	var points []PupilPoint
	if err := db.Where("tenant_id = ?", tenant).Find(&pupils).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("tenant_id = ?", tenant).Find(&points).Error; err != nil {
		t.Fatal(err)
	}
	out := map[uint64]SchoolCount{}
	byID := map[uint64]TrialPupil{}
	for _, p := range pupils {
		byID[p.ID] = p
		c, ok := out[p.TrialSchoolID]
		if !ok {
			c = SchoolCount{Scored: map[rules.Point]int{}}
		}
		c.Pupils++
		if p.ObjectedOn != "" {
			c.Objected++
		}
		out[p.TrialSchoolID] = c
	}
	for _, x := range points {
		p, ok := byID[x.TrialPupilID]
		if ok && p.ObjectedOn == "" && x.Score != nil {
			out[p.TrialSchoolID].Scored[rules.Point(x.Point)]++
		}
	}
	return out
}

// TestSchoolCountsKeepStepWithEveryWrite: school_counts, kept by
// triggers, counts what a plain count of the rows counts after every kind
// of write (pupils added, scores saved, changed and cleared, an objection,
// points deleted, a pupil erased before or after their points, another
// tenant's pupils), and the counts of a small hand-made trial are the
// known ones.
func TestSchoolCountsKeepStepWithEveryWrite(t *testing.T) {
	each(t, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		tr, err := s.CreateTrial(TrialInput{Name: "T", RegistrationID: "R", Schedule: schedule}, make([]byte, 32), nil, now)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.AddCentre(tr.ID, 900, "North", 0, now)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := s.AddSchool(tr.ID, 101, c.ID, "Secondary", "2017-02-01", now)
		b, _ := s.AddSchool(tr.ID, 102, c.ID, "Secondary", "2017-02-01", now)
		empty, _ := s.AddSchool(tr.ID, 103, c.ID, "Secondary", "2017-02-01", now)
		check := func(step string, want map[uint64]SchoolCount) {
			t.Helper()
			got, err := s.SchoolCounts(a.ID, b.ID, empty.ID)
			if err != nil {
				t.Fatal(err)
			}
			if plain := countInGo(t, db, 1); !reflect.DeepEqual(got, plain) {
				t.Fatalf("%s: school_counts %v, a plain count %v", step, got, plain)
			}
			if want != nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %v, want %v", step, got, want)
			}
		}
		check("no pupil", map[uint64]SchoolCount{})
		if _, err := s.AddPupils(a.ID, []PupilIn{{PupilID: 1, YearGroup: 9}, {PupilID: 2, YearGroup: 9}, {PupilID: 3, YearGroup: 9}, {PupilID: 4, YearGroup: 9}}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPupils(b.ID, []PupilIn{{PupilID: 5, YearGroup: 9}, {PupilID: 6, YearGroup: 9}}, now); err != nil {
			t.Fatal(err)
		}
		ps, _ := s.Pupils(a.ID, b.ID)
		id := map[uint64]uint64{} // pupil → trial pupil
		for _, p := range ps {
			id[p.PupilID] = p.ID
		}
		save := func(p rules.Point, rows ...PointIn) {
			t.Helper()
			if _, err := s.SavePoints(p, rows, now); err != nil {
				t.Fatal(err)
			}
		}
		save(rules.PointBaseline, PointIn{id[1], "A", "40"}, PointIn{id[2], "B", "50"}, PointIn{id[3], "C", "60"}, PointIn{id[4], "C", ""}, PointIn{id[5], "D", "70"})
		save(rules.PointPost, PointIn{id[1], "B", "45"}, PointIn{id[2], "C", "55"})
		check("scores saved", map[uint64]SchoolCount{
			a.ID: {Pupils: 4, Scored: map[rules.Point]int{rules.PointBaseline: 3, rules.PointPost: 2}},
			b.ID: {Pupils: 2, Scored: map[rules.Point]int{rules.PointBaseline: 1}},
		})
		save(rules.PointBaseline, PointIn{id[4], "C", "61"}, PointIn{id[1], "A", "41"}) // a score added, one changed
		check("a score added", nil)
		if _, _, err := s.Object(id[2], "2018-01-10"); err != nil {
			t.Fatal(err)
		}
		check("an objection", map[uint64]SchoolCount{
			a.ID: {Pupils: 4, Objected: 1, Scored: map[rules.Point]int{rules.PointBaseline: 3, rules.PointPost: 1}},
			b.ID: {Pupils: 2, Scored: map[rules.Point]int{rules.PointBaseline: 1}},
		})
		if err := db.Model(&PupilPoint{}).Where("trial_pupil_id = ? AND point = ?", id[1], "post").Update("score", nil).Error; err != nil {
			t.Fatal(err)
		}
		check("a score cleared", nil)
		if err := db.Where("trial_pupil_id = ? AND point = ?", id[3], "baseline").Delete(&PupilPoint{}).Error; err != nil {
			t.Fatal(err)
		}
		check("a point deleted", nil)
		if _, err := s.ErasePupil(1); err != nil { // points first, then the pupil
			t.Fatal(err)
		}
		check("a pupil erased", nil)
		if err := db.Where("id = ?", id[5]).Delete(&TrialPupil{}).Error; err != nil { // the pupil before their points
			t.Fatal(err)
		}
		check("a pupil deleted before their points", nil)
		if err := db.Where("trial_pupil_id = ?", id[5]).Delete(&PupilPoint{}).Error; err != nil {
			t.Fatal(err)
		}
		check("their points deleted after", map[uint64]SchoolCount{
			a.ID: {Pupils: 3, Objected: 1, Scored: map[rules.Point]int{rules.PointBaseline: 1}},
			b.ID: {Pupils: 1, Scored: map[rules.Point]int{}},
		})
		// Another tenant's pupils count for that tenant only.
		o := New(db, 2)
		otr, _ := o.CreateTrial(TrialInput{Name: "T", RegistrationID: "R", Schedule: schedule}, make([]byte, 32), nil, now)
		oc, _ := o.AddCentre(otr.ID, 900, "North", 0, now)
		os, _ := o.AddSchool(otr.ID, 101, oc.ID, "Secondary", "2017-02-01", now)
		if _, err := o.AddPupils(os.ID, []PupilIn{{PupilID: 9, YearGroup: 9}}, now); err != nil {
			t.Fatal(err)
		}
		check("another tenant's pupil", nil)
		if got, _ := s.SchoolCounts(os.ID); len(got) != 0 {
			t.Fatalf("tenant 1 counts tenant 2's school: %v", got)
		}
		if got, _ := o.SchoolCounts(os.ID); !maps.EqualFunc(got, countInGo(t, db, 2), func(x, y SchoolCount) bool { return reflect.DeepEqual(x, y) }) || got[os.ID].Pupils != 1 {
			t.Fatalf("tenant 2's counts: %v", got)
		}
	})
}

// TestMigration2CountsThePupilsAlreadyRecorded: school_counts starts with
// the counts of the pupils and scores recorded before it.
func TestMigration2CountsThePupilsAlreadyRecorded(t *testing.T) {
	eachUpTo(t, 1, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		_, schools := readySchools(t, s, 3)
		ps, _ := s.Pupils(schools[0].ID)
		if _, _, err := s.Object(ps[0].ID, "2018-01-10"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddPupils(schools[1].ID, []PupilIn{{PupilID: 77, YearGroup: 9}}, now); err != nil {
			t.Fatal(err)
		}
		for _, m := range Migrations[1:] {
			if err := db.Transaction(m.Up); err != nil {
				t.Fatalf("migration %d: %v", m.Version, err)
			}
		}
		got, err := s.SchoolCounts(schools[0].ID, schools[1].ID, schools[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if plain := countInGo(t, db, 1); !reflect.DeepEqual(got, plain) || got[schools[1].ID].Pupils != 2 || got[schools[0].ID].Objected != 1 {
			t.Fatalf("after migration 2: %v, a plain count %v", got, plain)
		}
	})
}
