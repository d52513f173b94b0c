// Package figures is the programme dashboard's arithmetic: each
// membership year's figures (reviews done, reviewers trained, reciprocity
// met, feedback averages with n, Areas of Excellence accredited,
// Leadership Development Days hosted, pairs booked, their rating, the
// share of hubs that hosted), as the partnership reports them ("9.1/10",
// "89 pairs", "44% of hubs hosted"), as charts over the years and as a CSV
// of numbers. It is pure.
package figures

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Inputs are one year's counts and scores, loaded by the store.
type Inputs struct {
	Label            string // "2025-26"
	Reviews          int    // scheduled, not cancelled
	ReviewsDone      int    // started on or before today
	ReviewersTrained int
	Hosted, Met      int // schools that hosted a review, and of them those that gave as many reviewer days as they received
	Overall, CPD     Scores
	AoEsAccredited   int
	LDDs             int // days hosted (not cancelled, on or before today)
	Pairs            int // pairs booked on them
	LDDScores        Scores
	Hubs, HubsHosted int // hubs with members, and those with a school that hosted an LDD
}

// Scores are a set of scores as their count and sum, all a mean needs:
// the storage counts and sums them instead of loading each score.
type Scores struct{ N, Sum int }

// ScoresOf tallies the scores xs.
func ScoresOf(xs ...int) Scores {
	s := Scores{N: len(xs)}
	for _, x := range xs {
		s.Sum += x
	}
	return s
}

// Mean is a mean score with n; NaN with none.
type Mean struct {
	Value float64
	N     int
	Max   int
}

// String is "9.1/10", or "—" with no score.
func (m Mean) String() string {
	if m.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f/%d", m.Value, m.Max)
}

func mean(s Scores, max int) Mean {
	if s.N == 0 {
		return Mean{Value: math.NaN(), Max: max}
	}
	return Mean{Value: math.Round(float64(s.Sum)/float64(s.N)*10) / 10, N: s.N, Max: max}
}

// Year is one year's figures.
type Year struct {
	Inputs
	Reciprocity float64 // share of hosting schools that met it, NaN for none
	OverallMean Mean    // 1–5
	CPDMean     Mean    // 1–10
	LDDRating   Mean    // 1–10
	HubShare    float64 // share of hubs that hosted an LDD, NaN for none
}

// Compute derives a year's figures from its inputs.
func Compute(in Inputs) Year {
	y := Year{Inputs: in, OverallMean: mean(in.Overall, 5), CPDMean: mean(in.CPD, 10), LDDRating: mean(in.LDDScores, 10),
		Reciprocity: share(in.Met, in.Hosted), HubShare: share(in.HubsHosted, in.Hubs)}
	return y
}

func share(part, whole int) float64 {
	if whole == 0 {
		return math.NaN()
	}
	return float64(part) / float64(whole)
}

// Percent shows a share as "44%", "—" for none.
func Percent(s float64) string {
	if math.IsNaN(s) {
		return "—"
	}
	return fmt.Sprintf("%d%%", int(math.Floor(s*100+0.5)))
}

// Columns of the CSV, in order.
var Columns = []string{"year", "reviews_scheduled", "reviews_done", "reviewers_trained", "schools_hosting_review",
	"reciprocity_met_percent", "feedback_overall_mean_of_5", "feedback_overall_n", "feedback_cpd_mean_of_10", "feedback_cpd_n",
	"aoes_accredited", "ldds_hosted", "pairs_booked", "ldd_rating_mean_of_10", "ldd_rating_n", "hubs", "hubs_hosted_ldd_percent"}

// WriteCSV writes the years as a CSV of numbers: one row a year, a header
// of column names; a figure with nothing to rest on is empty, never text.
func WriteCSV(w io.Writer, ys []Year) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return fmt.Errorf("write figures: %w", err)
	}
	i := strconv.Itoa
	f := func(v float64, dec int) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', dec, 64)
	}
	pct := func(v float64) string { return f(math.Floor(v*1000+0.5)/10, 1) }
	for _, y := range ys {
		row := []string{y.Label, i(y.Reviews), i(y.ReviewsDone), i(y.ReviewersTrained), i(y.Hosted), pct(y.Reciprocity),
			f(y.OverallMean.Value, 1), i(y.OverallMean.N), f(y.CPDMean.Value, 1), i(y.CPDMean.N),
			i(y.AoEsAccredited), i(y.LDDs), i(y.Pairs), f(y.LDDRating.Value, 1), i(y.LDDRating.N), i(y.Hubs), pct(y.HubShare)}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write figures: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write figures: %w", err)
	}
	return nil
}

// Series are the values of one figure over the years, for a chart.
func Series(ys []Year, pick func(Year) float64) []float64 {
	out := make([]float64, len(ys))
	for i, y := range ys {
		out[i] = pick(y)
	}
	return out
}
