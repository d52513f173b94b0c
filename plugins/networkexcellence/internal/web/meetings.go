package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// meetingRoutes are a hub's termly meetings and the partnership's events,
// booked by the same rules as Leadership Development Days (one person a
// booking, on the day's page).
func meetingRoutes() []route {
	return []route{
		get("/hubs/:unit/meetings", PermHubRead, unit, "unit", "A hub's meetings: agenda, attendance, notes and actions", meetingsPage),
		post("/hubs/:unit/meetings", PermHubPlan, unit, "unit", "Plan a hub meeting", addMeeting),
		post("/hubs/:unit/meetings/:day/notes", PermHubPlan, unit, "unit", "Record a hub meeting's notes and actions", saveNotes),
		get("/events", PermManage, tenant, "", "The partnership's events: add one", eventsPage),
		post("/events", PermManage, tenant, "", "Add a partnership event (conference, induction day, TeachMeet)", addEvent),
	}
}

func dayFields(capacityLabel, capacityHint, capacity, agendaLabel string) []ui.Field {
	return []ui.Field{
		{Kind: ui.Date, Name: "date", Label: "Date", Required: true, Width: "short"},
		{Kind: ui.Text, Name: "title", Label: "Title", Required: true},
		{Kind: ui.Textarea, Name: "description", Label: agendaLabel, Rows: 4},
		{Kind: ui.Number, Name: "capacity", Label: capacityLabel, Hint: capacityHint, Value: capacity, Min: "1", Max: "2000", Required: true, Width: "short"},
		{Kind: ui.Text, Name: "price", Label: "Price (£)", Value: "0", Width: "short"},
		{Kind: ui.Text, Name: "member_price", Label: "Members' price (£)", Value: "0", Width: "short"},
		{Kind: ui.Date, Name: "closes_on", Label: "Booking closes on", Hint: "Leave empty to close the day before.", Width: "short"},
	}
}

func dayInput(r *http.Request) store.DayInput {
	return store.DayInput{Date: r.PostFormValue("date"), ClosesOn: r.PostFormValue("closes_on"), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Capacity: r.PostFormValue("capacity"), Price: r.PostFormValue("price"), MemberPrice: r.PostFormValue("member_price")}
}

type meetingsView struct {
	common
	Header     ui.Header
	Priorities []string
	Meetings   []meetingItem
	CanPlan    bool
	Fields     []ui.Field
	Errors     ui.Errors
	Action     string
}

type meetingItem struct {
	Day, Title, Href, Agenda, Notes, NotesAction string
	Fields                                       []ui.Field
	Errors                                       ui.Errors
	Past                                         bool
}

func loadMeetings(r *http.Request) (*meetingsView, error) {
	hub, err := id(r, "unit")
	if err != nil {
		return nil, err
	}
	s := st(r)
	hubs, err := s.Hubs()
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	canPlan, err := sdk.HostFrom(ctx).Can(ctx, PermHubPlan, hub)
	if err != nil {
		return nil, err
	}
	v := &meetingsView{common: commonOf(r), CanPlan: canPlan, Action: sdk.URL(r, path("hubs", hub, "meetings")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: hubs[hub], Href: sdk.URL(r, path("hubs", hub))}), Title: "Hub meetings",
			Lead: "The hub's termly meetings: an agenda against the Hub Action Plan's priorities, who comes (booked on the meeting's page), notes and actions."}}
	if y, err := s.CurrentYear(sdk.Today(ctx)); err == nil && y != nil {
		plan, err := s.PlanOf(y.ID, hub)
		if err != nil {
			return nil, err
		}
		for _, p := range plan.Priorities {
			v.Priorities = append(v.Priorities, p.Title)
		}
	}
	ds, err := s.Days(store.DayQuery{Kind: store.KindMeeting, HubID: hub})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		it := meetingItem{Day: day(d.Date), Title: d.Title, Href: sdk.URL(r, path("days", d.ID)), Agenda: d.Description, Notes: d.Notes,
			Past: d.Date <= today(r), NotesAction: sdk.URL(r, path("hubs", hub, "meetings", d.ID, "notes"))}
		it.Fields = []ui.Field{{Kind: ui.Textarea, Name: "notes", ID: fmt.Sprintf("f-notes-%d", d.ID), Label: "Notes and actions of " + d.Title, Value: d.Notes, Rows: 5, Required: true}}
		v.Meetings = append(v.Meetings, it)
	}
	agenda := "Agenda"
	if len(v.Priorities) > 0 {
		agenda = "Agenda (the plan's priorities: " + strings.Join(v.Priorities, "; ") + ")"
	}
	v.Fields = dayFields("Places", "People from the hub's schools who may come.", "30", agenda)
	return v, nil
}

func meetingsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadMeetings(r)
	if err != nil {
		return err
	}
	return render(w, r, "Hub meetings", "meetings", v)
}

func addMeeting(w http.ResponseWriter, r *http.Request) error {
	hub, err := id(r, "unit")
	if err != nil {
		return err
	}
	in := dayInput(r)
	err = commit(w, r, func(tx *store.Store) (change, error) {
		d, err := tx.OfferDay(store.KindMeeting, 0, hub, in, userID(r), today(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"meeting.add", "day", d.ID, nil, d, path("hubs", hub, "meetings"), "Meeting planned: the hub's schools book their places on its page"}, nil
	})
	return again(w, r, err, "Hub meetings", "meetings", func() (*meetingsView, error) { return loadMeetings(r) },
		func(v *meetingsView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}

func saveNotes(w http.ResponseWriter, r *http.Request) error {
	hub, err := id(r, "unit")
	if err != nil {
		return err
	}
	dayID, err := id(r, "day")
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		d, err := tx.Day(dayID)
		if err != nil || d.HubID != hub {
			return change{}, store.ErrNotFound
		}
		before, after, err := tx.SaveNotes(dayID, r.PostFormValue("notes"), today(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"meeting.notes", "day", dayID, before, after, path("hubs", hub, "meetings"), "Notes saved"}, nil
	})
	return again(w, r, err, "Hub meetings", "meetings", func() (*meetingsView, error) { return loadMeetings(r) },
		func(v *meetingsView) (*[]ui.Field, *ui.Errors) { return nil, &v.Errors })
}

type eventsView struct {
	common
	Header ui.Header
	Events ui.Table
	Fields []ui.Field
	Errors ui.Errors
	Action string
}

func loadEvents(r *http.Request) (*eventsView, error) {
	ds, err := st(r).Days(store.DayQuery{Kind: store.KindEvent})
	if err != nil {
		return nil, err
	}
	v := &eventsView{common: commonOf(r), Action: sdk.URL(r, "/events"),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Days on offer", Href: sdk.URL(r, "/days")}), Title: "Partnership events",
			Lead: "The national conference, induction days for new members and new heads, hub TeachMeets: booked by schools on each event's page, one person a place."}}
	v.Events = daysTable(r, "Events", ds, "No event yet.")
	v.Fields = dayFields("Places", "", "100", "What it is")
	return v, nil
}

func eventsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadEvents(r)
	if err != nil {
		return err
	}
	return render(w, r, "Partnership events", "events", v)
}

func addEvent(w http.ResponseWriter, r *http.Request) error {
	in := dayInput(r)
	err := commit(w, r, func(tx *store.Store) (change, error) {
		d, err := tx.OfferDay(store.KindEvent, 0, 0, in, userID(r), today(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"event.add", "day", d.ID, nil, d, path("days", d.ID), "Event added: schools book it on its page"}, nil
	})
	return again(w, r, err, "Partnership events", "events", func() (*eventsView, error) { return loadEvents(r) },
		func(v *eventsView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}
