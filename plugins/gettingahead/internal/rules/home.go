package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// What the programme contributes to the core's home and school pages: the
// sentences of a school panel, the due dates of to-dos, and the words of
// headline figures. Every sentence counts people and hours; none names a
// pupil, and none carries a session's notes or actions.

// Dates the to-dos are due by, in the school year starting in first.
const (
	// StartAssessmentMonth/Day: the start-of-year self-assessment is due by
	// the end of the first half term, 31 October.
	StartAssessmentMonth = time.October
	StartAssessmentDay   = 31
	// EndAssessmentOpens: the end-of-year self-assessment is asked for from
	// 1 June, and due by 15 July, before the summer term ends.
	EndAssessmentOpensMonth = time.June
	EndAssessmentDueMonth   = time.July
	EndAssessmentDueDay     = 15
)

// StartAssessmentDue is the day the start-of-year self-assessment of the
// school year starting in first is due by.
func StartAssessmentDue(first int) time.Time {
	return time.Date(first, StartAssessmentMonth, StartAssessmentDay, 0, 0, 0, 0, time.UTC)
}

// EndAssessmentWindow is when the end-of-year self-assessment of the
// school year starting in first is asked for (from) and due by (due).
func EndAssessmentWindow(first int) (from, due time.Time) {
	return time.Date(first+1, EndAssessmentOpensMonth, 1, 0, 0, 0, 0, time.UTC),
		time.Date(first+1, EndAssessmentDueMonth, EndAssessmentDueDay, 0, 0, 0, 0, time.UTC)
}

// NextSessionDue is the day a pair whose last session was on last (its
// start, when it has had none) goes quiet: the next session is due by then.
func NextSessionDue(last time.Time) time.Time {
	return Date(last).AddDate(0, 0, QuietDays)
}

// InYear reports whether today falls in the school year starting in first.
func InYear(first int, today time.Time) bool {
	from, to := YearBounds(first)
	t := Date(today)
	return !t.Before(from) && !t.After(to)
}

// Count is n with its noun in agreement: "1 leader", "2 leaders".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// HoursText is minutes as hours as a panel says them: 840 → "14", 870 →
// "14.5", 0 → "0".
func HoursText(minutes int) string {
	s := Hours(minutes)
	return strings.TrimSuffix(s, ".0")
}

// Clip shortens s to at most max characters, ending it with "…" when cut.
func Clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// PanelLeader is one aspiring head of a school panel: whether a coach is
// coaching them, whether that coach leads a school (else a trust), and the
// minutes their pair has logged.
type PanelLeader struct {
	Coached     bool
	CoachIsHead bool
	Minutes     int
}

// LeadersLine is a school panel's sentence about the school's leaders in
// the cohort of year ("2026-27"), each pair expected to log expectedHours:
// "1 leader in the 2026-27 cohort, coached by a head from another school:
// 14 of 20 hours". "" for none.
func LeadersLine(year string, expectedHours int, ls []PanelLeader) string {
	if len(ls) == 0 {
		return ""
	}
	coached, minutes, heads := 0, 0, 0
	for _, l := range ls {
		if l.Coached {
			coached++
			minutes += l.Minutes
			if l.CoachIsHead {
				heads++
			}
		}
	}
	who := Count(len(ls), "leader", "leaders") + " in the " + year + " cohort"
	hours := fmt.Sprintf("%s of %d hours", HoursText(minutes), coached*expectedHours)
	switch {
	case coached == 0:
		return who + ", not yet matched with a coach"
	case coached < len(ls):
		return fmt.Sprintf("%s: %d coached (%s between them), %d not yet matched with a coach", who, coached, hours, len(ls)-coached)
	case coached == 1 && heads == 1:
		return who + ", coached by a head from another school: " + hours
	case coached == 1:
		return who + ", coached by a trust leader: " + hours
	case heads == coached:
		return who + ", each coached by a head from another school: " + hours + " between them"
	}
	return who + ", each coached by a head or trust leader from elsewhere: " + hours + " between them"
}

// SelfLine is a participant's own line on their school's panel: "You are
// in the 2026-27 cohort, coached by Grace Adebayo: 4 of 10 hours".
func SelfLine(year string, expectedHours int, coach string, minutes int) string {
	if coach == "" {
		return "You are in the " + year + " cohort, not yet matched with a coach"
	}
	return fmt.Sprintf("You are in the %s cohort, coached by %s: %s of %d hours", year, coach, HoursText(minutes), expectedHours)
}

// PanelCoach is one coach of a school panel: their places, the pairs they
// have under way and the minutes those pairs logged.
type PanelCoach struct {
	Places, Pairs, Minutes int
}

// CoachesLine is a school panel's sentence about the coaches the school
// hosts in the cohort of year: "Hosts a coach in the 2026-27 cohort,
// coaching 2 leaders from other schools: 14 of 20 hours". self makes it the
// coach's own: "You coach 2 leaders in the 2026-27 cohort: 14 of 20 hours".
func CoachesLine(year string, expectedHours int, cs []PanelCoach, self bool) string {
	if len(cs) == 0 {
		return ""
	}
	places, pairs, minutes := 0, 0, 0
	for _, c := range cs {
		places, pairs, minutes = places+c.Places, pairs+c.Pairs, minutes+c.Minutes
	}
	hours := fmt.Sprintf("%s of %d hours", HoursText(minutes), pairs*expectedHours)
	switch {
	case self && pairs == 0:
		return "You coach in the " + year + " cohort, with " + Count(places, "place", "places")
	case self:
		return "You coach " + Count(pairs, "leader", "leaders") + " in the " + year + " cohort: " + hours
	}
	host := "Hosts a coach"
	if len(cs) > 1 {
		host = "Hosts " + Count(len(cs), "coach", "coaches")
	}
	if pairs == 0 {
		return host + " in the " + year + " cohort, with " + Count(places, "place", "places")
	}
	return host + " in the " + year + " cohort, coaching " + Count(pairs, "leader from another school", "leaders from other schools") + ": " + hours
}
