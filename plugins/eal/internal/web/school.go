package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// schoolCtx is a school's place in a trial, loaded for its page or a post.
type schoolCtx struct {
	t      store.Trial
	d      trialData
	ts     store.TrialSchool
	school *pluginv1.School
}

// loadSchool loads the trial, its records and the school in the path.
func loadSchool(r *http.Request) (schoolCtx, error) {
	var x schoolCtx
	var err error
	if x.t, err = loadTrial(r); err != nil {
		return x, err
	}
	unitID, err := pathID(r, "unit")
	if err != nil {
		return x, err
	}
	if x.d, err = loadData(st(r), x.t); err != nil {
		return x, err
	}
	found := false
	for _, s := range x.d.Schools {
		if s.SchoolID == unitID {
			x.ts, found = s, true
		}
	}
	if !found {
		return x, fmt.Errorf("school %d in trial %d: %w", unitID, x.t.ID, store.ErrNotFound)
	}
	schools, err := schoolsByID(r.Context(), []uint64{unitID})
	if err != nil {
		return x, err
	}
	if x.school = schools[unitID]; x.school == nil {
		return x, fmt.Errorf("school %d: %w", unitID, sdk.ErrNotFound)
	}
	return x, nil
}

func (x schoolCtx) path(suffix string) string {
	return fmt.Sprintf("/trials/%d/schools/%d%s", x.t.ID, x.ts.SchoolID, suffix)
}

// schoolPage is a school's place in a trial.
func schoolPage(w http.ResponseWriter, r *http.Request) error { return schoolPages.page(w, r) }

func renderSchool(w http.ResponseWriter, r *http.Request, x schoolCtx, f form) error {
	ctx := r.Context()
	host := sdk.HostFrom(ctx)
	ok, err := host.Authorize(ctx, sdk.Check{Permission: PermManage}, sdk.Check{Permission: PermJoin, UnitID: x.ts.SchoolID},
		sdk.Check{Permission: PermPupilRead, UnitID: x.ts.SchoolID})
	if err != nil {
		return err
	}
	manage, join, pupils := ok[0], ok[1], ok[2]
	staff, err := host.PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: []uint64{x.ts.SchoolID}})
	if err != nil {
		return fmt.Errorf("read the school's staff: %w", err)
	}
	names := map[uint64]string{}
	staffOpts := []ui.Option{{Value: "", Label: "Choose a person"}}
	for _, p := range staff {
		names[p.GetId()] = p.GetName()
		staffOpts = append(staffOpts, ui.Option{Value: u64(p.GetId()), Label: p.GetName()})
	}
	tone, words := x.d.status(x.ts)
	c := x.d.centre(x.ts.CentreID)
	body := html(ui.Header{Crumbs: []ui.Crumb{{Label: "EAL trial", Href: sdk.URL(r, "/")}, {Label: x.t.Name, Href: sdk.URL(r, "/trials/"+u64(x.t.ID))}},
		Title: x.school.GetName(), Lead: fmt.Sprintf("Trial id %s, at %s. Interest expressed on %s.", x.ts.Code, c.Name, date(x.ts.InterestOn))}.HTML(),
		template.HTML(`<p data-testid="status">Status: `), badge(tone, words), "</p>")

	// Eligibility.
	elig := dl("Phase", x.ts.Phase, "Pupils with EAL", percent(x.ts.EALPercent), "Pupils eligible for FSM", percent(x.ts.FSMPercent),
		"In another EAL trial", yesNo(x.ts.InOtherTrial), "Checked on", date(x.ts.CheckedOn), "Outcome", eligibility(x.ts))
	if manage && x.ts.WaveID == nil {
		elig = html(elig, postForm(r, x.path("/eligibility"), "Check eligibility", f, "eligibility", []ui.Field{
			{Kind: ui.Number, Name: "eal_percent", Label: "Pupils with EAL (per cent)", Value: pct(x.ts.EALPercent), Min: "0", Max: "100", Step: "0.1", Required: true, Width: "short"},
			{Kind: ui.Number, Name: "fsm_percent", Label: "Pupils eligible for free school meals (per cent)", Value: pct(x.ts.FSMPercent), Min: "0", Max: "100", Step: "0.1", Required: true, Width: "short"},
			{Kind: ui.Checkbox, Name: "in_other_trial", Label: "The school takes part in another EAL trial", Checked: x.ts.InOtherTrial}}))
	}
	body = html(body, section("eligibility", "Eligibility", elig))

	// Agreement and lead.
	agr := dl("Agreement signed on", date(x.ts.AgreementOn), "Named lead", names[x.ts.LeadPersonID])
	if manage && x.ts.Eligible != nil && *x.ts.Eligible && x.ts.WaveID == nil {
		agr = html(agr, postForm(r, x.path("/agreement"), "Record the agreement", f, "agreement", []ui.Field{
			{Kind: ui.Date, Name: "agreement_on", Label: "Signed on", Value: x.ts.AgreementOn, Required: true, Width: "short"},
			{Kind: ui.Select, Name: "lead", Label: "Named lead", Options: staffOpts, Value: u64(x.ts.LeadPersonID), Required: true}}))
	}
	body = html(body, section("agreement", "Agreement", agr))

	// Delegates.
	days := x.d.daysAttended()
	var rows []ui.Row
	for _, d := range x.d.Delegates {
		if d.TrialSchoolID == x.ts.ID {
			rows = append(rows, ui.Row{"name": dash(names[d.PersonID]), "subject": d.Subject, "days": fmt.Sprintf("%d of %d", days[d.ID], rules.Days)})
		}
	}
	dels := ui.Table{Caption: "Delegates", ID: "delegates", Columns: []ui.Column{{Key: "name", Label: "Teacher"}, {Key: "subject", Label: "Subject"},
		{Key: "days", Label: "Days attended"}}, Rows: rows, Empty: "No delegate named yet."}.HTML()
	if (join || manage) && !x.ts.Withdrawn() {
		dels = html(dels, postForm(r, x.path("/delegates"), "Name the delegate", f, "delegate", []ui.Field{
			{Kind: ui.Select, Name: "person", Label: "Teacher", Options: staffOpts, Required: true},
			{Kind: ui.Select, Name: "subject", Label: "Subject they teach", Options: options(rules.Subjects, "Choose a subject"), Required: true}}))
	}
	body = html(body, section("delegates-h", "Delegates", dels))

	// Pupils: counts here; pupil by pupil for those who may see pupils.
	pc := x.d.Counts[x.ts.ID]
	pup := dl("EAL pupils in the trial", strconv.Itoa(pc.Pupils), "With a baseline", fmt.Sprintf("%d of %d", pc.Baseline, pc.Pupils-pc.Objected),
		"Parents' objections", strconv.Itoa(pc.Objected), "Baseline complete", yesNo(pc.BaselineComplete()))
	if pupils {
		pup = html(pup, template.HTML(`<p><a href="`+esc(sdk.URL(r, x.path("/pupils")))+`">The school's EAL pupils</a></p>`))
	}
	body = html(body, section("pupils", "Pupils", pup))

	// Randomisation and, for control schools, the waitlist.
	body = html(body, section("randomisation", "Randomisation", randomisationOf(x)))
	if x.ts.Arm == store.ArmControl {
		wl := dl("Offered the course after the trial on", date(x.ts.WaitlistOfferedOn))
		if manage && x.ts.WaitlistOfferedOn == "" {
			wl = html(wl, postForm(r, x.path("/waitlist"), "Record the offer", f, "waitlist", []ui.Field{
				{Kind: ui.Date, Name: "offered_on", Label: "Offered on", Value: sdkToday(r), Required: true, Width: "short"}}))
		}
		body = html(body, section("waitlist", "Waitlist", wl))
	}

	// Withdrawal.
	var wd template.HTML
	switch {
	case x.ts.Withdrawn():
		wd = dl("Withdrew on", date(x.ts.WithdrawnOn), "Stage", stageLabel(x.ts.WithdrawnStage), "Reason", x.ts.WithdrawnReason, "Note", x.ts.WithdrawnNote)
	case manage:
		phase, _ := x.t.Schedule().On(sdk.Today(ctx))
		stages := make([]ui.Option, len(rules.Phases))
		for i, p := range rules.Phases {
			stages[i] = ui.Option{Value: string(p), Label: p.Label()}
		}
		wd = html(para("A school may withdraw at any stage; it stays in the CONSORT diagram, and in the analysis of its arm if it was randomised."),
			postForm(r, x.path("/withdraw"), "Record the withdrawal", f, "withdraw", []ui.Field{
				{Kind: ui.Date, Name: "withdrawn_on", Label: "Withdrew on", Value: sdkToday(r), Required: true, Width: "short"},
				{Kind: ui.Select, Name: "stage", Label: "Stage of the trial", Options: stages, Value: string(phase), Required: true},
				{Kind: ui.Select, Name: "reason", Label: "Reason", Options: options(rules.WithdrawalReasons, "Choose a reason"), Required: true},
				{Kind: ui.Textarea, Name: "note", Label: "Note", Hint: "For the trial team only: never exported. No pupil's name.", Rows: 2}}))
	default:
		wd = para("The school has not withdrawn.")
	}
	body = html(body, section("withdrawal", "Withdrawal", wd))
	return show(w, r, f.status(), x.school.GetName(), body)
}

// randomisationOf says where the school stands in the randomisation; an
// arm only once its wave is allocated.
func randomisationOf(x schoolCtx) template.HTML {
	if x.ts.WaveID == nil {
		if x.d.ready(x.ts) {
			return para("Ready: the school goes into the next frozen list.")
		}
		return para("Not in a frozen list yet: the school needs to be eligible, its agreement signed and its pupils' baseline complete.")
	}
	for _, w := range x.d.Waves {
		if w.ID != *x.ts.WaveID {
			continue
		}
		if x.ts.Arm == "" {
			return para(fmt.Sprintf("In wave %d's frozen list; not allocated yet.", w.Number))
		}
		return html(template.HTML(fmt.Sprintf("<p>Wave %d: allocated to ", w.Number)), badge(ui.Info, armWord(x.ts.Arm)), template.HTML(" on "+esc(date(w.AllocatedAt.In(londonLoc()).Format("2006-01-02")))+".</p>"))
	}
	return ""
}

func armWord(a string) string {
	switch a {
	case store.ArmIntervention:
		return "Intervention"
	case store.ArmControl:
		return "Control"
	}
	return a
}

func eligibility(t store.TrialSchool) string {
	switch {
	case t.Eligible == nil:
		return "Not checked yet"
	case *t.Eligible:
		return "Eligible"
	}
	return "Not eligible: " + strings.ReplaceAll(t.IneligibleReasons, "\n", "; ")
}

func stageLabel(s string) string {
	if p, ok := rules.ParsePhase(s); ok {
		return p.Label()
	}
	return s
}

func percent(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64) + "%"
}

func pct(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func options(vs []string, prompt string) []ui.Option {
	out := []ui.Option{{Value: "", Label: prompt}}
	for _, v := range vs {
		out = append(out, ui.Option{Value: v, Label: v})
	}
	return out
}

// percentField reads a percentage field (nil when blank or not a number,
// which the store refuses naming the field).
func percentField(r *http.Request, name string) *float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue(name)), 64)
	if err != nil {
		return nil
	}
	return &v
}

// checkEligibility records the facts and the outcome under the settings'
// rules.
func checkEligibility(w http.ResponseWriter, r *http.Request) error {
	crit, err := criteria(r)
	if err != nil {
		return err
	}
	return schoolPages.post(w, r, "eligibility", func(x schoolCtx, s *store.Store) (change, error) {
		before, after, err := s.CheckEligibility(x.ts.ID, crit, rules.SchoolFacts{EALPercent: percentField(r, "eal_percent"),
			FSMPercent: percentField(r, "fsm_percent"), InOtherTrial: r.PostFormValue("in_other_trial") != ""}, sdkToday(r))
		return change{"school.eligibility", "trial_school", x.ts.ID, before, after, x.path(""), "Eligibility checked"}, err
	})
}

func recordAgreement(w http.ResponseWriter, r *http.Request) error {
	return schoolPages.post(w, r, "agreement", func(x schoolCtx, s *store.Store) (change, error) {
		before, after, err := s.RecordAgreement(x.ts.ID, r.PostFormValue("agreement_on"), formID(r, "lead"))
		return change{"school.agreement", "trial_school", x.ts.ID, before, after, x.path(""), "Agreement recorded"}, err
	})
}

func addDelegate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	person := formID(r, "person")
	if person != 0 {
		// Only someone holding a role at the school may be its delegate.
		staff, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{IDs: []uint64{person}, UnitIDs: []uint64{formUnit(r)}})
		if err != nil {
			return err
		}
		if len(staff) == 0 {
			person = 0
		}
	}
	return schoolPages.post(w, r, "delegate", func(x schoolCtx, s *store.Store) (change, error) {
		if x.ts.Withdrawn() {
			return change{}, fmt.Errorf("%w: the school has withdrawn", store.ErrConflict)
		}
		d, err := s.AddDelegate(x.ts.ID, person, r.PostFormValue("subject"), sdk.Now(ctx))
		return change{"delegate.add", "delegate", d.ID, nil, d, x.path(""), "Delegate named"}, err
	})
}

func formUnit(r *http.Request) uint64 {
	id, _ := pathID(r, "unit")
	return id
}

func withdrawSchool(w http.ResponseWriter, r *http.Request) error {
	return schoolPages.post(w, r, "withdraw", func(x schoolCtx, s *store.Store) (change, error) {
		before, after, err := s.Withdraw(x.ts.ID, r.PostFormValue("withdrawn_on"), r.PostFormValue("stage"), r.PostFormValue("reason"), r.PostFormValue("note"))
		return change{"school.withdraw", "trial_school", x.ts.ID, before, after, x.path(""), "Withdrawal recorded"}, err
	})
}

func offerWaitlist(w http.ResponseWriter, r *http.Request) error {
	return schoolPages.post(w, r, "waitlist", func(x schoolCtx, s *store.Store) (change, error) {
		before, after, err := s.OfferWaitlist(x.ts.ID, r.PostFormValue("offered_on"))
		return change{"school.waitlist", "trial_school", x.ts.ID, before, after, x.path(""), "Offer recorded"}, err
	})
}
