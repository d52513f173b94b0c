package web

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

type placeRow struct {
	store.Participant
	Cluster string
	Year    string
}

type trialRow struct {
	store.Trial
	Strategy string
	Theme    string
	// Pupils is the number of cohort pupils receiving it, worded: in full
	// for the school's own people (schoolAccess.AtSchool), "<5" below
	// MinCount for anyone else (see SuppressPupils).
	Pupils string
}

type visitRow struct {
	store.Visit
	Actions []store.Action
}

type schoolView struct {
	common
	Withdrawn  string // the date the school withdrew from its cluster this year ("" when it did not)
	SchoolID   uint64
	Name       string
	Phase      string
	Rule       string
	Years      []store.Year
	Year       *store.Year
	Cluster    *store.Cluster
	Access     schoolAccess
	MinCount   int // pupil counts below it read "<5" for a reader not at the school
	Places     []placeRow
	Open       []store.Cluster // recruiting clusters of the year the school may ask to join
	Team       []store.TeamMember
	Violations []rules.Violation
	Staff      []*pluginv1.Person // leaders: people to choose from
	Roles      []rules.Role
	Subjects   []rules.Subject
	ParaTypes  []rules.ParaType
	Trials     []trialRow
	Strategies []store.Strategy // in use: offered for new trials
	Decisions  []rules.Decision
	Visits     []visitRow
	Plans      []planRow // strategies decided "scale up", with their plans
}

// chooseYear returns the programme year asked for by ?year= (or the form's
// year), or the latest; nil when the tenant has none.
func chooseYear(r *http.Request, years []store.Year) (*store.Year, error) {
	raw := r.URL.Query().Get("year")
	inQuery := raw != ""
	if raw == "" && r.Method == http.MethodPost {
		raw = r.PostFormValue("year")
	}
	if raw == "" {
		if len(years) == 0 {
			return nil, nil
		}
		return &years[0], nil
	}
	yid, err := strconv.ParseUint(raw, 10, 64)
	if err == nil {
		for i := range years {
			if years[i].ID == yid {
				return &years[i], nil
			}
		}
	}
	if inQuery {
		if err != nil {
			return nil, &paramError{Param: "year", Message: "it must be a programme year's number"}
		}
		return nil, &paramError{Param: "year", Message: "there is no such programme year"}
	}
	return nil, &store.ValidationError{Field: "year", Message: "choose one of the programme years"}
}

func schoolPath(sid, yid uint64) string {
	p := "/schools/" + strconv.FormatUint(sid, 10)
	if yid != 0 {
		p += "?year=" + strconv.FormatUint(yid, 10)
	}
	return p
}

// schoolContext is the school of the path in the year asked for, with the
// actor's access. A school the actor may not see is not found.
type schoolContext struct {
	s       *store.Store
	school  uint64
	years   []store.Year
	year    *store.Year
	cluster *store.Cluster
	access  schoolAccess
}

func loadSchool(r *http.Request) (*schoolContext, error) {
	sid, err := id(r, "unit")
	if err != nil {
		return nil, err
	}
	sc := &schoolContext{s: st(r), school: sid}
	if sc.years, err = sc.s.Years(); err != nil {
		return nil, err
	}
	if sc.year, err = chooseYear(r, sc.years); err != nil {
		return nil, err
	}
	var yid uint64
	if sc.year != nil {
		yid = sc.year.ID
		c, err := sc.s.ClusterOfSchool(yid, sid)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			sc.cluster = c
		}
	}
	if sc.access, err = accessToSchool(r, sc.s, yid, sid, sc.cluster); err != nil {
		return nil, err
	}
	if !sc.access.CanSee() {
		return nil, errNotFound
	}
	return sc, nil
}

func (sc *schoolContext) yearID() uint64 {
	if sc.year == nil {
		return 0
	}
	return sc.year.ID
}

func schoolPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sc, err := loadSchool(r)
	if err != nil {
		return err
	}
	s := sc.s
	v := schoolView{common: commonOf(r), SchoolID: sc.school, Years: sc.years, Year: sc.year, Cluster: sc.cluster, Access: sc.access, MinCount: MinCount,
		Roles: rules.Roles, Subjects: rules.Subjects, ParaTypes: rules.ParaTypes, Decisions: rules.Decisions}
	host := sdk.HostFrom(ctx)
	if sc.year != nil {
		if v.Withdrawn, err = s.WithdrawnOn(sc.year.ID, sc.school); err != nil {
			return err
		}
	}
	rec, err := s.Schools(sc.school)
	if err != nil {
		return err
	}
	if known, ok := rec[sc.school]; ok {
		v.Name, v.Phase = known.Name, known.Phase
	} else {
		found, err := host.Schools(ctx, sc.school)
		if err != nil {
			return err
		}
		if len(found) != 1 {
			return errNotFound // not a school
		}
		v.Name, v.Phase = found[0].GetName(), phaseName(found[0].GetPhase())
	}
	req, _ := rules.RequirementFor(v.Phase)
	v.Rule = req.Name
	places, err := s.Participations(sc.school)
	if err != nil {
		return err
	}
	clusters, err := s.Clusters(0)
	if err != nil {
		return err
	}
	cname := map[uint64]string{}
	for _, c := range clusters {
		cname[c.ID] = c.Name
	}
	ylabel := map[uint64]string{}
	for _, y := range sc.years {
		ylabel[y.ID] = y.Label
	}
	asked := map[uint64]bool{}
	for _, p := range places {
		v.Places = append(v.Places, placeRow{Participant: p, Cluster: cname[p.ClusterID], Year: ylabel[p.YearID]})
		if p.Status != store.StatusDeclined {
			asked[p.ClusterID] = true
		}
	}
	if sc.year == nil {
		return render(w, r, v.Name, "school", v)
	}
	if sc.access.Lead && sc.cluster == nil {
		open, err := s.Recruiting()
		if err != nil {
			return err
		}
		for _, c := range open {
			if c.YearID == sc.year.ID && !asked[c.ID] {
				v.Open = append(v.Open, c)
			}
		}
	}
	if v.Team, err = s.Members(sc.year.ID, sc.school); err != nil {
		return err
	}
	v.Violations = store.CheckTeam(v.Phase, v.Team)
	if sc.access.Lead {
		staff, err := host.People(ctx, nil, []uint64{sc.school})
		if err != nil {
			return err
		}
		for _, p := range staff {
			if !slices.ContainsFunc(v.Team, func(m store.TeamMember) bool { return m.PersonID == p.GetId() }) {
				v.Staff = append(v.Staff, p)
			}
		}
		sort.Slice(v.Staff, func(i, j int) bool { return v.Staff[i].GetName() < v.Staff[j].GetName() })
	}
	strategies, err := s.Strategies()
	if err != nil {
		return err
	}
	byID := map[uint64]store.Strategy{}
	for _, st := range strategies {
		byID[st.ID] = st
		if !st.Retired() {
			v.Strategies = append(v.Strategies, st) // offered for new trials
		}
	}
	trials, err := s.Trials(sc.year.ID, sc.school)
	if err != nil {
		return err
	}
	tids := make([]uint64, len(trials))
	for i, t := range trials {
		tids[i] = t.ID
	}
	receiving, err := s.TrialPupils(tids...)
	if err != nil {
		return err
	}
	for _, t := range trials {
		v.Trials = append(v.Trials, trialRow{Trial: t, Strategy: byID[t.StrategyID].Title, Theme: byID[t.StrategyID].Theme,
			Pupils: count(len(receiving[t.ID]), sc.access.SuppressPupils())})
	}
	if v.Plans, err = scaleUpPlans(s, trials, func(id uint64) string { return byID[id].Title }); err != nil {
		return err
	}
	visits, err := s.Visits(sc.year.ID, sc.school)
	if err != nil {
		return err
	}
	vids := make([]uint64, len(visits))
	for i, vi := range visits {
		vids[i] = vi.ID
	}
	actions, err := s.Actions(vids...)
	if err != nil {
		return err
	}
	for _, vi := range visits {
		v.Visits = append(v.Visits, visitRow{Visit: vi, Actions: actions[vi.ID]})
	}
	return render(w, r, v.Name+" — Challenge the Gap", "school", v)
}

func expressInterest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sid, err := id(r, "unit")
	if err != nil {
		return err
	}
	cid, err := formID(r, "cluster")
	if err != nil {
		return err
	}
	if cid == 0 {
		return &store.ValidationError{Field: "cluster", Message: "choose a cluster open for recruitment"}
	}
	found, err := sdk.HostFrom(ctx).Schools(ctx, sid)
	if err != nil {
		return err
	}
	if len(found) != 1 {
		return errNotFound // the unit is not a school
	}
	s := st(r)
	if err := s.UpsertSchools([]store.School{schoolRecord(found[0])}); err != nil {
		return err
	}
	p, err := s.ExpressInterest(cid, sid, userID(r), r.PostFormValue("message"))
	if err != nil {
		return err
	}
	if err := audit(r, "participant.interest", "participant", p.ID, nil, p); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sid, p.YearID))
}

// auditMember is what the audit log keeps of a team member: no name.
func auditMember(m *store.TeamMember) map[string]any {
	return map[string]any{"id": m.ID, "year_id": m.YearID, "school_id": m.SchoolID, "person_id": m.PersonID,
		"role": m.Role, "subject": m.Subject, "para_type": m.ParaType}
}

func addMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sc, err := loadSchool(r)
	if err != nil {
		return err
	}
	if sc.year == nil {
		return &store.ValidationError{Field: "year", Message: "add a programme year first"}
	}
	pid, err := formID(r, "person")
	if err != nil {
		return err
	}
	if pid == 0 {
		return &store.ValidationError{Field: "person", Message: "choose a member of the school's staff"}
	}
	// The person must hold a role at the school, as the core sees it.
	ps, err := sdk.HostFrom(ctx).People(ctx, []uint64{pid}, []uint64{sc.school})
	if err != nil {
		return err
	}
	if len(ps) != 1 {
		return &store.ValidationError{Field: "person", Message: "choose a member of the school's staff"}
	}
	m, err := sc.s.AddMember(store.TeamMember{YearID: sc.year.ID, SchoolID: sc.school, PersonID: pid, Name: ps[0].GetName(),
		Role: r.PostFormValue("role"), Subject: r.PostFormValue("subject"), ParaType: r.PostFormValue("para_type")})
	if err != nil {
		return err
	}
	if err := audit(r, "team.add", "team_member", m.ID, nil, auditMember(m)); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, sc.year.ID))
}

func removeMember(w http.ResponseWriter, r *http.Request) error {
	sid, err := id(r, "unit")
	if err != nil {
		return err
	}
	mid, err := id(r, "member")
	if err != nil {
		return err
	}
	m, err := st(r).RemoveMember(sid, mid)
	if err != nil {
		return err
	}
	if err := audit(r, "team.remove", "team_member", m.ID, auditMember(m), nil); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sid, m.YearID))
}

func startTrial(w http.ResponseWriter, r *http.Request) error {
	sc, err := loadSchool(r)
	if err != nil {
		return err
	}
	if sc.year == nil {
		return &store.ValidationError{Field: "year", Message: "add a programme year first"}
	}
	if !sc.access.CanTrial() {
		return errForbidden
	}
	sid, err := formID(r, "strategy")
	if err != nil {
		return err
	}
	t, err := sc.s.StartTrial(sc.year.ID, sc.school, sid, r.PostFormValue("started_on"), r.PostFormValue("notes"), userID(r))
	if err != nil {
		return err
	}
	if err := audit(r, "trial.start", "trial", t.ID, nil, t); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, sc.year.ID))
}

func decideTrial(w http.ResponseWriter, r *http.Request) error {
	sid, err := id(r, "unit")
	if err != nil {
		return err
	}
	tid, err := id(r, "trial")
	if err != nil {
		return err
	}
	t, err := st(r).DecideTrial(sid, tid, r.PostFormValue("decision"))
	if err != nil {
		return err
	}
	if err := audit(r, "trial.decide", "trial", t.ID, nil, map[string]any{"decision": t.Decision}); err != nil {
		return err
	}
	if r.PostFormValue("from") == "trial" { // decided on the page of the evidence: back to it
		ui.Flash(w, "Decision saved: "+rules.Decision(t.Decision).Label()+".")
		return redirect(w, r, "/schools/"+strconv.FormatUint(sid, 10)+"/trials/"+strconv.FormatUint(t.ID, 10))
	}
	return redirect(w, r, schoolPath(sid, t.YearID))
}

func addVisit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sc, err := loadSchool(r)
	if err != nil {
		return err
	}
	if sc.year == nil || sc.cluster == nil {
		return &store.ValidationError{Field: "school", Message: "the school takes part in no cluster this programme year"}
	}
	if !sc.access.Cluster.CanVisit() {
		return errForbidden
	}
	a := sdk.ActorFrom(ctx)
	vi, err := sc.s.AddVisit(store.Visit{YearID: sc.year.ID, SchoolID: sc.school, VisitedOn: r.PostFormValue("visited_on"),
		VisitorPersonID: a.GetUserId(), VisitorName: a.GetUserName(), Notes: r.PostFormValue("notes")})
	if err != nil {
		return err
	}
	if err := audit(r, "visit.create", "visit", vi.ID, nil, map[string]any{"id": vi.ID, "school_id": vi.SchoolID, "visited_on": vi.VisitedOn}); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, sc.year.ID))
}

// visitContext loads the visit of the path and refuses an actor who is
// neither its school's leader nor one who may visit it.
func visitContext(r *http.Request) (*store.Store, *store.Visit, error) {
	s, vi, _, err := visitAccess(r)
	return s, vi, err
}

// visitAccess is visitContext with the actor's access to the school.
func visitAccess(r *http.Request) (*store.Store, *store.Visit, schoolAccess, error) {
	s := st(r)
	vid, err := id(r, "visit")
	if err != nil {
		return nil, nil, schoolAccess{}, err
	}
	vi, err := s.Visit(vid)
	if err != nil {
		return nil, nil, schoolAccess{}, err
	}
	var c *store.Cluster
	if got, err := s.ClusterOfSchool(vi.YearID, vi.SchoolID); err == nil {
		c = got
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, nil, schoolAccess{}, err
	}
	acc, err := accessToSchool(r, s, vi.YearID, vi.SchoolID, c)
	if err != nil {
		return nil, nil, acc, err
	}
	if !acc.CanSee() {
		return nil, nil, acc, errNotFound
	}
	if !acc.Lead && !acc.Cluster.CanVisit() {
		return nil, nil, acc, errForbidden
	}
	return s, vi, acc, nil
}

func addAction(w http.ResponseWriter, r *http.Request) error {
	s, vi, err := visitContext(r)
	if err != nil {
		return err
	}
	a, err := s.AddAction(vi.ID, r.PostFormValue("text"), r.PostFormValue("due_on"))
	if err != nil {
		return err
	}
	if err := audit(r, "visit.action.create", "visit_action", a.ID, nil, a); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(vi.SchoolID, vi.YearID))
}

func setActionDone(w http.ResponseWriter, r *http.Request) error {
	s, vi, err := visitContext(r)
	if err != nil {
		return err
	}
	aid, err := id(r, "action")
	if err != nil {
		return err
	}
	done := r.PostFormValue("done") == "1"
	if err := s.SetActionDone(vi.ID, aid, done); err != nil {
		return err
	}
	if err := audit(r, "visit.action.update", "visit_action", aid, nil, map[string]bool{"done": done}); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(vi.SchoolID, vi.YearID))
}
