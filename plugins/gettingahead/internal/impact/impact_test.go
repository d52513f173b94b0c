package impact

import (
	"math"
	"testing"
	"time"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestProportionMatchesNewcombe checks the Wilson interval against the
// worked examples of Newcombe 1998 (Statistics in Medicine 17:857-872,
// table I, method 3): 81/263, 15/148, 0/20 and 1/29.
func TestProportionMatchesNewcombe(t *testing.T) {
	for _, tc := range []struct {
		k, n      int
		low, high float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
	} {
		s := Proportion(tc.k, tc.n)
		if !near(s.Low, tc.low, 0.00006) || !near(s.High, tc.high, 0.00006) {
			t.Errorf("%d/%d: %.4f to %.4f, want %.4f to %.4f", tc.k, tc.n, s.Low, s.High, tc.low, tc.high)
		}
	}
	if s := Proportion(3, 0); s.HasN || s.P != 0 {
		t.Errorf("0 people: %+v", s)
	}
	if s := Proportion(16, 48); s.Percent() != 33 {
		t.Errorf("16 of 48 is %d%%, want 33%%", s.Percent())
	}
}

// TestPairedChangeIsThePairedTInterval checks a hand-worked example: the
// changes 1, 0, 2, 1, 1, 3 have mean 4/3 and sd sqrt(1.0667) = 1.0328; with
// t(0.975, 5) = 2.5706 the interval is 4/3 ± 1.0838.
func TestPairedChangeIsThePairedTInterval(t *testing.T) {
	before := []float64{2, 3, 2, 3, 2, 1}
	after := []float64{3, 3, 4, 4, 3, 4}
	c := PairedChange(before, after)
	if c.N != 6 || c.Rose != 5 || c.Same != 1 || c.Fell != 0 {
		t.Fatalf("counts %+v", c)
	}
	if !near(c.Mean, 4.0/3, 1e-12) || !near(c.MeanBefore, 13.0/6, 1e-12) || !near(c.MeanAfter, 21.0/6, 1e-12) {
		t.Fatalf("means %+v", c)
	}
	if !c.HasInterval || !near(c.Low, 4.0/3-1.0838, 0.0005) || !near(c.High, 4.0/3+1.0838, 0.0005) {
		t.Fatalf("interval %.4f to %.4f, want %.4f to %.4f", c.Low, c.High, 4.0/3-1.0838, 4.0/3+1.0838)
	}
}

// TestSmallGroupsGetCountsButNoInterval: below MinForInterval people the
// counts are given and no interval is claimed.
func TestSmallGroupsGetCountsButNoInterval(t *testing.T) {
	c := PairedChange([]float64{2, 4, 3, 3}, []float64{3, 3, 3, 5})
	if c.HasInterval || c.N != 4 || c.Rose != 2 || c.Fell != 1 || c.Same != 1 {
		t.Fatalf("%+v", c)
	}
	if c := PairedChange(nil, nil); c.N != 0 || c.HasInterval {
		t.Fatalf("nobody: %+v", c)
	}
	if c := PairedChange([]float64{1}, []float64{1, 2}); c.N != 0 {
		t.Fatalf("unequal lists counted: %+v", c)
	}
}

func TestReportCountsEachPromotionOnceWithinTheYear(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse(time.DateOnly, s); return x }
	from, to := d("2017-09-01"), d("2018-08-31")
	ps := []Facts{
		{AppliedBefore: true, Outcomes: []Outcome{{AppliedHeadship, d("2017-11-01")}, {PromotedHeadship, d("2018-03-01")}}},
		{Outcomes: []Outcome{{PromotedOther, d("2017-10-01")}, {PromotedDeputy, d("2018-02-01")}}}, // deputy counts, once
		{Outcomes: []Outcome{{PromotedHeadship, d("2018-09-02")}}},                                 // after the year
		{AppliedBefore: true, Withdrawn: true},
		{Outcomes: []Outcome{{PromotedHeadship, d("2018-05-05")}}, // an appointment to headship is an application
			Start: map[string]float64{"values": 2}, End: map[string]float64{"values": 4}},
		{Start: map[string]float64{"values": 3}}, // no end round: not counted in the change
	}
	r := Build(ps, from, to, []string{"values", "readiness"})
	if r.Participants != 6 || r.Withdrawn != 1 || r.Promoted.K != 3 || r.ToHeadship != 2 || r.ToDeputy != 1 || r.ToOther != 0 {
		t.Fatalf("promotions %+v", r)
	}
	if r.AppliedBefore.K != 2 || r.AppliedDuring.K != 2 || r.AppliedDuring.N != 6 {
		t.Fatalf("applications: before %+v during %+v", r.AppliedBefore, r.AppliedDuring)
	}
	if r.Areas[0].Change.N != 1 || r.Areas[0].Change.Mean != 2 || r.Areas[1].Change.N != 0 {
		t.Fatalf("areas %+v", r.Areas)
	}
}
