package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

type eventsView struct {
	Header ui.Header
	Events ui.Table
	Add    ui.Form
}

func eventsPage(w http.ResponseWriter, r *http.Request) error { return showEvents(w, r, nil) }

func showEvents(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	events, err := q.s.Events(c.ID)
	if err != nil {
		return err
	}
	var eids, sids []uint64
	for _, e := range events {
		eids, sids = append(eids, e.ID), append(sids, e.SchoolID)
	}
	att, err := q.s.AttendanceOf(eids)
	if err != nil {
		return err
	}
	names, err := q.schoolNames(sids)
	if err != nil {
		return err
	}
	schools, err := q.host.Schools(r.Context())
	if err != nil {
		return err
	}
	var rows []ui.Row
	for _, e := range events {
		rows = append(rows, ui.Row{"held": store.ParseDate(e.HeldOn), "kind": rules.EventKindLabel(e.Kind),
			"title": ui.Link{Label: e.Title, Href: sdk.URL(r, "/events/"+itoa(e.ID))}, "host": dash(names[e.SchoolID]), "present": len(att[e.ID])})
	}
	from, _ := rules.YearBounds(c.StartYear)
	fields := []ui.Field{
		{Kind: ui.Select, Name: "kind", Label: "Kind", Required: true, Options: choices("Choose", rules.EventKinds)},
		{Kind: ui.Text, Name: "title", Label: "Title", Required: true},
		{Kind: ui.Date, Name: "held_on", Label: "Date", Required: true, Width: "short", Value: from.AddDate(0, 1, 0).Format("2006-01-02")},
		{Kind: ui.Select, Name: "school", Label: "Host school", Hint: "For a shadowing day",
			Options: options("None", schools, func(s *pluginv1.School) (uint64, string) { return s.GetId(), s.GetName() })},
		{Kind: ui.Textarea, Name: "notes", Label: "Notes", Rows: 2},
	}
	v := eventsView{Header: ui.Header{Crumbs: cohortCrumbs(r, c), Title: "Events"},
		Events: ui.Table{Caption: "Networking events and shadowing days", ID: "events", Rows: rows, Empty: "No event yet.",
			Columns: []ui.Column{{Key: "held", Label: "Date"}, {Key: "kind", Label: "Kind"}, {Key: "title", Label: "Event"},
				{Key: "host", Label: "Host school"}, {Key: "present", Label: "Present", Numeric: true}}},
		Add: ui.Form{Action: sdk.URL(r, "/cohorts/"+itoa(c.ID)+"/events"), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, posted(r, errs), errs), Errors: errs, Submit: "Add the event"}}
	return render(w, r, statusOf(errs), "Events", "events", v)
}

func addEvent(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	_, err = q.s.AddEvent(c.ID, store.EventInput{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), HeldOn: r.PostFormValue("held_on"),
		Notes: r.PostFormValue("notes"), SchoolID: formID(r, "school")})
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showEvents(w, r, errs)
	}
	return done(w, r, "Event added", "/cohorts/"+itoa(c.ID)+"/events")
}

type eventView struct {
	Header ui.Header
	Facts  []fact
	Action string
	CSRF   template.HTML
	People []ui.Field
}

// event loads the event of the path, for the manager of its cohort.
func (q *req) event() (store.Event, store.Cohort, error) {
	eid, err := id(q.r, "event")
	if err != nil {
		return store.Event{}, store.Cohort{}, err
	}
	e, err := q.s.Event(eid)
	if err != nil {
		_, err = failed(err)
		return e, store.Cohort{}, err
	}
	c, err := q.s.Cohort(e.CohortID)
	if err != nil {
		return e, c, err
	}
	ok, err := q.manages(c)
	if err != nil {
		return e, c, err
	}
	if !ok {
		return e, c, sdk.ErrNotFound
	}
	return e, c, nil
}

func eventPage(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	e, c, err := q.event()
	if err != nil {
		return err
	}
	coaches, err := q.s.Coaches(c.ID)
	if err != nil {
		return err
	}
	parts, err := q.s.Participants(c.ID)
	if err != nil {
		return err
	}
	att, err := q.s.AttendanceOf([]uint64{e.ID})
	if err != nil {
		return err
	}
	names, err := q.schoolNames([]uint64{e.SchoolID})
	if err != nil {
		return err
	}
	present := map[store.Member]bool{}
	for _, m := range att[e.ID] {
		present[m] = true
	}
	var people []ui.Field
	for _, p := range parts {
		people = append(people, ui.Field{Kind: ui.Checkbox, Name: "participant_" + itoa(p.ID), Label: p.Name + " (participant)", Checked: present[store.Member{Side: store.SideParticipant, ID: p.ID}]})
	}
	for _, co := range coaches {
		people = append(people, ui.Field{Kind: ui.Checkbox, Name: "coach_" + itoa(co.ID), Label: co.Name + " (coach)", Checked: present[store.Member{Side: store.SideCoach, ID: co.ID}]})
	}
	v := eventView{Header: ui.Header{Crumbs: append(cohortCrumbs(r, c), ui.Crumb{Label: "Events", Href: sdk.URL(r, "/cohorts/"+itoa(c.ID)+"/events")}), Title: e.Title},
		Facts: []fact{{"Kind", rules.EventKindLabel(e.Kind)}, {"Date", rules.FormatDate(store.ParseDate(e.HeldOn))}, {"Host school", dash(names[e.SchoolID])},
			{"Notes", dash(e.Notes)}, {"Present", strconv.Itoa(len(att[e.ID]))}},
		Action: sdk.URL(r, "/events/"+itoa(e.ID)+"/attendance"), CSRF: sdk.CSRFField(r), People: people}
	return render(w, r, http.StatusOK, e.Title, "event", v)
}

func setAttendance(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	e, _, err := q.event()
	if err != nil {
		return err
	}
	var present []store.Member
	for key := range r.PostForm {
		side, idText, ok := strings.Cut(key, "_")
		if ok && (side == store.SideCoach || side == store.SideParticipant) {
			present = append(present, store.Member{Side: side, ID: parseID(idText)})
		}
	}
	errs, err := failed(q.s.SetAttendance(e.ID, present))
	if err != nil {
		return err
	}
	if errs != nil {
		return &sdk.HTTPError{Status: http.StatusUnprocessableEntity, Message: "Nothing was saved: tick only the cohort's coaches and participants."}
	}
	return done(w, r, "Attendance saved", "/events/"+itoa(e.ID))
}
