// Package extend words what the programme contributes to the core's pages
// (contract v1's extension points): the lines of a school's panel, the
// to-dos of a person's home page and the headline figures of the
// partnership overview. It is pure: internal/web loads the facts, already
// narrowed to what the viewer may see, and this package turns them into
// British sentences ("QA Review booked for week 12 (w/c Mon 1 Dec 2025)"),
// counts in agreement ("1 pair", "2 pairs") and never a report's text.
package extend

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/figures"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// Windows of the to-dos, in days.
const (
	// ReviewSoon: a team member's review shows as a to-do from this many
	// days before its first day.
	ReviewSoon = 14
	// SEFSoon: the host's self-evaluation shows from this many days before.
	SEFSoon = 28
	// AgreeWithin: a submitted report is due to be agreed within a week (the
	// chase job writes to the head after that).
	AgreeWithin = 7
	// RateWithin: a day is rated within a fortnight of it (the day_feedback
	// job asks that long).
	RateWithin = 14
	// FeedbackWithin: feedback on a review is asked for this long after it.
	FeedbackWithin = 28
	// MeetingSoon: a hub's next meeting shows from this many days before.
	MeetingSoon = 28
)

// Day shows a stored date (YYYY-MM-DD) as people read it: "Tue 9 Sep 2025".
func Day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("Mon 2 Jan 2006")
}

// Date is a stored date as a to-do's due date (midnight in London); the
// zero time for "" or a malformed date.
func Date(s string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, s, sdk.London())
	if err != nil {
		return time.Time{}
	}
	return d
}

// AddDays is the stored date s plus n days, as stored.
func AddDays(s string, n int) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

// Monday is the Monday of the week of the stored date s.
func Monday(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	back := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -back).Format(time.DateOnly)
}

// Count is n and the noun in agreement: "1 pair", "2 pairs".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Review is what a school panel may say of one of the school's reviews.
type Review struct {
	ID        uint64
	Year      string // "2025-26"
	Week      int
	StartsOn  string // YYYY-MM-DD
	Days      int
	State     string // the report's state, "" before the team starts it
	StateOn   string // the date it reached it (submitted, agreed, published), YYYY-MM-DD
	DueOn     string // the report's due date
	SEFDone   bool   // the host's self-evaluation is written
	TeamSeats int    // seats of the team (the lead included)
	Filled    int    // seats filled
}

// Ends is the review's last day.
func (r Review) Ends() string { return AddDays(r.StartsOn, r.Days-1) }

// Viewer is what the viewer may do at the school, as the panel cares.
type Viewer struct {
	Reviews bool // networkexcellence.review.read: the review lines at all
	Host    bool // networkexcellence.review.host: the self-evaluation
	Agree   bool // networkexcellence.report.agree: agree the report
}

// AoE is an accredited Area of Excellence as the panel counts it.
type AoE struct {
	Title      string
	Terms      []string
	Accredited string // YYYY-MM-DD
}

// HostedDay is a day the school hosts, with its bookings.
type HostedDay struct {
	ID       uint64
	Date     string
	Title    string
	Booked   int
	Capacity int
}

// School is everything a school's panel is built from, for one viewer.
type School struct {
	ID       uint64
	Today    string // YYYY-MM-DD in London
	Hub      string // this year's hub, "" when not a member this year
	Year     string // this year's label
	Upcoming *Review
	Last     *Review
	AoEs     []AoE
	Days     []HostedDay // LDDs to come, soonest first
}

// Link paths of the plugin's pages the lines point to.
func reviewPath(id uint64) string { return fmt.Sprintf("/reviews/%d", id) }
func schoolPath(id uint64) string { return fmt.Sprintf("/schools/%d", id) }
func cardPath(id uint64) string   { return fmt.Sprintf("/directory/schools/%d", id) }
func dayPath(id uint64) string    { return fmt.Sprintf("/days/%d", id) }

// Panel is the school's panel for v: its membership, this year's review
// and the last one (for those who may read the school's reviews: their
// dates and the report's state, never its text), its accredited Areas of
// Excellence and the Leadership Development Days it hosts (both public in
// the Directory). No line: nothing to say.
func Panel(sc School, v Viewer) []sdk.PanelLine {
	var out []sdk.PanelLine
	if sc.Hub != "" {
		out = append(out, sdk.PanelLine{Text: fmt.Sprintf("Member school of %s in %s", sc.Hub, sc.Year), Link: cardPath(sc.ID)})
	}
	if v.Reviews {
		out = append(out, reviewLines(sc, v)...)
	}
	if l, ok := aoeLine(sc.ID, sc.AoEs); ok {
		out = append(out, l)
	}
	if len(sc.Days) > 0 {
		d := sc.Days[0]
		text := fmt.Sprintf("Hosts a Leadership Development Day on %s: %s (%s of %d booked)", Day(d.Date), d.Title, pairs(d.Booked), d.Capacity)
		if more := len(sc.Days) - 1; more > 0 {
			text += fmt.Sprintf(", and %d more", more)
		}
		out = append(out, sdk.PanelLine{Text: Clip(text), Link: dayPath(d.ID)})
	}
	return out
}

func pairs(n int) string { return Count(n, "pair", "pairs") }

// reviewLines are this year's review (to come, under way or done) and the
// last one before it.
func reviewLines(sc School, v Viewer) []sdk.PanelLine {
	var out []sdk.PanelLine
	if r := sc.Upcoming; r != nil {
		switch {
		case r.StartsOn > sc.Today:
			out = append(out, sdk.PanelLine{Text: fmt.Sprintf("QA Review booked for week %d (w/c %s), %s", r.Week, Day(Monday(r.StartsOn)), Count(r.Days, "day", "days")),
				Link: reviewPath(r.ID)})
			if r.TeamSeats > 0 && r.Filled < r.TeamSeats {
				out = append(out, sdk.PanelLine{Text: fmt.Sprintf("Review team: %d of %s allocated so far", r.Filled, Count(r.TeamSeats, "seat", "seats")), Link: reviewPath(r.ID)})
			}
			if v.Host && !r.SEFDone {
				out = append(out, sdk.PanelLine{Text: "Write the school's self-evaluation before the review starts on " + Day(r.StartsOn), Link: reviewPath(r.ID), Attention: true})
			}
		case r.Ends() >= sc.Today && (r.State == "" || r.State == rules.Draft):
			out = append(out, sdk.PanelLine{Text: fmt.Sprintf("QA Review under way: week %d, %s from %s", r.Week, Count(r.Days, "day", "days"), Day(r.StartsOn)), Link: reviewPath(r.ID)})
		default:
			out = append(out, reportLine("This year's review", r, sc.Today, v, reviewPath(r.ID))...)
		}
	}
	if r := sc.Last; r != nil {
		out = append(out, reportLine("Last review ("+r.Year+")", r, sc.Today, v, schoolPath(sc.ID))...)
	}
	return out
}

// reportLine says where a past review's report stands, and asks the host
// head to agree a submitted one.
func reportLine(what string, r *Review, today string, v Viewer, link string) []sdk.PanelLine {
	var text string
	switch r.State {
	case rules.Published:
		text = fmt.Sprintf("%s: report published %s", what, Day(r.StateOn))
	case rules.Agreed:
		text = fmt.Sprintf("%s: report agreed by the host %s", what, Day(r.StateOn))
	case rules.Submitted:
		text = fmt.Sprintf("%s: report submitted to the host %s", what, Day(r.StateOn))
	default:
		text = fmt.Sprintf("%s held %s: report being written, due %s", what, Day(r.StartsOn), Day(r.DueOn))
		if r.DueOn < today {
			text = fmt.Sprintf("%s held %s: report overdue since %s", what, Day(r.StartsOn), Day(r.DueOn))
		}
	}
	out := []sdk.PanelLine{{Text: text, Link: link}}
	if r.State == rules.Submitted && v.Agree {
		out = append(out, sdk.PanelLine{Text: "Agree the review report, or return it to the team", Link: reviewPath(r.ID), Attention: true})
	}
	return out
}

// aoeLine counts the school's accredited Areas of Excellence with their
// terms and the year of the latest: "2 Areas of Excellence accredited
// (Oracy, Reading; latest 2024)".
func aoeLine(school uint64, as []AoE) (sdk.PanelLine, bool) {
	if len(as) == 0 {
		return sdk.PanelLine{}, false
	}
	seen := map[string]bool{}
	var terms []string
	latest := ""
	for _, a := range as {
		for _, t := range a.Terms {
			if t != "" && !seen[t] {
				seen[t] = true
				terms = append(terms, t)
			}
		}
		if a.Accredited > latest {
			latest = a.Accredited
		}
	}
	sort.Strings(terms)
	if len(terms) > 3 {
		terms = append(terms[:3], "…")
	}
	var detail []string
	if len(terms) > 0 {
		detail = append(detail, strings.Join(terms, ", "))
	}
	if len(latest) >= 4 {
		y := latest[:4]
		if len(as) > 1 {
			y = "latest " + y
		}
		detail = append(detail, y)
	}
	text := Count(len(as), "Area of Excellence", "Areas of Excellence") + " accredited"
	if len(as) == 1 {
		text = "Area of Excellence accredited: " + as[0].Title
	}
	if len(detail) > 0 {
		text += " (" + strings.Join(detail, "; ") + ")"
	}
	return sdk.PanelLine{Text: Clip(text), Link: cardPath(school)}, true
}

// Clip keeps a text within the contract's 200 characters, ending "…".
func Clip(s string) string {
	r := []rune(s)
	if len(r) <= 200 {
		return s
	}
	return string(r[:199]) + "…"
}

// Figures are the headline figures of a year, as the dashboard shows them.
func Figures(y figures.Year) []sdk.Figure {
	in := "in " + y.Label
	n := func(k int, one, many string) string { return "n = " + Count(k, one, many) }
	return []sdk.Figure{
		{Label: "QA Reviews done", Value: fmt.Sprintf("%d of %d", y.ReviewsDone, y.Reviews), Detail: "reviews scheduled " + in + " that have started", Link: "/figures"},
		{Label: "Reviewers trained", Value: fmt.Sprint(y.ReviewersTrained), Detail: "on the register, by the end of " + y.Label, Link: "/figures"},
		{Label: "Reciprocity met", Value: figures.Percent(y.Reciprocity), Detail: n(y.Hosted, "school that hosted a review", "schools that hosted a review") + " " + in, Link: "/figures"},
		{Label: "Reviews' overall experience", Value: y.OverallMean.String(), Detail: n(y.OverallMean.N, "response", "responses") + " " + in, Link: "/figures"},
		{Label: "Reviews' value as professional development", Value: y.CPDMean.String(), Detail: n(y.CPDMean.N, "response", "responses") + " " + in, Link: "/figures"},
		{Label: "Areas of Excellence accredited", Value: fmt.Sprint(y.AoEsAccredited), Detail: in, Link: "/figures"},
		{Label: "Leadership Development Days hosted", Value: fmt.Sprint(y.LDDs), Detail: "held " + in + " so far", Link: "/figures"},
		{Label: "Pairs booked on Leadership Development Days", Value: pairs(y.Pairs), Detail: "pairs of leaders on the days held " + in, Link: "/figures"},
		{Label: "Leadership Development Day rating", Value: y.LDDRating.String(), Detail: n(y.LDDRating.N, "rating", "ratings") + " " + in, Link: "/figures"},
		{Label: "Hubs that hosted a Leadership Development Day", Value: figures.Percent(y.HubShare) + " of hubs", Detail: n(y.Hubs, "hub", "hubs") + " " + in, Link: "/figures"},
	}
}
