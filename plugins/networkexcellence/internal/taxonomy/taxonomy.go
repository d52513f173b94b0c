// Package taxonomy is the partnership's taxonomy of school-improvement
// areas (phases, subjects, themes), which Areas of Excellence, hub
// priorities, Leadership Development Days and EBIs are tagged with, so that
// needs and strengths can be matched. The central team edits the tenant's
// copy; Default is what a tenant starts with.
package taxonomy

import (
	"regexp"
	"strings"
)

// Kinds of term.
const (
	Phase   = "phase"
	Subject = "subject"
	Theme   = "theme"
)

// Kinds lists the kinds in the order pages show them.
var Kinds = []string{Phase, Subject, Theme}

// KindLabel names a kind for people.
func KindLabel(k string) string {
	switch k {
	case Phase:
		return "Phase"
	case Subject:
		return "Subject"
	case Theme:
		return "Theme"
	}
	return ""
}

// Term is one entry of the taxonomy.
type Term struct{ Key, Kind, Label string }

// Default is the taxonomy a tenant starts with.
var Default = []Term{
	{"early_years", Phase, "Early years"}, {"primary", Phase, "Primary"}, {"secondary", Phase, "Secondary"},
	{"sixth_form", Phase, "Sixth form"}, {"special", Phase, "Special schools and alternative provision"},
	{"maths", Subject, "Mathematics"}, {"english", Subject, "English"}, {"science", Subject, "Science"},
	{"languages", Subject, "Modern foreign languages"}, {"humanities", Subject, "Humanities"}, {"arts", Subject, "The arts"},
	{"pe", Subject, "Physical education"},
	{"assessment", Theme, "Assessment"}, {"curriculum_design", Theme, "Curriculum design"}, {"literacy", Theme, "Literacy"},
	{"reading", Theme, "Early reading and phonics"}, {"send", Theme, "SEND"}, {"oracy", Theme, "Oracy"},
	{"middle_leadership", Theme, "Middle leadership"}, {"disadvantaged", Theme, "Disadvantaged pupils"},
	{"behaviour", Theme, "Behaviour and attitudes"}, {"attendance", Theme, "Attendance"}, {"eal", Theme, "English as an additional language"},
	{"wellbeing", Theme, "Staff and pupil wellbeing"}, {"cpd", Theme, "Professional development"}, {"feedback", Theme, "Feedback and marking"},
}

var keyShape = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// KeyOf makes a key from a label: "Middle leadership" → "middle_leadership".
func KeyOf(label string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(label)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		default:
			under = true
		}
	}
	k := b.String()
	if len(k) > 40 {
		k = strings.TrimRight(k[:40], "_")
	}
	return k
}

// ValidKey reports whether k is a term key: lower-case letters, digits and
// underscores, starting with a letter, 2 to 40 characters.
func ValidKey(k string) bool { return keyShape.MatchString(k) }

// ValidKind reports whether k is a kind of term.
func ValidKind(k string) bool { return KindLabel(k) != "" }
