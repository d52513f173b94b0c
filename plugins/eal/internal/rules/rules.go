// Package rules holds the EAL trial's own rules, pure: the trial's phases
// and which one a day falls in, the proficiency in English codes, the
// eligibility of a school, the strata a school is randomised in, the
// self-assessment items, session fidelity and the reasons for a
// withdrawal. Nothing here touches storage, the Host or the clock: callers
// pass today's date and the facts.
package rules

import (
	"fmt"
	"strings"
	"time"
)

// Phase is a phase of the trial, in order.
type Phase string

// The trial's phases, in order.
const (
	Recruitment   Phase = "recruitment"
	Baseline      Phase = "baseline"
	Randomisation Phase = "randomisation"
	Delivery      Phase = "delivery"
	FollowUp      Phase = "follow_up"
	Outcomes      Phase = "outcomes"
)

// Phases lists the phases in order.
var Phases = []Phase{Recruitment, Baseline, Randomisation, Delivery, FollowUp, Outcomes}

// Label is the phase as people read it.
func (p Phase) Label() string {
	switch p {
	case Recruitment:
		return "Recruitment"
	case Baseline:
		return "Baseline"
	case Randomisation:
		return "Randomisation"
	case Delivery:
		return "Delivery"
	case FollowUp:
		return "Follow-up"
	case Outcomes:
		return "Outcomes"
	}
	return string(p)
}

// ParsePhase reads a phase by its value.
func ParsePhase(s string) (Phase, bool) {
	for _, p := range Phases {
		if string(p) == s {
			return p, true
		}
	}
	return "", false
}

// Schedule is the day each phase starts (London dates, "YYYY-MM-DD"),
// in the order of Phases; a phase runs until the next starts.
type Schedule [6]string

// ParseDate reads a "YYYY-MM-DD" date.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("enter the date as YYYY-MM-DD, e.g. 2017-09-04")
	}
	return d, nil
}

// Check reports each phase whose start is not a date or comes before the
// previous phase's, by phase (nil when the schedule is sound).
func (s Schedule) Check() map[Phase]string {
	bad := map[Phase]string{}
	var prev time.Time
	for i, p := range Phases {
		d, err := ParseDate(s[i])
		if err != nil {
			bad[p] = err.Error()
			continue
		}
		if !prev.IsZero() && d.Before(prev) {
			bad[p] = fmt.Sprintf("starts before %s does: phases run in order", strings.ToLower(Phases[i-1].Label()))
		}
		prev = d
	}
	if len(bad) == 0 {
		return nil
	}
	return bad
}

// On returns the phase running on day (a London date) and whether the
// trial has begun; before the recruitment it is Recruitment and false.
func (s Schedule) On(day time.Time) (Phase, bool) {
	cur, begun := Recruitment, false
	d := day.Format(time.DateOnly)
	for i, p := range Phases {
		if s[i] != "" && s[i] <= d {
			cur, begun = p, true
		}
	}
	return cur, begun
}

// Proficiency is a pupil's proficiency in English, as the school census
// records it.
type Proficiency string

// The census codes.
const (
	NewToEnglish         Proficiency = "A"
	EarlyAcquisition     Proficiency = "B"
	DevelopingCompetence Proficiency = "C"
	Competent            Proficiency = "D"
	Fluent               Proficiency = "E"
	NotYetAssessed       Proficiency = "N"
)

// Proficiencies lists the codes in order.
var Proficiencies = []Proficiency{NewToEnglish, EarlyAcquisition, DevelopingCompetence, Competent, Fluent, NotYetAssessed}

// Label is "A New to English" and so on.
func (p Proficiency) Label() string {
	switch p {
	case NewToEnglish:
		return "A New to English"
	case EarlyAcquisition:
		return "B Early acquisition"
	case DevelopingCompetence:
		return "C Developing competence"
	case Competent:
		return "D Competent"
	case Fluent:
		return "E Fluent"
	case NotYetAssessed:
		return "N Not yet assessed"
	}
	return string(p)
}

// ParseProficiency reads a code (A–E or N, either case).
func ParseProficiency(s string) (Proficiency, error) {
	c := Proficiency(strings.ToUpper(strings.TrimSpace(s)))
	for _, p := range Proficiencies {
		if p == c {
			return p, nil
		}
	}
	return "", fmt.Errorf("choose a code from A (new to English) to E (fluent), or N (not yet assessed)")
}

// Point is when a pupil's proficiency and score are recorded.
type Point string

// The assessment points.
const (
	PointBaseline Point = "baseline" // before randomisation: the pre-test
	PointPost     Point = "post"     // after the delivery: the post-test
	PointFollowUp Point = "follow_up"
)

// Points lists the assessment points in order.
var Points = []Point{PointBaseline, PointPost, PointFollowUp}

// Label is the point as people read it.
func (p Point) Label() string {
	switch p {
	case PointBaseline:
		return "Baseline"
	case PointPost:
		return "Post-test"
	case PointFollowUp:
		return "Follow-up"
	}
	return string(p)
}

// ParsePoint reads a point by its value.
func ParsePoint(s string) (Point, bool) {
	for _, p := range Points {
		if string(p) == s {
			return p, true
		}
	}
	return "", false
}

// MaxScore is the highest score of the pupils' pre- and post-test.
const MaxScore = 100

// CheckScore checks a test score: a whole number from 0 to MaxScore.
func CheckScore(n int) error {
	if n < 0 || n > MaxScore {
		return fmt.Errorf("a score is a whole number from 0 to %d", MaxScore)
	}
	return nil
}

// CheckGrade checks a GCSE grade: 9 (highest) to 1, or 0 for U.
func CheckGrade(n int) error {
	if n < 0 || n > 9 {
		return fmt.Errorf("a GCSE grade is from 9 to 1, or 0 for U (ungraded)")
	}
	return nil
}

// Window is when a point's scores are collected, as the schedule gives
// it: from Opens to Due (the start of the next phase), London dates
// "YYYY-MM-DD". The same for every school of the trial, whatever its arm:
// the baseline during the baseline phase, the post-test from the delivery
// until the follow-up starts, the follow-up until the outcomes phase.
func (s Schedule) Window(p Point) (opens, due string) {
	switch p {
	case PointBaseline:
		return s[1], s[2]
	case PointPost:
		return s[3], s[4]
	case PointFollowUp:
		return s[4], s[5]
	}
	return "", ""
}

// Open reports whether the point's window has opened on day (a London
// date "YYYY-MM-DD"); an undated window never opens.
func (s Schedule) Open(p Point, day string) bool {
	opens, _ := s.Window(p)
	return opens != "" && opens <= day
}
