package impact

import (
	"math"
	"testing"
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
