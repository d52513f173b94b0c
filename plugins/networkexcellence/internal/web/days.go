package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// dayRoutes are the days on offer: Leadership Development Days a school
// hosts, hub meetings and the partnership's events, all booked by the same
// rules (internal/booking).
func dayRoutes() []route {
	return []route{
		get("/days", PermDirectory, anywhere, "", "Leadership Development Days and events on offer", daysPage),
		get("/days/:day", PermDirectory, anywhere, "", "A day on offer: book, see bookings, rate", dayPage),
		get("/hosts/:school", PermDayHost, unit, "school", "A host school's days: offer one, see bookings", hostPage),
		post("/hosts/:school/days", PermDayHost, unit, "school", "Offer a Leadership Development Day", offerDay),
		post("/days/:day/book/:school", PermDayBook, unit, "school", "Book a school's leaders on a day", bookDay),
		post("/days/:day/bookings/:booking/cancel/:school", PermDayBook, unit, "school", "Cancel a school's booking", cancelBooking),
		post("/days/:day/attendance/:school", PermDayHost, unit, "school", "Record who came to a hosted day", attendance),
		post("/days/:day/rate", PermDirectory, anywhere, "", "Rate a day you attended", rateDay),
	}
}

// daysTable lists days with their date, title and places.
func daysTable(r *http.Request, caption string, ds []store.Day, empty string) ui.Table {
	t := ui.Table{Caption: caption, Empty: empty, Columns: []ui.Column{{Key: "date", Label: "Date"}, {Key: "title", Label: "Day"},
		{Key: "places", Label: "Places", Numeric: true}, {Key: "price", Label: "Members' price", Numeric: true}}}
	for _, d := range ds {
		if d.Cancelled {
			continue
		}
		t.Rows = append(t.Rows, ui.Row{"date": day(d.Date), "title": link(r, d.Title, path("days", d.ID)),
			"places": fmt.Sprintf("%d %s", d.Capacity, either(d.PerPair(), "pairs", "places")), "price": money(d.MemberPence)})
	}
	return t
}

// either is a when cond holds, else b.
func either(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

type daysView struct {
	common
	Header ui.Header
	Yours  ui.Table
	LDDs   ui.Table
	Events ui.Table
}

func daysPage(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	ldds, err := s.Days(store.DayQuery{Kind: store.KindLDD, From: today(r)})
	if err != nil {
		return err
	}
	events, err := s.Days(store.DayQuery{Kind: store.KindEvent, From: today(r)})
	if err != nil {
		return err
	}
	v := &daysView{common: commonOf(r), Header: ui.Header{Crumbs: crumbs(r), Title: "Days on offer",
		Lead: "Leadership Development Days: a school with expertise hosts 3–6 pairs of leaders from other schools for a structured day. And the partnership's events."}}
	v.LDDs = daysTable(r, "Leadership Development Days", ldds, "No day on offer from today.")
	mine, err := s.BookingsOf(userID(r))
	if err != nil {
		return err
	}
	v.Yours = ui.Table{Caption: "Your days", ID: "your-days", Columns: []ui.Column{{Key: "date", Label: "Date"}, {Key: "title", Label: "Day"},
		{Key: "state", Label: "Booking"}, {Key: "act", Label: "Afterwards"}}}
	for _, b := range mine {
		d, err := s.Day(b.DayID)
		if err != nil {
			return answer(err)
		}
		row := ui.Row{"date": day(d.Date), "title": link(r, d.Title, path("days", d.ID)), "state": bookingState(b.State)}
		if b.State == booking.Booked && d.Date <= today(r) {
			row["act"] = link(r, "Rate it", path("days", d.ID)+"#rate")
		}
		v.Yours.Rows = append(v.Yours.Rows, row)
	}
	v.Events = daysTable(r, "Events", events, "No event from today.")
	return render(w, r, "Days on offer", "days", v)
}

// bookFor is a school the actor may book for, with its leaders.
type bookFor struct {
	School  uint64
	Name    string
	Action  string
	Fields  []ui.Field
	Errors  ui.Errors
	Booked  []ui.Row
	Summary string
}

type dayView struct {
	common
	Header    ui.Header
	Facts     ui.Table
	Terms     string
	What      string
	Left      string
	Places    string
	Forms     []*bookFor
	Mine      ui.Table
	IsHost    bool
	Bookings  ui.Table
	Attend    string
	Rate      []ui.Field
	RateErr   ui.Errors
	RateOn    bool
	RateURL   string
	Rating    string
	Notes     string
	Cancelled bool
}

// actorSchools returns the member schools where the actor holds perm.
func actorSchools(r *http.Request, perm string) ([]uint64, error) {
	ctx := r.Context()
	seen := map[uint64]bool{}
	var units []uint64
	for _, g := range sdk.ActorFrom(ctx).GetGrants() {
		if u := g.GetUnitId(); u != 0 && !seen[u] {
			seen[u] = true
			units = append(units, u)
		}
	}
	if len(units) == 0 {
		return nil, nil
	}
	checks := make([]sdk.Check, len(units))
	for i, u := range units {
		checks[i] = sdk.Check{Permission: perm, UnitID: u}
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
	if err != nil {
		return nil, err
	}
	y, err := st(r).CurrentYear(sdk.Today(ctx))
	if err != nil || y == nil {
		return nil, err
	}
	var out []uint64
	for i, u := range units {
		if ok[i] {
			if _, err := st(r).Member(y.ID, u); err == nil {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

func loadDay(r *http.Request) (*dayView, *store.Day, error) {
	dayID, err := id(r, "day")
	if err != nil {
		return nil, nil, err
	}
	s := st(r)
	d, err := s.Day(dayID)
	if err != nil {
		return nil, nil, answer(err)
	}
	ctx := r.Context()
	host := sdk.HostFrom(ctx)
	bs, err := s.Bookings(d.ID)
	if err != nil {
		return nil, nil, err
	}
	terms, err := s.DayTerms(d.ID)
	if err != nil {
		return nil, nil, err
	}
	var labels []string
	for _, t := range terms {
		labels = append(labels, t.Label)
	}
	// The schools the actor books for: a form each (not for the host's own day).
	mine, err := actorSchools(r, PermDayBook)
	if err != nil {
		return nil, nil, err
	}
	schools := append([]uint64{d.SchoolID}, mine...)
	for _, b := range bs {
		schools = append(schools, b.SchoolID)
	}
	names, err := host.SchoolNames(ctx, uniq(schools)...)
	if err != nil {
		return nil, nil, err
	}
	v := &dayView{common: commonOf(r), Terms: strings.Join(labels, ", "), What: d.Description, Cancelled: d.Cancelled, Notes: d.Notes,
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Days on offer", Href: sdk.URL(r, "/days")}), Title: d.Title,
			Lead: store.DayLabel(d.Kind) + " on " + day(d.Date)}}
	v.Facts = ui.Table{Caption: "The day", Columns: []ui.Column{{Key: "what", Label: "Fact"}, {Key: "value", Label: "Value"}}}
	if d.SchoolID != 0 {
		v.Facts.Rows = append(v.Facts.Rows, ui.Row{"what": "Host", "value": link(r, names[d.SchoolID], path("directory", "schools", d.SchoolID))})
	}
	closes := d.ClosesOn
	if closes == "" {
		closes = dayBefore(d.Date)
	}
	taken, waiting := 0, 0
	for _, b := range bs {
		switch b.State {
		case booking.Booked:
			taken++
		case booking.Waiting:
			waiting++
		}
	}
	unitWord := either(d.PerPair(), "pairs", "places")
	v.Places = fmt.Sprintf("%d of %d %s booked", taken, d.Capacity, unitWord)
	if waiting > 0 {
		v.Places += fmt.Sprintf(", %d on the waiting list", waiting)
	}
	v.Facts.Rows = append(v.Facts.Rows,
		ui.Row{"what": "Date", "value": day(d.Date)},
		ui.Row{"what": "Booking closes", "value": day(closes)},
		ui.Row{"what": "Places", "value": v.Places},
		ui.Row{"what": "Price", "value": money(d.PricePence) + " (members " + money(d.MemberPence) + ")"})
	if d.PerPair() {
		v.Facts.Rows = append(v.Facts.Rows, ui.Row{"what": "Booked as", "value": "pairs of two leaders of one school"})
	}
	mineSet := map[uint64]bool{}
	for _, sc := range mine {
		mineSet[sc] = true
	}
	v.Mine = ui.Table{Caption: "Your school's bookings", ID: "my-bookings", Empty: "None yet.",
		Columns: []ui.Column{{Key: "who", Label: "Who"}, {Key: "state", Label: "State"}, {Key: "act", Label: "Action"}}}
	for _, b := range bs {
		if !mineSet[b.SchoolID] || b.State == booking.Cancelled {
			continue
		}
		row := ui.Row{"who": who(&b), "state": bookingState(b.State)}
		if d.Date > today(r) {
			row["act"] = htmlCell(postButton(r, path("days", d.ID, "bookings", b.ID, "cancel", b.SchoolID), "Cancel", "the booking of "+who(&b)))
		}
		v.Mine.Rows = append(v.Mine.Rows, row)
	}
	if !d.Cancelled && d.Date > today(r) {
		for _, sc := range mine {
			if sc == d.SchoolID {
				continue
			}
			f, err := bookForm(r, d, sc, names[sc])
			if err != nil {
				return nil, nil, err
			}
			v.Forms = append(v.Forms, f)
		}
	}
	// The host sees every booking and takes attendance.
	if d.SchoolID != 0 {
		if v.IsHost, err = host.Can(ctx, PermDayHost, d.SchoolID); err != nil {
			return nil, nil, err
		}
	}
	if v.IsHost {
		v.Attend = sdk.URL(r, path("days", d.ID, "attendance", d.SchoolID))
		v.Bookings = ui.Table{Caption: "Bookings", ID: "bookings", Empty: "No booking yet.", Columns: []ui.Column{{Key: "school", Label: "School"},
			{Key: "who", Label: "Who"}, {Key: "state", Label: "State"}, {Key: "came", Label: "Came"}}}
		for _, b := range bs {
			if b.State == booking.Cancelled {
				continue
			}
			row := ui.Row{"school": names[b.SchoolID], "who": who(&b), "state": bookingState(b.State)}
			if b.State == booking.Booked && d.Date <= today(r) {
				row["came"] = htmlCell(attendBoxes(&b))
			}
			v.Bookings.Rows = append(v.Bookings.Rows, row)
		}
	}
	// Attendees rate the day after it.
	me := userID(r)
	rb := make([]booking.Booking, len(bs))
	for i, b := range bs {
		rb[i] = booking.Booking{ID: b.ID, People: b.People(), State: b.State}
	}
	if booking.CanRate(booking.Day{Date: d.Date}, me, rb, today(r)) == nil {
		v.RateOn, v.RateURL = true, sdk.URL(r, path("days", d.ID, "rate"))
		v.Rate = []ui.Field{{Kind: ui.Number, Name: "score", Label: "How valuable was the day, from 1 to 10?", Min: "1", Max: "10", Required: true, Width: "short"},
			{Kind: ui.Textarea, Name: "comment", Label: "Comment (optional)", Rows: 3}}
	}
	rs, err := s.Ratings(d.ID)
	if err != nil {
		return nil, nil, err
	}
	scores := make([]int, len(rs))
	for i, x := range rs {
		scores[i] = x.Score
		if x.PersonID == me && v.RateOn {
			v.Rate[0].Value, v.Rate[1].Value = strconv.Itoa(x.Score), x.Comment
		}
	}
	if len(rs) > 0 {
		a := booking.Mean(scores, 10)
		v.Rating = fmt.Sprintf("Rated %s by %d %s", a, a.N, either(a.N == 1, "attendee", "attendees"))
	}
	return v, d, nil
}

func dayBefore(d string) string {
	t, err := timeParse(d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, -1).Format("2006-01-02")
}

func who(b *store.Booking) string {
	if b.Name2 == "" {
		return b.Name1
	}
	return b.Name1 + " and " + b.Name2
}

func bookingState(state string) string {
	switch state {
	case booking.Booked:
		return "Booked"
	case booking.Waiting:
		return "On the waiting list"
	}
	return "Cancelled"
}

func attendBoxes(b *store.Booking) string {
	box := func(n int, name string, on bool) string {
		c := ""
		if on {
			c = " checked"
		}
		id := fmt.Sprintf("came-%d-%d", b.ID, n)
		return fmt.Sprintf(`<input type="checkbox" form="attendance" id="%s" name="%s" value="%d"%s> <label for="%s">%s</label> `,
			id, fmt.Sprintf("came%d", n), b.ID, c, id, escape(name))
	}
	out := box(1, b.Name1, b.Attended1)
	if b.Name2 != "" {
		out += box(2, b.Name2, b.Attended2)
	}
	return out
}

// bookForm is the form to book a school's leaders on d.
func bookForm(r *http.Request, d *store.Day, school uint64, name string) (*bookFor, error) {
	ctx := r.Context()
	people, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: []uint64{school}})
	if err != nil {
		return nil, err
	}
	opts := []ui.Option{{Value: "", Label: "Choose a leader"}}
	for _, p := range people {
		opts = append(opts, ui.Option{Value: fmt.Sprint(p.GetId()), Label: p.GetName()})
	}
	f := &bookFor{School: school, Name: name, Action: sdk.URL(r, path("days", d.ID, "book", school))}
	sfx := fmt.Sprint("-", school)
	if d.PerPair() {
		f.Fields = []ui.Field{{Kind: ui.Select, Name: "leader_1", ID: "f-leader_1" + sfx, Label: "First leader", Options: opts, Required: true},
			{Kind: ui.Select, Name: "leader_2", ID: "f-leader_2" + sfx, Label: "Second leader", Options: opts, Required: true}}
	} else {
		f.Fields = []ui.Field{{Kind: ui.Select, Name: "person", ID: "f-person" + sfx, Label: "Who is coming", Options: opts, Required: true}}
	}
	f.Fields = append(f.Fields, ui.Field{Kind: ui.Checkbox, Name: "wait", ID: "f-wait" + sfx, Label: "Join the waiting list if the day is full", Value: "yes"})
	return f, nil
}

func dayPage(w http.ResponseWriter, r *http.Request) error {
	v, _, err := loadDay(r)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "day", v)
}

func bookDay(w http.ResponseWriter, r *http.Request) error {
	dayID, err := id(r, "day")
	if err != nil {
		return err
	}
	school, err := id(r, "school")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var people []uint64
	for _, f := range []string{"leader_1", "leader_2", "person"} {
		if r.PostForm.Has(f) {
			people = append(people, formID(r, f))
		}
	}
	// Only the school's own people may be booked: their names come from the core.
	var ids []uint64
	for _, p := range people {
		if p != 0 {
			ids = append(ids, p)
		}
	}
	names := make([]string, len(people))
	if len(ids) > 0 {
		found, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{IDs: ids, UnitIDs: []uint64{school}})
		if err != nil {
			return err
		}
		byID := map[uint64]string{}
		for _, p := range found {
			byID[p.GetId()] = p.GetName()
		}
		for i, p := range people {
			if p != 0 && byID[p] == "" {
				return refusedBooking(w, r, school, store.Invalid([]string{"leader_1", "leader_2", "person"}[min(i, 2)], "Choose one of your school's leaders from the list"))
			}
			names[i] = byID[p]
		}
	}
	in := store.BookInput{People: people, Names: names, Wait: r.PostFormValue("wait") == "yes"}
	var b *store.Booking
	err = st(r).Tx(func(tx *store.Store) error {
		var err error
		if b, err = tx.BookDay(dayID, school, in, userID(r), today(r), now(r)); err != nil {
			return err
		}
		return sdk.AuditTx(ctx, tx.DB(), AuditPrefix+"day.book", "booking", strconv.FormatUint(b.ID, 10), nil, b)
	})
	if err != nil {
		return refusedBooking(w, r, school, err)
	}
	msg := "Booked: " + who(b)
	if b.State == booking.Waiting {
		msg = who(b) + " joined the waiting list; they are booked when a place comes free"
	}
	ui.Flash(w, msg)
	return redirect(w, r, path("days", dayID))
}

// refusedBooking answers a refused booking (422): the day's page with the
// school's form as it was posted and the reason beside its field.
func refusedBooking(w http.ResponseWriter, r *http.Request, school uint64, err error) error {
	errs, ok := ui.ErrorsOf(err)
	if !ok {
		return answer(err)
	}
	v, _, lerr := loadDay(r)
	if lerr != nil {
		return lerr
	}
	for _, f := range v.Forms {
		if f.School == school {
			f.Errors = errs
			f.Fields = ui.Bind(f.Fields, r.PostForm, errs)
		}
	}
	return renderStatus(w, r, http.StatusUnprocessableEntity, v.Header.Title, "day", v)
}

func cancelBooking(w http.ResponseWriter, r *http.Request) error {
	dayID, err := id(r, "day")
	if err != nil {
		return err
	}
	bid, err := id(r, "booking")
	if err != nil {
		return err
	}
	school, err := id(r, "school")
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		b, err := tx.Booking(bid)
		if err != nil || b.DayID != dayID || b.SchoolID != school {
			return change{}, store.ErrNotFound
		}
		c, moved, err := tx.CancelBooking(bid, today(r), now(r))
		if err != nil {
			return change{}, err
		}
		flash := "Booking cancelled"
		if len(moved) > 0 {
			flash += fmt.Sprintf("; %d from the waiting list moved up", len(moved))
		}
		return change{"day.cancel", "booking", bid, b, map[string]any{"booking": c, "moved_up": len(moved)}, path("days", dayID), flash}, nil
	})
}

func attendance(w http.ResponseWriter, r *http.Request) error {
	dayID, err := id(r, "day")
	if err != nil {
		return err
	}
	school, err := id(r, "school")
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		d, err := tx.Day(dayID)
		if err != nil || d.SchoolID != school {
			return change{}, store.ErrNotFound
		}
		bs, err := tx.Bookings(dayID)
		if err != nil {
			return change{}, err
		}
		came := map[uint64][2]bool{}
		one, two := set(r.PostForm["came1"]), set(r.PostForm["came2"])
		for _, b := range bs {
			if b.State == booking.Booked {
				came[b.ID] = [2]bool{one[b.ID], two[b.ID]}
			}
		}
		if err := tx.SetAttendance(dayID, came, today(r)); err != nil {
			return change{}, err
		}
		return change{"day.attendance", "day", dayID, nil, came, path("days", dayID), "Attendance recorded"}, nil
	})
}

func set(vs []string) map[uint64]bool {
	out := map[uint64]bool{}
	for _, v := range vs {
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			out[n] = true
		}
	}
	return out
}

func rateDay(w http.ResponseWriter, r *http.Request) error {
	dayID, err := id(r, "day")
	if err != nil {
		return err
	}
	in := store.RateInput{Score: r.PostFormValue("score"), Comment: r.PostFormValue("comment")}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		x, err := tx.Rate(dayID, userID(r), in, today(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"day.rate", "rating", x.ID, nil, map[string]int{"score": x.Score}, path("days", dayID), "Thank you: your rating is recorded"}, nil
	})
	if err == nil {
		return nil
	}
	errs, ok := ui.ErrorsOf(err)
	if !ok {
		return answer(err)
	}
	v, _, lerr := loadDay(r)
	if lerr != nil {
		return lerr
	}
	if v.RateOn {
		v.RateErr, v.Rate = errs, ui.Bind(v.Rate, r.PostForm, errs)
		return renderStatus(w, r, http.StatusUnprocessableEntity, v.Header.Title, "day", v)
	}
	return answer(err)
}

// postButton is a small POST form with one button, as a table cell.
func postButton(r *http.Request, p, label, what string) string {
	return `<form method="post" action="` + escape(sdk.URL(r, p)) + `">` + string(sdk.CSRFField(r)) +
		`<button type="submit" class="ui-button-secondary">` + escape(label) + `<span class="visually-hidden"> ` + escape(what) + `</span></button></form>`
}
