package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/roles"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

type coachesView struct {
	Header  ui.Header
	Coaches ui.Table
	Add     ui.Form
}

func coachesPage(w http.ResponseWriter, r *http.Request) error { return showCoaches(w, r, nil) }

func showCoaches(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	coaches, err := q.s.Coaches(c.ID)
	if err != nil {
		return err
	}
	people, err := q.host.PeopleWhere(r.Context(), sdk.PeopleQuery{Roles: roles.CoachCandidates})
	if err != nil {
		return err
	}
	schools, err := q.host.Schools(r.Context())
	if err != nil {
		return err
	}
	var schoolIDs []uint64
	for _, co := range coaches {
		schoolIDs = append(schoolIDs, co.SchoolID)
	}
	names, err := q.schoolNames(schoolIDs)
	if err != nil {
		return err
	}
	var rows []ui.Row
	for _, co := range coaches {
		state := ui.Badge(ui.Success, "Coaching")
		if co.Withdrawn() {
			state = ui.Badge(ui.Neutral, "Withdrew "+rules.FormatDate(store.ParseDate(co.WithdrawnOn)))
		}
		rows = append(rows, ui.Row{"name": ui.Link{Label: co.Name, Href: sdk.URL(r, "/coaches/"+itoa(co.ID))}, "school": names[co.SchoolID],
			"phase": rules.PhaseLabel(co.Phase), "borough": co.Borough, "capacity": co.Capacity, "state": state})
	}
	fields := []ui.Field{
		{Kind: ui.Select, Name: "person", Label: "Coach", Required: true, Hint: "A headteacher or trust leader with an account",
			Options: options("Choose a person", people, func(p *pluginv1.Person) (uint64, string) { return p.GetId(), p.GetName() })},
		{Kind: ui.Select, Name: "school", Label: "Their school", Hint: "Leave empty for a trust leader without a school of their own",
			Options: options("No school", schools, func(s *pluginv1.School) (uint64, string) { return s.GetId(), s.GetName() })},
		{Kind: ui.Select, Name: "phase", Label: "Phase they have led in", Required: true, Options: choices("Choose a phase", rules.Phases)},
		{Kind: ui.Textarea, Name: "expertise", Label: "Expertise", Rows: 2},
		{Kind: ui.Text, Name: "borough", Label: "Borough", Width: "short"},
		{Kind: ui.Number, Name: "capacity", Label: "Participants they take", Required: true, Value: "3", Min: "1", Max: strconv.Itoa(store.MaxCapacity), Width: "short"},
	}
	v := coachesView{Header: ui.Header{Crumbs: cohortCrumbs(r, c), Title: "Coaches"},
		Coaches: ui.Table{Caption: "Coaches of the cohort", ID: "coaches", Rows: rows, Empty: "No coach recruited yet.",
			Columns: []ui.Column{{Key: "name", Label: "Coach"}, {Key: "school", Label: "School"}, {Key: "phase", Label: "Phase"},
				{Key: "borough", Label: "Borough"}, {Key: "capacity", Label: "Places", Numeric: true}, {Key: "state", Label: "State"}}},
		Add: ui.Form{Action: sdk.URL(r, "/cohorts/"+itoa(c.ID)+"/coaches"), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, posted(r, errs), errs), Errors: errs, Submit: "Recruit the coach"}}
	return render(w, r, statusOf(errs), "Coaches", "coaches", v)
}

// addCoach recruits a person the manager can see as a coach; the coach's
// name and e-mail are their account's.
func addCoach(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	var errs ui.Errors
	in := store.CoachInput{SchoolID: formID(r, "school"), Phase: r.PostFormValue("phase"), Expertise: r.PostFormValue("expertise"),
		Borough: r.PostFormValue("borough"), Capacity: formInt(r, "capacity")}
	if pid := formID(r, "person"); pid != 0 {
		people, err := q.host.PeopleWhere(r.Context(), sdk.PeopleQuery{IDs: []uint64{pid}})
		if err != nil {
			return err
		}
		if len(people) == 1 {
			in.PersonID, in.Name, in.Email = pid, people[0].GetName(), people[0].GetEmail()
		}
	}
	if in.PersonID == 0 {
		errs.Add("person", "Choose the coach from the list")
	}
	if len(errs) == 0 {
		_, err = q.s.AddCoach(c.ID, in)
		if errs, err = failed(err); err != nil {
			return err
		}
	}
	if errs != nil {
		return showCoaches(w, r, errs)
	}
	return done(w, r, in.Name+" recruited", "/cohorts/"+itoa(c.ID)+"/coaches")
}

type coachView struct {
	Header      ui.Header
	Profile     []fact
	Pairs       ui.Table
	RankingLink string
	Edit        *ui.Form
}

type fact struct{ Term, Detail string }

func coachPage(w http.ResponseWriter, r *http.Request) error { return showCoach(w, r, nil) }

func showCoach(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	co, rel, err := q.coach()
	if err != nil {
		return err
	}
	pairs, err := q.s.PairsOf(store.SideCoach, []uint64{co.ID})
	if err != nil {
		return err
	}
	var pids []uint64
	for _, p := range pairs {
		pids = append(pids, p.ParticipantID)
	}
	parts, err := q.s.ParticipantsByID(pids)
	if err != nil {
		return err
	}
	schoolIDs := []uint64{co.SchoolID}
	for _, p := range parts {
		schoolIDs = append(schoolIDs, p.SchoolID)
	}
	names, err := q.schoolNames(schoolIDs)
	if err != nil {
		return err
	}
	crumbs := []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")}}
	if rel.Manager {
		crumbs = cohortCrumbs(r, rel.Cohort)
	}
	v := coachView{Header: ui.Header{Crumbs: crumbs, Title: co.Name, Lead: "Coach in " + rel.Cohort.Name + "."},
		Profile: []fact{{"School", dash(names[co.SchoolID])}, {"Phase", rules.PhaseLabel(co.Phase)}, {"Expertise", dash(co.Expertise)},
			{"Borough", dash(co.Borough)}, {"Places", strconv.Itoa(co.Capacity)}, {"E-mail", dash(co.Email)}},
		RankingLink: sdk.URL(r, "/coaches/"+itoa(co.ID)+"/rankings")}
	if co.Withdrawn() {
		v.Profile = append(v.Profile, fact{"Withdrew", rules.FormatDate(store.ParseDate(co.WithdrawnOn))})
	}
	var rows []ui.Row
	for _, p := range pairs {
		pt := parts[p.ParticipantID]
		state := ui.Badge(ui.Success, "Under way")
		if !p.Active() {
			state = ui.Badge(ui.Neutral, "Ended "+rules.FormatDate(store.ParseDate(p.EndedOn)))
		}
		rows = append(rows, ui.Row{"participant": ui.Link{Label: pt.Name, Href: sdk.URL(r, "/pairs/"+itoa(p.ID))}, "school": names[pt.SchoolID],
			"post": rules.PostLabel(pt.Post), "started": store.ParseDate(p.StartedOn), "state": state})
	}
	v.Pairs = ui.Table{Caption: "Participants", ID: "participants", Rows: rows, Empty: "No participant yet: the match is not published.",
		Columns: []ui.Column{{Key: "participant", Label: "Participant"}, {Key: "school", Label: "School"}, {Key: "post", Label: "Post"},
			{Key: "started", Label: "Since"}, {Key: "state", Label: "State"}}}
	fields := []ui.Field{
		{Kind: ui.Select, Name: "phase", Label: "Phase led in", Required: true, Options: choices("Choose a phase", rules.Phases), Value: co.Phase},
		{Kind: ui.Textarea, Name: "expertise", Label: "Expertise", Rows: 2, Value: co.Expertise},
		{Kind: ui.Text, Name: "borough", Label: "Borough", Width: "short", Value: co.Borough},
		{Kind: ui.Number, Name: "capacity", Label: "Participants taken", Required: true, Value: strconv.Itoa(co.Capacity), Min: "1", Max: strconv.Itoa(store.MaxCapacity), Width: "short"},
	}
	v.Edit = &ui.Form{Action: sdk.URL(r, "/coaches/"+itoa(co.ID)), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, posted(r, errs), errs), Errors: errs, Submit: "Save the profile"}
	return render(w, r, statusOf(errs), co.Name, "coach", v)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// updateCoach corrects a profile: the coach's own, or one of a cohort the
// actor runs.
func updateCoach(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	co, _, err := q.coach()
	if err != nil {
		return err
	}
	_, err = q.s.UpdateCoach(co.ID, store.CoachInput{Name: co.Name, Email: co.Email, SchoolID: co.SchoolID, Phase: r.PostFormValue("phase"),
		Expertise: r.PostFormValue("expertise"), Borough: r.PostFormValue("borough"), Capacity: formInt(r, "capacity")})
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showCoach(w, r, errs)
	}
	return done(w, r, "Profile saved", "/coaches/"+itoa(co.ID))
}
