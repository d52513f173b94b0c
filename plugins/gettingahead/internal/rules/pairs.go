package rules

import (
	"math"
	"time"
)

// QuietDays is how long a pair may go without a session before the
// programme manager is told: six weeks.
const QuietDays = 42

// Quiet reports whether a pair whose last session was on last (its start,
// when it has had none) has gone QuietDays or more without one by today,
// while its school year (starting in first) runs. A pair whose year has
// ended is never quiet: its coaching is over.
func Quiet(last time.Time, first int, today time.Time) bool {
	from, to := YearBounds(first)
	t := Date(today)
	if t.Before(from) || t.After(to) {
		return false
	}
	return t.Sub(Date(last)) >= QuietDays*24*time.Hour
}

// DaysSince is the whole days from day to today.
func DaysSince(day, today time.Time) int {
	return int(Date(today).Sub(Date(day)).Hours() / 24)
}

// Pace is how a pair's (or a cohort's) hours stand against the
// programme's expectation.
type Pace int

// Paces.
const (
	PaceNone  Pace = iota // nothing expected yet
	OnTrack               // at or above the expected hours so far
	Behind                // below them, by up to half
	FarBehind             // below half of them
	Completed             // the year's expected hours are all logged
)

// Label is the pace in words.
func (p Pace) Label() string {
	switch p {
	case OnTrack:
		return "On track"
	case Behind:
		return "Behind"
	case FarBehind:
		return "Well behind"
	case Completed:
		return "Expected hours met"
	}
	return "Not started"
}

// ExpectedSoFar is the share of expectedHours a pair should have logged by
// today when its coaching runs evenly from start to the end of the school
// year starting in first: all of them once the year is over.
func ExpectedSoFar(expectedHours float64, start time.Time, first int, today time.Time) float64 {
	_, end := YearBounds(first)
	s, t := Date(start), Date(today)
	switch {
	case !t.After(s):
		return 0
	case !t.Before(end) || !end.After(s):
		return expectedHours
	}
	return expectedHours * t.Sub(s).Hours() / end.Sub(s).Hours()
}

// PaceOf compares the minutes logged with the hours expected so far, out of
// expectedHours for the whole year.
func PaceOf(minutes int, soFar, expectedHours float64) Pace {
	h := float64(minutes) / 60
	switch {
	case expectedHours > 0 && h >= expectedHours:
		return Completed
	case soFar <= 0 && h > 0:
		return OnTrack
	case soFar <= 0:
		return PaceNone
	case h >= soFar-1e-9:
		return OnTrack
	case h >= soFar/2:
		return Behind
	}
	return FarBehind
}

// Share is a share of a whole in plain words, for a funder's report:
// "a third", "about two fifths". It rounds to the nearest of the fractions
// people use and says "about" unless the share is exact; below 7.5% it says
// "fewer than one in ten" (and above 92.5% "more than nine in ten") rather
// than round a few people up to a tenth.
func Share(k, n int) string {
	if n <= 0 {
		return "none of them"
	}
	if k == 0 {
		return "none"
	}
	if k == n {
		return "all"
	}
	type frac struct {
		num, den int
		words    string
	}
	fracs := []frac{{1, 10, "a tenth"}, {1, 5, "a fifth"}, {1, 4, "a quarter"}, {1, 3, "a third"}, {2, 5, "two fifths"},
		{1, 2, "half"}, {3, 5, "three fifths"}, {2, 3, "two thirds"}, {3, 4, "three quarters"}, {4, 5, "four fifths"}, {9, 10, "nine in ten"}}
	x := float64(k) / float64(n)
	switch {
	case x < 0.075:
		return "fewer than one in ten"
	case x > 0.925:
		return "more than nine in ten"
	}
	best := fracs[0]
	for _, f := range fracs[1:] {
		if math.Abs(x-float64(f.num)/float64(f.den)) < math.Abs(x-float64(best.num)/float64(best.den)) {
			best = f
		}
	}
	if k*best.den == n*best.num {
		return best.words
	}
	return "about " + best.words
}
