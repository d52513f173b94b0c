package extensions

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/eal/internal/store"
	"github.com/challengepartners/upwards/plugins/eal/internal/web"
)

// The permissions the extensions are declared with (the manifest's
// Extensions): a school's panel for those who may read the school's trial
// page; to-dos for everyone logged in, each narrowed here to what the
// person may do and open; the figures for those who read the trial at the
// tenant's root (the trial manager, the central team, tenant admins).
const (
	PanelPermission   = web.PermRead
	TodosPermission   = "authenticated"
	FiguresPermission = web.PermRead
)

func st(ctx context.Context) *store.Store {
	return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
}

func today(ctx context.Context) string { return sdk.Today(ctx).Format(time.DateOnly) }

// SchoolPanels is Plugin.SchoolPanels: a panel for each asked school that
// is in a trial (the core asks only for schools where the viewer holds
// PanelPermission). No Host call.
func SchoolPanels(ctx context.Context, units []uint64) ([]sdk.SchoolPanel, error) {
	s := st(ctx)
	schools, err := s.TrialSchoolsOfSchools(units...)
	if err != nil || len(schools) == 0 {
		return nil, err
	}
	var tIDs []uint64
	inTrials := map[uint64]int{}
	for _, ts := range schools {
		if !slices.Contains(tIDs, ts.TrialID) {
			tIDs = append(tIDs, ts.TrialID)
		}
		inTrials[ts.SchoolID]++
	}
	trials, err := s.TrialsByID(tIDs...)
	if err != nil {
		return nil, err
	}
	// A panel names the delegates of its school, and the centre and course
	// days of an intervention school only.
	data, err := LoadWith(s, trials, schools, Needs{Centres: intervention, Delegates: everySchool})
	if err != nil {
		return nil, err
	}
	if err := CountPupils(s, data, idsOf(schools)...); err != nil {
		return nil, err
	}
	day := today(ctx)
	var out []sdk.SchoolPanel
	at := map[uint64]int{} // school → its panel in out
	for _, ts := range schools {
		t := data[ts.TrialID]
		if t == nil {
			continue
		}
		prefix := ""
		if inTrials[ts.SchoolID] > 1 {
			prefix = t.Trial.Name
		}
		lines := Panel(t, ts, day, prefix)
		if len(lines) == 0 {
			continue
		}
		if i, ok := at[ts.SchoolID]; ok {
			out[i].Lines = prefixed(append(out[i].Lines, lines...), "")
			continue
		}
		at[ts.SchoolID] = len(out)
		out = append(out, sdk.SchoolPanel{UnitID: ts.SchoolID, Lines: lines})
	}
	return out, nil
}

// authorize answers checks in calls of at most 500.
func authorize(ctx context.Context, checks []sdk.Check) ([]bool, error) {
	var out []bool
	for len(checks) > 0 {
		n := min(len(checks), 500)
		ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks[:n]...)
		if err != nil {
			return nil, err
		}
		out = append(out, ok...)
		checks = checks[n:]
	}
	return out, nil
}

// may is what the person may do somewhere in the tenant (one Authorize
// of the permissions of the pages the to-dos link to).
type may struct{ manage, assess, centre, session, pupils bool }

func mayAnywhere(ctx context.Context) (may, error) {
	ok, err := authorize(ctx, []sdk.Check{{Permission: web.PermManage}, {Permission: web.PermRead}, {Permission: web.PermAssess},
		{Permission: web.PermCentre}, {Permission: web.PermSession}, {Permission: web.PermPupils}, {Permission: web.PermPupilRead}})
	if err != nil {
		return may{}, fmt.Errorf("to-dos: the permissions anywhere: %w", err)
	}
	return may{manage: ok[0] && ok[1], assess: ok[2], centre: ok[3] && ok[1], session: ok[4] && ok[1], pupils: ok[5] && ok[6]}, nil
}

// Todos is Plugin.Todos: what the person logged in should do next in the
// trial, as a delegate (their self-assessments), a centre lead (days to
// date, attendance to record), a trained facilitator (sessions to log),
// school staff (their pupils' scores to enter) and the trial manager (the
// next step of the recruitment and the randomisation, the outcomes to
// collect). Each is given only where the person holds the permission of
// the page it links to. At most two Host calls (Authorize).
func Todos(ctx context.Context) ([]sdk.Todo, error) {
	me := sdk.ActorFrom(ctx).GetUserId()
	if me == 0 {
		return nil, nil
	}
	s := st(ctx)
	trials, err := s.Trials()
	if err != nil || len(trials) == 0 {
		return nil, err
	}
	m, err := mayAnywhere(ctx)
	if err != nil {
		return nil, err
	}
	var dels []store.Delegate
	if m.assess {
		if dels, err = s.DelegatesOf(me); err != nil {
			return nil, err
		}
	}
	var facs []store.Facilitator
	if m.session {
		if facs, err = s.FacilitatorsOf(me); err != nil {
			return nil, err
		}
	}
	if !m.manage && !m.centre && !m.pupils && len(dels) == 0 && len(facs) == 0 {
		return nil, nil
	}
	schools, data, err := loadForTodos(s, trials, m, dels, facs)
	if err != nil {
		return nil, err
	}
	if m.manage {
		if err := CountPupils(s, data, idsOf(schools)...); err != nil {
			return nil, err
		}
	}
	day := today(ctx)
	out, err := delegateTodos(s, data, dels, day)
	if err != nil {
		return nil, err
	}
	if m.manage {
		for _, t := range sortedTrials(data) {
			out = append(out, ManagerTodos(t, day)...)
		}
	}
	at, err := unitTodos(ctx, s, data, schools, m, facs, day)
	if err != nil {
		return nil, err
	}
	return Sorted(append(out, at...)), nil
}

// loadForTodos reads what the person's to-dos are built from: every
// trial school's state (the trial manager counts them all; school staff
// may enter scores at any, as the Host says below), and only the centres,
// course days and delegates that can give this person a to-do: every
// centre's for a centre lead, a facilitator's own centres, a delegate's
// own school's centre. No pupil is counted.
func loadForTodos(s *store.Store, trials []store.Trial, m may, dels []store.Delegate, facs []store.Facilitator) ([]store.TrialSchool, map[uint64]*Trial, error) {
	tIDs := make([]uint64, len(trials))
	for i, t := range trials {
		tIDs[i] = t.ID
	}
	schools, err := s.TrialSchoolStates(tIDs...)
	if err != nil {
		return nil, nil, err
	}
	facAt := make(map[uint64]bool, len(facs))
	for _, f := range facs {
		facAt[f.CentreID] = true
	}
	delegateAt := make(map[uint64]bool, len(dels))
	for _, d := range dels {
		delegateAt[d.TrialSchoolID] = true
	}
	// Centre leads' and facilitators' to-dos read the booked delegates
	// (and their attendance); a delegate's read only the course days.
	runs := func(_ *Trial, ts store.TrialSchool) bool { return m.centre || facAt[ts.CentreID] }
	needs := Needs{
		Centres:   func(t *Trial, ts store.TrialSchool) bool { return runs(t, ts) || delegateAt[ts.ID] },
		Sessions:  len(facs) > 0,
		Delegates: func(t *Trial, ts store.TrialSchool) bool { return runs(t, ts) && intervention(t, ts) },
	}
	data, err := LoadWith(s, trials, schools, needs)
	if err != nil {
		return nil, nil, err
	}
	return schools, data, nil
}

// delegateTodos are the person's self-assessments to answer, for each of
// their delegate records.
func delegateTodos(s *store.Store, data map[uint64]*Trial, dels []store.Delegate, day string) ([]sdk.Todo, error) {
	if len(dels) == 0 {
		return nil, nil
	}
	dIDs := make([]uint64, len(dels))
	for i, d := range dels {
		dIDs[i] = d.ID
	}
	answers, err := s.Assessments(dIDs...)
	if err != nil {
		return nil, err
	}
	var out []sdk.Todo
	for _, d := range dels {
		answered := map[string]bool{}
		for _, a := range answers {
			if a.DelegateID == d.ID {
				answered[a.Kind] = true
			}
		}
		for _, t := range data {
			out = append(out, DelegateTodos(t, d, answered, day)...)
		}
	}
	return out, nil
}

// unitTodo is a to-do at a centre or a school, given once the Host says
// the person holds every check's permission there. A school's scores to
// enter are built (build) once it is known to be the person's, from its
// counts read then.
type unitTodo struct {
	todos  []sdk.Todo
	checks []sdk.Check
	build  func() []sdk.Todo
}

// unitTodos are what is done at a centre or a school: one Authorize for
// every unit, then the pupils counted of the schools the person enters
// scores at.
func unitTodos(ctx context.Context, s *store.Store, data map[uint64]*Trial, schools []store.TrialSchool, m may, facs []store.Facilitator, day string) ([]sdk.Todo, error) {
	pending := pendingTodos(data, m, facs, day)
	if len(pending) == 0 {
		return nil, nil
	}
	var checks []sdk.Check
	for _, p := range pending {
		checks = append(checks, p.checks...)
	}
	ok, err := authorize(ctx, checks)
	if err != nil {
		return nil, fmt.Errorf("to-dos: the permissions at centres and schools: %w", err)
	}
	var allowed []unitTodo
	var counted []uint64 // the schools whose scores the person enters
	i := 0
	for _, p := range pending {
		all := true
		for range p.checks {
			all = all && ok[i]
			i++
		}
		if all {
			allowed = append(allowed, p)
			if p.build != nil {
				counted = append(counted, p.checks[0].UnitID)
			}
		}
	}
	if err := CountPupils(s, data, trialSchoolsAt(schools, counted)...); err != nil {
		return nil, err
	}
	var out []sdk.Todo
	for _, p := range allowed {
		if p.build != nil {
			p.todos = p.build()
		}
		out = append(out, p.todos...)
	}
	return out, nil
}

// pendingTodos are the to-dos at centres and schools the person may have,
// before the Host says where they hold the permissions.
func pendingTodos(data map[uint64]*Trial, m may, facs []store.Facilitator, day string) []unitTodo {
	var pending []unitTodo
	facAt := map[uint64]store.Facilitator{}
	for _, f := range facs {
		facAt[f.CentreID] = f
	}
	for _, t := range sortedTrials(data) {
		for _, c := range sortedCentres(t) {
			if m.centre {
				if todos := CentreTodos(t, c, day); len(todos) > 0 {
					pending = append(pending, unitTodo{todos: todos, checks: []sdk.Check{{Permission: web.PermCentre, UnitID: c.UnitID}, {Permission: web.PermRead, UnitID: c.UnitID}}})
				}
			}
			if f, ok := facAt[c.ID]; ok {
				if todos := FacilitatorTodos(t, c, f, day); len(todos) > 0 {
					pending = append(pending, unitTodo{todos: todos, checks: []sdk.Check{{Permission: web.PermSession, UnitID: c.UnitID}, {Permission: web.PermRead, UnitID: c.UnitID}}})
				}
			}
		}
		// The trial manager collects the outcomes across the schools;
		// the schools' staff enter them.
		if m.pupils && !m.manage {
			for _, ts := range t.Schools {
				if MayHavePupilTodos(t, ts, day) {
					pending = append(pending, unitTodo{checks: []sdk.Check{{Permission: web.PermPupils, UnitID: ts.SchoolID}, {Permission: web.PermPupilRead, UnitID: ts.SchoolID}},
						build: func() []sdk.Todo { return PupilTodos(t, ts, day) }})
				}
			}
		}
	}
	return pending
}

// Figures is Plugin.Figures: the headline figures of the latest trial
// (the core asks those who hold FiguresPermission at the tenant's root).
// It reads the schools' states, their counts, and the delegates and
// attendance of the revealed intervention schools only.
func Figures(ctx context.Context) ([]sdk.Figure, error) {
	s := st(ctx)
	trials, err := s.Trials()
	if err != nil || len(trials) == 0 {
		return nil, err
	}
	latest := trials[0]
	for _, t := range trials {
		if t.ID > latest.ID {
			latest = t
		}
	}
	schools, err := s.TrialSchoolStates(latest.ID)
	if err != nil {
		return nil, err
	}
	data, err := LoadWith(s, []store.Trial{latest}, schools, Needs{Delegates: intervention})
	if err != nil {
		return nil, err
	}
	if err := CountPupils(s, data, idsOf(schools)...); err != nil {
		return nil, err
	}
	return BuildFigures(data[latest.ID], today(ctx)), nil
}

// idsOf lists the trial schools' ids.
func idsOf(schools []store.TrialSchool) []uint64 {
	out := make([]uint64, len(schools))
	for i, ts := range schools {
		out[i] = ts.ID
	}
	return out
}

// trialSchoolsAt lists the ids of the trial schools at the given schools
// (core unit ids), in every trial.
func trialSchoolsAt(schools []store.TrialSchool, schoolIDs []uint64) []uint64 {
	var out []uint64
	for _, ts := range schools {
		if slices.Contains(schoolIDs, ts.SchoolID) {
			out = append(out, ts.ID)
		}
	}
	return out
}

func sortedTrials(data map[uint64]*Trial) []*Trial {
	out := make([]*Trial, 0, len(data))
	for _, t := range data {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Trial) int { return cmpID(a.Trial.ID, b.Trial.ID) })
	return out
}

func sortedCentres(t *Trial) []store.Centre {
	out := make([]store.Centre, 0, len(t.Centres))
	for _, c := range t.Centres {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b store.Centre) int { return cmpID(a.ID, b.ID) })
	return out
}

func cmpID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
