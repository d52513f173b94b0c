// Package evidence compares the target pupils who received a trialled
// strategy with those who did not, honestly for the small numbers a
// school's cohort gives (about 15 pupils split in two): the difference in
// the mean change of the gap in months with a Welch t interval, and the
// difference in the proportion at age-related expectations with Newcombe's
// hybrid Wilson score interval. Below MinPerGroup pupils in either group
// it declines to compare. Pure functions: no storage, no pages.
package evidence

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MinPerGroup is the fewest pupils with values in each group for a
// comparison; below it the page says "too few pupils to compare".
const MinPerGroup = 3

// Level is the confidence level of every interval.
const Level = 0.95

// z is the standard normal quantile for Level (two-sided).
var z = distuv.UnitNormal.Quantile(1 - (1-Level)/2)

// Interval is a confidence interval [Low, High].
type Interval struct {
	Low, High float64
}

// Contains reports whether v lies in the interval.
func (i Interval) Contains(v float64) bool { return i.Low <= v && v <= i.High }

// MeanDiff compares the means of two groups of numbers (each pupil's
// change of the gap in months).
type MeanDiff struct {
	NA, NB       int     // pupils with values in each group
	MeanA, MeanB float64 // the groups' means (0 for an empty group)
	// Comparable is false below MinPerGroup in either group, or when both
	// groups have no spread at all (no interval can be given); then Diff
	// and CI are zero.
	Comparable bool
	Diff       float64 // MeanA - MeanB
	CI         Interval
	DF         float64 // Welch-Satterthwaite degrees of freedom
}

// CompareMeans returns the difference of the means of a and b with a Welch
// t interval (no assumption that the groups' spreads are equal).
func CompareMeans(a, b []float64) MeanDiff {
	d := MeanDiff{NA: len(a), NB: len(b), MeanA: mean(a), MeanB: mean(b)}
	if d.NA < MinPerGroup || d.NB < MinPerGroup {
		return d
	}
	va, vb := variance(a, d.MeanA)/float64(d.NA), variance(b, d.MeanB)/float64(d.NB)
	se2 := va + vb
	if se2 == 0 {
		return d
	}
	d.Comparable = true
	d.Diff = d.MeanA - d.MeanB
	d.DF = se2 * se2 / (va*va/float64(d.NA-1) + vb*vb/float64(d.NB-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: d.DF}.Quantile(1 - (1-Level)/2)
	half := t * math.Sqrt(se2)
	d.CI = Interval{d.Diff - half, d.Diff + half}
	return d
}

// PropDiff compares the proportions of two groups (pupils at ARE).
type PropDiff struct {
	XA, NA, XB, NB int // pupils at ARE (X) of pupils assessed (N), per group
	// Comparable is false below MinPerGroup pupils in either group; then
	// Diff and CI are zero.
	Comparable bool
	Diff       float64 // XA/NA - XB/NB
	CI         Interval
}

// PA and PB are the groups' proportions (0 for an empty group).
func (p PropDiff) PA() float64 { return ratio(p.XA, p.NA) }

// PB is group B's proportion.
func (p PropDiff) PB() float64 { return ratio(p.XB, p.NB) }

// CompareProportions returns xa/na - xb/nb with Newcombe's hybrid score
// interval (his method 10), built from each group's Wilson interval: it
// stays within [-1, 1] and keeps its coverage for small groups and for
// proportions of 0 or 1, where the textbook (Wald) interval fails.
func CompareProportions(xa, na, xb, nb int) PropDiff {
	p := PropDiff{XA: xa, NA: na, XB: xb, NB: nb}
	if na < MinPerGroup || nb < MinPerGroup || xa < 0 || xb < 0 || xa > na || xb > nb {
		return p
	}
	p.Comparable = true
	pa, pb := p.PA(), p.PB()
	p.Diff = pa - pb
	wa, wb := Wilson(xa, na), Wilson(xb, nb)
	p.CI = Interval{
		Low:  p.Diff - math.Sqrt(sq(pa-wa.Low)+sq(wb.High-pb)),
		High: p.Diff + math.Sqrt(sq(wa.High-pa)+sq(pb-wb.Low)),
	}
	return p
}

// Wilson is the Wilson score interval of the proportion x/n (n > 0).
func Wilson(x, n int) Interval {
	if n <= 0 {
		return Interval{}
	}
	nf, p := float64(n), float64(x)/float64(n)
	z2 := z * z
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{math.Max(0, centre-half), math.Min(1, centre+half)}
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// variance is the sample variance (n-1 denominator).
func variance(xs []float64, m float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += sq(x - m)
	}
	return s / float64(len(xs)-1)
}

func ratio(x, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(x) / float64(n)
}

func sq(x float64) float64 { return x * x }
