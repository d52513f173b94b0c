package demo

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/tenancy"
)

func demoSchools() []tenancy.Unit {
	urn := func(s string) *string { return &s }
	return []tenancy.Unit{
		{ID: 1, Name: "Meadow Primary", Kind: tenancy.KindSchool, Phase: tenancy.PhasePrimary, URN: urn("912345")},
		{ID: 2, Name: "Hillcrest Infant Academy", Kind: tenancy.KindSchool, Phase: tenancy.PhasePrimary, URN: urn("912346")},
		{ID: 3, Name: "Harbour Academy", Kind: tenancy.KindSchool, Phase: tenancy.PhaseSecondary, URN: urn("912347")},
		{ID: 4, Name: "Willow Special School", Kind: tenancy.KindSchool, Phase: tenancy.PhaseSpecial, URN: urn("912348")},
	}
}

func generate(t *testing.T, day time.Time) [][]pupils.Record {
	t.Helper()
	g, err := newPupilGen(PupilSeed, day)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]pupils.Record
	for _, s := range demoSchools() {
		rs, err := g.school(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rs)
	}
	return out
}

// The same seed and school year give the same pupils; every record is valid
// on that day, in the school's year groups, with unique UPNs.
func TestPupilGeneratorIsDeterministicAndValid(t *testing.T) {
	for _, day := range []time.Time{time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC), time.Date(2031, 7, 20, 0, 0, 0, 0, time.UTC)} {
		a, b := generate(t, day), generate(t, day)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: two runs differ", day.Format(time.DateOnly))
		}
		upns := map[string]bool{}
		groups := map[string]bool{}
		for i, rs := range a {
			school := demoSchools()[i]
			for _, r := range rs {
				if errs := pupils.ValidateRecordAt(r, day); errs != nil {
					t.Fatalf("%s, %s: invalid pupil %+v: %v", day.Format(time.DateOnly), school.Name, r, errs)
				}
				if upns[r.UPN] {
					t.Fatalf("UPN generated twice")
				}
				upns[r.UPN] = true
				from, to := pupils.ExpectedBirthYear(r.YearGroup, day), pupils.ExpectedBirthYear(r.YearGroup, day)+1
				dob, _ := time.Parse(time.DateOnly, r.DateOfBirth)
				if dob.Before(time.Date(from, 9, 1, 0, 0, 0, 0, time.UTC)) || dob.After(time.Date(to, 8, 31, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("%s born %s is not in the year group's cohort", pupils.YearGroupLabel(r.YearGroup), r.DateOfBirth)
				}
				switch {
				case strings.Contains(school.Name, "Infant") && r.YearGroup > 2,
					school.Phase == tenancy.PhaseSecondary && r.YearGroup < 7:
					t.Errorf("%s has a pupil in %s", school.Name, pupils.YearGroupLabel(r.YearGroup))
				}
				for _, g := range mustNames(t) {
					for _, s := range g.surnames {
						if s == r.FamilyName {
							groups[g.name] = true
						}
					}
				}
			}
		}
		if len(groups) < 7 {
			t.Errorf("family names from only %d heritage groups", len(groups))
		}
	}
}

func mustNames(t *testing.T) []nameGroup {
	t.Helper()
	g, err := pupilNames()
	if err != nil {
		t.Fatal(err)
	}
	return g
}
