// Package impact computes the figures Getting Ahead London reports to its
// funder and evaluator from the programme's records: changes in
// participants' self-assessment between the start and end of the year, and
// shares of participants promoted or applying for headship. Pure functions:
// no storage, no pages, no clock.
//
// # Methods
//
// Change on the same items (PairedChange): only participants who answered
// both rounds count (n). The figures are the mean at each round, the mean
// change, and how many rose, stayed and fell. The 95% confidence interval of
// the mean change is the paired t interval, mean ± t(0.975, n−1)·sd/√n
// (Student 1908), given only from MinForInterval participants: with fewer,
// an interval says little and an average of two or three people misleads, so
// the report shows the counts alone.
//
// Shares (Proportion): k of n, with the Wilson score interval at 95%
// (Wilson 1927; Newcombe 1998, Statistics in Medicine 17:857-872, method 3),
// which stays within 0 and 1 and behaves for small n and for k = 0 or n.
//
// What it does not do: it tests no hypothesis and claims no cause. A cohort
// has no comparison group, so a change is what happened, not what the
// programme did; the report says so.
package impact

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MinForInterval is the fewest paired answers for which a mean change and
// its interval are shown.
const MinForInterval = 5

// Change is the change of one measure between two rounds for the people
// who answered both.
type Change struct {
	N                           int
	MeanBefore, MeanAfter, Mean float64 // Mean is the mean change (after − before)
	Rose, Same, Fell            int
	// Low and High bound the 95% interval of Mean; HasInterval is false
	// below MinForInterval (or when every change is equal: no spread).
	Low, High   float64
	HasInterval bool
}

// PairedChange is the change from before[i] to after[i] over the pairs
// given; the two slices have the same length, one entry per person.
// A change within 1e-9 of zero counts as the same.
func PairedChange(before, after []float64) Change {
	c := Change{N: len(before)}
	if c.N == 0 || len(after) != c.N {
		c.N = 0
		return c
	}
	var sb, sa float64
	d := make([]float64, c.N)
	for i := range before {
		sb += before[i]
		sa += after[i]
		d[i] = after[i] - before[i]
		switch {
		case d[i] > 1e-9:
			c.Rose++
		case d[i] < -1e-9:
			c.Fell++
		default:
			c.Same++
		}
	}
	n := float64(c.N)
	c.MeanBefore, c.MeanAfter, c.Mean = sb/n, sa/n, (sa-sb)/n
	if c.N < MinForInterval {
		return c
	}
	var ss float64
	for _, x := range d {
		ss += (x - c.Mean) * (x - c.Mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	half := t * sd / math.Sqrt(n)
	c.Low, c.High, c.HasInterval = c.Mean-half, c.Mean+half, true
	return c
}

// Share is k of n with its 95% Wilson interval (as fractions, 0 to 1).
type Share struct {
	K, N         int
	P, Low, High float64
	HasN         bool // n > 0
}

// Proportion is k of n with its Wilson score interval at 95%.
func Proportion(k, n int) Share {
	s := Share{K: k, N: n}
	if n <= 0 {
		return s
	}
	s.HasN = true
	const z = 1.959963984540054 // the 97.5th percentile of the standard normal
	p := float64(k) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	centre := (p + z*z/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	s.P, s.Low, s.High = p, math.Max(0, centre-half), math.Min(1, centre+half)
	return s
}

// Percent is the share as a whole per cent, as reports print it.
func (s Share) Percent() int { return int(math.Round(100 * s.P)) }
