package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/roster"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// yearRoutes are the central team's pages of a membership year: the year
// board, its member schools, publishing agreed reports.
func yearRoutes() []route {
	return []route{
		post("/years", PermManage, tenant, "", "Add a membership year with its school weeks", createYear),
		get("/years/:year", PermBoard, tenant, "", "The year board: reviews by week and state, seats unfilled, reports overdue", yearBoard),
		get("/years/:year/members", PermBoard, tenant, "", "A year's member schools by hub", membersPage),
		post("/years/:year/members", PermManage, tenant, "", "Make every school of the hubs a member of the year (and refresh their details)", joinMembers),
		post("/years/:year/members/:school/remove", PermManage, tenant, "", "End a school's membership of the year", removeMember),
		post("/years/:year/reports/publish", PermManage, tenant, "", "Publish every report its host has agreed", publishAgreed),
	}
}

func createYear(w http.ResponseWriter, r *http.Request) error {
	err := commit(w, r, func(tx *store.Store) (change, error) {
		y, err := tx.CreateYear(r.PostFormValue("label"), sdk.London(), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"year.create", "year", y.ID, nil, y, path("years", y.ID, "members"), "Year " + y.Label + " added with its 38 school weeks"}, nil
	})
	return again(w, r, err, "Network of Excellence", "home", func() (*homeView, error) { return loadHome(r) },
		func(v *homeView) (*[]ui.Field, *ui.Errors) { return &v.YearFields, &v.Errors })
}

var weekColumns = []ui.Column{
	{Key: "week", Label: "Week", Numeric: true}, {Key: "monday", Label: "Starts"}, {Key: "term", Label: "Term"},
	{Key: "reviews", Label: "Reviews", Numeric: true}, {Key: "unfilled", Label: "Seats unfilled", Numeric: true},
	{Key: "none", Label: "Report not started", Numeric: true}, {Key: "draft", Label: "Draft", Numeric: true},
	{Key: "submitted", Label: "Submitted", Numeric: true}, {Key: "agreed", Label: "Agreed", Numeric: true},
	{Key: "published", Label: "Published", Numeric: true},
}

var overdueColumns = []ui.Column{
	{Key: "school", Label: "School"}, {Key: "hub", Label: "Hub"}, {Key: "lead", Label: "Lead Reviewer"},
	{Key: "due", Label: "Due"}, {Key: "days", Label: "Days overdue", Numeric: true}, {Key: "state", Label: "Report"},
}

type boardView struct {
	common
	Header         ui.Header
	Stats          ui.Stats
	Weeks, Overdue ui.Table
	Year           store.Year
	PublishAction  string
	CanManage      bool
	Agreed         int
}

func yearBoard(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	d, err := loadBoard(r, s, y)
	if err != nil {
		return err
	}
	manage, err := sdk.HostFrom(r.Context()).Can(r.Context(), PermManage, 0)
	if err != nil {
		return err
	}
	b := buildBoard(d)
	v := boardView{common: commonOf(r), Year: *y, Stats: b.Stats, CanManage: manage, PublishAction: sdk.URL(r, path("years", y.ID, "reports", "publish")),
		Header: ui.Header{Crumbs: crumbs(r), Title: "Year board " + y.Label,
			Lead: fmt.Sprintf("QA Reviews of the %d member schools across the year's 38 school weeks.", d.Members),
			Actions: []ui.Link{{Label: "Allocation", Href: sdk.URL(r, path("years", y.ID, "allocation"))},
				{Label: "Schedule", Href: sdk.URL(r, path("years", y.ID, "schedule")), Secondary: true},
				{Label: "Members", Href: sdk.URL(r, path("years", y.ID, "members")), Secondary: true},
				{Label: "Reviewer register", Href: sdk.URL(r, "/reviewers"), Secondary: true}}}}
	rows := make([]ui.Row, 0, len(b.Weeks))
	for _, wk := range b.Weeks {
		rows = append(rows, ui.Row{"week": wk.Week, "monday": wk.Monday, "term": rules.TermName(wk.Term), "reviews": wk.Reviews,
			"unfilled": wk.Unfilled, "none": wk.NotStarted, "draft": wk.Draft, "submitted": wk.Sub, "agreed": wk.Agr, "published": wk.Pub})
	}
	v.Weeks = ui.Table{Caption: "Reviews by week and the state of their reports", Columns: weekColumns, Rows: rows, ID: "weeks",
		Empty: "The year has no school weeks."}
	orows := make([]ui.Row, 0, len(b.Overdue))
	for _, o := range b.Overdue {
		orows = append(orows, ui.Row{"school": link(r, o.School, path("reviews", o.Review.ID)), "hub": o.Hub, "lead": o.Lead,
			"due": day(o.Due), "days": o.Overdue, "state": o.State})
	}
	v.Overdue = ui.Table{Caption: "Reports overdue", Columns: overdueColumns, Rows: orows, ID: "overdue", Empty: "No report is overdue."}
	for _, rep := range d.Reports {
		if rep.State == rules.Agreed {
			v.Agreed++
		}
	}
	return render(w, r, "Year board "+y.Label, "board", v)
}

var memberColumns = []ui.Column{
	{Key: "school", Label: "School", Sortable: true}, {Key: "urn", Label: "URN"}, {Key: "hub", Label: "Hub", Sortable: true},
	{Key: "phase", Label: "Phase", Sortable: true}, {Key: "roll", Label: "Pupils on roll", Numeric: true, Sortable: true},
	{Key: "review", Label: "Review"},
}

type membersView struct {
	common
	Header     ui.Header
	Table      ui.Table
	Pager      ui.Pager
	JoinAction string
	CanManage  bool
}

func membersPage(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	order, err := ui.ParseSort(r.URL.Query(), memberColumns, ui.Sort{Key: "hub"})
	if err != nil {
		return &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	page, err := ui.ParsePage(r.URL.Query())
	if err != nil {
		return &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	members, err := s.Members(y.ID)
	if err != nil {
		return err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return err
	}
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return err
	}
	reviewOf := map[uint64]store.Review{}
	for _, rv := range reviews {
		reviewOf[rv.SchoolID] = rv
	}
	manage, err := sdk.HostFrom(r.Context()).Can(r.Context(), PermManage, 0)
	if err != nil {
		return err
	}
	rows := make([]ui.Row, 0, len(members))
	for _, m := range members {
		row := ui.Row{"school": link(r, m.Name, path("schools", m.SchoolID)), "urn": m.URN, "hub": hubs[m.HubID], "phase": phaseLabel(m.Phase), "roll": m.PupilsOnRoll}
		if rv, ok := reviewOf[m.SchoolID]; ok && !rv.Cancelled {
			row["review"] = link(r, fmt.Sprintf("Week %d, %s", rv.Week, day(rv.StartsOn)), path("reviews", rv.ID))
		} else {
			row["review"] = "Not scheduled"
		}
		rows = append(rows, row)
	}
	ui.SortRows(rows, order)
	p := ui.Pager{Page: page, PerPage: 100, Total: len(rows), Query: r.URL.Query()}.Clamp()
	rows = rows[p.Offset():min(len(rows), p.Offset()+p.PerPage)]
	v := membersView{common: commonOf(r), CanManage: manage, JoinAction: sdk.URL(r, path("years", y.ID, "members")), Pager: p,
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Year board " + y.Label, Href: sdk.URL(r, path("years", y.ID))}),
			Title: "Member schools " + y.Label, Lead: fmt.Sprintf("%d member schools in %d hubs.", len(members), countHubs(members))},
		Table: ui.Table{Caption: "Member schools", Columns: memberColumns, Rows: rows, Sort: order, Query: r.URL.Query(), ID: "members",
			Empty: "No member school yet: add the schools of the hubs."}}
	return render(w, r, "Member schools "+y.Label, "members", v)
}

func countHubs(ms []store.Member) int {
	seen := map[uint64]bool{}
	for _, m := range ms {
		seen[m.HubID] = true
	}
	return len(seen)
}

func joinMembers(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	n, err := roster.Read(r.Context())
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		count, err := roster.Join(r.Context(), tx, y.ID, n, now(r))
		return change{"members.join", "year", y.ID, nil, map[string]any{"schools": count, "hubs": len(n.Hubs)},
			path("years", y.ID, "members"), fmt.Sprintf("%d schools of %d hubs are members of %s", count, len(n.Hubs), y.Label)}, err
	})
}

func removeMember(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	school, err := id(r, "school")
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		m, err := tx.RemoveMember(y.ID, school)
		if err != nil {
			return change{}, err
		}
		return change{"member.remove", "member", m.ID, m, nil, path("years", y.ID, "members"), m.Name + " is no longer a member of " + y.Label}, nil
	})
}

func publishAgreed(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		rs, err := tx.PublishAgreed(y.ID, userID(r), now(r))
		ids := make([]string, len(rs))
		for i, rep := range rs {
			ids[i] = strconv.FormatUint(rep.ReviewID, 10)
		}
		return change{"reports.publish", "year", y.ID, nil, map[string]any{"reviews": ids}, path("years", y.ID),
			fmt.Sprintf("%d %s published", len(rs), plural(len(rs), "report", "reports"))}, err
	})
}

// phaseLabel is a stored phase as people say it.
func phaseLabel(p string) string {
	switch p {
	case "":
		return "Not recorded"
	case "all_through":
		return "All-through"
	case "sixteen_plus":
		return "16 plus"
	case "alternative_provision":
		return "Alternative provision"
	}
	return upperFirst(p)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
