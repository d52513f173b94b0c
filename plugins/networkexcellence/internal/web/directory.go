package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/directory"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// directoryRoutes are the School Support Directory: search, a school's
// card, connect, and the map (map.go).
func directoryRoutes(c *indexCache) []route {
	return []route{
		get("/directory", PermDirectory, anywhere, "", "Search the School Support Directory", c.directoryPage),
		get("/directory/schools/:school", PermDirectory, anywhere, "", "A school's Directory card", schoolCard),
		post("/directory/schools/:school/connect", PermDirectory, anywhere, "", "Send a message to a school's contact", connect),
		get("/directory/schools/:school/profile", PermDayHost, unit, "school", "A school's Directory profile", profilePage),
		post("/directory/schools/:school/profile", PermDayHost, unit, "school", "Save a school's Directory profile", saveProfile),
	}
}

// search is a Directory query as the URL carries it.
type search struct {
	Q       string
	Filters directory.Filters
}

// readSearch reads the query; a malformed hub is a 404 (a hand-made URL).
func readSearch(r *http.Request) search {
	v := r.URL.Query()
	hub, _ := strconv.ParseUint(v.Get("hub"), 10, 64)
	return search{Q: strings.TrimSpace(v.Get("q")), Filters: directory.Filters{Phase: v.Get("phase"), HubID: hub, Region: v.Get("region"),
		Ofsted: v.Get("ofsted"), Term: v.Get("term"), HostsLDD: v.Get("ldd") == "yes"}}
}

func (s search) query() string {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("q", s.Q)
	set("phase", s.Filters.Phase)
	if s.Filters.HubID != 0 {
		v.Set("hub", fmt.Sprint(s.Filters.HubID))
	}
	set("region", s.Filters.Region)
	set("ofsted", s.Filters.Ofsted)
	set("term", s.Filters.Term)
	if s.Filters.HostsLDD {
		v.Set("ldd", "yes")
	}
	return v.Encode()
}

type directoryView struct {
	common
	Header  ui.Header
	Form    template.HTML // the search form's fields
	Results plainTable
	Hubs    []ui.Link
	Count   int
	Pager   ui.Pager
	MapHref string
	Query   string
}

// resultsPerPage is how many schools a Directory page lists; the rest are
// on the next pages (the count and the map have them all).
const resultsPerPage = 25

func (c *indexCache) directoryPage(w http.ResponseWriter, r *http.Request) error {
	q := readSearch(r)
	page, err := ui.ParsePage(r.URL.Query())
	if err != nil {
		return &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	ci, err := c.load(r)
	if err != nil {
		return err
	}
	y, ix, terms, hubs := ci.year, ci.index, ci.terms, ci.hubs
	v := &directoryView{common: commonOf(r), Query: q.query(),
		Header: ui.Header{Crumbs: crumbs(r), Title: "School Support Directory",
			Lead: "Find the schools and hubs of the partnership that do something well, and connect with them."}}
	v.MapHref = sdk.URL(r, "/directory/map") + "?" + q.query()
	v.Form = ci.selects.render(searchFields(q, terms, hubs))
	v.Results.Table = ui.Table{Caption: "Schools", ID: "results", Columns: []ui.Column{{Key: "school", Label: "School"}, {Key: "hub", Label: "Hub"},
		{Key: "town", Label: "Town"}, {Key: "phase", Label: "Phase"}, {Key: "aoes", Label: "Areas of Excellence"}, {Key: "why", Label: "Why it matched"}},
		Empty: "No school matches: try fewer words or filters."}
	if y == nil {
		v.Results.Empty = "The programme has no membership year yet."
	}
	rs := ix.Search(q.Q, q.Filters)
	v.Count = len(rs)
	v.Pager = ui.Pager{Page: page, PerPage: resultsPerPage, Total: len(rs), Query: r.URL.Query()}.Clamp()
	for _, res := range rs[v.Pager.Offset():min(len(rs), v.Pager.Offset()+resultsPerPage)] {
		e := res.Entry
		var titles []string
		for _, a := range e.AoEs {
			titles = append(titles, a.Title)
		}
		why := res.Why
		if e.HostsLDD {
			why = strings.TrimPrefix(why+"; hosts Leadership Development Days", "; ")
		}
		v.Results.Rows = append(v.Results.Rows, ui.Row{"school": link(r, e.Name, path("directory", "schools", e.SchoolID)),
			"hub": e.Hub, "town": e.Town, "phase": e.Phase, "aoes": strings.Join(titles, "; "), "why": why})
	}
	if q.Q != "" {
		words := directory.Words(q.Q)
		for id, name := range hubs {
			if matchesAll(directory.Words(name), words) {
				v.Hubs = append(v.Hubs, ui.Link{Label: name, Href: sdk.URL(r, "/directory") + "?hub=" + fmt.Sprint(id)})
			}
		}
	}
	return render(w, r, "School Support Directory", "directory", v)
}

func matchesAll(text, words []string) bool {
	for _, w := range words {
		found := false
		for _, t := range text {
			if strings.HasPrefix(t, w) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return len(words) > 0
}

// searchFields is the search form, as the query left it.
func searchFields(q search, terms []store.Term, hubs map[uint64]string) []ui.Field {
	any := ui.Option{Value: "", Label: "Any"}
	phase := []ui.Option{any, {Value: "primary", Label: "Primary"}, {Value: "secondary", Label: "Secondary"}, {Value: "all_through", Label: "All-through"},
		{Value: "special", Label: "Special"}, {Value: "nursery", Label: "Nursery"}, {Value: "alternative", Label: "Alternative provision"}}
	termOpts := []ui.Option{any}
	for _, t := range terms {
		termOpts = append(termOpts, ui.Option{Value: t.Key, Label: t.Label})
	}
	hubOpts := []ui.Option{any}
	for _, h := range sortedHubs(hubs) {
		hubOpts = append(hubOpts, ui.Option{Value: fmt.Sprint(h.id), Label: h.name})
	}
	region := []ui.Option{any}
	for _, x := range store.Regions {
		region = append(region, ui.Option{Value: x, Label: x})
	}
	ofsted := []ui.Option{any}
	for _, g := range store.OfstedGrades {
		ofsted = append(ofsted, ui.Option{Value: g, Label: ofstedLabel(g)})
	}
	hub := ""
	if q.Filters.HubID != 0 {
		hub = fmt.Sprint(q.Filters.HubID)
	}
	return []ui.Field{
		{Kind: ui.Text, Name: "q", Label: "Words", Hint: "A school's name or town, or what it does well, e.g. oracy", Value: q.Q},
		{Kind: ui.Select, Name: "term", Label: "Area of Excellence in", Options: termOpts, Value: q.Filters.Term},
		{Kind: ui.Select, Name: "phase", Label: "Phase", Options: phase, Value: q.Filters.Phase},
		{Kind: ui.Select, Name: "hub", Label: "Hub", Options: hubOpts, Value: hub},
		{Kind: ui.Select, Name: "region", Label: "Region", Options: region, Value: q.Filters.Region},
		{Kind: ui.Select, Name: "ofsted", Label: "Ofsted grade", Options: ofsted, Value: q.Filters.Ofsted},
		{Kind: ui.Checkbox, Name: "ldd", Label: "Hosts Leadership Development Days", Value: "yes", Checked: q.Filters.HostsLDD},
	}
}

func ofstedLabel(g string) string {
	return map[string]string{"outstanding": "Outstanding", "good": "Good", "requires_improvement": "Requires improvement",
		"inadequate": "Inadequate", "not_inspected": "Not yet inspected", "": ""}[g]
}

type hubName struct {
	id   uint64
	name string
}

func sortedHubs(hubs map[uint64]string) []hubName {
	out := make([]hubName, 0, len(hubs))
	for id, n := range hubs {
		out = append(out, hubName{id, n})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].name < out[j-1].name || (out[j].name == out[j-1].name && out[j].id < out[j-1].id)); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

type cardView struct {
	common
	Header   ui.Header
	Facts    ui.Table
	AoEs     ui.Table
	Days     ui.Table
	Fields   []ui.Field
	Errors   ui.Errors
	Action   string
	Headline string
	Contact  string
	CanEdit  bool
	EditHref string
	HostHref string
}

func loadCard(r *http.Request) (*cardView, error) {
	school, err := id(r, "school")
	if err != nil {
		return nil, err
	}
	s := st(r)
	y, err := s.CurrentYear(sdk.Today(r.Context()))
	if err != nil {
		return nil, err
	}
	if y == nil {
		return nil, sdk.ErrNotFound
	}
	m, err := s.Member(y.ID, school)
	if err != nil {
		return nil, answer(err)
	}
	p, err := s.Profile(school)
	if err != nil {
		return nil, err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return nil, err
	}
	aoes, err := s.AccreditedAoEs(school)
	if err != nil {
		return nil, err
	}
	days, err := s.Days(store.DayQuery{Kind: store.KindLDD, SchoolID: school, From: today(r)})
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	canEdit, err := sdk.HostFrom(ctx).Can(ctx, PermDayHost, school)
	if err != nil {
		return nil, err
	}
	v := &cardView{common: commonOf(r), Headline: p.Headline, CanEdit: canEdit,
		EditHref: sdk.URL(r, path("directory", "schools", school, "profile")), HostHref: sdk.URL(r, path("hosts", school)),
		Action: sdk.URL(r, path("directory", "schools", school, "connect")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Directory", Href: sdk.URL(r, "/directory")}), Title: m.Name,
			Lead: "Its hub, its accredited Areas of Excellence and the Leadership Development Days it offers."}}
	v.Facts = ui.Table{Caption: "About the school", Columns: []ui.Column{{Key: "what", Label: "Fact"}, {Key: "value", Label: "Value"}}}
	add := func(k, val string) {
		if val != "" {
			v.Facts.Rows = append(v.Facts.Rows, ui.Row{"what": k, "value": val})
		}
	}
	add("Hub", hubs[m.HubID])
	add("Phase", m.Phase)
	add("Town", p.Town)
	add("Postcode", p.Postcode)
	add("Region", p.Region)
	add("Ofsted grade", ofstedLabel(p.Ofsted))
	if m.PupilsOnRoll > 0 {
		add("Pupils on roll", strconv.Itoa(m.PupilsOnRoll))
	}
	add("URN", m.URN)
	v.AoEs = ui.Table{Caption: "Accredited Areas of Excellence", ID: "aoes", Empty: "No accredited Area of Excellence yet.",
		Columns: []ui.Column{{Key: "title", Label: "Area"}, {Key: "terms", Label: "Taxonomy"}, {Key: "year", Label: "Accredited"}, {Key: "desc", Label: "What it is"}}}
	for _, a := range aoes {
		var ts []string
		for _, t := range a.Terms {
			ts = append(ts, t.Label)
		}
		v.AoEs.Rows = append(v.AoEs.Rows, ui.Row{"title": a.Title, "terms": strings.Join(ts, ", "), "year": schoolYearOf(a.AccreditedOn), "desc": a.Description})
	}
	v.Days = daysTable(r, "Leadership Development Days offered", days, "No day offered from today.")
	v.Fields = []ui.Field{{Kind: ui.Text, Name: "subject", Label: "Subject", Required: true},
		{Kind: ui.Textarea, Name: "message", Label: "Your message", Hint: "It goes to the school's contact by email, with your name and address, and is kept in the school's log.", Required: true, Rows: 5}}
	return v, nil
}

// schoolYearOf is the school year a date falls in ("2024-25"), September to August.
func schoolYearOf(d string) string {
	t, err := timeParse(d)
	if err != nil {
		return ""
	}
	y := t.Year()
	if t.Month() < 9 {
		y--
	}
	return fmt.Sprintf("%d-%02d", y, (y+1)%100)
}

func schoolCard(w http.ResponseWriter, r *http.Request) error {
	v, err := loadCard(r)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "card", v)
}

func connect(w http.ResponseWriter, r *http.Request) error {
	school, err := id(r, "school")
	if err != nil {
		return err
	}
	ctx := r.Context()
	in := store.ConnectInput{Subject: r.PostFormValue("subject"), Message: r.PostFormValue("message")}
	err = st(r).Tx(func(tx *store.Store) error {
		y, err := tx.CurrentYear(sdk.Today(ctx))
		if err != nil || y == nil {
			return sdk.ErrNotFound
		}
		if _, err := tx.Member(y.ID, school); err != nil {
			return err
		}
		p, err := tx.Profile(school)
		if err != nil {
			return err
		}
		c, err := tx.AddConnect(school, userID(r), p.ContactID, in, now(r))
		if err != nil {
			return err
		}
		// The message itself stays in the plugin's log, not the audit trail.
		if err := sdk.AuditTx(ctx, tx.DB(), AuditPrefix+"directory.connect", "connect", strconv.FormatUint(c.ID, 10), nil,
			map[string]any{"to_school": school, "subject": c.Subject}); err != nil {
			return err
		}
		_, err = sdk.HostFrom(ctx).Enqueue(ctx, JobConnect, map[string]uint64{"connect": c.ID})
		return err
	})
	if err != nil {
		return again(w, r, answer(err), "School", "card", func() (*cardView, error) { return loadCard(r) },
			func(v *cardView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
	}
	ui.Flash(w, "Message sent to the school's contact; they will reply to you by email")
	return redirect(w, r, path("directory", "schools", school))
}

type profileView struct {
	common
	Header ui.Header
	Fields []ui.Field
	Errors ui.Errors
	Action string
}

func loadProfile(r *http.Request) (*profileView, error) {
	school, err := id(r, "school")
	if err != nil {
		return nil, err
	}
	s := st(r)
	p, err := s.Profile(school)
	if err != nil {
		return nil, err
	}
	names, err := sdk.HostFrom(r.Context()).SchoolNames(r.Context(), school)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	people, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: []uint64{school}, Roles: []string{sdk.RoleHeadteacher, sdk.RoleSeniorLeader}})
	if err != nil {
		return nil, err
	}
	contacts := []ui.Option{{Value: "", Label: "The headteacher"}}
	for _, x := range people {
		contacts = append(contacts, ui.Option{Value: fmt.Sprint(x.GetId()), Label: x.GetName()})
	}
	region := []ui.Option{{Value: "", Label: "Not given"}}
	for _, x := range store.Regions {
		region = append(region, ui.Option{Value: x, Label: x})
	}
	ofsted := []ui.Option{{Value: "", Label: "Not given"}}
	for _, g := range store.OfstedGrades {
		ofsted = append(ofsted, ui.Option{Value: g, Label: ofstedLabel(g)})
	}
	contact := ""
	if p.ContactID != 0 {
		contact = fmt.Sprint(p.ContactID)
	}
	return &profileView{common: commonOf(r), Action: sdk.URL(r, path("directory", "schools", school, "profile")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Directory", Href: sdk.URL(r, "/directory")},
			ui.Crumb{Label: names[school], Href: sdk.URL(r, path("directory", "schools", school))}), Title: "Directory profile"},
		Fields: []ui.Field{
			{Kind: ui.Text, Name: "town", Label: "Town", Value: p.Town},
			{Kind: ui.Text, Name: "postcode", Label: "Postcode", Hint: "It places the school on the map, through the postcode table.", Value: p.Postcode, Width: "short"},
			{Kind: ui.Select, Name: "region", Label: "Region", Options: region, Value: p.Region},
			{Kind: ui.Select, Name: "ofsted", Label: "Ofsted grade", Options: ofsted, Value: p.Ofsted},
			{Kind: ui.Select, Name: "contact", Label: "Contact for Directory messages", Options: contacts, Value: contact},
			{Kind: ui.Textarea, Name: "headline", Label: "Headline figures", Hint: "e.g. KS2 reading 86% at the expected standard (2025)", Value: p.Headline, Rows: 3},
		}}, nil
}

func profilePage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadProfile(r)
	if err != nil {
		return err
	}
	return render(w, r, "Directory profile", "profile", v)
}

func saveProfile(w http.ResponseWriter, r *http.Request) error {
	school, err := id(r, "school")
	if err != nil {
		return err
	}
	in := store.ProfileInput{Town: r.PostFormValue("town"), Postcode: r.PostFormValue("postcode"), Region: r.PostFormValue("region"),
		Ofsted: r.PostFormValue("ofsted"), Headline: r.PostFormValue("headline"), Contact: r.PostFormValue("contact")}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, after, err := tx.SaveProfile(school, in, now(r))
		if err != nil {
			return change{}, err
		}
		if after.Postcode != "" && after.Latitude == nil {
			if _, err := sdk.HostFrom(r.Context()).Enqueue(r.Context(), JobPlaces, nil); err != nil {
				return change{}, err
			}
		}
		return change{"directory.profile", "school", school, before, after, path("directory", "schools", school), "Profile saved"}, nil
	})
	return again(w, r, err, "Directory profile", "profile", func() (*profileView, error) { return loadProfile(r) },
		func(v *profileView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}
