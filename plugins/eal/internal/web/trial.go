package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/census"
	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// trialPage is a trial: its phases, the CONSORT diagram, progress per
// centre and per school (those within the actor's reach), and the trial
// manager's forms.
func trialPage(w http.ResponseWriter, r *http.Request) error {
	return renderTrial(w, r, form{})
}

func renderTrial(w http.ResponseWriter, r *http.Request, f form) error {
	ctx := r.Context()
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	d, err := loadData(st(r), t)
	if err != nil {
		return err
	}
	host := sdk.HostFrom(ctx)
	reach, err := host.Schools(ctx) // every school the actor reaches: names, and candidates to recruit
	if err != nil {
		return fmt.Errorf("read schools: %w", err)
	}
	byID := map[uint64]*pluginv1.School{}
	for _, s := range reach {
		byID[s.GetId()] = s
	}
	checks := []sdk.Check{{Permission: PermManage}}
	inTrial := map[uint64]bool{}
	for _, s := range d.Schools {
		inTrial[s.SchoolID] = true
	}
	var joinable []*pluginv1.School
	for _, s := range reach {
		if !inTrial[s.GetId()] && inCentre(s, d.Centres) {
			joinable = append(joinable, s)
			checks = append(checks, sdk.Check{Permission: PermJoin, UnitID: s.GetId()})
		}
	}
	ok, err := host.Authorize(ctx, checks...)
	if err != nil {
		return err
	}
	manage := ok[0]
	var mayJoin []*pluginv1.School
	for i, s := range joinable {
		if ok[i+1] {
			mayJoin = append(mayJoin, s)
		}
	}
	var actions []ui.Link
	if manage {
		actions = []ui.Link{{Label: "Randomisation", Href: sdk.URL(r, "/trials/"+u64(t.ID)+"/randomisation")},
			{Label: "Evaluator's exports", Href: sdk.URL(r, "/trials/"+u64(t.ID)+"/exports"), Secondary: true}}
	}
	phase, begun := t.Schedule().On(sdk.Today(ctx))
	lead := "Registration " + t.RegistrationID + ". "
	if begun {
		lead += "Phase today: " + phase.Label() + "."
	} else {
		lead += "Recruitment starts " + date(t.RecruitmentOn) + "."
	}
	diagram := d.consort()
	diagram.SuppressPupils = true
	body := html(ui.Header{Crumbs: []ui.Crumb{{Label: "EAL trial", Href: sdk.URL(r, "/")}}, Title: t.Name, Lead: lead, Actions: actions}.HTML(),
		section("phases", "Phases", phasesList(t, phase, begun)),
		section("consort", "CONSORT flow diagram", diagram.HTML("consort-diagram")),
		section("centres", "Progress per centre", centreTable(r, d)),
		section("schools", "Progress per school", schoolTable(r, d, byID)))
	if len(mayJoin) > 0 && len(d.Centres) > 0 {
		body = html(body, section("interest", "Express your school's interest", interestForms(r, t, d, mayJoin, f)))
	}
	if manage {
		units, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE)
		if err != nil {
			return fmt.Errorf("read delivery centres: %w", err)
		}
		body = html(body, manageForms(r, t, d, units, reach, f))
	}
	return show(w, r, f.status(), t.Name, body)
}

// inCentre reports whether a school is in one of the trial's centres (it
// may then join the trial at that centre).
func inCentre(s *pluginv1.School, cs []store.Centre) bool {
	for _, c := range cs {
		if slices.Contains(s.GetParentIds(), c.UnitID) {
			return true
		}
	}
	return false
}

func phasesList(t store.Trial, now rules.Phase, begun bool) template.HTML {
	sched := t.Schedule()
	var b []template.HTML
	b = append(b, "<ol data-testid=\"phases\">")
	for i, p := range rules.Phases {
		item := html(tag("strong", p.Label()), template.HTML(" from "+esc(date(sched[i]))))
		if begun && p == now {
			item = html(item, " ", badge(ui.Info, "Now"))
		}
		b = append(b, "<li>", item, "</li>")
	}
	b = append(b, "</ol>")
	return html(b...)
}

// centreTable is the progress of each centre.
func centreTable(r *http.Request, d trialData) template.HTML {
	allocated := d.allocated()
	cols := []ui.Column{{Key: "centre", Label: "Delivery centre"}, {Key: "schools", Label: "Schools", Numeric: true},
		{Key: "ready", Label: "Ready or randomised", Numeric: true}}
	if allocated {
		cols = append(cols, ui.Column{Key: "arm_i", Label: "Intervention", Numeric: true}, ui.Column{Key: "arm_c", Label: "Control", Numeric: true})
	}
	cols = append(cols, ui.Column{Key: "withdrawn", Label: "Withdrawn", Numeric: true}, ui.Column{Key: "delegates", Label: "Delegates", Numeric: true},
		ui.Column{Key: "attended", Label: "Delegate days attended", Numeric: true})
	days := d.daysAttended()
	delegatesOf := map[uint64][]store.Delegate{}
	for _, x := range d.Delegates {
		delegatesOf[x.TrialSchoolID] = append(delegatesOf[x.TrialSchoolID], x)
	}
	var rows []ui.Row
	for _, c := range d.Centres {
		row := ui.Row{"centre": ui.Link{Label: c.Name, Href: sdk.URL(r, fmt.Sprintf("/trials/%d/centres/%d", d.Trial.ID, c.UnitID))}}
		n, ready, ai, ac, wd, dl, att := 0, 0, 0, 0, 0, 0, 0
		for _, s := range d.Schools {
			if s.CentreID != c.ID {
				continue
			}
			n++
			if d.ready(s) || s.WaveID != nil {
				ready++
			}
			switch s.Arm {
			case store.ArmIntervention:
				ai++
			case store.ArmControl:
				ac++
			}
			if s.Withdrawn() {
				wd++
			}
			for _, x := range delegatesOf[s.ID] {
				dl++
				att += days[x.ID]
			}
		}
		row["schools"], row["ready"], row["withdrawn"], row["delegates"] = n, ready, wd, dl
		row["attended"] = fmt.Sprintf("%d of %d", att, dl*rules.Days)
		if allocated {
			row["arm_i"], row["arm_c"] = ai, ac
		}
		rows = append(rows, row)
	}
	return ui.Table{Caption: "Delivery centres", ID: "centre-progress", Columns: cols, Rows: rows, Empty: "No delivery centre in the trial yet."}.HTML()
}

// schoolTable is the progress of each school the actor reaches.
func schoolTable(r *http.Request, d trialData, reach map[uint64]*pluginv1.School) template.HTML {
	days := d.daysAttended()
	var rows []ui.Row
	for _, s := range d.Schools {
		sc, ok := reach[s.SchoolID]
		if !ok {
			continue
		}
		tone, words := d.status(s)
		c := d.Counts[s.ID]
		dels, att := 0, 0
		for _, x := range d.Delegates {
			if x.TrialSchoolID == s.ID {
				dels++
				att += days[x.ID]
			}
		}
		rows = append(rows, ui.Row{"code": s.Code, "school": ui.Link{Label: sc.GetName(), Href: sdk.URL(r, fmt.Sprintf("/trials/%d/schools/%d", d.Trial.ID, s.SchoolID))},
			"centre": d.centre(s.CentreID).Name, "status": badge(tone, words),
			"baseline": fmt.Sprintf("%d of %d", c.Baseline, c.Pupils-c.Objected), "delegates": dels, "attended": att})
	}
	return ui.Table{Caption: "Schools in the trial (those you reach)", ID: "school-progress", Columns: []ui.Column{
		{Key: "code", Label: "Trial id"}, {Key: "school", Label: "School"}, {Key: "centre", Label: "Centre"}, {Key: "status", Label: "Status"},
		{Key: "baseline", Label: "Pupils' baselines"}, {Key: "delegates", Label: "Delegates", Numeric: true},
		{Key: "attended", Label: "Delegate days attended", Numeric: true}}, Rows: rows, Empty: "No school of yours is in the trial."}.HTML()
}

// centreOptions are the trial's centres as choices.
func centreOptions(d trialData) []ui.Option {
	opts := []ui.Option{{Value: "", Label: "Choose a centre"}}
	for _, c := range d.Centres {
		opts = append(opts, ui.Option{Value: u64(c.ID), Label: c.Name})
	}
	return opts
}

// interestForms are one form per school the actor may enter: the
// centre it joins (of the trial's centres it belongs to) and a button.
func interestForms(r *http.Request, t store.Trial, d trialData, schools []*pluginv1.School, f form) template.HTML {
	var out []template.HTML
	for _, s := range schools {
		opts := []ui.Option{}
		for _, c := range d.Centres {
			if slices.Contains(s.GetParentIds(), c.UnitID) {
				opts = append(opts, ui.Option{Value: u64(c.ID), Label: c.Name})
			}
		}
		name := "interest-" + u64(s.GetId())
		fields := []ui.Field{{Kind: ui.Select, Name: "centre", ID: "centre-" + u64(s.GetId()), Label: "Delivery centre for " + s.GetName(), Options: opts, Required: true}}
		out = append(out, postForm(r, fmt.Sprintf("/trials/%d/schools/%d/interest", t.ID, s.GetId()), "Express interest for "+s.GetName(), f, name, fields))
	}
	return html(out...)
}

// manageForms are the trial manager's forms: add a centre, recruit a
// school, correct the trial.
func manageForms(r *http.Request, t store.Trial, d trialData, units []*pluginv1.OrgUnit, reach []*pluginv1.School, f form) template.HTML {
	have := map[uint64]bool{}
	for _, c := range d.Centres {
		have[c.UnitID] = true
	}
	units = slices.Clone(units)
	slices.SortFunc(units, func(a, b *pluginv1.OrgUnit) int { return cmpStr(a.GetName(), b.GetName()) })
	unitOpts := []ui.Option{{Value: "", Label: "Choose a delivery centre"}}
	for _, u := range units {
		if !have[u.GetId()] {
			unitOpts = append(unitOpts, ui.Option{Value: u64(u.GetId()), Label: u.GetName()})
		}
	}
	hostOpts := []ui.Option{{Value: "", Label: "Not recorded"}}
	inTrial := map[uint64]bool{}
	for _, s := range d.Schools {
		inTrial[s.SchoolID] = true
	}
	schoolOpts := []ui.Option{{Value: "", Label: "Choose a school"}}
	sorted := slices.Clone(reach)
	slices.SortFunc(sorted, func(a, b *pluginv1.School) int { return cmpStr(a.GetName(), b.GetName()) })
	for _, s := range sorted {
		if isDeliverySchool(s, units) {
			hostOpts = append(hostOpts, ui.Option{Value: u64(s.GetId()), Label: s.GetName()})
		}
		if !inTrial[s.GetId()] && inCentre(s, d.Centres) {
			schoolOpts = append(schoolOpts, ui.Option{Value: u64(s.GetId()), Label: s.GetName()})
		}
	}
	base := "/trials/" + u64(t.ID)
	out := section("add-centre", "Add a delivery centre", postForm(r, base+"/centres", "Add the centre", f, "centre", []ui.Field{
		{Kind: ui.Select, Name: "unit", Label: "Delivery centre", Options: unitOpts, Required: true},
		{Kind: ui.Select, Name: "host", Label: "Host school", Options: hostOpts}}))
	if len(d.Centres) > 0 {
		out = html(out, section("add-school", "Record a school's interest", postForm(r, base+"/schools", "Record interest", f, "school", []ui.Field{
			{Kind: ui.Select, Name: "school", Label: "School", Hint: "Schools of the trial's delivery centres not yet in the trial", Options: schoolOpts, Required: true},
			{Kind: ui.Select, Name: "centre", Label: "Delivery centre", Options: centreOptions(d), Required: true},
			{Kind: ui.Date, Name: "interest_on", Label: "Interest expressed on", Value: sdkToday(r), Required: true, Width: "short"}})))
	}
	fields := trialFields(t)
	open := ""
	if f.Name == "edit" {
		open = " open"
	}
	return html(out, template.HTML(`<details`+open+`><summary>Correct the trial's name, registration or phases</summary>`),
		postForm(r, base, "Save the trial", f, "edit", fields), "</details>")
}

// isDeliverySchool reports whether a school is linked to a delivery centre.
func isDeliverySchool(s *pluginv1.School, units []*pluginv1.OrgUnit) bool {
	for _, u := range units {
		if slices.Contains(s.GetParentIds(), u.GetId()) {
			return true
		}
	}
	return false
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sdkToday(r *http.Request) string { return sdk.Today(r.Context()).Format("2006-01-02") }

// formID reads a numeric form field (0 when missing or bad).
func formID(r *http.Request, name string) uint64 {
	v, _ := strconv.ParseUint(r.PostFormValue(name), 10, 64)
	return v
}

// updateTrial corrects a trial's name, registration and phases.
func updateTrial(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	err = commit(w, r, func(s *store.Store) (change, error) {
		before, after, err := s.UpdateTrial(t.ID, trialInput(r))
		return change{"trial.update", "trial", t.ID, before, after, "/trials/" + u64(t.ID), "Trial saved"}, err
	})
	if errs, ok := formErrors(err); ok {
		return renderTrial(w, r, refused(r, "edit", errs))
	}
	return err
}

// addCentre adds a delivery-centre unit of the tenant to the trial.
func addCentre(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	unitID, hostID := formID(r, "unit"), formID(r, "host")
	units, err := sdk.HostFrom(ctx).OrgUnits(ctx, []uint64{unitID})
	if err != nil {
		return err
	}
	if unitID == 0 || len(units) != 1 || units[0].GetKind() != pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE {
		var errs ui.Errors
		errs.Add("unit", "Choose one of the tenant's delivery centres")
		return renderTrial(w, r, refused(r, "centre", errs))
	}
	return commit(w, r, func(s *store.Store) (change, error) {
		c, err := s.AddCentre(t.ID, unitID, units[0].GetName(), hostID, sdk.Now(ctx))
		return change{"centre.add", "centre", c.ID, nil, c, "/trials/" + u64(t.ID), "Centre added"}, err
	})
}

// addSchool records a school's interest for it (the trial manager).
func addSchool(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	return recruit(w, r, t, formID(r, "school"), "school", r.PostFormValue("interest_on"))
}

// expressInterest is a school leader recording their school's interest.
func expressInterest(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	school, err := pathID(r, "unit") // the core checked PermJoin there
	if err != nil {
		return err
	}
	return recruit(w, r, t, school, "interest-"+u64(school), sdkToday(r))
}

// recruit adds a school (within reach, in one of the trial's centres) to
// the trial at the chosen centre.
func recruit(w http.ResponseWriter, r *http.Request, t store.Trial, schoolID uint64, formName, on string) error {
	ctx := r.Context()
	d, err := loadData(st(r), t)
	if err != nil {
		return err
	}
	schools, err := schoolsByID(ctx, []uint64{schoolID})
	if err != nil {
		return err
	}
	sc, ok := schools[schoolID]
	var errs ui.Errors
	if schoolID == 0 || !ok || !inCentre(sc, d.Centres) {
		errs.Add("school", "Choose a school of one of the trial's delivery centres")
	}
	centreID := formID(r, "centre")
	if c := d.centre(centreID); c.ID == 0 || (ok && !slices.Contains(sc.GetParentIds(), c.UnitID)) {
		errs.Add("centre", "Choose the delivery centre the school belongs to")
	}
	if len(errs) > 0 {
		return renderTrial(w, r, refused(r, formName, errs))
	}
	err = commit(w, r, func(s *store.Store) (change, error) {
		ts, err := s.AddSchool(t.ID, schoolID, centreID, census.Phase(sc.GetPhase()), on, sdk.Now(ctx))
		return change{"school.interest", "trial_school", ts.ID, nil, ts, fmt.Sprintf("/trials/%d/schools/%d", t.ID, schoolID), "Interest recorded"}, err
	})
	if errs, ok := formErrors(err); ok {
		return renderTrial(w, r, refused(r, formName, errs))
	}
	return err
}
