package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// reviewerRoutes are the reviewer register: reviewers, their training,
// accreditation, Advanced status, availability and reviews.
func reviewerRoutes() []route {
	return []route{
		get("/reviewers", PermBoard, tenant, "", "The reviewer register", registerPage),
		post("/reviewers", PermManage, tenant, "", "Add a reviewer to the register", addReviewer),
		get("/reviewers/:reviewer", PermBoard, tenant, "", "A reviewer: training, status, availability and reviews", reviewerPage),
		post("/reviewers/:reviewer", PermManage, tenant, "", "Change a reviewer's status, accreditation and limit of reviews", updateReviewer),
		post("/reviewers/:reviewer/availability", PermRead, anywhere, "", "Set the weeks a reviewer cannot review (the central team, or the reviewer)", setAvailability),
	}
}

var registerColumns = []ui.Column{
	{Key: "name", Label: "Reviewer", Sortable: true}, {Key: "school", Label: "School", Sortable: true}, {Key: "status", Label: "Status"},
	{Key: "trained", Label: "Trained"}, {Key: "year", Label: "Reviews this year", Numeric: true, Sortable: true},
	{Key: "done", Label: "Reviews done", Numeric: true, Sortable: true}, {Key: "max", Label: "Limit a year", Numeric: true},
}

type registerView struct {
	common
	Header    ui.Header
	Stats     ui.Stats
	Table     ui.Table
	Pager     ui.Pager
	Fields    []ui.Field
	Errors    ui.Errors
	Action    string
	CanManage bool
}

// status names a reviewer's standing in words.
func status(p store.Reviewer) string {
	s := "Reviewer"
	switch {
	case p.Lead && p.Advanced:
		s = "Lead Reviewer, Advanced"
	case p.Lead:
		s = "Lead Reviewer"
	case p.Advanced:
		s = "Advanced Reviewer"
	}
	if p.AccreditedOn != "" {
		s += ", accredited"
	}
	if !p.Active {
		s += " (inactive)"
	}
	return s
}

func reviewerFields(schools []store.Member, p store.Reviewer, people []ui.Option) []ui.Field {
	opts := []ui.Option{{Value: "0", Label: "From no member school"}}
	for _, m := range schools {
		opts = append(opts, ui.Option{Value: strconv.FormatUint(m.SchoolID, 10), Label: m.Name})
	}
	max := strconv.Itoa(p.MaxReviews)
	fs := []ui.Field{}
	if people != nil {
		fs = append(fs, ui.Field{Kind: ui.Select, Name: "person", Label: "Their account", Options: people,
			Hint: "People holding the reviewer or Lead Reviewer role; leave as it is for someone without an account"})
	}
	return append(fs,
		ui.Field{Kind: ui.Text, Name: "name", Label: "Name", Value: p.Name, Required: true, Hint: "Filled from the account when one is chosen"},
		ui.Field{Kind: ui.Select, Name: "school", Label: "School", Options: opts, Value: strconv.FormatUint(p.SchoolID, 10), Required: true},
		ui.Field{Kind: ui.Checkbox, Name: "ofsted", Label: "Ofsted-experienced", Checked: p.OfstedExperienced},
		ui.Field{Kind: ui.Checkbox, Name: "lead", Label: "Lead Reviewer", Checked: p.Lead},
		ui.Field{Kind: ui.Checkbox, Name: "advanced", Label: "Advanced Reviewer", Checked: p.Advanced, Hint: "After the coaching training"},
		ui.Field{Kind: ui.Date, Name: "accredited_on", Label: "Accredited on", Value: p.AccreditedOn, Width: "short"},
		ui.Field{Kind: ui.Number, Name: "max_reviews", Label: "Reviews a year at most", Value: max, Min: "0", Max: "38", Required: true, Width: "short"},
		ui.Field{Kind: ui.Checkbox, Name: "active", Label: "Active: may be allocated", Checked: p.Active},
	)
}

func reviewerInput(r *http.Request) store.ReviewerInput {
	return store.ReviewerInput{PersonID: formID(r, "person"), Name: r.PostFormValue("name"), SchoolID: formID(r, "school"),
		Lead: r.PostFormValue("lead"), OfstedExperienced: r.PostFormValue("ofsted"), Advanced: r.PostFormValue("advanced"),
		Active: r.PostFormValue("active"), AccreditedOn: r.PostFormValue("accredited_on"), MaxReviews: r.PostFormValue("max_reviews")}
}

func loadRegister(r *http.Request) (*registerView, error) {
	ctx := r.Context()
	s := st(r)
	order, err := ui.ParseSort(r.URL.Query(), registerColumns, ui.Sort{Key: "name"})
	if err != nil {
		return nil, &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	page, err := ui.ParsePage(r.URL.Query())
	if err != nil {
		return nil, &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	reviewers, err := s.Reviewers()
	if err != nil {
		return nil, err
	}
	trained, err := s.Trained(today(r))
	if err != nil {
		return nil, err
	}
	y, err := s.CurrentYear(sdk.Today(ctx))
	if err != nil {
		return nil, err
	}
	var members []store.Member
	thisYear := map[uint64]int{}
	if y != nil {
		if members, err = s.Members(y.ID); err != nil {
			return nil, err
		}
		seats, err := s.SeatsOfYear(y.ID)
		if err != nil {
			return nil, err
		}
		for _, x := range seats {
			thisYear[x.ReviewerID]++
		}
	}
	done, err := reviewsDone(s, today(r))
	if err != nil {
		return nil, err
	}
	var schools []uint64
	for _, p := range reviewers {
		schools = append(schools, p.SchoolID)
	}
	names, err := s.SchoolsEver(uniq(schools))
	if err != nil {
		return nil, err
	}
	manage, err := sdk.HostFrom(ctx).Can(ctx, PermManage, 0)
	if err != nil {
		return nil, err
	}
	var leads, adv, nTrained int
	rows := make([]ui.Row, 0, len(reviewers))
	linked := map[uint64]bool{}
	for _, p := range reviewers {
		linked[p.PersonID] = true
		if p.Lead {
			leads++
		}
		if p.Advanced {
			adv++
		}
		tr := "Not yet"
		if trained[p.ID] {
			tr, nTrained = "Yes", nTrained+1
		}
		school := "No member school"
		if p.SchoolID != 0 {
			school = names[p.SchoolID].Name
		}
		rows = append(rows, ui.Row{"name": link(r, p.Name, path("reviewers", p.ID)), "school": school, "status": status(p), "trained": tr,
			"year": thisYear[p.ID], "done": done[p.ID], "max": p.MaxReviews})
	}
	ui.SortRows(rows, order)
	pg := ui.Pager{Page: page, PerPage: 100, Total: len(rows), Query: r.URL.Query()}.Clamp()
	rows = rows[pg.Offset():min(len(rows), pg.Offset()+pg.PerPage)]
	v := &registerView{common: commonOf(r), CanManage: manage, Pager: pg, Action: sdk.URL(r, "/reviewers"),
		Header: ui.Header{Crumbs: crumbs(r), Title: "Reviewer register", Lead: "Reviewers are trained before their first review; Lead Reviewers are Ofsted-experienced.",
			Actions: []ui.Link{{Label: "Training sessions", Href: sdk.URL(r, "/trainings"), Secondary: true}}},
		Stats: ui.Stats{{Value: fmt.Sprint(len(reviewers)), Label: "Reviewers on the register"}, {Value: fmt.Sprint(nTrained), Label: "Trained"},
			{Value: fmt.Sprint(leads), Label: "Lead Reviewers"}, {Value: fmt.Sprint(adv), Label: "Advanced Reviewers"}},
		Table: ui.Table{Caption: "Reviewers", Columns: registerColumns, Rows: rows, Sort: order, Query: r.URL.Query(), ID: "register", Empty: "Nobody is on the register yet."}}
	if manage {
		people, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{Roles: []string{sdk.RoleLeadReviewer, sdk.RoleReviewer}})
		if err != nil {
			return nil, err
		}
		opts := []ui.Option{{Value: "0", Label: "No account"}}
		for _, p := range people {
			if !linked[p.GetId()] {
				opts = append(opts, ui.Option{Value: strconv.FormatUint(p.GetId(), 10), Label: p.GetName()})
			}
		}
		v.Fields = reviewerFields(members, store.Reviewer{MaxReviews: 2, Active: true}, opts)
	}
	return v, nil
}

// reviewsDone counts each reviewer's seats at reviews that have ended.
func reviewsDone(s *store.Store, today string) (map[uint64]int, error) {
	years, err := s.Years()
	if err != nil {
		return nil, err
	}
	out := map[uint64]int{}
	for _, y := range years {
		reviews, err := s.Reviews(y.ID)
		if err != nil {
			return nil, err
		}
		ended := map[uint64]bool{}
		for _, rv := range reviews {
			ended[rv.ID] = !rv.Cancelled && rv.Ends() <= today
		}
		seats, err := s.SeatsOfYear(y.ID)
		if err != nil {
			return nil, err
		}
		for _, x := range seats {
			if ended[x.ReviewID] {
				out[x.ReviewerID]++
			}
		}
	}
	return out, nil
}

func registerPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadRegister(r)
	if err != nil {
		return err
	}
	return render(w, r, "Reviewer register", "register", v)
}

func addReviewer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in := reviewerInput(r)
	if in.PersonID != 0 {
		people, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{IDs: []uint64{in.PersonID}})
		if err != nil {
			return err
		}
		if len(people) != 1 {
			return answer(store.Invalid("person", "Choose one of the accounts listed"))
		}
		if in.Name == "" {
			in.Name = people[0].GetName()
		}
	}
	err := commit(w, r, func(tx *store.Store) (change, error) {
		p, err := tx.CreateReviewer(in, now(r))
		if err != nil {
			return change{}, err
		}
		return change{"reviewer.add", "reviewer", p.ID, nil, p, path("reviewers", p.ID), p.Name + " is on the register"}, nil
	})
	return again(w, r, err, "Reviewer register", "register", func() (*registerView, error) { return loadRegister(r) },
		func(v *registerView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}

var attendanceColumns = []ui.Column{{Key: "date", Label: "Date"}, {Key: "kind", Label: "Session"}, {Key: "attended", Label: "Attended"}}

var seatsColumns = []ui.Column{{Key: "year", Label: "Year"}, {Key: "school", Label: "School reviewed"}, {Key: "dates", Label: "Dates"}, {Key: "seat", Label: "Seat"}}

type reviewerView struct {
	common
	Header            ui.Header
	Reviewer          store.Reviewer
	Attendance, Seats ui.Table
	Fields            []ui.Field
	Errors            ui.Errors
	Action            string
	CanManage         bool
	Availability      availability
}

// availability is the form of a reviewer's unavailable weeks in a year.
type availability struct {
	Action string
	Year   string
	Weeks  []weekBox
}

type weekBox struct {
	Week        int
	Label, Name string
	Checked     bool
}

func availabilityForm(r *http.Request, s *store.Store, reviewer uint64) (availability, error) {
	y, err := s.CurrentYear(sdk.Today(r.Context()))
	if err != nil || y == nil {
		return availability{}, err
	}
	weeks, err := s.Weeks(y.ID)
	if err != nil {
		return availability{}, err
	}
	un, err := s.Unavailable(y.ID)
	if err != nil {
		return availability{}, err
	}
	a := availability{Action: sdk.URL(r, path("reviewers", reviewer, "availability")) + "?year=" + strconv.FormatUint(y.ID, 10), Year: y.Label}
	for _, w := range weeks {
		a.Weeks = append(a.Weeks, weekBox{Week: w.Week, Label: fmt.Sprintf("Week %d (%s)", w.Week, day(w.StartsOn)), Name: "week",
			Checked: slices.Contains(un[reviewer], w.Week)})
	}
	return a, nil
}

func loadReviewer(r *http.Request) (*reviewerView, error) {
	ctx := r.Context()
	s := st(r)
	rid, err := id(r, "reviewer")
	if err != nil {
		return nil, err
	}
	p, err := s.Reviewer(rid)
	if err != nil {
		return nil, answer(err)
	}
	att, err := s.AttendanceOf(p.ID)
	if err != nil {
		return nil, err
	}
	trainings, err := s.Trainings()
	if err != nil {
		return nil, err
	}
	tByID := map[uint64]store.Training{}
	for _, t := range trainings {
		tByID[t.ID] = t
	}
	manage, err := sdk.HostFrom(ctx).Can(ctx, PermManage, 0)
	if err != nil {
		return nil, err
	}
	v := &reviewerView{common: commonOf(r), Reviewer: *p, CanManage: manage, Action: sdk.URL(r, path("reviewers", p.ID)),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Reviewer register", Href: sdk.URL(r, "/reviewers")}), Title: p.Name, Lead: status(*p) + "."}}
	arows := make([]ui.Row, len(att))
	for i, a := range att {
		t := tByID[a.TrainingID]
		yes := "Booked"
		if a.Attended {
			yes = "Yes"
		}
		arows[i] = ui.Row{"date": day(t.HeldOn), "kind": store.TrainingKindLabel(t.Kind), "attended": yes}
	}
	v.Attendance = ui.Table{Caption: "Training", Columns: attendanceColumns, Rows: arows, ID: "training", Empty: "Not booked on any session yet: a reviewer is trained before a first review."}
	if v.Seats, err = seatTable(r, s, p.ID); err != nil {
		return nil, err
	}
	if v.Availability, err = availabilityForm(r, s, p.ID); err != nil {
		return nil, err
	}
	y, err := s.CurrentYear(sdk.Today(ctx))
	if err != nil {
		return nil, err
	}
	var members []store.Member
	if y != nil {
		if members, err = s.Members(y.ID); err != nil {
			return nil, err
		}
	}
	v.Fields = reviewerFields(members, *p, nil)
	return v, nil
}

// seatTable lists a reviewer's reviews, newest first.
func seatTable(r *http.Request, s *store.Store, reviewer uint64) (ui.Table, error) {
	seats, err := s.SeatsOfReviewer(reviewer)
	if err != nil {
		return ui.Table{}, err
	}
	var ids []uint64
	for _, x := range seats {
		ids = append(ids, x.ReviewID)
	}
	reviews, err := s.ReviewsByID(ids)
	if err != nil {
		return ui.Table{}, err
	}
	var schools []uint64
	for _, rv := range reviews {
		schools = append(schools, rv.SchoolID)
	}
	names, err := s.SchoolsEver(uniq(schools))
	if err != nil {
		return ui.Table{}, err
	}
	years, err := s.Years()
	if err != nil {
		return ui.Table{}, err
	}
	label := map[uint64]string{}
	for _, y := range years {
		label[y.ID] = y.Label
	}
	var rows []ui.Row
	for i := len(seats) - 1; i >= 0; i-- {
		x := seats[i]
		rv := reviews[x.ReviewID]
		seat := seatLabel(x.Seat)
		if x.Withdrawn {
			seat += " (withdrawn)"
		}
		rows = append(rows, ui.Row{"year": label[rv.YearID], "school": link(r, names[rv.SchoolID].Name, path("reviews", rv.ID)), "dates": dates(rv), "seat": seat})
	}
	return ui.Table{Caption: "Reviews", Columns: seatsColumns, Rows: rows, ID: "reviews", Empty: "No review yet."}, nil
}

func reviewerPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadReviewer(r)
	if err != nil {
		return err
	}
	return render(w, r, v.Reviewer.Name, "reviewer", v)
}

func updateReviewer(w http.ResponseWriter, r *http.Request) error {
	rid, err := id(r, "reviewer")
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, after, err := tx.UpdateReviewer(rid, reviewerInput(r), now(r))
		return change{"reviewer.update", "reviewer", rid, before, after, path("reviewers", rid), "Reviewer saved"}, err
	})
	return again(w, r, err, "Reviewer", "reviewer", func() (*reviewerView, error) { return loadReviewer(r) },
		func(v *reviewerView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}

func setAvailability(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := st(r)
	rid, err := id(r, "reviewer")
	if err != nil {
		return err
	}
	p, err := s.Reviewer(rid)
	if err != nil {
		return answer(err)
	}
	manage, err := sdk.HostFrom(ctx).Can(ctx, PermManage, 0)
	if err != nil {
		return err
	}
	self := p.PersonID != 0 && p.PersonID == userID(r)
	if !manage && !self {
		return sdk.ErrNotFound
	}
	y, err := yearQuery(r, s)
	if err != nil || y == nil {
		return sdk.ErrNotFound
	}
	var weeks []int
	for _, v := range r.PostForm["week"] {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > rules.WeeksInYear {
			return answer(store.Invalid("week", "Choose weeks of the school year"))
		}
		weeks = append(weeks, n)
	}
	next := path("reviewers", rid)
	if self && !manage {
		next = "/me"
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		before, err := tx.SetUnavailable(y.ID, rid, weeks)
		return change{"reviewer.availability", "reviewer", rid, map[string]any{"unavailable_weeks": before}, map[string]any{"unavailable_weeks": weeks},
			next, fmt.Sprintf("Availability saved: %d %s marked unavailable", len(weeks), plural(len(weeks), "week", "weeks"))}, err
	})
}
