package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/match"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/trusts"
)

type matchView struct {
	Header       ui.Header
	Ranked       string
	NotRanked    []string
	Published    string
	PairsLink    string
	Fixed        ui.Table
	FixForm      *ui.Form
	Run, Rematch *button
	Draft        *draftView
	Withdrawals  ui.Table
	WithdrawForm ui.Form
	Problems     []string
}

type button struct {
	Action, Label, Hint string
	CSRF                template.HTML
}

type draftView struct {
	Title, Notes string
	Pairs        ui.Table
	Unmatched    ui.Table
	Publish      button
}

// namer names the people of a match problem ("P12", "C3") by their records.
type namer struct {
	d *cohortData
}

func (n namer) name(id string) string {
	side, v := store.ParseMatchID(id)
	switch side {
	case 'P':
		if p, ok := n.d.partByID[v]; ok {
			return p.Name
		}
	case 'C':
		if c, ok := n.d.coachByID[v]; ok {
			return c.Name
		}
	}
	return id
}

var matchIDs = regexp.MustCompile(`\b[PC][0-9]+\b`)

// text replaces the ids in a solver's message by names.
func (n namer) text(s string) string { return matchIDs.ReplaceAllStringFunc(s, n.name) }

// why is an explanation as a sentence about names.
func (n namer) why(e match.Explanation) string {
	e.Participant, e.Coach = n.name(e.Participant), n.name(e.Coach)
	passed := make([]match.Refusal, len(e.Passed))
	for i, r := range e.Passed {
		r.Coach = n.name(r.Coach)
		passed[i] = r
	}
	e.Passed = passed
	return e.String()
}

func matchPage(w http.ResponseWriter, r *http.Request) error { return showMatch(w, r, nil, nil) }

func showMatch(w http.ResponseWriter, r *http.Request, errs ui.Errors, problems []string) error {
	q := newReq(r)
	d, err := q.managedCohort(PermManage)
	if err != nil {
		return err
	}
	c := d.Cohort
	lists, err := q.s.Rankings(c.ID)
	if err != nil {
		return err
	}
	fixed, err := q.s.FixedPairs(c.ID)
	if err != nil {
		return err
	}
	run, err := q.s.LatestRun(c.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	base := "/cohorts/" + itoa(c.ID)
	csrf := sdk.CSRFField(r)
	v := matchView{Header: ui.Header{Crumbs: cohortCrumbs(r, c), Title: "The match",
		Lead: "Each participant gets the best coach they can in any stable match: no coach and participant who ranked each other would both rather be together. A pair is never formed from one school or one trust."},
		Problems: problems, PairsLink: sdk.URL(r, base+"/pairs")}
	n := namer{d}
	activeP, activeC, rankedP, rankedC := 0, 0, 0, 0
	for _, p := range d.Participants {
		if p.Withdrawn() {
			continue
		}
		activeP++
		if len(lists[store.SideParticipant][p.ID]) > 0 {
			rankedP++
		} else {
			v.NotRanked = append(v.NotRanked, p.Name+" (participant)")
		}
	}
	for _, co := range d.Coaches {
		if co.Withdrawn() {
			continue
		}
		activeC++
		if len(lists[store.SideCoach][co.ID]) > 0 {
			rankedC++
		} else {
			v.NotRanked = append(v.NotRanked, co.Name+" (coach)")
		}
	}
	v.Ranked = fmt.Sprintf("%d of %d participants have ranked the coaches; %d of %d coaches have ranked the participants.", rankedP, activeP, rankedC, activeC)
	published, unmatched := false, 0
	paired := map[uint64]bool{}
	for _, p := range d.Pairs {
		published = true
		if p.Active() {
			paired[p.ParticipantID] = true
		}
	}
	withdrawn := false
	for _, p := range d.Participants {
		if !p.Withdrawn() && !paired[p.ID] {
			unmatched++
		}
		withdrawn = withdrawn || p.Withdrawn()
	}
	for _, co := range d.Coaches {
		withdrawn = withdrawn || co.Withdrawn()
	}
	if published {
		v.Published = fmt.Sprintf("The match is published: %d pairs under way; %d participants without a coach.", len(paired), unmatched)
		if withdrawn || unmatched > 0 {
			v.Rematch = &button{Action: sdk.URL(r, base+"/match/rematch"), Label: "Re-match the people affected", CSRF: csrf,
				Hint: "Matches the participants without a coach to the places left free. Every pair under way stays as it is."}
		}
	} else {
		v.Run = &button{Action: sdk.URL(r, base+"/match/run"), Label: "Run the match", CSRF: csrf,
			Hint: "Makes a draft from the rankings and the pairs fixed by hand. Nothing changes for anyone until you publish it."}
		var rows []ui.Row
		for _, f := range fixed {
			rows = append(rows, ui.Row{"participant": d.partByID[f.ParticipantID].Name, "coach": d.coachByID[f.CoachID].Name,
				"free": fragment("button", button{Action: sdk.URL(r, base+"/match/fixed/"+itoa(f.ParticipantID)+"/delete"), CSRF: csrf,
					Label: "Free", Hint: "Free the pair of " + d.partByID[f.ParticipantID].Name})})
		}
		v.Fixed = ui.Table{Caption: "Pairs fixed by hand", ID: "fixed", Rows: rows, Empty: "No pair is fixed by hand.",
			Columns: []ui.Column{{Key: "participant", Label: "Participant"}, {Key: "coach", Label: "Coach"}, {Key: "free", Label: "Free"}}}
		fields := []ui.Field{
			{Kind: ui.Select, Name: "participant", Label: "Participant", Required: true, Options: options("Choose a participant", active(d.Participants), func(p store.Participant) (uint64, string) { return p.ID, p.Name })},
			{Kind: ui.Select, Name: "coach", Label: "Coach", Required: true, Options: options("Choose a coach", active(d.Coaches), func(c store.Coach) (uint64, string) { return c.ID, c.Name })},
		}
		v.FixForm = &ui.Form{Action: sdk.URL(r, base+"/match/fixed"), CSRF: csrf, Fields: ui.Bind(fields, posted(r, errsFor(errs, "participant", "coach")), errs), Errors: errsFor(errs, "participant", "coach"), Submit: "Fix the pair"}
	}
	if run.ID != 0 && run.PublishedOn == "" {
		dv, err := draft(r, n, d, run)
		if err != nil {
			return err
		}
		v.Draft = dv
	}
	var wrows []ui.Row
	var members []ui.Option
	members = append(members, ui.Option{Value: "", Label: "Choose who withdrew"})
	for _, p := range d.Participants {
		if p.Withdrawn() {
			wrows = append(wrows, ui.Row{"who": p.Name, "side": "Participant", "on": store.ParseDate(p.WithdrawnOn)})
		} else {
			members = append(members, ui.Option{Value: "participant:" + itoa(p.ID), Label: p.Name + " (participant)"})
		}
	}
	for _, co := range d.Coaches {
		if co.Withdrawn() {
			wrows = append(wrows, ui.Row{"who": co.Name, "side": "Coach", "on": store.ParseDate(co.WithdrawnOn)})
		} else {
			members = append(members, ui.Option{Value: "coach:" + itoa(co.ID), Label: co.Name + " (coach)"})
		}
	}
	v.Withdrawals = ui.Table{Caption: "Withdrawals", ID: "withdrawals", Rows: wrows, Empty: "Nobody has withdrawn.",
		Columns: []ui.Column{{Key: "who", Label: "Who"}, {Key: "side", Label: "As"}, {Key: "on", Label: "On"}}}
	wfields := []ui.Field{
		{Kind: ui.Select, Name: "member", Label: "Who withdrew", Required: true, Options: members},
		{Kind: ui.Date, Name: "withdrawn_on", Label: "On", Required: true, Value: q.today.Format("2006-01-02"), Width: "short"},
	}
	werrs := errsFor(errs, "member", "withdrawn_on", "side")
	v.WithdrawForm = ui.Form{Action: sdk.URL(r, base+"/withdrawals"), CSRF: csrf, Fields: ui.Bind(wfields, posted(r, werrs), werrs), Errors: werrs, Submit: "Record the withdrawal"}
	status := statusOf(errs)
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return render(w, r, status, "The match", "match", v)
}

// errsFor keeps the errors of the named fields.
func errsFor(errs ui.Errors, fields ...string) ui.Errors {
	var out ui.Errors
	for _, e := range errs {
		for _, f := range fields {
			if e.Field == f {
				out = append(out, e)
			}
		}
	}
	return out
}

// active keeps the people who have not withdrawn.
func active[T interface{ Withdrawn() bool }](xs []T) []T {
	var out []T
	for _, x := range xs {
		if !x.Withdrawn() {
			out = append(out, x)
		}
	}
	return out
}

// draft shows an unpublished run: each pair and each participant left
// without a coach, with the reason.
func draft(r *http.Request, n namer, d *cohortData, run store.MatchRun) (*draftView, error) {
	_, res, err := run.Decode()
	if err != nil {
		return nil, err
	}
	why := map[string]match.Explanation{}
	for _, e := range res.Explanations {
		why[e.Participant] = e
	}
	school := func(id string) string {
		side, v := store.ParseMatchID(id)
		if side == 'P' {
			return d.Schools[d.partByID[v].SchoolID]
		}
		return d.Schools[d.coachByID[v].SchoolID]
	}
	hows := map[match.How]string{match.Matched: "Matched", match.FixedByHand: "Fixed by hand", match.Kept: "Under way"}
	var rows []ui.Row
	for _, p := range res.Pairs {
		rows = append(rows, ui.Row{"participant": n.name(p.Participant) + " (" + school(p.Participant) + ")",
			"coach": n.name(p.Coach) + " (" + school(p.Coach) + ")", "how": hows[why[p.Participant].How], "why": n.why(why[p.Participant])})
	}
	var un []ui.Row
	for _, id := range res.Unmatched {
		un = append(un, ui.Row{"participant": n.name(id), "school": school(id), "why": n.why(why[id])})
	}
	title := "Draft of the match"
	if run.Kind == store.RunRematch {
		title = "Draft of the re-match"
	}
	dv := &draftView{Title: fmt.Sprintf("%s, run on %s", title, rules.FormatDate(run.CreatedAt.In(sdk.London()))), Notes: n.text(run.Notes),
		Pairs: ui.Table{Caption: fmt.Sprintf("Pairs (%d)", len(res.Pairs)), ID: "draft-pairs", Rows: rows, Empty: "The draft forms no pair.",
			Columns: []ui.Column{{Key: "participant", Label: "Participant (school)"}, {Key: "coach", Label: "Coach (school)"},
				{Key: "how", Label: "How"}, {Key: "why", Label: "Why"}}},
		Unmatched: ui.Table{Caption: fmt.Sprintf("Without a coach (%d)", len(res.Unmatched)), ID: "draft-unmatched", Rows: un, Empty: "Every participant has a coach.",
			Columns: []ui.Column{{Key: "participant", Label: "Participant"}, {Key: "school", Label: "School"}, {Key: "why", Label: "Why"}}},
		Publish: button{Action: sdk.URL(r, "/cohorts/"+itoa(d.Cohort.ID)+"/match/publish"), CSRF: sdk.CSRFField(r), Label: "Publish this match",
			Hint: "Its new pairs start today; coaches and participants see each other."}}
	return dv, nil
}

// runMatch refreshes the trusts of the cohort's schools, solves the match
// and keeps it as a draft.
func runMatch(w http.ResponseWriter, r *http.Request) error { return solve(w, r, store.RunMatch) }

// rematch re-matches, after withdrawals, the participants without a coach
// to the places left free, keeping every pair under way.
func rematch(w http.ResponseWriter, r *http.Request) error { return solve(w, r, store.RunRematch) }

func solve(w http.ResponseWriter, r *http.Request, kind string) error {
	q := newReq(r)
	d, err := q.managedCohort(PermManage)
	if err != nil {
		return err
	}
	c := d.Cohort
	var schools []uint64
	for _, co := range d.Coaches {
		schools = append(schools, co.SchoolID)
	}
	for _, p := range d.Participants {
		schools = append(schools, p.SchoolID)
	}
	if err := trusts.Refresh(r.Context(), q.host, q.s, schools); err != nil {
		return err
	}
	pb, unknown, err := q.s.Problem(c.ID, kind == store.RunRematch)
	if err != nil {
		return err
	}
	var res match.Result
	if kind == store.RunMatch {
		if len(d.Pairs) > 0 {
			return &sdk.HTTPError{Status: http.StatusConflict, Message: "The match is published already: after a withdrawal, re-match the people affected."}
		}
		res, err = match.Solve(pb)
	} else {
		var current []match.Pair
		var wd match.Withdrawal
		for _, p := range d.Pairs {
			if p.Active() {
				current = append(current, match.Pair{Participant: store.PID(p.ParticipantID), Coach: store.CID(p.CoachID)})
			}
		}
		for _, p := range d.Participants {
			if p.Withdrawn() {
				wd.Participants = append(wd.Participants, store.PID(p.ID))
			}
		}
		for _, co := range d.Coaches {
			if co.Withdrawn() {
				wd.Coaches = append(wd.Coaches, store.CID(co.ID))
			}
		}
		pb.Fixed = nil // pairs under way are kept as they are
		res, err = match.Rematch(pb, current, wd)
	}
	var invalid *match.InvalidError
	if errors.As(err, &invalid) {
		n := namer{d}
		var problems []string
		for _, f := range invalid.Faults {
			problems = append(problems, n.text(f.Error()))
		}
		return showMatch(w, r, nil, problems)
	}
	if err != nil {
		return err
	}
	notes := ""
	if len(unknown) > 0 {
		var names []string
		for _, id := range unknown {
			names = append(names, d.Schools[id])
		}
		notes = fmt.Sprintf("The trust of %d schools is not known (outside your reach, and not yet read by the nightly update), so the same-trust rule was not applied to them: %s.",
			len(unknown), strings.Join(names, ", "))
	}
	if _, err := q.s.SaveRun(c.ID, kind, pb, res, notes, q.user); err != nil {
		return err
	}
	return done(w, r, fmt.Sprintf("Draft ready: %d pairs, %d without a coach", len(res.Pairs), len(res.Unmatched)), "/cohorts/"+itoa(c.ID)+"/match")
}

func publish(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	run, err := q.s.LatestRun(c.ID)
	if err != nil {
		_, err = failed(err)
		return err
	}
	made, err := q.s.Publish(run.ID, q.today)
	if _, err = failed(err); err != nil {
		return err
	}
	return done(w, r, fmt.Sprintf("Match published: %d new pairs start today", len(made)), "/cohorts/"+itoa(c.ID)+"/match")
}

func fixPair(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	var errs ui.Errors
	p, co := formID(r, "participant"), formID(r, "coach")
	if p == 0 {
		errs.Add("participant", "Choose the participant")
	}
	if co == 0 {
		errs.Add("coach", "Choose the coach")
	}
	if len(errs) == 0 {
		if errs, err = failed(q.s.FixPair(c.ID, p, co)); err != nil {
			return err
		}
	}
	if errs != nil {
		return showMatch(w, r, errs, nil)
	}
	return done(w, r, "Pair fixed: run the match to apply it", "/cohorts/"+itoa(c.ID)+"/match")
}

func unfixPair(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	pid, err := id(r, "participant")
	if err != nil {
		return err
	}
	if _, err := failed(q.s.UnfixPair(c.ID, pid)); err != nil {
		return err
	}
	return done(w, r, "Pair freed", "/cohorts/"+itoa(c.ID)+"/match")
}

// withdraw records a withdrawal: the person's pair ends that day.
func withdraw(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	c, err := q.cohortOf(PermManage)
	if err != nil {
		return err
	}
	var errs ui.Errors
	side, idText, _ := strings.Cut(r.PostFormValue("member"), ":")
	mid := parseID(idText)
	var cohortOfMember uint64
	switch side {
	case store.SideCoach:
		if co, err := q.s.Coach(mid); err == nil {
			cohortOfMember = co.CohortID
		}
	case store.SideParticipant:
		if p, err := q.s.Participant(mid); err == nil {
			cohortOfMember = p.CohortID
		}
	}
	if cohortOfMember != c.ID {
		errs.Add("member", "Choose who withdrew from the list")
	}
	on, perr := rules.ParseDate(strings.TrimSpace(r.PostFormValue("withdrawn_on")))
	if perr != nil || rules.Date(on).After(q.today) {
		errs.Add("withdrawn_on", "Give the date they withdrew, not after today")
	}
	if len(errs) == 0 {
		if errs, err = failed(q.s.Withdraw(side, mid, on)); err != nil {
			return err
		}
	}
	if errs != nil {
		return showMatch(w, r, errs, nil)
	}
	return done(w, r, "Withdrawal recorded: re-match the people affected", "/cohorts/"+itoa(c.ID)+"/match")
}
