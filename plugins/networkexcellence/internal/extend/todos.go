package extend

import (
	"fmt"
	"sort"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// TeamSeat is a review the viewer sits on the team of.
type TeamSeat struct {
	Review   Review
	SchoolID uint64
	School   string
	Lead     bool
	Given    bool // the viewer gave feedback on it
}

// TeamTodos are a team member's to-dos: a review in the next fortnight
// (due its first day); from its first day, the report while it is a draft
// (the lead writes and submits it, due ReportDueDays after the last day;
// a reviewer adds to it); after it, the feedback they owe.
func TeamTodos(today string, seats []TeamSeat) []sdk.Todo {
	var out []sdk.Todo
	for _, x := range seats {
		r := x.Review
		link := reviewPath(r.ID)
		switch {
		case r.StartsOn > today:
			if r.StartsOn <= AddDays(today, ReviewSoon) {
				out = append(out, sdk.Todo{Title: Clip(fmt.Sprintf("Prepare for the QA Review of %s (%s from %s): read the self-evaluation and last year's Even Better Ifs",
					x.School, Count(r.Days, "day", "days"), Day(r.StartsOn))), Link: link, Due: Date(r.StartsOn), UnitID: x.SchoolID})
			}
		case r.State == "" || r.State == rules.Draft:
			title := "Add your What Went Wells and Even Better Ifs to the report of the QA Review of " + x.School
			if x.Lead {
				title = "Write and submit the report of the QA Review of " + x.School
			}
			out = append(out, sdk.Todo{Title: Clip(title), Link: link, Due: Date(r.DueOn), UnitID: x.SchoolID})
		}
		if ends := r.Ends(); ends <= today && today <= AddDays(ends, FeedbackWithin) && !x.Given {
			out = append(out, sdk.Todo{Title: Clip("Give your feedback on the QA Review of " + x.School), Link: link, UnitID: x.SchoolID})
		}
	}
	return out
}

// HostReview is this year's review of a school the viewer leads.
type HostReview struct {
	Review   Review
	SchoolID uint64
	School   string
	Host     bool // may write the self-evaluation and give the host's feedback
	Agree    bool // may agree the report
	Given    bool
}

// HostTodos are a school leader's to-dos: the self-evaluation in the four
// weeks before the review (due its first day), a submitted report to agree
// (the head; due a week after it was submitted, when the chase starts),
// feedback after it.
func HostTodos(today string, rs []HostReview) []sdk.Todo {
	var out []sdk.Todo
	for _, h := range rs {
		r := h.Review
		link := reviewPath(r.ID)
		if h.Host && !r.SEFDone && r.StartsOn > today && r.StartsOn <= AddDays(today, SEFSoon) {
			out = append(out, sdk.Todo{Title: Clip("Write " + h.School + "'s self-evaluation for its QA Review on " + Day(r.StartsOn)),
				Link: link, Due: Date(r.StartsOn), UnitID: h.SchoolID})
		}
		if h.Agree && r.State == rules.Submitted {
			out = append(out, sdk.Todo{Title: Clip("Agree the report of " + h.School + "'s QA Review, or return it to the team"),
				Link: link, Due: Date(AddDays(r.StateOn, AgreeWithin)), UnitID: h.SchoolID})
		}
		if ends := r.Ends(); h.Host && ends <= today && today <= AddDays(ends, FeedbackWithin) && !h.Given {
			out = append(out, sdk.Todo{Title: Clip("Give " + h.School + "'s feedback on its QA Review"), Link: link, UnitID: h.SchoolID})
		}
	}
	return out
}

// Attended is a day the viewer was booked on.
type Attended struct {
	DayID uint64
	Label string // as the sentence reads it: "Leadership Development Day", "hub meeting", "event"
	Title string
	Date  string
	Rated bool
}

// RateTodos ask the viewer to rate each day they were booked on, from the
// day itself until a fortnight after it (as the day_feedback job asks).
func RateTodos(today string, ds []Attended) []sdk.Todo {
	var out []sdk.Todo
	for _, d := range ds {
		if d.Rated || d.Date > today || AddDays(d.Date, RateWithin) < today {
			continue
		}
		out = append(out, sdk.Todo{Title: Clip(fmt.Sprintf("Rate the %s you attended on %s: %s", d.Label, Day(d.Date), d.Title)),
			Link: dayPath(d.DayID), Due: Date(AddDays(d.Date, RateWithin))})
	}
	return out
}

// Meeting is a hub meeting, with its bookings.
type Meeting struct {
	ID       uint64
	HubID    uint64
	Hub      string
	Date     string
	Title    string
	Booked   int
	Capacity int
	Notes    bool
}

// HubTodos are a hub manager's to-dos for each hub they keep: its next
// meeting within four weeks (due its date), the notes of a meeting held in
// the last four weeks without them, or, with no meeting to come at all,
// planning the next one.
func HubTodos(today string, hubs map[uint64]string, ms []Meeting) []sdk.Todo {
	var out []sdk.Todo
	next := map[uint64]bool{}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Date < ms[j].Date })
	for _, m := range ms {
		link := fmt.Sprintf("/hubs/%d/meetings", m.HubID)
		switch {
		case m.Date >= today && !next[m.HubID]:
			next[m.HubID] = true
			if m.Date <= AddDays(today, MeetingSoon) {
				out = append(out, sdk.Todo{Title: Clip(fmt.Sprintf("%s meeting on %s: %s (%s of %d booked)", m.Hub, Day(m.Date), m.Title, Count(m.Booked, "place", "places"), m.Capacity)),
					Link: link, Due: Date(m.Date), UnitID: m.HubID})
			}
		case m.Date < today && !m.Notes && AddDays(m.Date, MeetingSoon) >= today:
			out = append(out, sdk.Todo{Title: Clip(fmt.Sprintf("Record the notes of the %s meeting of %s: %s", m.Hub, Day(m.Date), m.Title)),
				Link: link, UnitID: m.HubID})
		}
	}
	ids := make([]uint64, 0, len(hubs))
	for id := range hubs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if !next[id] {
			out = append(out, sdk.Todo{Title: Clip("Plan the next " + hubs[id] + " meeting"), Link: fmt.Sprintf("/hubs/%d/meetings", id), UnitID: id})
		}
	}
	return out
}

// Central is what the central team has to decide this year.
type Central struct {
	YearID   uint64
	Year     string
	Agreed   int // reports agreed by their hosts, to publish
	Overdue  int // reports overdue
	PutForth int // Areas of Excellence put forward, to decide
}

// CentralTodos are the central team's: publish the agreed reports, chase
// the overdue ones, decide the Areas of Excellence put forward.
func CentralTodos(c Central) []sdk.Todo {
	var out []sdk.Todo
	board := fmt.Sprintf("/years/%d", c.YearID)
	if c.Agreed > 0 {
		out = append(out, sdk.Todo{Title: fmt.Sprintf("Publish %s agreed by their hosts (%s)", Count(c.Agreed, "review report", "review reports"), c.Year), Link: board})
	}
	if c.Overdue > 0 {
		out = append(out, sdk.Todo{Title: fmt.Sprintf("Chase %s (%s)", Count(c.Overdue, "overdue review report", "overdue review reports"), c.Year), Link: board})
	}
	if c.PutForth > 0 {
		out = append(out, sdk.Todo{Title: "Decide on " + Count(c.PutForth, "Area of Excellence put forward", "Areas of Excellence put forward"), Link: "/aoes"})
	}
	return out
}

// Sorted is the to-dos due soonest first, those without a date last, at
// most max.
func Sorted(ts []sdk.Todo, max int) []sdk.Todo {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i].Due, ts[j].Due
		switch {
		case a.IsZero() != b.IsZero():
			return !a.IsZero()
		default:
			return a.Before(b)
		}
	})
	if len(ts) > max {
		ts = ts[:max]
	}
	return ts
}
