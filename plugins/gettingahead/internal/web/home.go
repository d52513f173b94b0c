package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

type homeView struct {
	Header                   ui.Header
	Managed, Coaching, Place ui.Table
	ShowManaged              bool
	Open                     []applyLink
	Applications             ui.Table
	NewCohort                *ui.Form
}

type applyLink struct {
	Label, Href string
}

// home is the programme's front page: what the actor runs, coaches, takes
// part in or may apply to. Two Host calls: the permissions, in one batch,
// and (for managers) the cohort units they may start cohorts at.
func home(w http.ResponseWriter, r *http.Request) error { return showHome(w, r, nil) }

func showHome(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	ctx := r.Context()
	cohorts, err := q.s.Cohorts()
	if err != nil {
		return err
	}
	coaches, err := q.s.CoachesOf(q.user)
	if err != nil {
		return err
	}
	parts, err := q.s.ParticipantsOf(q.user)
	if err != nil {
		return err
	}
	apps, err := q.s.ApplicationsOf(q.user)
	if err != nil {
		return err
	}
	checks := []sdk.Check{{Permission: PermApply}, {Permission: PermManage}}
	for _, c := range cohorts {
		checks = append(checks, sdk.Check{Permission: PermManage, UnitID: c.UnitID})
	}
	can, err := q.host.Authorize(ctx, checks...)
	if err != nil {
		return err
	}
	v := homeView{Header: ui.Header{Title: "Getting Ahead London",
		Lead: "Experienced headteachers and trust leaders coach aspiring heads for a year."}}
	byID := map[uint64]store.Cohort{}
	var managed []ui.Row
	for i, c := range cohorts {
		byID[c.ID] = c
		if can[2+i] {
			managed = append(managed, ui.Row{"cohort": ui.Link{Label: c.Name, Href: sdk.URL(r, "/cohorts/"+itoa(c.ID))},
				"region": c.Region, "year": c.YearLabel()})
		}
		if c.ApplicationsOpen && can[0] {
			v.Open = append(v.Open, applyLink{"Apply to " + c.Name, sdk.URL(r, "/cohorts/"+itoa(c.ID)+"/apply")})
		}
	}
	v.ShowManaged = can[1]
	v.Managed = ui.Table{Caption: "Cohorts you run", ID: "managed", Empty: "You run no cohort yet.",
		Columns: []ui.Column{{Key: "cohort", Label: "Cohort"}, {Key: "region", Label: "Region"}, {Key: "year", Label: "School year"}}, Rows: managed}
	var coachRows []ui.Row
	for _, c := range coaches {
		coachRows = append(coachRows, ui.Row{"cohort": byID[c.CohortID].Name, "link": ui.Link{Label: "Your participants and rankings", Href: sdk.URL(r, "/coaches/"+itoa(c.ID))}})
	}
	v.Coaching = ui.Table{Caption: "Your coaching", ID: "coaching", Columns: []ui.Column{{Key: "cohort", Label: "Cohort"}, {Key: "link", Label: "Open"}}, Rows: coachRows}
	var partRows []ui.Row
	for _, p := range parts {
		partRows = append(partRows, ui.Row{"cohort": byID[p.CohortID].Name, "link": ui.Link{Label: "Your record, coach and sessions", Href: sdk.URL(r, "/participants/"+itoa(p.ID))}})
	}
	v.Place = ui.Table{Caption: "Your place on the programme", ID: "place", Columns: []ui.Column{{Key: "cohort", Label: "Cohort"}, {Key: "link", Label: "Open"}}, Rows: partRows}
	var appRows []ui.Row
	for _, a := range apps {
		appRows = append(appRows, ui.Row{"cohort": byID[a.CohortID].Name, "status": ui.Badge(statusTone(a.Status), store.StatusLabel(a.Status)), "on": a.CreatedAt})
	}
	v.Applications = ui.Table{Caption: "Your applications", ID: "applications", Rows: appRows,
		Columns: []ui.Column{{Key: "cohort", Label: "Cohort"}, {Key: "on", Label: "Applied"}, {Key: "status", Label: "Status"}}}
	if v.ShowManaged {
		units, err := q.host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_COHORT)
		if err != nil {
			return err
		}
		uc := make([]sdk.Check, len(units))
		for i, u := range units {
			uc[i] = sdk.Check{Permission: PermManage, UnitID: u.GetId()}
		}
		ok, err := q.host.Authorize(ctx, uc...)
		if err != nil {
			return err
		}
		var mine []*pluginv1.OrgUnit
		for i, u := range units {
			if ok[i] {
				mine = append(mine, u)
			}
		}
		if len(mine) > 0 {
			first := rules.YearStart(q.today)
			fields := ui.Bind([]ui.Field{
				{Kind: ui.Select, Name: "unit", Label: "Cohort unit", Required: true, Hint: "Its programme managers run the cohort",
					Options: options("Choose a unit", mine, func(u *pluginv1.OrgUnit) (uint64, string) { return u.GetId(), u.GetName() })},
				{Kind: ui.Text, Name: "name", Label: "Name", Required: true, Value: "Getting Ahead London " + rules.YearLabel(first)},
				{Kind: ui.Text, Name: "region", Label: "Region", Required: true, Value: "London", Width: "short"},
				{Kind: ui.Number, Name: "start_year", Label: "First year of the school year", Hint: "2017 for 2017-18", Required: true, Value: strconv.Itoa(first), Width: "short"},
				{Kind: ui.Number, Name: "expected_hours", Label: "Hours of coaching expected per pair", Required: true, Value: "10", Min: "1", Max: "100", Width: "short"},
			}, posted(r, errs), errs)
			v.NewCohort = &ui.Form{Action: sdk.URL(r, "/cohorts"), CSRF: sdk.CSRFField(r), Fields: fields, Errors: errs, Submit: "Start the cohort"}
		}
	}
	return render(w, r, statusOf(errs), "Getting Ahead London", "home", v)
}

func statusTone(s string) ui.Tone {
	switch s {
	case store.Accepted:
		return ui.Success
	case store.Shortlisted:
		return ui.Info
	case store.Declined:
		return ui.Neutral
	}
	return ui.Warning
}

// createCohort starts a cohort at a unit the actor manages.
func createCohort(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	in := store.CohortInput{UnitID: formID(r, "unit"), StartYear: formInt(r, "start_year"), Name: r.PostFormValue("name"),
		Region: r.PostFormValue("region"), ExpectedHours: formInt(r, "expected_hours")}
	if in.UnitID != 0 {
		ok, err := q.host.Can(r.Context(), PermManage, in.UnitID)
		if err != nil {
			return err
		}
		if !ok {
			in.UnitID = 0 // refused below as not chosen
		}
	}
	c, err := q.s.CreateCohort(in)
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showHome(w, r, errs)
	}
	return done(w, r, "Cohort started", "/cohorts/"+itoa(c.ID))
}
