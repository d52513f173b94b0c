package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

// cohortData is everything of a cohort the manager's pages show, loaded
// with one query per kind of record and one Host call (school names).
type cohortData struct {
	Cohort       store.Cohort
	Coaches      []store.Coach
	Participants []store.Participant
	Pairs        []pairLine
	Schools      map[uint64]string
	coachByID    map[uint64]store.Coach
	partByID     map[uint64]store.Participant
}

// pairLine is a pair with its hours, pace and quiet flag.
type pairLine struct {
	store.Pair
	Participant, Coach string
	Tally              store.PairTally
	SoFar              float64
	Pace               rules.Pace
	Quiet              bool
	QuietDays          int
}

// managedCohort loads the cohort of the path, for an actor holding perm at
// its unit, with its records.
func (q *req) managedCohort(perm string) (*cohortData, error) {
	c, err := q.cohortOf(perm)
	if err != nil {
		return nil, err
	}
	return q.loadCohort(c)
}

func (q *req) loadCohort(c store.Cohort) (*cohortData, error) {
	d := &cohortData{Cohort: c, coachByID: map[uint64]store.Coach{}, partByID: map[uint64]store.Participant{}}
	var err error
	if d.Coaches, err = q.s.Coaches(c.ID); err != nil {
		return nil, err
	}
	if d.Participants, err = q.s.Participants(c.ID); err != nil {
		return nil, err
	}
	pairs, err := q.s.Pairs(c.ID)
	if err != nil {
		return nil, err
	}
	var pairIDs []uint64
	for _, p := range pairs {
		pairIDs = append(pairIDs, p.ID)
	}
	tallies, err := q.s.Tallies(pairIDs)
	if err != nil {
		return nil, err
	}
	var schoolIDs []uint64
	for _, co := range d.Coaches {
		d.coachByID[co.ID] = co
		schoolIDs = append(schoolIDs, co.SchoolID)
	}
	for _, p := range d.Participants {
		d.partByID[p.ID] = p
		schoolIDs = append(schoolIDs, p.SchoolID)
	}
	if d.Schools, err = q.schoolNames(schoolIDs); err != nil {
		return nil, err
	}
	for _, p := range pairs {
		l := pairLine{Pair: p, Participant: d.partByID[p.ParticipantID].Name, Coach: d.coachByID[p.CoachID].Name, Tally: tallies[p.ID]}
		end := q.today
		if p.EndedOn != "" {
			end = store.ParseDate(p.EndedOn)
		}
		l.SoFar = rules.ExpectedSoFar(float64(c.ExpectedHours), store.ParseDate(p.StartedOn), c.StartYear, end)
		l.Pace = rules.PaceOf(l.Tally.Minutes, l.SoFar, float64(c.ExpectedHours))
		last := p.StartedOn
		if l.Tally.Last > last {
			last = l.Tally.Last
		}
		if p.Active() && rules.Quiet(store.ParseDate(last), c.StartYear, q.today) {
			l.Quiet, l.QuietDays = true, rules.DaysSince(store.ParseDate(last), q.today)
		}
		d.Pairs = append(d.Pairs, l)
	}
	return d, nil
}

// schoolNames names schools by id in one Host call (schools outside the
// actor's reach too: a coach's school on a participant's page).
func (q *req) schoolNames(ids []uint64) (map[uint64]string, error) {
	var want []uint64
	seen := map[uint64]bool{}
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return map[uint64]string{}, nil
	}
	return q.host.SchoolNames(q.r.Context(), want...)
}

// paceTone colours a pace.
func paceTone(p rules.Pace) ui.Tone {
	switch p {
	case rules.OnTrack, rules.Completed:
		return ui.Success
	case rules.Behind:
		return ui.Warning
	case rules.FarBehind:
		return ui.Danger
	}
	return ui.Neutral
}

func cohortCrumbs(r *http.Request, c store.Cohort) []ui.Crumb {
	return []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")}, {Label: c.Name, Href: sdk.URL(r, "/cohorts/"+itoa(c.ID))}}
}

type cohortView struct {
	Header   ui.Header
	Stats    ui.Stats
	Quiet    ui.Table
	Settings ui.Form
	Links    []ui.Link
}

func cohortPage(w http.ResponseWriter, r *http.Request) error { return showCohort(w, r, nil) }

func showCohort(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	d, err := q.managedCohort(PermManage)
	if err != nil {
		return err
	}
	c := d.Cohort
	apps, err := q.s.Applications(c.ID)
	if err != nil {
		return err
	}
	base := "/cohorts/" + itoa(c.ID)
	v := cohortView{Header: ui.Header{Crumbs: cohortCrumbs(r, c)[:1], Title: c.Name, Lead: c.Region + ", " + c.YearLabel() + "."}}
	for _, l := range []struct{ label, path string }{{"Applications and participants", "/applications"}, {"Coaches", "/coaches"},
		{"The match", "/match"}, {"Pairs and hours", "/pairs"}, {"Events", "/events"}, {"The funder's report", "/report"}, {"The evaluator's export", "/export"}} {
		v.Links = append(v.Links, ui.Link{Label: l.label, Href: sdk.URL(r, base+l.path)})
	}
	places, underWay, minutes := 0, 0, 0
	for _, co := range d.Coaches {
		if !co.Withdrawn() {
			places += co.Capacity
		}
	}
	var quiet []ui.Row
	for _, p := range d.Pairs {
		if p.Active() {
			underWay++
		}
		minutes += p.Tally.Minutes
		if p.Quiet {
			quiet = append(quiet, ui.Row{"pair": ui.Link{Label: p.Participant + " with " + p.Coach, Href: sdk.URL(r, "/pairs/"+itoa(p.ID))},
				"last": dateOrStart(p), "days": p.QuietDays, "flagged": dashDate(p.FlaggedOn)})
		}
	}
	expected := float64(underWay * c.ExpectedHours)
	v.Stats = ui.Stats{
		{Value: strconv.Itoa(len(apps)), Label: "Applications"},
		{Value: strconv.Itoa(len(active(d.Participants))), Label: "Participants taking part"},
		{Value: fmt.Sprintf("%d (%d places)", len(active(d.Coaches)), places), Label: "Coaches"},
		{Value: strconv.Itoa(underWay), Label: "Pairs under way"},
		{Value: rules.Hours(minutes) + " h", Label: fmt.Sprintf("Coaching logged (%.0f h expected over the year)", expected)},
	}
	v.Quiet = ui.Table{Caption: "Pairs with no session in six weeks", ID: "quiet", Rows: quiet, Empty: "No pair has gone six weeks without a session.",
		Columns: []ui.Column{{Key: "pair", Label: "Pair"}, {Key: "last", Label: "Last session (or start)"}, {Key: "days", Label: "Days since", Numeric: true}, {Key: "flagged", Label: "You were told"}}}
	fields := []ui.Field{
		{Kind: ui.Text, Name: "name", Label: "Name", Required: true, Value: c.Name},
		{Kind: ui.Text, Name: "region", Label: "Region", Required: true, Value: c.Region, Width: "short"},
		{Kind: ui.Number, Name: "expected_hours", Label: "Hours of coaching expected per pair", Required: true, Value: strconv.Itoa(c.ExpectedHours), Min: "1", Max: "100", Width: "short"},
		{Kind: ui.Checkbox, Name: "applications_open", Label: "Take applications", Checked: c.ApplicationsOpen},
	}
	v.Settings = ui.Form{Action: sdk.URL(r, base), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, posted(r, errs), errs), Errors: errs, Submit: "Save the settings"}
	return render(w, r, statusOf(errs), c.Name, "cohort", v)
}

func dateOrStart(p pairLine) string {
	if p.Tally.Last != "" {
		return rules.FormatDate(store.ParseDate(p.Tally.Last))
	}
	return "Started " + rules.FormatDate(store.ParseDate(p.StartedOn))
}

func dashDate(s string) string {
	if s == "" {
		return "—"
	}
	return rules.FormatDate(store.ParseDate(s))
}

func updateCohort(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	_, err = q.s.UpdateCohort(c.ID, store.CohortInput{Name: r.PostFormValue("name"), Region: r.PostFormValue("region"),
		ExpectedHours: formInt(r, "expected_hours"), ApplicationsOpen: r.PostForm.Has("applications_open")})
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showCohort(w, r, errs)
	}
	return done(w, r, "Settings saved", "/cohorts/"+itoa(c.ID))
}
