package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// centreCtx is a delivery centre of a trial, loaded for its page or a post.
type centreCtx struct {
	t       store.Trial
	d       trialData
	c       store.Centre
	facs    []store.Facilitator
	days    []store.CentreDay
	logs    []store.Session
	booked  []store.Delegate // delegates of its intervention schools
	schools map[uint64]store.TrialSchool
}

func loadCentre(r *http.Request) (centreCtx, error) {
	var x centreCtx
	var err error
	if x.t, err = loadTrial(r); err != nil {
		return x, err
	}
	unitID, err := pathID(r, "unit")
	if err != nil {
		return x, err
	}
	s := st(r)
	if x.c, err = s.CentreByUnit(x.t.ID, unitID); err != nil {
		return x, err
	}
	if x.d, err = loadData(s, x.t); err != nil {
		return x, err
	}
	if x.facs, err = s.Facilitators(x.c.ID); err != nil {
		return x, err
	}
	if x.days, err = s.Days(x.c.ID); err != nil {
		return x, err
	}
	if x.logs, err = s.Sessions(x.c.ID); err != nil {
		return x, err
	}
	x.schools = map[uint64]store.TrialSchool{}
	for _, ts := range x.d.Schools {
		if ts.CentreID == x.c.ID {
			x.schools[ts.ID] = ts
		}
	}
	for _, d := range x.d.Delegates {
		if ts, ok := x.schools[d.TrialSchoolID]; ok && ts.Arm == store.ArmIntervention && !ts.Withdrawn() {
			x.booked = append(x.booked, d)
		}
	}
	return x, nil
}

func (x centreCtx) path(suffix string) string {
	return fmt.Sprintf("/trials/%d/centres/%d%s", x.t.ID, x.c.UnitID, suffix)
}

// centrePage is a delivery centre of a trial.
func centrePage(w http.ResponseWriter, r *http.Request) error { return centrePages.page(w, r) }

func renderCentre(w http.ResponseWriter, r *http.Request, x centreCtx, f form) error {
	ctx := r.Context()
	host := sdk.HostFrom(ctx)
	ok, err := host.Authorize(ctx, sdk.Check{Permission: PermManage}, sdk.Check{Permission: PermCentre, UnitID: x.c.UnitID},
		sdk.Check{Permission: PermSession, UnitID: x.c.UnitID})
	if err != nil {
		return err
	}
	manage, run, logs := ok[0], ok[1], ok[2]
	people, err := host.PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: []uint64{x.c.UnitID}, IncludeDescendants: true})
	if err != nil {
		return fmt.Errorf("read the centre's people: %w", err)
	}
	names := map[uint64]string{}
	opts := []ui.Option{{Value: "", Label: "Choose a person"}}
	for _, p := range people {
		names[p.GetId()] = p.GetName()
		opts = append(opts, ui.Option{Value: u64(p.GetId()), Label: p.GetName()})
	}
	var tsIDs []uint64
	for _, ts := range x.schools {
		tsIDs = append(tsIDs, ts.SchoolID)
	}
	reach, err := schoolsByID(ctx, tsIDs)
	if err != nil {
		return err
	}
	body := ui.Header{Crumbs: []ui.Crumb{{Label: "EAL trial", Href: sdk.URL(r, "/")}, {Label: x.t.Name, Href: sdk.URL(r, "/trials/"+u64(x.t.ID))}},
		Title: x.c.Name, Lead: fmt.Sprintf("Delivery centre %s of the trial: %d schools.", x.c.Code, len(x.schools))}.HTML()

	// Facilitators and their training.
	var frows []ui.Row
	myFac := uint64(0)
	me := sdk.ActorFrom(ctx).GetUserId()
	for _, fc := range x.facs {
		frows = append(frows, ui.Row{"name": dash(names[fc.PersonID]), "trained": date(fc.TrainedOn)})
		if fc.PersonID == me {
			myFac = fc.ID
		}
	}
	fac := ui.Table{Caption: "Facilitators trained for the centre", ID: "facilitators", Columns: []ui.Column{{Key: "name", Label: "Facilitator"},
		{Key: "trained", Label: "Trained on"}}, Rows: frows, Empty: "No facilitator trained yet."}.HTML()
	if manage {
		fac = html(fac, postForm(r, x.path("/facilitators"), "Record the training", f, "facilitator", []ui.Field{
			{Kind: ui.Select, Name: "person", Label: "Person trained", Hint: "People holding a role at the centre or its schools", Options: opts, Required: true},
			{Kind: ui.Date, Name: "trained_on", Label: "Trained on", Required: true, Width: "short"}}))
	}
	body = html(body, section("facilitators-h", "Facilitators", fac))

	// The three days.
	held := map[int]string{}
	for _, d := range x.days {
		held[d.Day] = d.HeldOn
	}
	daysList := dl("Day 1", date(held[1]), "Day 2", date(held[2]), "Day 3", date(held[3]))
	if run {
		var fields []ui.Field
		for i := 1; i <= rules.Days; i++ {
			fields = append(fields, ui.Field{Kind: ui.Date, Name: fmt.Sprintf("day%d", i), Label: fmt.Sprintf("Day %d", i), Value: held[i], Required: true, Width: "short"})
		}
		daysList = html(daysList, postForm(r, x.path("/days"), "Save the days", f, "days", fields))
	}
	body = html(body, section("days", "Course days", daysList))

	// Attendance of the delegates booked (those of intervention schools).
	body = html(body, section("attendance", "Attendance", attendance(r, x, names, reach, run)))

	// Session logs.
	var srows []ui.Row
	facName := map[uint64]string{}
	for _, fc := range x.facs {
		facName[fc.ID] = names[fc.PersonID]
	}
	for _, s := range x.logs {
		srows = append(srows, ui.Row{"day": s.Day, "facilitator": dash(facName[s.FacilitatorID]), "fidelity": rules.Fidelity[s.Fidelity-1], "notes": s.Notes})
	}
	sess := ui.Table{Caption: "Sessions logged", ID: "sessions", Columns: []ui.Column{{Key: "day", Label: "Day", Numeric: true},
		{Key: "facilitator", Label: "Facilitator"}, {Key: "fidelity", Label: "Fidelity to the programme"}, {Key: "notes", Label: "Notes"}},
		Rows: srows, Empty: "No session logged yet."}.HTML()
	if logs && myFac != 0 {
		dayOpts := []ui.Option{{Value: "", Label: "Choose a day"}}
		for i := 1; i <= rules.Days; i++ {
			dayOpts = append(dayOpts, ui.Option{Value: strconv.Itoa(i), Label: fmt.Sprintf("Day %d", i)})
		}
		fidOpts := []ui.Option{{Value: "", Label: "Choose"}}
		for i, l := range rules.Fidelity {
			fidOpts = append(fidOpts, ui.Option{Value: strconv.Itoa(i + 1), Label: l})
		}
		sess = html(sess, postForm(r, x.path("/sessions"), "Log the session", f, "session", []ui.Field{
			{Kind: ui.Select, Name: "day", Label: "Day", Options: dayOpts, Required: true},
			{Kind: ui.Select, Name: "fidelity", Label: "Fidelity to the programme", Options: fidOpts, Required: true},
			{Kind: ui.Textarea, Name: "notes", Label: "Notes", Hint: "What was changed and why; no delegate's or pupil's name", Rows: 3}}))
	} else if logs {
		sess = html(sess, para("Only a facilitator trained for this centre logs its sessions."))
	}
	body = html(body, section("sessions-h", "Sessions", sess))
	return show(w, r, f.status(), x.c.Name, body)
}

// attendance is one form per day: a checkbox per booked delegate.
func attendance(r *http.Request, x centreCtx, names map[uint64]string, reach map[uint64]*pluginv1.School, run bool) template.HTML {
	if len(x.booked) == 0 {
		return para("No delegate is booked yet: a school's delegates are booked on the centre's three days once its wave is allocated, if the course is theirs.")
	}
	present := map[[2]uint64]bool{}
	for _, a := range x.d.Attendance {
		if a.Present {
			present[[2]uint64{a.DelegateID, uint64(a.Day)}] = true
		}
	}
	var out []template.HTML
	for day := 1; day <= rules.Days; day++ {
		var rows []ui.Row
		for _, d := range x.booked {
			school := x.schools[d.TrialSchoolID].Code
			if sc := reach[x.schools[d.TrialSchoolID].SchoolID]; sc != nil {
				school = sc.GetName()
			}
			id := fmt.Sprintf("present-%d-%d", day, d.ID)
			checked := ""
			if present[[2]uint64{d.ID, uint64(day)}] {
				checked = " checked"
			}
			disabled := ""
			if !run {
				disabled = " disabled"
			}
			rows = append(rows, ui.Row{"present": template.HTML(`<input type="checkbox" id="` + id + `" name="present" value="` + u64(d.ID) + `"` + checked + disabled + `>`),
				"name": template.HTML(`<label for="` + id + `">` + esc(dash(names[d.PersonID])) + `</label>`), "school": school, "subject": d.Subject})
		}
		table := ui.Table{Caption: fmt.Sprintf("Day %d", day), ID: fmt.Sprintf("attendance-%d", day), Columns: []ui.Column{{Key: "present", Label: "Present"},
			{Key: "name", Label: "Delegate"}, {Key: "school", Label: "School"}, {Key: "subject", Label: "Subject"}}, Rows: rows}.HTML()
		if run {
			out = append(out, template.HTML(`<form method="post" action="`+esc(sdk.URL(r, x.path("/attendance")))+`">`), sdk.CSRFField(r),
				template.HTML(`<input type="hidden" name="day" value="`+strconv.Itoa(day)+`">`), table,
				template.HTML(fmt.Sprintf(`<button type="submit">Save day %d's attendance</button></form>`, day)))
		} else {
			out = append(out, table)
		}
	}
	return html(out...)
}

func addFacilitator(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return centrePages.post(w, r, "facilitator", func(x centreCtx, s *store.Store) (change, error) {
		person := formID(r, "person")
		if person != 0 {
			ps, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{IDs: []uint64{person}, UnitIDs: []uint64{x.c.UnitID}, IncludeDescendants: true})
			if err != nil {
				return change{}, err
			}
			if len(ps) == 0 {
				person = 0
			}
		}
		fc, err := s.AddFacilitator(x.c.ID, person, r.PostFormValue("trained_on"), sdk.Now(ctx))
		return change{"facilitator.train", "facilitator", fc.ID, nil, fc, x.path(""), "Training recorded"}, err
	})
}

func setDays(w http.ResponseWriter, r *http.Request) error {
	return centrePages.post(w, r, "days", func(x centreCtx, s *store.Store) (change, error) {
		before, after, err := s.SetDays(x.c.ID, []string{r.PostFormValue("day1"), r.PostFormValue("day2"), r.PostFormValue("day3")})
		return change{"centre.days", "centre", x.c.ID, before, after, x.path(""), "Course days saved"}, err
	})
}

func setAttendance(w http.ResponseWriter, r *http.Request) error {
	return centrePages.post(w, r, "attendance", func(x centreCtx, s *store.Store) (change, error) {
		day, _ := strconv.Atoi(r.PostFormValue("day"))
		present := map[uint64]bool{}
		for _, v := range r.PostForm["present"] {
			id, _ := strconv.ParseUint(v, 10, 64)
			present[id] = true
		}
		var ids []uint64
		for _, d := range x.booked {
			ids = append(ids, d.ID)
		}
		after, err := s.SetAttendance(day, ids, present)
		return change{"centre.attendance", "centre", x.c.ID, nil, map[string]any{"day": day, "attendance": after}, x.path(""),
			fmt.Sprintf("Day %d's attendance saved", day)}, err
	})
}

func logSession(w http.ResponseWriter, r *http.Request) error {
	me := sdk.ActorFrom(r.Context()).GetUserId()
	return centrePages.post(w, r, "session", func(x centreCtx, s *store.Store) (change, error) {
		var fac uint64
		for _, fc := range x.facs {
			if fc.PersonID == me {
				fac = fc.ID
			}
		}
		if fac == 0 {
			return change{}, sdk.ErrForbidden
		}
		day, _ := strconv.Atoi(r.PostFormValue("day"))
		fid, _ := strconv.Atoi(r.PostFormValue("fidelity"))
		v, err := s.LogSession(x.c.ID, day, fac, fid, r.PostFormValue("notes"), sdk.Now(r.Context()))
		return change{"session.log", "session", v.ID, nil, v, x.path(""), "Session logged"}, err
	})
}
