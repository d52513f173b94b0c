// Package extensions is what the trial contributes to the core's pages
// (contract v1's extension points): a panel per school for the school's
// page and the home page of people at the school, the to-dos of the
// person logged in, and the trial's headline figures on the partnership
// overview.
//
// The builders (Panel, the to-do builders, Figures) are pure: they take
// the loaded records and today's London date and return plain text with
// counts only, never a pupil's or a person's name. Load and the
// SchoolPanels, Todos and Figures functions read the records in a few
// batched queries and at most two Host calls.
//
// Concealment: an arm is told only once its wave is revealed (the seed
// published after the allocation), and nothing that depends on an arm (a
// school's course days, its delegates' training, the attendance to record,
// a session to log) is said before then; what every randomised school
// does whatever its arm (the pupils' scores, the self-assessments, dating
// a centre's days) is. The evaluator holds none of the permissions these
// are declared with, and is never asked.
package extensions

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// plural is "1 school", "2 schools".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with commas: 1,240.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// percent is n of d as a whole per cent ("90%"), "—" of nothing.
func percent(n, d int) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", (200*n+d)/(2*d))
}

// day shows a "YYYY-MM-DD" date as people read it: "Mon 2 Oct 2017".
func day(s string) string {
	d, err := rules.ParseDate(s)
	if err != nil {
		return s
	}
	return d.Format("Mon 2 Jan 2006")
}

// dueOn is a "YYYY-MM-DD" date as a to-do's due date (zero when none).
func dueOn(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := rules.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return d
}

// pointWords is what a point's scores are called in a sentence.
func pointWords(p rules.Point) string {
	switch p {
	case rules.PointBaseline:
		return "baseline"
	case rules.PointPost:
		return "post-test"
	case rules.PointFollowUp:
		return "follow-up"
	}
	return string(p)
}

// capital starts s with a capital letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
