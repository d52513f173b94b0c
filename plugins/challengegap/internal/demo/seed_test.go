package demo

import (
	"math/rand/v2"
	"testing"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

func TestAcademicStartIsTheYearBefore(t *testing.T) {
	for day, want := range map[string]int{"2026-12-01": 2025, "2027-08-31": 2025, "2027-09-01": 2026} {
		d, _ := time.Parse(time.DateOnly, day)
		if got := academicStart(d); got != want {
			t.Errorf("academicStart(%s) = %d, want %d", day, got, want)
		}
	}
}

func TestChooseCohortPrefersEligiblePupils(t *testing.T) {
	dob := &pluginv1.Date{Year: 2015, Month: 3, Day: 1}
	var ps []*pluginv1.Pupil
	for i := range 20 {
		ps = append(ps, &pluginv1.Pupil{Id: uint64(i + 1), YearGroup: int32(1 + i%6), PupilPremium: i%2 == 0, DateOfBirth: dob})
	}
	got := chooseCohort(ps, 5, rand.New(rand.NewPCG(1, 2)))
	if len(got) != 5 {
		t.Fatalf("%d chosen, want 5", len(got))
	}
	for _, p := range got {
		f := rules.PupilFacts{YearGroup: int(p.GetYearGroup()), PupilPremium: p.GetPupilPremium()}
		if p.GetYearGroup() < 2 || len(rules.Eligibility(f, examYears)) > 0 {
			t.Errorf("pupil %d (Y%d, pp %v) chosen while eligible pupils were left", p.GetId(), p.GetYearGroup(), p.GetPupilPremium())
		}
	}
	// Too few eligible: the others fill the cohort, never a pupil under Y2.
	all := chooseCohort(ps, 30, rand.New(rand.NewPCG(1, 2)))
	for _, p := range all {
		if p.GetYearGroup() < 2 {
			t.Errorf("a Y%d pupil chosen", p.GetYearGroup())
		}
	}
	if len(all) != 20-4 { // Y1 pupils: i = 0, 6, 12, 18
		t.Errorf("%d chosen of 16 in Y2 and above", len(all))
	}
}

func TestTrajectoriesAreValidDataPointsThatMove(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ps []*pluginv1.Pupil
	for i := range 200 {
		ps = append(ps, &pluginv1.Pupil{Id: uint64(i + 1), DateOfBirth: &pluginv1.Date{Year: int32(2008 + i%10), Month: int32(1 + i%12), Day: 5}})
	}
	days := []time.Time{time.Date(2025, 9, 20, 0, 0, 0, 0, time.UTC), time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)}
	moved := 0
	for i, tr := range trajectories(ps, len(days), rng) {
		var first, last int
		for k, d := range days {
			pt := tr.point(ps[i], k, d)
			if probs := rules.CheckDataPoint(pt.Values); len(probs) > 0 {
				t.Fatalf("pupil %d snapshot %d: %+v", i, k, probs)
			}
			dob := ps[i].GetDateOfBirth()
			if g := rules.GapMonths(*pt.Values.AgeEquivalent, int(dob.GetYear()), time.Month(dob.GetMonth()), int(dob.GetDay()), d); g != *pt.GapMonths {
				t.Fatalf("pupil %d snapshot %d: gap %d, but the score and age give %d", i, k, *pt.GapMonths, g)
			}
			if k == 0 {
				first = *pt.GapMonths
			}
			last = *pt.GapMonths
		}
		if last > first {
			moved++
		}
	}
	// Most pupils close part of their gap; not all.
	if moved < 100 || moved == len(ps) {
		t.Errorf("%d of %d pupils closed part of the gap", moved, len(ps))
	}
}
