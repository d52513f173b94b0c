package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// scheduleRoutes are the central team's review schedule: a review per
// member school, its week, days and team size.
func scheduleRoutes() []route {
	return []route{
		get("/years/:year/schedule", PermBoard, tenant, "", "A year's review schedule, and the members not yet scheduled", schedulePage),
		post("/years/:year/schedule", PermManage, tenant, "", "Schedule a member school's review", scheduleReview),
		post("/years/:year/schedule/all", PermManage, tenant, "", "Schedule every member not yet scheduled, spread over the weeks left", scheduleAll),
		get("/reviews/:review/edit", PermManage, tenant, "", "Change or cancel a review's schedule", editReviewPage),
		post("/reviews/:review/edit", PermManage, tenant, "", "Change a review's week, days and team size", updateReview),
		post("/reviews/:review/cancel", PermManage, tenant, "", "Cancel a review (its seats are withdrawn)", cancelReview),
	}
}

var scheduleColumns = []ui.Column{
	{Key: "week", Label: "Week", Numeric: true, Sortable: true}, {Key: "school", Label: "School", Sortable: true},
	{Key: "hub", Label: "Hub", Sortable: true}, {Key: "dates", Label: "Dates"}, {Key: "team", Label: "Team seats", Numeric: true},
	{Key: "edit", Label: "Change"},
}

type scheduleView struct {
	common
	Header            ui.Header
	Table             ui.Table
	Pager             ui.Pager
	Unscheduled       int
	Fields            []ui.Field
	Errors            ui.Errors
	Action, AllAction string
	CanManage         bool
	FromWeek          int
}

// scheduleFields is the form scheduling one review.
func scheduleFields(members []store.Member, scheduled map[uint64]bool) []ui.Field {
	opts := []ui.Option{{Value: "", Label: "Choose a school"}}
	for _, m := range members {
		if !scheduled[m.SchoolID] {
			opts = append(opts, ui.Option{Value: strconv.FormatUint(m.SchoolID, 10), Label: m.Name})
		}
	}
	return append([]ui.Field{{Kind: ui.Select, Name: "school", Label: "School", Options: opts, Required: true}}, scheduleForm(store.Review{Days: 2, NeedsLead: true}, 1)...)
}

// scheduleForm is the fields of a schedule, filled from rv.
func scheduleForm(rv store.Review, day int) []ui.Field {
	days := []ui.Option{}
	for i, d := range store.Weekdays {
		days = append(days, ui.Option{Value: strconv.Itoa(i), Label: d})
	}
	team := ""
	if rv.TeamSize > 0 {
		team = strconv.Itoa(rv.TeamSize)
	}
	week := ""
	if rv.Week > 0 {
		week = strconv.Itoa(rv.Week)
	}
	return []ui.Field{
		{Kind: ui.Number, Name: "week", Label: "School week", Hint: "1 to 38", Min: "1", Max: "38", Value: week, Required: true, Width: "short"},
		{Kind: ui.Select, Name: "day", Label: "First day", Options: days, Value: strconv.Itoa(day), Required: true},
		{Kind: ui.Number, Name: "days", Label: "Days", Hint: "1 to 3, within the week", Min: "1", Max: "3", Value: strconv.Itoa(rv.Days), Required: true, Width: "short"},
		{Kind: ui.Number, Name: "team_size", Label: "Team seats besides the lead", Hint: "Leave empty to size the team by the school's pupils on roll",
			Min: "1", Max: "8", Value: team, Width: "short"},
		{Kind: ui.Checkbox, Name: "needs_lead", Label: "The review has a Lead Reviewer", Checked: rv.NeedsLead},
	}
}

func loadSchedule(r *http.Request, s *store.Store, y *store.Year) (*scheduleView, error) {
	order, err := ui.ParseSort(r.URL.Query(), scheduleColumns, ui.Sort{Key: "week"})
	if err != nil {
		return nil, &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	page, err := ui.ParsePage(r.URL.Query())
	if err != nil {
		return nil, &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	members, err := s.Members(y.ID)
	if err != nil {
		return nil, err
	}
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return nil, err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return nil, err
	}
	weeks, err := s.Weeks(y.ID)
	if err != nil {
		return nil, err
	}
	manage, err := sdk.HostFrom(r.Context()).Can(r.Context(), PermManage, 0)
	if err != nil {
		return nil, err
	}
	names := map[uint64]string{}
	for _, m := range members {
		names[m.SchoolID] = m.Name
	}
	scheduled := map[uint64]bool{}
	rows := make([]ui.Row, 0, len(reviews))
	for _, rv := range reviews {
		scheduled[rv.SchoolID] = true
		if rv.Cancelled {
			continue
		}
		seats := fmt.Sprint(rv.TeamSize)
		if rv.NeedsLead {
			seats += " and a lead"
		}
		rows = append(rows, ui.Row{"week": rv.Week, "school": link(r, names[rv.SchoolID], path("reviews", rv.ID)), "hub": hubs[rv.HubID],
			"dates": dates(rv), "team": seats, "edit": link(r, "Change", path("reviews", rv.ID, "edit"))})
	}
	ui.SortRows(rows, order)
	p := ui.Pager{Page: page, PerPage: 100, Total: len(rows), Query: r.URL.Query()}.Clamp()
	rows = rows[p.Offset():min(len(rows), p.Offset()+p.PerPage)]
	v := &scheduleView{common: commonOf(r), CanManage: manage, Pager: p, Fields: scheduleFields(members, scheduled),
		Action: sdk.URL(r, path("years", y.ID, "schedule")), AllAction: sdk.URL(r, path("years", y.ID, "schedule", "all")),
		FromWeek: nextWeek(weeks, today(r)),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Year board " + y.Label, Href: sdk.URL(r, path("years", y.ID))}),
			Title: "Review schedule " + y.Label, Lead: fmt.Sprintf("%d reviews scheduled.", len(reviews))},
		Table: ui.Table{Caption: "Reviews by week", Columns: scheduleColumns, Rows: rows, Sort: order, Query: r.URL.Query(), ID: "schedule",
			Empty: "No review scheduled yet."}}
	for _, m := range members {
		if !scheduled[m.SchoolID] {
			v.Unscheduled++
		}
	}
	return v, nil
}

// nextWeek is the first school week starting after today (39 when none is left).
func nextWeek(weeks []store.SchoolWeek, today string) int {
	for _, w := range weeks {
		if w.StartsOn > today {
			return w.Week
		}
	}
	return rules.WeeksInYear + 1
}

// dates shows a review's days: "Tue 9 Sep 2025 (2 days)".
func dates(rv store.Review) string {
	return fmt.Sprintf("%s (%d %s)", day(rv.StartsOn), rv.Days, plural(rv.Days, "day", "days"))
}

func schedulePage(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	v, err := loadSchedule(r, s, y)
	if err != nil {
		return err
	}
	return render(w, r, "Review schedule "+y.Label, "schedule", v)
}

func scheduleReview(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(r.Context())
	if err != nil {
		return err
	}
	school := formID(r, "school")
	err = commit(w, r, func(tx *store.Store) (change, error) {
		roll := 0
		if m, err := tx.Member(y.ID, school); err == nil {
			roll = m.PupilsOnRoll
		} else {
			return change{}, store.Invalid("school", "Choose a member school of the year")
		}
		sc, err := store.CheckSchedule(formSchedule(r), roll, cfg.Bands)
		if err != nil {
			return change{}, err
		}
		rv, err := tx.ScheduleReview(y.ID, school, sc, now(r))
		if err != nil {
			return change{}, err
		}
		return change{"review.schedule", "review", rv.ID, nil, rv, path("years", y.ID, "schedule"), "Review scheduled in week " + strconv.Itoa(rv.Week)}, nil
	})
	return again(w, r, err, "Review schedule", "schedule", func() (*scheduleView, error) { return loadSchedule(r, s, y) },
		func(v *scheduleView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}

func formSchedule(r *http.Request) store.ScheduleInput {
	return store.ScheduleInput{Week: r.PostFormValue("week"), Day: r.PostFormValue("day"), Days: r.PostFormValue("days"),
		TeamSize: r.PostFormValue("team_size"), NeedsLead: r.PostFormValue("needs_lead")}
}

func scheduleAll(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(r.Context())
	if err != nil {
		return err
	}
	weeks, err := s.Weeks(y.ID)
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		made, err := tx.ScheduleAll(y.ID, nextWeek(weeks, today(r)), cfg.Bands, now(r))
		return change{"review.schedule_all", "year", y.ID, nil, map[string]any{"reviews": len(made)}, path("years", y.ID, "schedule"),
			fmt.Sprintf("%d %s scheduled", len(made), plural(len(made), "review", "reviews"))}, err
	})
}

type editReviewView struct {
	common
	Header ui.Header
	Fields []ui.Field
	Errors ui.Errors
	Action string
	Cancel ui.DangerZone
}

func editReviewView0(r *http.Request, s *store.Store, rv *store.Review) (*editReviewView, error) {
	m, err := s.SchoolsEver([]uint64{rv.SchoolID})
	if err != nil {
		return nil, err
	}
	start, _ := timeParse(rv.StartsOn)
	v := &editReviewView{common: commonOf(r), Fields: scheduleForm(*rv, (int(start.Weekday())+6)%7), Action: sdk.URL(r, path("reviews", rv.ID, "edit")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: m[rv.SchoolID].Name + "'s review", Href: sdk.URL(r, path("reviews", rv.ID))}),
			Title: "Change the review of " + m[rv.SchoolID].Name, Lead: dates(*rv)},
		Cancel: ui.DangerZone{ID: "cancel-review", Title: "Cancel the review", Action: sdk.URL(r, path("reviews", rv.ID, "cancel")), CSRF: sdk.CSRFField(r),
			Warning: "Cancelling withdraws every seat of its team; the reviewers keep the week free. A review whose report is submitted cannot be cancelled.",
			Button:  "Cancel the review"}}
	return v, nil
}

func editReviewPage(w http.ResponseWriter, r *http.Request) error {
	s, rv, _, err := loadReview(r)
	if err != nil {
		return err
	}
	v, err := editReviewView0(r, s, rv)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "editreview", v)
}

func updateReview(w http.ResponseWriter, r *http.Request) error {
	s, rv, _, err := loadReview(r)
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		sc, err := store.CheckSchedule(formSchedule(r), 0, nil)
		if err != nil {
			return change{}, err
		}
		before, after, err := tx.UpdateReview(rv.ID, sc, now(r))
		return change{"review.update", "review", rv.ID, before, after, path("reviews", rv.ID), "Review changed"}, err
	})
	return again(w, r, err, "Change the review", "editreview", func() (*editReviewView, error) { return editReviewView0(r, s, rv) },
		func(v *editReviewView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}

func cancelReview(w http.ResponseWriter, r *http.Request) error {
	s, rv, _, err := loadReview(r)
	if err != nil {
		return err
	}
	if !ui.Confirmed(r) {
		v, err := editReviewView0(r, s, rv)
		if err != nil {
			return err
		}
		v.Cancel.Error = ui.NotConfirmed
		return renderStatus(w, r, http.StatusUnprocessableEntity, v.Header.Title, "editreview", v)
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		after, err := tx.CancelReview(rv.ID, now(r))
		return change{"review.cancel", "review", rv.ID, rv, after, path("years", rv.YearID, "schedule"), "Review cancelled"}, err
	})
}
