package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The building blocks of the programme's data points (baseline and termly
// snapshots). Storage and pages for snapshots are not built yet; these
// pure functions fix the rules they will use.

// ARE is attainment against age-related expectations.
type ARE string

// Attainment levels; the empty level means not assessed.
const (
	AREBelow ARE = "below"
	AREAt    ARE = "at"
	AREAbove ARE = "above"
)

// Valid reports whether a is a level or empty (not assessed).
func (a ARE) Valid() bool { return a == "" || a == AREBelow || a == AREAt || a == AREAbove }

// Label is the level as people say it.
func (a ARE) Label() string {
	switch a {
	case AREBelow:
		return "Below ARE"
	case AREAt:
		return "At ARE"
	case AREAbove:
		return "Above ARE"
	}
	return "Not assessed"
}

// Short is the level in a word, for grids: "Below", "At", "Above" or "—".
func (a ARE) Short() string {
	switch a {
	case AREBelow:
		return "Below"
	case AREAt:
		return "At"
	case AREAbove:
		return "Above"
	}
	return "—"
}

// DefaultSchedule is when termly snapshots fall unless the tenant sets
// another: October, March and July.
var DefaultSchedule = []time.Month{time.October, time.March, time.July}

// ParseSchedule reads the months of the termly snapshots, e.g. "October,
// March, July", "Oct Mar Jul" or "10,3,7", in the order given (an academic
// year starts in September, so October comes before March). A month may
// appear once.
func ParseSchedule(s string) ([]time.Month, error) {
	var out []time.Month
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		m, err := parseMonth(f)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, m) {
			return nil, fmt.Errorf("%s appears twice", m)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("name at least one month")
	}
	return out, nil
}

func parseMonth(f string) (time.Month, error) {
	if n, err := strconv.Atoi(f); err == nil {
		if n < 1 || n > 12 {
			return 0, fmt.Errorf("month %d is not 1 to 12", n)
		}
		return time.Month(n), nil
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if l := strings.ToLower(f); l == name || (len(l) >= 3 && strings.HasPrefix(name, l)) {
			return m, nil
		}
	}
	return 0, fmt.Errorf("%q is not a month", f)
}

// AgeMonths is the completed months of age on the day on, for a pupil born
// on dob (year, month, day); negative ages are 0.
func AgeMonths(dobYear int, dobMonth time.Month, dobDay int, on time.Time) int {
	months := (on.Year()-dobYear)*12 + int(on.Month()) - int(dobMonth)
	if on.Day() < dobDay {
		months--
	}
	return max(months, 0)
}

// BornBy reports whether a pupil born on dob was born on or before the day on.
func BornBy(dobYear int, dobMonth time.Month, dobDay int, on time.Time) bool {
	dob := time.Date(dobYear, dobMonth, dobDay, 0, 0, 0, 0, time.UTC)
	return !dob.After(time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC))
}

// GapMonths is a pupil's gap: an age-equivalent score (a number or reading
// age, in months) minus the chronological age in months on the day of the
// assessment. Negative is behind; closing the gap moves it towards 0 and above.
func GapMonths(ageEquivalent int, dobYear int, dobMonth time.Month, dobDay int, on time.Time) int {
	return ageEquivalent - AgeMonths(dobYear, dobMonth, dobDay, on)
}

// DataPoint is one pupil's values at one snapshot. Pointers are values not
// recorded.
type DataPoint struct {
	Reading, Writing, Maths ARE
	AgeEquivalent           *int     // months: a number or reading age
	Attitude, Aspiration    *int     // pupil-voice questionnaire scores, 0-100 (% of the questionnaire's maximum)
	Attendance              *float64 // % of sessions attended, 0-100
}

// Problem is one field of a data point that cannot be stored.
type Problem struct {
	Field   string
	Message string
}

// CheckDataPoint returns every problem of d; none means it can be stored.
// Messages hold no value, so they may be shown beside any pupil.
func CheckDataPoint(d DataPoint) []Problem {
	var out []Problem
	for _, f := range []struct {
		name string
		v    ARE
	}{{"reading", d.Reading}, {"writing", d.Writing}, {"maths", d.Maths}} {
		if !f.v.Valid() {
			out = append(out, Problem{f.name, "choose below, at or above age-related expectations"})
		}
	}
	if d.AgeEquivalent != nil && (*d.AgeEquivalent < 24 || *d.AgeEquivalent > 240) {
		out = append(out, Problem{"age_equivalent", "an age-equivalent score is 24 to 240 months (2 to 20 years)"})
	}
	for _, f := range []struct {
		name string
		v    *int
	}{{"attitude", d.Attitude}, {"aspiration", d.Aspiration}} {
		if f.v != nil && (*f.v < 0 || *f.v > 100) {
			out = append(out, Problem{f.name, "a questionnaire score is 0 to 100"})
		}
	}
	if d.Attendance != nil && (*d.Attendance < 0 || *d.Attendance > 100) {
		out = append(out, Problem{"attendance", "attendance is a percentage from 0 to 100"})
	}
	return out
}
