package evidence

import "testing"

func TestPlain(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Trial
		want string
	}{
		{"a clear gain", Trial{GapChange: MeanDiff{NA: 8, NB: 9, Comparable: true, Diff: 10.04, CI: Interval{Low: 4, High: 16}}},
			"Pupils who received it closed 10 more months of the gap than those who did not; the difference is clear."},
		{"a gain that could be chance", Trial{GapChange: MeanDiff{NA: 3, NB: 3, Comparable: true, Diff: 3, CI: Interval{Low: -1.5, High: 7.5}}},
			"Pupils who received it closed 3 more months of the gap than those who did not; the difference could be chance with groups this small."},
		{"one month less, clearly", Trial{GapChange: MeanDiff{NA: 5, NB: 5, Comparable: true, Diff: -1, CI: Interval{Low: -1.8, High: -0.2}}},
			"Pupils who received it closed 1 month less of the gap than those who did not; the difference is clear."},
		{"the same", Trial{GapChange: MeanDiff{NA: 5, NB: 5, Comparable: true, Diff: 0.02, CI: Interval{Low: -2, High: 2}}},
			"Pupils who received it closed as much of the gap as those who did not; the difference could be chance with groups this small."},
		{"too few", Trial{GapChange: MeanDiff{NA: 2, NB: 4}},
			"Too few pupils have a gap at both snapshots to tell whether it helped: each group needs 3 or more (2 received it, 4 did not)."},
		{"no spread", Trial{GapChange: MeanDiff{NA: 3, NB: 3}},
			"Every pupil's gap changed by the same amount, so the groups cannot be told apart."},
		{"with ARE", Trial{GapChange: MeanDiff{NA: 3, NB: 3, Comparable: true, Diff: 2.5, CI: Interval{Low: 0.5, High: 4.5}},
			ARETo: PropDiff{XA: 3, NA: 3, XB: 0, NB: 3, Comparable: true, Diff: 1, CI: Interval{Low: 0.21, High: 1}}},
			"Pupils who received it closed 2.5 more months of the gap than those who did not; the difference is clear. At March, 100% of them were at ARE against 0% of the others; the difference is clear."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Plain(tc.t, "March"); got != tc.want {
				t.Errorf("Plain =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
