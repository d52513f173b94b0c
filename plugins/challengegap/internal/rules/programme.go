package rules

import (
	"fmt"
	"strconv"
	"time"
)

// Workshop is one of the six workshops every cluster runs in a year.
type Workshop struct {
	Number int
	Title  string
	About  string
	Month  time.Month // when it usually falls
}

// Workshops are the programme's six workshops, in order.
var Workshops = []Workshop{
	{1, "The starting line", "The team, the trio and the baseline data.", time.September},
	{2, "A deep dive into pupil data", "Research, and planning the year.", time.November},
	{3, "The Academically Competent Learner", "Academic literacy, numeracy and critical thinking.", time.January},
	{4, "The Self-Aware Learner", "Metacognition.", time.March},
	{5, "The Resilient Learner", "Resilience and self-belief.", time.June},
	{6, "So what… and what next?", "Evaluate the year and extend the reach.", time.July},
}

// WorkshopTitle returns the title of workshop n (1-6), or "".
func WorkshopTitle(n int) string {
	if n < 1 || n > len(Workshops) {
		return ""
	}
	return Workshops[n-1].Title
}

// Theme is one of the programme's three themes of strategies.
type Theme string

// The themes.
const (
	ThemeAcademicallyCompetent Theme = "academically_competent"
	ThemeSelfAware             Theme = "self_aware"
	ThemeResilient             Theme = "resilient"
)

// Themes lists the themes in programme order.
var Themes = []Theme{ThemeAcademicallyCompetent, ThemeSelfAware, ThemeResilient}

// Label is the theme's name.
func (t Theme) Label() string {
	switch t {
	case ThemeAcademicallyCompetent:
		return "The Academically Competent Learner"
	case ThemeSelfAware:
		return "The Self-Aware Learner"
	case ThemeResilient:
		return "The Resilient Learner"
	}
	return string(t)
}

// Valid reports whether t is a theme.
func (t Theme) Valid() bool {
	return t == ThemeAcademicallyCompetent || t == ThemeSelfAware || t == ThemeResilient
}

// Decision is what a school decided about a strategy it trialled.
type Decision string

// Decisions; the empty decision means the trial is still running.
const (
	DecisionNone     Decision = ""
	DecisionContinue Decision = "continue"
	DecisionScaleUp  Decision = "scale_up"
	DecisionStop     Decision = "stop"
)

// Decisions lists the decisions a form offers.
var Decisions = []Decision{DecisionContinue, DecisionScaleUp, DecisionStop}

// Label is the decision as people say it.
func (d Decision) Label() string {
	switch d {
	case DecisionContinue:
		return "Continue"
	case DecisionScaleUp:
		return "Scale up across the school"
	case DecisionStop:
		return "Stop"
	}
	return "Trial running"
}

// Valid reports whether d is a decision (the empty one included).
func (d Decision) Valid() bool {
	return d == DecisionNone || d == DecisionContinue || d == DecisionScaleUp || d == DecisionStop
}

// ParseAcademicYear reads a programme year's label, "2017-18": the first
// year from 2000 to 2098 and the next year's last two digits. It returns the
// first calendar year.
func ParseAcademicYear(label string) (int, error) {
	if len(label) != 7 || label[4] != '-' {
		return 0, fmt.Errorf("%q is not an academic year such as 2017-18", label)
	}
	first, err1 := strconv.Atoi(label[:4])
	second, err2 := strconv.Atoi(label[5:])
	if err1 != nil || err2 != nil || first < 2000 || first > 2098 {
		return 0, fmt.Errorf("%q is not an academic year such as 2017-18", label)
	}
	if second != (first+1)%100 {
		return 0, fmt.Errorf("%q is not an academic year: %d is followed by %02d", label, first, (first+1)%100)
	}
	return first, nil
}

// ParseDate reads a date as forms send it (YYYY-MM-DD).
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return d, nil
}
