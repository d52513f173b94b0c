package evidence

import (
	"fmt"
	"math"
	"strconv"
)

// Plain words a trial's evidence for people who do not read intervals: a
// sentence on the gap ("Pupils who received it closed 10 more months of
// the gap than those who did not; the difference is clear.") and, when the
// groups can be compared at the later snapshot (named to), one on ARE. A
// difference is "clear" only when its 95% interval leaves out zero;
// otherwise the sentence says it could be chance.
func Plain(t Trial, to string) string {
	g := t.GapChange
	var out string
	switch {
	case g.NA < MinPerGroup || g.NB < MinPerGroup:
		return fmt.Sprintf("Too few pupils have a gap at both snapshots to tell whether it helped: each group needs %d or more (%d received it, %d did not).", MinPerGroup, g.NA, g.NB)
	case !g.Comparable:
		out = "Every pupil's gap changed by the same amount, so the groups cannot be told apart."
	default:
		d := math.Round(g.Diff*10) / 10
		switch {
		case d > 0:
			out = "Pupils who received it closed " + number(d) + " more " + monthWord(d) + " of the gap than those who did not"
		case d < 0:
			out = "Pupils who received it closed " + number(-d) + " " + monthWord(-d) + " less of the gap than those who did not"
		default:
			out = "Pupils who received it closed as much of the gap as those who did not"
		}
		out += "; " + clear(g.CI) + "."
	}
	if a := t.ARETo; a.Comparable {
		out += fmt.Sprintf(" At %s, %.0f%% of them were at ARE against %.0f%% of the others; %s.", to, 100*a.PA(), 100*a.PB(), clear(a.CI))
	}
	return out
}

func number(m float64) string { return strconv.FormatFloat(m, 'f', -1, 64) }

// monthWord is "month" for 1, "months" for any other number.
func monthWord(m float64) string {
	if m == 1 {
		return "month"
	}
	return "months"
}

// clear says whether an interval of a difference leaves out zero.
func clear(ci Interval) string {
	if ci.Low > 0 || ci.High < 0 {
		return "the difference is clear"
	}
	return "the difference could be chance with groups this small"
}
