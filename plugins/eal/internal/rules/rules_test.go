package rules

import (
	"strings"
	"testing"
	"time"
)

func TestScheduleChecksOrderAndTellsThePhaseOfADay(t *testing.T) {
	s := Schedule{"2017-01-09", "2017-04-24", "2017-07-03", "2017-09-04", "2018-07-02", "2019-08-22"}
	if bad := s.Check(); bad != nil {
		t.Fatalf("a sound schedule refused: %v", bad)
	}
	for _, c := range []struct {
		day   string
		phase Phase
		begun bool
	}{
		{"2016-12-31", Recruitment, false}, {"2017-01-09", Recruitment, true}, {"2017-07-02", Baseline, true},
		{"2017-07-03", Randomisation, true}, {"2018-07-01", Delivery, true}, {"2030-01-01", Outcomes, true},
	} {
		d, _ := time.Parse(time.DateOnly, c.day)
		if p, b := s.On(d); p != c.phase || b != c.begun {
			t.Errorf("On(%s) = %s %v, want %s %v", c.day, p, b, c.phase, c.begun)
		}
	}
	bad := Schedule{"2017-01-09", "2016-04-24", "", "2017-09-04", "2018-07-02", "2019-08-22"}.Check()
	if !strings.Contains(bad[Baseline], "starts before recruitment") || !strings.Contains(bad[Randomisation], "YYYY-MM-DD") || len(bad) != 2 {
		t.Fatalf("bad schedule: %v", bad)
	}
}

func TestEligibility(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	c, err := ParseCriteria("Secondary, All-through", "10", "true")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    SchoolFacts
		want []string // fragments of the reasons, in order
	}{
		{"eligible", SchoolFacts{Phase: "Secondary", EALPercent: pct(10)}, nil},
		{"phase case", SchoolFacts{Phase: "all-through", EALPercent: pct(40)}, nil},
		{"primary", SchoolFacts{Phase: "Primary", EALPercent: pct(40)}, []string{"Phase Primary is not one the trial takes"}},
		{"few EAL", SchoolFacts{Phase: "Secondary", EALPercent: pct(9.9)}, []string{"Fewer than 10% of pupils have EAL"}},
		{"unknown share", SchoolFacts{Phase: "Secondary"}, []string{"not known"}},
		{"other trial", SchoolFacts{Phase: "", EALPercent: pct(50), InOtherTrial: true}, []string{"Phase not known", "another EAL trial"}},
	} {
		got := c.Check(tc.f)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: reason %q lacks %q", tc.name, got[i], w)
			}
		}
	}
	for _, bad := range [][3]string{{"", "ten", ""}, {"", "101", ""}, {"", "", "maybe"}} {
		if _, err := ParseCriteria(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("ParseCriteria%v accepted", bad)
		}
	}
}

func TestStrataNameCentresByCodeAndBandTheShares(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	s, err := ParseStratification("phase, eal", "30", "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Stratum("C03", SchoolFacts{Phase: "Secondary", EALPercent: pct(30)})
	if err != nil || got != "C03 / Secondary / EAL 30% or more" {
		t.Fatalf("stratum %q %v", got, err)
	}
	if got, _ := s.Stratum("C03", SchoolFacts{Phase: "Secondary", EALPercent: pct(29.9)}); got != "C03 / Secondary / EAL below 30%" {
		t.Fatalf("below the cut: %q", got)
	}
	if _, err := s.Stratum("C03", SchoolFacts{Phase: "Secondary"}); err == nil {
		t.Fatal("a school without an EAL share was stratified")
	}
	if def, _ := ParseStratification("", "", ""); len(def.Factors) != 1 || def.Factors[0] != ByCentre {
		t.Fatalf("default strata: %v", def.Factors)
	}
	if _, err := ParseStratification("centre, region", "", ""); err == nil || !strings.Contains(err.Error(), `"region"`) {
		t.Fatalf("an unknown factor: %v", err)
	}
}

func TestProficiencyCodes(t *testing.T) {
	for in, want := range map[string]Proficiency{"a": NewToEnglish, " E ": Fluent, "N": NotYetAssessed} {
		if got, err := ParseProficiency(in); err != nil || got != want {
			t.Errorf("ParseProficiency(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "F", "AB", "1"} {
		if _, err := ParseProficiency(bad); err == nil {
			t.Errorf("ParseProficiency(%q) accepted", bad)
		}
	}
	if NewToEnglish.Label() != "A New to English" || DevelopingCompetence.Label() != "C Developing competence" {
		t.Fatal("labels")
	}
	for n, ok := range map[int]bool{-1: false, 0: true, 100: true, 101: false} {
		if (CheckScore(n) == nil) != ok {
			t.Errorf("CheckScore(%d)", n)
		}
	}
	for n, ok := range map[int]bool{-1: false, 0: true, 9: true, 10: false} {
		if (CheckGrade(n) == nil) != ok {
			t.Errorf("CheckGrade(%d)", n)
		}
	}
}

func TestEachPointIsCollectedBetweenTwoPhasesWhateverTheArm(t *testing.T) {
	s := Schedule{"2017-01-09", "2017-04-24", "2017-07-03", "2017-09-04", "2018-07-02", "2019-08-22"}
	for _, c := range []struct {
		point     Point
		opens     string
		due       string
		day       string
		wantsOpen bool
	}{
		{PointBaseline, "2017-04-24", "2017-07-03", "2017-04-23", false},
		{PointBaseline, "2017-04-24", "2017-07-03", "2017-04-24", true},
		{PointPost, "2017-09-04", "2018-07-02", "2017-09-03", false},
		{PointPost, "2017-09-04", "2018-07-02", "2018-07-03", true}, // still open, overdue
		{PointFollowUp, "2018-07-02", "2019-08-22", "2018-07-01", false},
		{PointFollowUp, "2018-07-02", "2019-08-22", "2018-07-02", true},
		{"gcse", "", "", "2030-01-01", false},
	} {
		opens, due := s.Window(c.point)
		if opens != c.opens || due != c.due || s.Open(c.point, c.day) != c.wantsOpen {
			t.Errorf("%s on %s: window %s–%s open %v, want %s–%s open %v", c.point, c.day, opens, due, s.Open(c.point, c.day), c.opens, c.due, c.wantsOpen)
		}
	}
}
