package evidence

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestWilson(t *testing.T) {
	for _, c := range []struct {
		x, n      int
		low, high float64
	}{
		// Newcombe (1998), Statistics in Medicine 17, table I: 81/263.
		{81, 263, 0.2553, 0.3662},
		// 0 of 5: the interval starts at 0 and is not empty (Wald gives [0, 0]).
		{0, 5, 0, 0.4345},
		{5, 5, 0.5655, 1},
	} {
		got := Wilson(c.x, c.n)
		if !near(got.Low, c.low, 5e-5) || !near(got.High, c.high, 5e-5) {
			t.Errorf("Wilson(%d, %d) = %+v, want [%.4f, %.4f]", c.x, c.n, got, c.low, c.high)
		}
	}
	if got := Wilson(0, 0); got != (Interval{}) {
		t.Errorf("Wilson of nobody = %+v", got)
	}
}

func TestCompareProportions(t *testing.T) {
	for _, c := range []struct {
		name            string
		xa, na, xb, nb  int
		comparable      bool
		diff, low, high float64
	}{
		// Newcombe (1998), Statistics in Medicine 17, table II, method 10: 56/70 - 48/80.
		{"published example", 56, 70, 48, 80, true, 0.2, 0.0524, 0.3339},
		// Small groups as a school has them (worked by hand from the two Wilson intervals).
		{"4 of 5 against 1 of 5", 4, 5, 1, 5, true, 0.6, -0.0003, 0.8316},
		{"all against none", 3, 3, 0, 3, true, 1, 0.2059, 1},
		{"two in a group is too few", 2, 2, 1, 5, false, 0, 0, 0},
		{"nobody received it", 0, 0, 3, 12, false, 0, 0, 0},
		{"more at ARE than assessed is refused", 4, 3, 1, 5, false, 0, 0, 0},
	} {
		got := CompareProportions(c.xa, c.na, c.xb, c.nb)
		if got.Comparable != c.comparable || !near(got.Diff, c.diff, 1e-9) || !near(got.CI.Low, c.low, 5e-5) || !near(got.CI.High, c.high, 5e-5) {
			t.Errorf("%s: got %+v, want comparable=%v diff=%v [%v, %v]", c.name, got, c.comparable, c.diff, c.low, c.high)
		}
		if got.Comparable && (got.CI.Low < -1 || got.CI.High > 1 || !got.CI.Contains(got.Diff)) {
			t.Errorf("%s: interval %+v is outside [-1, 1] or misses the difference", c.name, got.CI)
		}
	}
}

func TestCompareMeans(t *testing.T) {
	// Equal spreads and sizes: Welch's df is 2(n-1) = 4, t(0.975, 4) = 2.776445,
	// SE = sqrt(4/3 + 4/3); half-width 2.776445 * 1.632993 = 4.533916.
	got := CompareMeans([]float64{2, 4, 6}, []float64{-1, 1, 3})
	if !got.Comparable || got.NA != 3 || got.NB != 3 || got.MeanA != 4 || got.MeanB != 1 || got.Diff != 3 ||
		!near(got.DF, 4, 1e-9) || !near(got.CI.Low, -1.533916, 1e-5) || !near(got.CI.High, 7.533916, 1e-5) {
		t.Fatalf("equal spreads: %+v", got)
	}
	// Unequal spreads: variances 4 and 1, n 3 each: df = (5/3)^2 / ((4/3)^2/2 + (1/3)^2/2) = 50/17.
	got = CompareMeans([]float64{2, 4, 6}, []float64{0, 1, 2})
	if !got.Comparable || !near(got.DF, 50.0/17, 1e-9) || got.Diff != 3 || !(got.CI.Low < 0 && got.CI.High > 6) {
		t.Fatalf("unequal spreads: %+v", got)
	}
	// A wider interval for the same difference with fewer pupils: honest for small numbers.
	big := CompareMeans([]float64{2, 4, 6, 2, 4, 6, 2, 4, 6}, []float64{-1, 1, 3, -1, 1, 3, -1, 1, 3})
	small := CompareMeans([]float64{2, 4, 6}, []float64{-1, 1, 3})
	if !(big.CI.High-big.CI.Low < small.CI.High-small.CI.Low) || big.Diff != 3 {
		t.Fatalf("more pupils should narrow the interval: %+v", big)
	}
	for name, c := range map[string][2][]float64{
		"two pupils received it": {{5, 7}, {0, 1, 2, 3}},
		"nobody went without":    {{1, 2, 3}, nil},
		"no spread at all":       {{2, 2, 2}, {1, 1, 1}},
	} {
		if got := CompareMeans(c[0], c[1]); got.Comparable || got.Diff != 0 || got.CI != (Interval{}) {
			t.Errorf("%s: compared anyway: %+v", name, got)
		}
	}
	if got := CompareMeans([]float64{5, 7}, nil); got.NA != 2 || got.MeanA != 6 {
		t.Errorf("an incomparable result still reports n and the mean: %+v", got)
	}
}

func TestAtARE(t *testing.T) {
	for _, c := range []struct {
		a            Attainment
		assessed, at bool
	}{
		{Attainment{}, false, false},
		{Attainment{Reading: "at"}, true, true},
		{Attainment{Reading: "above", Writing: "at", Maths: "above"}, true, true},
		{Attainment{Reading: "above", Writing: "below", Maths: "at"}, true, false},
		{Attainment{Maths: "below"}, true, false},
	} {
		if assessed, at := c.a.AtARE(); assessed != c.assessed || at != c.at {
			t.Errorf("%+v: assessed %v at %v, want %v %v", c.a, assessed, at, c.assessed, c.at)
		}
	}
}

func TestCompareTrial(t *testing.T) {
	i := func(v int) *int { return &v }
	at, below := Attainment{Reading: "at", Writing: "at", Maths: "at"}, Attainment{Reading: "below", Writing: "at", Maths: "at"}
	pupils := []Pupil{
		// Received: gaps close by 2, 4, 6 months; 1 of 3 at ARE before, 3 of 3 after.
		{Received: true, GapFrom: i(-10), GapTo: i(-8), AREFrom: below, ARETo: at},
		{Received: true, GapFrom: i(-12), GapTo: i(-8), AREFrom: below, ARETo: at},
		{Received: true, GapFrom: i(-6), GapTo: i(0), AREFrom: at, ARETo: at},
		// Did not: -1, +1, +3; 0 of 3 at ARE after; a fourth pupil without values counts in n only.
		{GapFrom: i(-9), GapTo: i(-10), AREFrom: below, ARETo: below},
		{GapFrom: i(-9), GapTo: i(-8), AREFrom: below, ARETo: below},
		{GapFrom: i(-9), GapTo: i(-6), AREFrom: below, ARETo: below},
		{GapFrom: i(-4)},
	}
	got := CompareTrial(pupils)
	if got.Received != 3 || got.NotReceived != 4 {
		t.Fatalf("groups = %d, %d", got.Received, got.NotReceived)
	}
	// The same numbers as TestCompareMeans' first case.
	if g := got.GapChange; !g.Comparable || g.NA != 3 || g.NB != 3 || g.Diff != 3 || !near(g.CI.Low, -1.533916, 1e-5) {
		t.Fatalf("gap change = %+v", g)
	}
	if a := got.AREFrom; a.XA != 1 || a.NA != 3 || a.XB != 0 || a.NB != 3 {
		t.Fatalf("ARE before = %+v", a)
	}
	// 3 of 3 against 0 of 3: the hand-worked case of TestCompareProportions.
	if a := got.ARETo; !a.Comparable || a.Diff != 1 || !near(a.CI.Low, 0.2059, 5e-5) {
		t.Fatalf("ARE after = %+v", a)
	}
	if got := CompareTrial(pupils[:5]); got.GapChange.Comparable || got.ARETo.Comparable {
		t.Fatalf("two pupils without the strategy were compared: %+v", got)
	}
}

func TestHeadline(t *testing.T) {
	i := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	at, below := Attainment{Reading: "at", Maths: "above"}, Attainment{Reading: "at", Maths: "below"}
	got := Headline([]Pupil{
		{GapFrom: i(-12), GapTo: i(-4), AREFrom: below, ARETo: at, AttendanceFrom: f(90), AttendanceTo: f(95)},
		{GapFrom: i(-10), GapTo: i(-9), AREFrom: below, ARETo: below, AttendanceFrom: f(80), AttendanceTo: f(84)},
		{GapFrom: i(-3), GapTo: i(-5), AREFrom: at, ARETo: at, AttendanceTo: f(99)},
		{GapFrom: i(-8), AREFrom: below},
		{Received: true},
	})
	// Gaps closed: +8, +1, -2 → mean 7/3; below ARE 3 of 4 at first, 1 of 3 later;
	// attendance of the two with both: 85 → 89.5.
	if got.Pupils != 5 || got.GapPupils != 3 || !near(got.MeanGapClosed, 7.0/3, 1e-12) ||
		got.BelowFrom != 3 || got.AssessedFrom != 4 || got.BelowTo != 1 || got.AssessedTo != 3 ||
		got.PercentBelowFrom() != 75 || !near(got.PercentBelowTo(), 100.0/3, 1e-12) ||
		got.AttendancePupils != 2 || got.AttendanceFrom != 85 || got.AttendanceTo != 89.5 || got.AttendanceChange() != 4.5 {
		t.Fatalf("Headline = %+v", got)
	}
	if empty := Headline(nil); empty != (Impact{}) || empty.PercentBelowTo() != 0 {
		t.Fatalf("Headline of nobody = %+v", empty)
	}
}

func TestCombine(t *testing.T) {
	a := Impact{Pupils: 15, GapPupils: 10, MeanGapClosed: 6, BelowFrom: 9, AssessedFrom: 15, BelowTo: 4, AssessedTo: 15,
		AttendancePupils: 10, AttendanceFrom: 90, AttendanceTo: 92}
	b := Impact{Pupils: 5, GapPupils: 5, MeanGapClosed: 3, BelowFrom: 3, AssessedFrom: 5, BelowTo: 3, AssessedTo: 4,
		AttendancePupils: 5, AttendanceFrom: 81, AttendanceTo: 80}
	got := Combine(a, b, Impact{})
	// Gap: (10*6 + 5*3) / 15 = 5; attendance (900+405)/15 = 87 → (920+400)/15 = 88.
	if got.Pupils != 20 || got.GapPupils != 15 || got.MeanGapClosed != 5 || got.BelowFrom != 12 || got.AssessedFrom != 20 ||
		got.BelowTo != 7 || got.AssessedTo != 19 || got.AttendancePupils != 15 || got.AttendanceFrom != 87 || got.AttendanceTo != 88 {
		t.Fatalf("Combine = %+v", got)
	}
	if Combine() != (Impact{}) {
		t.Fatal("Combine of nothing is not empty")
	}
}
