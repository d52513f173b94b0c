package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/runner"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// JobMailTeams is the job that mails reviewers the seats a published run
// gave them (internal/jobs runs it; the page enqueues it).
const JobMailTeams = "mail_teams"

// allocationRoutes are the central team's allocation: runs, their
// proposals with the reasons for every seat, pins and forbidden pairs,
// publication, withdrawals.
func allocationRoutes() []route {
	return []route{
		get("/years/:year/allocation", PermBoard, tenant, "", "The allocation of reviewers: runs, pins and forbidden pairs", allocationPage),
		post("/years/:year/allocation", PermManage, tenant, "", "Run the allocation for a term or the year (reviews still to come)", runAllocation),
		post("/years/:year/pins", PermManage, tenant, "", "Pin a reviewer to a seat of a review, or forbid the pair", addPin),
		post("/pins/:pin/delete", PermManage, tenant, "", "Remove a pin or forbidden pair", deletePin),
		get("/runs/:run", PermBoard, tenant, "", "An allocation run: every seat and why, every unfilled seat and why", runPage),
		post("/runs/:run/publish", PermManage, tenant, "", "Publish a run's proposal: its seats become the teams, and reviewers are mailed", publishRun),
		post("/seats/:seat/withdraw", PermRead, anywhere, "", "Withdraw a reviewer from a team (the central team, or the reviewer)", withdraw),
	}
}

var runColumns = []ui.Column{
	{Key: "when", Label: "Run"}, {Key: "period", Label: "Period"}, {Key: "state", Label: "State"},
	{Key: "filled", Label: "Seats filled"}, {Key: "cost", Label: "Cost", Numeric: true}, {Key: "changed", Label: "Published seats changed", Numeric: true},
	{Key: "ms", Label: "Solved in (ms)", Numeric: true},
}

var pinColumns = []ui.Column{
	{Key: "review", Label: "Review"}, {Key: "reviewer", Label: "Reviewer"}, {Key: "kind", Label: "Decision"}, {Key: "why", Label: "Why"}, {Key: "remove", Label: "Remove"},
}

type allocationView struct {
	common
	Header               ui.Header
	Runs, Pins           ui.Table
	RunFields, PinFields []ui.Field
	Errors               ui.Errors
	RunAction, PinAction string
	CanManage            bool
	Removes              []removeForm
}

type removeForm struct {
	Action, Label string
}

func runState(s string) string {
	switch s {
	case store.RunProposal:
		return string(ui.Badge(ui.Info, "Proposal"))
	case store.RunPublished:
		return string(ui.Badge(ui.Success, "Published"))
	}
	return string(ui.Badge(ui.Neutral, "Superseded"))
}

func loadAllocation(r *http.Request, s *store.Store, y *store.Year) (*allocationView, error) {
	runs, err := s.Runs(y.ID)
	if err != nil {
		return nil, err
	}
	pins, err := s.PinsOf(y.ID)
	if err != nil {
		return nil, err
	}
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return nil, err
	}
	members, err := s.Members(y.ID)
	if err != nil {
		return nil, err
	}
	reviewers, err := s.Reviewers()
	if err != nil {
		return nil, err
	}
	manage, err := sdk.HostFrom(r.Context()).Can(r.Context(), PermManage, 0)
	if err != nil {
		return nil, err
	}
	names := map[uint64]string{}
	for _, m := range members {
		names[m.SchoolID] = m.Name
	}
	rvName := map[uint64]string{}
	reviewOpts := []ui.Option{{Value: "", Label: "Choose a review"}}
	for _, rv := range reviews {
		if rv.Cancelled {
			continue
		}
		rvName[rv.ID] = fmt.Sprintf("%s (week %d)", names[rv.SchoolID], rv.Week)
		reviewOpts = append(reviewOpts, ui.Option{Value: strconv.FormatUint(rv.ID, 10), Label: rvName[rv.ID]})
	}
	who := map[uint64]string{}
	reviewerOpts := []ui.Option{{Value: "", Label: "Choose a reviewer"}}
	for _, p := range reviewers {
		label := p.Name
		if p.Lead {
			label += " (Lead Reviewer)"
		}
		who[p.ID] = label
		if p.Active {
			reviewerOpts = append(reviewerOpts, ui.Option{Value: strconv.FormatUint(p.ID, 10), Label: label})
		}
	}
	v := &allocationView{common: commonOf(r), CanManage: manage, RunAction: sdk.URL(r, path("years", y.ID, "allocation")), PinAction: sdk.URL(r, path("years", y.ID, "pins")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Year board " + y.Label, Href: sdk.URL(r, path("years", y.ID))}),
			Title: "Allocation " + y.Label, Lead: "Every run fills the most seats the rules allow and, among those, has the least cost: the optimum, not a guess. Runs allocate the reviews still to come; a re-run changes as few published seats as it must."},
		RunFields: []ui.Field{{Kind: ui.Select, Name: "term", Label: "Period", Required: true, Options: []ui.Option{
			{Value: "0", Label: rules.TermName(0)}, {Value: "1", Label: rules.TermName(1)}, {Value: "2", Label: rules.TermName(2)}, {Value: "3", Label: rules.TermName(3)}}},
			{Kind: ui.Text, Name: "reason", Label: "Why you run it", Hint: "For example: after a withdrawal"}},
		PinFields: []ui.Field{{Kind: ui.Select, Name: "review", Label: "Review", Options: reviewOpts, Required: true},
			{Kind: ui.Select, Name: "reviewer", Label: "Reviewer", Options: reviewerOpts, Required: true},
			{Kind: ui.Select, Name: "kind", Label: "Decision", Required: true, Options: []ui.Option{
				{Value: "pin-lead", Label: "Pin to the lead seat"}, {Value: "pin-team", Label: "Pin to a team seat"}, {Value: store.PinForbid, Label: "Forbid the pair"}}},
			{Kind: ui.Text, Name: "why", Label: "Why", Hint: "Required to forbid a pair"}}}
	rows := make([]ui.Row, 0, len(runs))
	for _, run := range runs {
		rows = append(rows, ui.Row{"when": link(r, ui.FormatDate(run.CreatedAt)+" #"+strconv.FormatUint(run.ID, 10), path("runs", run.ID)), "period": rules.TermName(run.Term),
			"state": htmlCell(runState(run.State)), "filled": fmt.Sprintf("%d of %d", run.Filled, run.Seats), "cost": run.Cost, "changed": run.Changed, "ms": run.Millis})
	}
	v.Runs = ui.Table{Caption: "Runs, newest first", Columns: runColumns, Rows: rows, ID: "runs", Empty: "No run yet."}
	prows := make([]ui.Row, 0, len(pins))
	for _, p := range pins {
		kind := "Forbidden"
		if p.Kind == store.PinSeat {
			kind = "Pinned to the " + p.Seat + " seat"
		}
		prows = append(prows, ui.Row{"review": link(r, rvName[p.ReviewID], path("reviews", p.ReviewID)), "reviewer": who[p.ReviewerID], "kind": kind, "why": p.Why,
			"remove": htmlCell(removeButton(r, path("pins", p.ID, "delete"), "Remove the decision on "+who[p.ReviewerID]))})
	}
	v.Pins = ui.Table{Caption: "Pins and forbidden pairs", Columns: pinColumns, Rows: prows, ID: "pins", Empty: "No pin or forbidden pair."}
	return v, nil
}

func allocationPage(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	v, err := loadAllocation(r, s, y)
	if err != nil {
		return err
	}
	return render(w, r, "Allocation "+y.Label, "allocation", v)
}

func runAllocation(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(r.Context())
	if err != nil {
		return err
	}
	term, err := strconv.Atoi(r.PostFormValue("term"))
	if err != nil || term < 0 || term > 3 {
		return answer(store.Invalid("term", "Choose the period to allocate"))
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > 500 {
		return answer(store.Invalid("reason", "Keep it to 500 characters or fewer"))
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		run, err := runner.Run(tx, y, runner.Options{Term: term, Today: today(r), ReviewedWithin: cfg.ReviewedWithin, Weights: cfg.Weights,
			By: userID(r), Reason: reason, Clock: func() time.Time { return now(r) }})
		if err != nil {
			return change{}, err
		}
		return change{"allocation.run", "run", run.ID, nil, run, path("runs", run.ID),
			fmt.Sprintf("Allocation run: %d of %d seats filled", run.Filled, run.Seats)}, nil
	})
	var refusedRun *runner.Refused
	switch {
	case errors.Is(err, runner.ErrNothingToAllocate):
		return &sdk.HTTPError{Status: http.StatusConflict, Message: "No review of " + strings.ToLower(rules.TermName(term)) + " is still to come: there is nothing to allocate. Choose another period."}
	case errors.As(err, &refusedRun):
		return &sdk.HTTPError{Status: http.StatusConflict, Message: "The allocation cannot start: " + strings.Join(refusedRun.Faults, "; ") + ". Change or remove those pins and run it again."}
	}
	return err
}

func addPin(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	y, err := yearParam(r, s)
	if err != nil {
		return err
	}
	kind, seat := r.PostFormValue("kind"), ""
	switch kind {
	case "pin-lead":
		kind, seat = store.PinSeat, store.LeadSeat
	case "pin-team":
		kind, seat = store.PinSeat, store.TeamSeat
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		rv := formID(r, "review")
		if x, err := tx.Review(rv); err != nil || x.YearID != y.ID {
			return change{}, store.Invalid("review", "Choose a review of the year")
		}
		p, err := tx.SetPin(rv, formID(r, "reviewer"), kind, seat, r.PostFormValue("why"), userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		msg := "Pinned: the next run keeps this seat"
		if p.Kind == store.PinForbid {
			msg = "Forbidden: the next run never seats this pair"
		}
		return change{"allocation.pin", "pin", p.ID, nil, p, path("years", y.ID, "allocation"), msg}, nil
	})
	return again(w, r, err, "Allocation", "allocation", func() (*allocationView, error) { return loadAllocation(r, s, y) },
		func(v *allocationView) (*[]ui.Field, *ui.Errors) { return &v.PinFields, &v.Errors })
}

func deletePin(w http.ResponseWriter, r *http.Request) error {
	pid, err := id(r, "pin")
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		p, err := tx.DeletePin(pid)
		if err != nil {
			return change{}, err
		}
		rv, err := tx.Review(p.ReviewID)
		if err != nil {
			return change{}, err
		}
		return change{"allocation.unpin", "pin", p.ID, p, nil, path("years", rv.YearID, "allocation"), "Decision removed"}, nil
	})
}

var seatColumns = []ui.Column{
	{Key: "week", Label: "Week", Numeric: true}, {Key: "school", Label: "Review"}, {Key: "seat", Label: "Seat"},
	{Key: "reviewer", Label: "Reviewer"}, {Key: "from", Label: "Reviewer's school"}, {Key: "why", Label: "Why this seat went here"},
}

var unfilledColumns = []ui.Column{
	{Key: "week", Label: "Week", Numeric: true}, {Key: "school", Label: "Review"}, {Key: "seat", Label: "Seat"},
	{Key: "count", Label: "Empty", Numeric: true}, {Key: "why", Label: "Why it could not be filled"},
}

type runView struct {
	common
	Header        ui.Header
	Stats         ui.Stats
	Notes         []string
	Seats         ui.Table
	Unfilled      ui.Table
	Pager         ui.Pager
	PublishAction string
	CanPublish    bool
	Reason        string
}

func runPage(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	rid, err := id(r, "run")
	if err != nil {
		return err
	}
	run, err := s.Run(rid)
	if err != nil {
		return answer(err)
	}
	y, err := s.Year(run.YearID)
	if err != nil {
		return err
	}
	page, err := ui.ParsePage(r.URL.Query())
	if err != nil {
		return &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	seats, err := s.RunSeats(run.ID)
	if err != nil {
		return err
	}
	unfilled, err := s.RunUnfilledOf(run.ID)
	if err != nil {
		return err
	}
	var rids, pids []uint64
	for _, x := range seats {
		rids, pids = append(rids, x.ReviewID), append(pids, x.ReviewerID)
	}
	for _, u := range unfilled {
		rids = append(rids, u.ReviewID)
	}
	reviews, err := s.ReviewsByID(uniq(rids))
	if err != nil {
		return err
	}
	reviewers, err := s.ReviewersByID(uniq(pids))
	if err != nil {
		return err
	}
	var schools []uint64
	for _, rv := range reviews {
		schools = append(schools, rv.SchoolID)
	}
	for _, p := range reviewers {
		schools = append(schools, p.SchoolID)
	}
	names, err := s.SchoolsEver(uniq(schools))
	if err != nil {
		return err
	}
	manage, err := sdk.HostFrom(r.Context()).Can(r.Context(), PermManage, 0)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("Allocation run #%d", run.ID)
	v := runView{common: commonOf(r), PublishAction: sdk.URL(r, path("runs", run.ID, "publish")), CanPublish: manage && run.State == store.RunProposal, Reason: run.Reason,
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Year board " + y.Label, Href: sdk.URL(r, path("years", y.ID))},
			ui.Crumb{Label: "Allocation " + y.Label, Href: sdk.URL(r, path("years", y.ID, "allocation"))}), Title: title,
			Lead: fmt.Sprintf("%s, run %s: %s.", rules.TermName(run.Term), ui.FormatDate(run.CreatedAt), stateWords(run.State))},
		Stats: ui.Stats{{Value: fmt.Sprintf("%d of %d", run.Filled, run.Seats), Label: "Seats filled", N: run.Seats},
			{Value: fmt.Sprint(run.Seats - run.Filled), Label: "Seats left empty"}, {Value: fmt.Sprint(run.Cost), Label: "Total cost (the least possible)"},
			{Value: fmt.Sprintf("%d kept, %d changed", run.Kept, run.Changed), Label: "Published seats"},
			{Value: fmt.Sprintf("%d ms", run.Millis), Label: "Time to solve"}}}
	for _, line := range strings.Split(run.Shortfall, "\n") {
		if line != "" {
			v.Notes = append(v.Notes, line)
		}
	}
	school := func(id uint64) string {
		if id == 0 {
			return "No member school"
		}
		return names[id].Name
	}
	urows := make([]ui.Row, 0, len(unfilled))
	for _, u := range unfilled {
		rv := reviews[u.ReviewID]
		urows = append(urows, ui.Row{"week": rv.Week, "school": link(r, school(rv.SchoolID), path("reviews", rv.ID)), "seat": seatLabel(u.Seat), "count": u.Count, "why": upperFirst(u.Why)})
	}
	v.Unfilled = ui.Table{Caption: "Seats left empty", Columns: unfilledColumns, Rows: urows, ID: "unfilled", Empty: "Every seat is filled."}
	p := ui.Pager{Page: page, PerPage: 100, Total: len(seats), Query: r.URL.Query()}.Clamp()
	rows := make([]ui.Row, 0, p.PerPage)
	for _, x := range seats[p.Offset():min(len(seats), p.Offset()+p.PerPage)] {
		rv, who := reviews[x.ReviewID], reviewers[x.ReviewerID]
		rows = append(rows, ui.Row{"week": rv.Week, "school": link(r, school(rv.SchoolID), path("reviews", rv.ID)), "seat": seatLabel(x.Seat),
			"reviewer": who.Name, "from": school(who.SchoolID), "why": upperFirst(runner.Why(x))})
	}
	v.Pager = p
	v.Seats = ui.Table{Caption: "Seats filled, by review", Columns: seatColumns, Rows: rows, ID: "seats", Empty: "No seat is filled."}
	return render(w, r, title, "run", v)
}

func stateWords(s string) string {
	switch s {
	case store.RunProposal:
		return "a proposal, not yet published"
	case store.RunPublished:
		return "published; its seats are the teams"
	}
	return "superseded by a later run"
}

func seatLabel(s string) string {
	if s == store.LeadSeat {
		return "Lead"
	}
	return "Team"
}

func publishRun(w http.ResponseWriter, r *http.Request) error {
	rid, err := id(r, "run")
	if err != nil {
		return err
	}
	var pub *store.Published
	err = commit(w, r, func(tx *store.Store) (change, error) {
		p, err := tx.PublishRun(rid, userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		pub = p
		return change{"allocation.publish", "run", rid, nil, map[string]any{"run": p.Run.ID, "added": len(p.Added), "removed": len(p.Removed)},
			path("years", p.Run.YearID, "allocation"),
			fmt.Sprintf("Published: %d %s added, %d removed; the reviewers are being mailed", len(p.Added), plural(len(p.Added), "seat", "seats"), len(p.Removed))}, nil
	})
	if err != nil || pub == nil {
		return err
	}
	ctx := r.Context()
	if _, err := sdk.HostFrom(ctx).Enqueue(ctx, JobMailTeams, map[string]uint64{"RunID": rid}); err != nil {
		sdk.Log(ctx).Error("queue the team mails", "run", rid, "error", err.Error())
	}
	return nil
}

func withdraw(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	sid, err := id(r, "seat")
	if err != nil {
		return err
	}
	x, err := s.Seat(sid)
	if err != nil {
		return answer(err)
	}
	me, err := s.ReviewerByPerson(userID(r))
	if err != nil {
		return err
	}
	manage, err := sdk.HostFrom(r.Context()).Can(r.Context(), PermManage, 0)
	if err != nil {
		return err
	}
	if !manage && (me == nil || me.ID != x.ReviewerID) {
		return sdk.ErrNotFound
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		before, err := tx.Withdraw(sid, r.PostFormValue("why"), userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		next := path("reviews", x.ReviewID)
		if !manage {
			next = "/me"
		}
		return change{"seat.withdraw", "seat", sid, before, map[string]any{"withdrawn": true, "why": r.PostFormValue("why")}, next,
			"Withdrawn from the team; the central team re-runs the allocation to fill the seat"}, nil
	})
}
