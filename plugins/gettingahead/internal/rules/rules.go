// Package rules holds Getting Ahead London's programme rules: the posts,
// session modes and themes, outcomes, events and self-assessment items the
// programme records, the school year, the hours a pair is expected to log,
// and when a pair has gone quiet. Nothing here touches storage, the Host or
// a clock: every function is given the day it judges.
package rules

import (
	"fmt"
	"strings"
)

// Choice is one value of a fixed list, with its label as people read it.
type Choice struct {
	Value, Label string
}

// labelOf is the label of v in list, or v itself for a value no longer listed.
func labelOf(list []Choice, v string) string {
	for _, c := range list {
		if c.Value == v {
			return c.Label
		}
	}
	return v
}

func valid(list []Choice, v string) bool {
	for _, c := range list {
		if c.Value == v {
			return true
		}
	}
	return false
}

// Posts an applicant or participant holds when they join: the senior
// leaders who aspire to headship.
var Posts = []Choice{
	{"deputy_head", "Deputy headteacher"},
	{"assistant_head", "Assistant headteacher"},
	{"head_of_school", "Head of school"},
	{"other_senior", "Other senior leader"},
}

// PostLabel is a post as people read it.
func PostLabel(v string) string { return labelOf(Posts, v) }

// ValidPost reports whether v is one of Posts.
func ValidPost(v string) bool { return valid(Posts, v) }

// Phases a coach has led in.
var Phases = []Choice{
	{"primary", "Primary"},
	{"secondary", "Secondary"},
	{"special", "Special and alternative provision"},
	{"all_through", "All-through"},
}

// PhaseLabel is a phase as people read it.
func PhaseLabel(v string) string { return labelOf(Phases, v) }

// ValidPhase reports whether v is one of Phases.
func ValidPhase(v string) bool { return valid(Phases, v) }

// Modes a coaching session is held in.
var Modes = []Choice{
	{"in_person", "In person"},
	{"video", "Video call"},
	{"phone", "Telephone"},
}

// ModeLabel is a mode as people read it.
func ModeLabel(v string) string { return labelOf(Modes, v) }

// ValidMode reports whether v is one of Modes.
func ValidMode(v string) bool { return valid(Modes, v) }

// Themes a coaching session covers.
var Themes = []Choice{
	{"vision", "Vision and strategy"},
	{"learning", "Leading teaching and learning"},
	{"people", "Leading people and teams"},
	{"finance", "Finance and resources"},
	{"governance", "Governance and accountability"},
	{"community", "Parents and the community"},
	{"inclusion", "Inclusion and disadvantage"},
	{"wellbeing", "Resilience and wellbeing"},
	{"applications", "Applications and interviews"},
}

// ThemeLabel is a theme as people read it.
func ThemeLabel(v string) string { return labelOf(Themes, v) }

// ValidTheme reports whether v is one of Themes.
func ValidTheme(v string) bool { return valid(Themes, v) }

// Outcome kinds: what a participant records of their career.
const (
	AppliedHeadship  = "applied_headship"
	PromotedHeadship = "promoted_headship"
	PromotedDeputy   = "promoted_deputy"
	PromotedOther    = "promoted_other"
)

// Outcomes are the career outcomes the funder counts.
var Outcomes = []Choice{
	{AppliedHeadship, "Applied for a headship"},
	{PromotedHeadship, "Appointed to a headship"},
	{PromotedDeputy, "Appointed deputy headteacher"},
	{PromotedOther, "Appointed to another promoted post"},
}

// OutcomeLabel is an outcome as people read it.
func OutcomeLabel(v string) string { return labelOf(Outcomes, v) }

// ValidOutcome reports whether v is one of Outcomes.
func ValidOutcome(v string) bool { return valid(Outcomes, v) }

// IsPromotion reports whether outcome kind v is a promotion (not an application).
func IsPromotion(v string) bool {
	return v == PromotedHeadship || v == PromotedDeputy || v == PromotedOther
}

// Event kinds.
const (
	Networking = "networking"
	Shadowing  = "shadowing"
)

// EventKinds are the programme's events beside coaching.
var EventKinds = []Choice{
	{Networking, "Networking event"},
	{Shadowing, "Shadowing day"},
}

// EventKindLabel is an event kind as people read it.
func EventKindLabel(v string) string { return labelOf(EventKinds, v) }

// ValidEventKind reports whether v is one of EventKinds.
func ValidEventKind(v string) bool { return valid(EventKinds, v) }

// Session lengths, in minutes, that a log accepts.
const (
	MinSessionMinutes = 15
	MaxSessionMinutes = 8 * 60
)

// CheckMinutes says what is wrong with a session's length; "" when it is fine.
func CheckMinutes(m int) string {
	if m < MinSessionMinutes || m > MaxSessionMinutes {
		return fmt.Sprintf("Give the length in minutes, from %d to %d", MinSessionMinutes, MaxSessionMinutes)
	}
	return ""
}

// Hours formats minutes as hours with one decimal: 90 → "1.5".
func Hours(minutes int) string {
	return fmt.Sprintf("%.1f", float64(minutes)/60)
}

// List joins the labels of values with commas.
func List(values []string, label func(string) string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = label(v)
	}
	return strings.Join(out, ", ")
}
