package rules

import (
	"fmt"
	"math"
)

// Feedback scales: the overall experience on 1–5, the value as CPD on 1–10.
const (
	OverallMax = 5
	CPDMax     = 10
)

// Figure is a mean score as the partnership reports it.
type Figure struct {
	Mean float64 // NaN when N is 0
	N    int
	Max  int
}

// Score averages scores out of max.
func Score(scores []int, max int) Figure {
	if len(scores) == 0 {
		return Figure{Mean: math.NaN(), Max: max}
	}
	sum := 0
	for _, s := range scores {
		sum += s
	}
	return Figure{Mean: float64(sum) / float64(len(scores)), N: len(scores), Max: max}
}

// String is "4.7/5", one decimal, rounded half away from zero; "—" with no score.
func (f Figure) String() string {
	if f.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f/%d", math.Round(f.Mean*10)/10, f.Max)
}

// CheckScores says what is wrong with a feedback's scores, by field.
func CheckScores(overall, cpd int) map[string]string {
	out := map[string]string{}
	if overall < 1 || overall > OverallMax {
		out["overall"] = fmt.Sprintf("Choose a score from 1 to %d", OverallMax)
	}
	if cpd < 1 || cpd > CPDMax {
		out["cpd"] = fmt.Sprintf("Choose a score from 1 to %d", CPDMax)
	}
	return out
}
