package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

type formView struct {
	Header ui.Header
	Intro  string
	Form   ui.Form
}

// openCohort loads the cohort of the path for an applicant: it must take
// applications (else 404: there is nothing to apply to).
func (q *req) openCohort() (store.Cohort, error) {
	cid, err := id(q.r, "cohort")
	if err != nil {
		return store.Cohort{}, err
	}
	c, err := q.s.Cohort(cid)
	if err != nil || !c.ApplicationsOpen {
		return c, sdk.ErrNotFound
	}
	return c, nil
}

func applyPage(w http.ResponseWriter, r *http.Request) error { return showApply(w, r, nil) }

func showApply(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	c, err := q.openCohort()
	if err != nil {
		return err
	}
	schools, err := q.host.Schools(r.Context())
	if err != nil {
		return err
	}
	fields := []ui.Field{
		{Kind: ui.Select, Name: "school", Label: "Your school", Required: true,
			Options: options("Choose your school", schools, func(s *pluginv1.School) (uint64, string) { return s.GetId(), s.GetName() })},
		{Kind: ui.Select, Name: "post", Label: "Your post", Required: true, Options: choices("Choose your post", rules.Posts)},
		{Kind: ui.Number, Name: "years_senior", Label: "Years in senior leadership", Required: true, Min: "0", Max: "45", Width: "short"},
		{Kind: ui.Checkbox, Name: "applied_before", Label: "I applied for a headship in the last twelve months"},
		{Kind: ui.Textarea, Name: "goals", Label: "What you want from coaching", Required: true, Hint: "A few sentences: where you want to be in two years and what stands in the way"},
	}
	v := formView{Header: ui.Header{Crumbs: []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")}}, Title: "Apply to " + c.Name},
		Intro: "The programme manager shortlists applications and tells you the outcome here.",
		Form:  ui.Form{Action: sdk.URL(r, "/cohorts/"+itoa(c.ID)+"/apply"), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, posted(r, errs), errs), Errors: errs, Submit: "Send my application"}}
	return render(w, r, statusOf(errs), "Apply", "form", v)
}

// apply records the actor's own application: their name and e-mail are
// their account's, and the school one they belong to.
func apply(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.openCohort()
	if err != nil {
		return err
	}
	actor := sdk.ActorFrom(r.Context())
	school := formID(r, "school")
	var errs ui.Errors
	if school != 0 {
		mine, err := q.host.Schools(r.Context(), school)
		if err != nil {
			return err
		}
		if len(mine) == 0 {
			errs.Add("school", "Choose your school from the list")
			school = 0
		}
	}
	if len(errs) == 0 {
		_, err = q.s.Apply(c.ID, store.ApplicationInput{PersonID: q.user, Name: actor.GetUserName(), Email: actor.GetUserEmail(), SchoolID: school,
			Post: r.PostFormValue("post"), YearsSenior: formInt(r, "years_senior"), AppliedBefore: r.PostForm.Has("applied_before"), Goals: r.PostFormValue("goals")})
		if errs, err = failed(err); err != nil {
			return err
		}
	}
	if errs != nil {
		return showApply(w, r, errs)
	}
	return done(w, r, "Application sent", "/")
}

type applicationsView struct {
	Header       ui.Header
	Applications ui.Table
	Participants ui.Table
}

func applicationsPage(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	apps, err := q.s.Applications(c.ID)
	if err != nil {
		return err
	}
	parts, err := q.s.Participants(c.ID)
	if err != nil {
		return err
	}
	var schoolIDs []uint64
	for _, a := range apps {
		schoolIDs = append(schoolIDs, a.SchoolID)
	}
	for _, p := range parts {
		schoolIDs = append(schoolIDs, p.SchoolID)
	}
	names, err := q.schoolNames(schoolIDs)
	if err != nil {
		return err
	}
	csrf := sdk.CSRFField(r)
	var rows []ui.Row
	for _, a := range apps {
		row := ui.Row{"name": a.Name, "school": names[a.SchoolID], "post": rules.PostLabel(a.Post), "years": a.YearsSenior,
			"before": yesNo(a.AppliedBefore), "goals": a.Goals, "status": ui.Badge(statusTone(a.Status), store.StatusLabel(a.Status))}
		if a.Status != store.Accepted {
			row["decide"] = decideForm(sdk.URL(r, "/cohorts/"+itoa(c.ID)+"/applications/"+itoa(a.ID)), csrf, a)
		}
		rows = append(rows, row)
	}
	var prow []ui.Row
	for _, p := range parts {
		state := ui.Badge(ui.Success, "Taking part")
		if p.Withdrawn() {
			state = ui.Badge(ui.Neutral, "Withdrew "+rules.FormatDate(store.ParseDate(p.WithdrawnOn)))
		}
		prow = append(prow, ui.Row{"name": ui.Link{Label: p.Name, Href: sdk.URL(r, "/participants/"+itoa(p.ID))}, "school": names[p.SchoolID],
			"post": rules.PostLabel(p.Post), "state": state})
	}
	v := applicationsView{Header: ui.Header{Crumbs: cohortCrumbs(r, c), Title: "Applications and participants"},
		Applications: ui.Table{Caption: "Applications", ID: "applications", Rows: rows, Empty: "No application yet.",
			Columns: []ui.Column{{Key: "name", Label: "Applicant"}, {Key: "school", Label: "School"}, {Key: "post", Label: "Post"},
				{Key: "years", Label: "Years senior", Numeric: true}, {Key: "before", Label: "Applied for headship in the year before"},
				{Key: "goals", Label: "Wants from coaching"}, {Key: "status", Label: "Status"}, {Key: "decide", Label: "Decide"}}},
		Participants: ui.Table{Caption: "Participants", ID: "participants", Rows: prow, Empty: "No participant yet: accept applications.",
			Columns: []ui.Column{{Key: "name", Label: "Participant"}, {Key: "school", Label: "School"}, {Key: "post", Label: "Post"}, {Key: "state", Label: "State"}}}}
	return render(w, r, http.StatusOK, "Applications", "applications", v)
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func decide(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	aid, err := id(r, "application")
	if err != nil {
		return err
	}
	a, err := q.s.Application(aid)
	if err != nil || a.CohortID != c.ID {
		return sdk.ErrNotFound
	}
	status := r.PostFormValue("status")
	_, err = q.s.Decide(aid, status, q.today)
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return &sdk.HTTPError{Status: http.StatusUnprocessableEntity, Message: "Nothing was saved: choose shortlist, accept or decline."}
	}
	return done(w, r, a.Name+": "+store.StatusLabel(status), "/cohorts/"+itoa(c.ID)+"/applications")
}
