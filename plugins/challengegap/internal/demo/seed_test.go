package demo

import (
	"math/rand/v2"
	"testing"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

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

func TestAllocateLeavesAGroupToCompare(t *testing.T) {
	for _, n := range []int{0, 1, 3, 6, 7, 15} {
		got := allocate(n, rand.New(rand.NewPCG(uint64(n), 9)))
		first, second := countTrue(got[0]), countTrue(got[1])
		if len(got[0]) != n || len(got[1]) != n {
			t.Fatalf("n=%d: allocations of %d and %d pupils", n, len(got[0]), len(got[1]))
		}
		// The first strategy leaves at least 3 without it once there are 6.
		if n >= 6 && (first < evidenceMin || n-first < evidenceMin) {
			t.Errorf("n=%d: %d receive the first strategy: a group below %d", n, first, evidenceMin)
		}
		if second != n/2 {
			t.Errorf("n=%d: %d receive the second strategy, want %d", n, second, n/2)
		}
	}
	if got := allocate(15, rand.New(rand.NewPCG(1, 9))); countTrue(got[0]) != 9 {
		t.Errorf("15 pupils: %d receive the first strategy, want 9 (three in five)", countTrue(got[0]))
	}
}

func countTrue(xs []bool) int {
	c := 0
	for _, x := range xs {
		if x {
			c++
		}
	}
	return c
}

func TestAnswersAgreeAtAboutTheRate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tallies := map[string]rules.Tally{}
	for range 2000 {
		for k, v := range answers(0, rng) {
			if !rules.ValidAnswer(v) {
				t.Fatalf("answer %d to %s is off the scale", v, k)
			}
			tl := tallies[k]
			tl.Add(v)
			tallies[k] = tl
		}
	}
	for _, it := range rules.SurveyItems {
		tl := tallies[it.Key]
		if tl.N() != 2000 {
			t.Fatalf("%s answered %d times", it.Key, tl.N())
		}
		got := float64(tl.Agreeing()) / 2000
		if want := agreeRate[it.Key]; got < want-0.04 || got > want+0.04 {
			t.Errorf("%s: %.2f agree, want about %.2f", it.Key, got, want)
		}
		// Every point of the scale is used: a plausible spread, not a wall of agreement.
		for i, c := range tl {
			if c == 0 {
				t.Errorf("%s: nobody answered %s", it.Key, rules.AgreeScale[i])
			}
		}
	}
}

func TestCaseStudyWording(t *testing.T) {
	for v, want := range map[float64]string{1: "1 month", 4.46: "4.5 months", -2.04: "-2 months", 0: "0 months"} {
		if got := months(v); got != want {
			t.Errorf("months(%v) = %q, want %q", v, got, want)
		}
	}
	if got := signedMonths(2.5); got != "+2.5 months" {
		t.Errorf("signedMonths(2.5) = %q", got)
	}
	three, one, none := 3, 1, -2
	with, without, ok := groupChange([]*int{&three, &one, nil, &none}, []bool{true, false, true, true})
	if !ok || with != 0.5 || without != 1 {
		t.Errorf("groupChange = %v, %v, %v; want 0.5, 1, true", with, without, ok)
	}
	if _, _, ok := groupChange([]*int{&three}, []bool{true}); ok {
		t.Error("groupChange compared a group of nobody")
	}
	if got := yearSpan([]int{3, 4, 5}); got != "Years 3 to 5" {
		t.Errorf("yearSpan = %q", got)
	}
}
