package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// boardData is what the year board is built from, loaded in a few queries.
type boardData struct {
	Year      store.Year
	Weeks     []store.SchoolWeek
	Members   int
	Reviews   []store.Review
	Seats     []store.Seat
	Reports   map[uint64]store.Report
	Feedback  []store.Feedback
	Reviewers map[uint64]store.Reviewer
	Names     map[uint64]string // schools
	Hubs      map[uint64]string
	Today     string
	DueDays   int
}

// weekRow is one week of the board.
type weekRow struct {
	Week, Term                                          int
	Monday                                              string
	Reviews, Unfilled, NotStarted, Draft, Sub, Agr, Pub int
}

// overdue is a report past its due date.
type overdue struct {
	Review  store.Review
	School  string
	Hub     string
	Due     string
	State   string
	Lead    string
	Overdue int // days
}

// board is the year board: figures, weeks and overdue reports.
type board struct {
	Stats    ui.Stats
	Weeks    []weekRow
	Overdue  []overdue
	Unfilled int
}

// buildBoard is a plain function of the loaded data: the figures, each
// week's reviews by the state of their report and their unfilled seats,
// and the reports overdue (a report is due DueDays after the review's last
// day; it is overdue while not yet submitted).
func buildBoard(d boardData) board {
	var b board
	byWeek := map[int]*weekRow{}
	for _, w := range d.Weeks {
		row := &weekRow{Week: w.Week, Term: w.Term, Monday: day(w.StartsOn)}
		b.Weeks = append(b.Weeks, weekRow{})
		byWeek[w.Week] = row
	}
	filled := map[uint64]int{}
	leadOf := map[uint64]string{}
	for _, x := range d.Seats {
		filled[x.ReviewID]++
		if x.Seat == store.LeadSeat {
			leadOf[x.ReviewID] = d.Reviewers[x.ReviewerID].Name
		}
	}
	var offered, taken, lead int
	var seatDays []rules.SeatDays
	days := map[uint64]store.Review{}
	for _, rv := range d.Reviews {
		days[rv.ID] = rv
	}
	for _, x := range d.Seats {
		rv, ok := days[x.ReviewID]
		if !ok {
			continue
		}
		seatDays = append(seatDays, rules.SeatDays{Host: rv.SchoolID, ReviewerSchool: d.Reviewers[x.ReviewerID].SchoolID,
			Lead: x.Seat == store.LeadSeat, Days: rv.Days})
	}
	scheduled := 0
	for _, rv := range d.Reviews {
		if rv.Cancelled {
			continue
		}
		scheduled++
		seats := rv.TeamSize
		if rv.NeedsLead {
			seats++
			lead++
		}
		offered += seats
		taken += min(seats, filled[rv.ID])
		row := byWeek[rv.Week]
		if row == nil {
			continue
		}
		row.Reviews++
		row.Unfilled += max(0, seats-filled[rv.ID])
		rep, has := d.Reports[rv.ID]
		state := ""
		if has {
			state = rep.State
		}
		switch state {
		case "":
			row.NotStarted++
		case rules.Draft:
			row.Draft++
		case rules.Submitted:
			row.Sub++
		case rules.Agreed:
			row.Agr++
		case rules.Published:
			row.Pub++
		}
		if due := dueDate(rv, d.DueDays); (state == "" || state == rules.Draft) && due < d.Today {
			od := overdue{Review: rv, School: d.Names[rv.SchoolID], Hub: d.Hubs[rv.HubID], Due: due, State: rules.StateLabel(state),
				Lead: leadOf[rv.ID], Overdue: daysBetween(due, d.Today)}
			b.Overdue = append(b.Overdue, od)
		}
	}
	for i, w := range d.Weeks {
		b.Weeks[i] = *byWeek[w.Week]
	}
	b.Unfilled = offered - taken
	var overall, cpdHost []int
	for _, f := range d.Feedback {
		overall = append(overall, f.Overall)
		if f.Role == store.FromHost {
			cpdHost = append(cpdHost, f.CPD)
		}
	}
	share, hosted := rules.ShareMet(rules.CountReciprocity(seatDays))
	ov, cpd := rules.Score(overall, rules.OverallMax), rules.Score(cpdHost, rules.CPDMax)
	b.Stats = ui.Stats{
		{Value: fmt.Sprint(d.Members), Label: "Member schools"},
		{Value: fmt.Sprint(scheduled), Label: "Reviews scheduled"},
		{Value: fmt.Sprintf("%d of %d", taken, offered), Label: "Seats filled", N: offered},
		{Value: fmt.Sprint(b.Unfilled), Label: "Seats unfilled"},
		{Value: fmt.Sprint(len(b.Overdue)), Label: "Reports overdue"},
		{Value: ov.String(), Label: "Overall experience (host heads and reviewers)", N: ov.N},
		{Value: cpd.String(), Label: "Value as professional development, from host heads", N: cpd.N},
		{Value: rules.Percent(share), Label: "Schools that gave as many reviewer days as they received", N: hosted},
	}
	return b
}

// dueDate is the day a review's report is due: dueDays after its last day.
func dueDate(rv store.Review, dueDays int) string {
	end, err := time.Parse(time.DateOnly, rv.Ends())
	if err != nil {
		return rv.StartsOn
	}
	return end.AddDate(0, 0, dueDays).Format(time.DateOnly)
}

func daysBetween(from, to string) int {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

// loadBoard loads the year board's data.
func loadBoard(r *http.Request, s *store.Store, y *store.Year) (boardData, error) {
	return loadBoardAt(r.Context(), s, y)
}

// loadBoardAt loads the year board's data for a call without a request
// (the figures extension).
func loadBoardAt(ctx context.Context, s *store.Store, y *store.Year) (boardData, error) {
	d := boardData{Year: *y, Today: sdk.Today(ctx).Format(time.DateOnly)}
	cfg, err := LoadConfig(ctx)
	if err != nil {
		return d, err
	}
	d.DueDays = cfg.ReportDueDays
	if d.Weeks, err = s.Weeks(y.ID); err != nil {
		return d, err
	}
	if d.Names, err = s.MemberNames(y.ID); err != nil {
		return d, err
	}
	d.Members = len(d.Names)
	if d.Reviews, err = s.Reviews(y.ID); err != nil {
		return d, err
	}
	if d.Seats, err = s.SeatsForBoard(y.ID); err != nil {
		return d, err
	}
	if d.Reports, err = s.ReportStatesOfYear(y.ID); err != nil {
		return d, err
	}
	if d.Feedback, err = s.ScoresOfYear(y.ID); err != nil {
		return d, err
	}
	if d.Reviewers, err = s.ReviewerSchools(); err != nil {
		return d, err
	}
	d.Hubs, err = s.Hubs()
	return d, err
}

func uniq(ids []uint64) []uint64 {
	seen := map[uint64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
