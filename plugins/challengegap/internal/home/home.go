package home

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// The permissions and settings the extensions use (as in package web).
const (
	PermRead       = "challengegap.programme.read"
	PermSchoolLead = "challengegap.school.lead"
	PermCohortRead = "challengegap.cohort.read"

	settingCohortSize = "cohort_size"
	settingSnapshots  = "snapshots"
)

func storeOf(ctx context.Context) *store.Store { return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx)) }

// year returns the year the home page speaks of today, or nil.
func year(ctx context.Context, s *store.Store) (*store.Year, time.Time, error) {
	today := sdk.Today(ctx)
	years, err := s.Years()
	if err != nil {
		return nil, today, err
	}
	return ChooseYear(years, today), today, nil
}

// settings reads the snapshot months and the cohort size (one Host call).
func settings(ctx context.Context) ([]time.Month, int, error) {
	set, err := sdk.HostFrom(ctx).Settings(ctx)
	if err != nil {
		return nil, 0, err
	}
	target, err := strconv.Atoi(strings.TrimSpace(set[settingCohortSize]))
	if err != nil || target <= 0 {
		target = 15
	}
	return Schedule(set[settingSnapshots]), target, nil
}

// placeOf picks each school's place in the year: accepted before
// withdrawn before interested.
func placeOf(places []store.Participant) map[uint64]*store.Participant {
	rank := map[string]int{store.StatusAccepted: 3, store.StatusWithdrawn: 2, store.StatusInterested: 1}
	out := map[uint64]*store.Participant{}
	for i := range places {
		p := &places[i]
		if cur, ok := out[p.SchoolID]; !ok || rank[p.Status] >= rank[cur.Status] {
			out[p.SchoolID] = p
		}
	}
	return out
}

// SchoolPanels answers the core's GetSchoolPanels: for each school asked
// (the core asked only where the viewer holds challengegap.programme.read,
// who may see the school's programme page), its place, team, cohort, data,
// next workshop and trials in the year the home page speaks of. About a
// dozen statements and two Host calls (settings, and where the viewer
// may open the pupil-level pages), whatever the number of schools.
func SchoolPanels(ctx context.Context, units []uint64) ([]sdk.SchoolPanel, error) {
	s := storeOf(ctx)
	y, today, err := year(ctx, s)
	if err != nil || y == nil {
		return nil, err
	}
	places, err := s.PlacesOf(y.ID, units)
	if err != nil {
		return nil, err
	}
	placed := placeOf(places)
	var accepted, clusterIDs []uint64
	for _, p := range placed {
		if !slices.Contains(clusterIDs, p.ClusterID) {
			clusterIDs = append(clusterIDs, p.ClusterID)
		}
		if p.Status == store.StatusAccepted {
			accepted = append(accepted, p.SchoolID)
		}
	}
	running := Running(y, today)
	recruiting := 0
	if running && len(placed) < len(units) {
		open, err := s.Recruiting()
		if err != nil {
			return nil, err
		}
		for _, c := range open {
			if c.YearID == y.ID {
				recruiting++
			}
		}
	}
	if len(placed) == 0 && recruiting == 0 {
		return nil, nil
	}
	clusters, err := s.ClustersByID(clusterIDs)
	if err != nil {
		return nil, err
	}
	trios, err := s.TriosOf(clusterIDs)
	if err != nil {
		return nil, err
	}
	named := slices.Clone(units)
	for _, t := range trios {
		named = append(named, t.Schools()...)
	}
	schools, err := s.Schools(named...)
	if err != nil {
		return nil, err
	}
	team, err := s.MembersOf(y.ID, accepted...)
	if err != nil {
		return nil, err
	}
	cohorts, err := s.CohortStates(y.ID, accepted)
	if err != nil {
		return nil, err
	}
	workshops, err := s.WorkshopsOf(clusterIDs)
	if err != nil {
		return nil, err
	}
	trials, err := s.TrialsOf(y.ID, accepted)
	if err != nil {
		return nil, err
	}
	schedule, target := []time.Month(nil), 15
	if len(accepted) > 0 {
		if schedule, target, err = settings(ctx); err != nil {
			return nil, err
		}
	}
	pupilPages := map[uint64]bool{}
	if len(accepted) > 0 {
		checks := make([]sdk.Check, len(accepted))
		for i, u := range accepted {
			checks[i] = sdk.Check{Permission: PermCohortRead, UnitID: u}
		}
		ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
		if err != nil {
			return nil, err
		}
		for i, u := range accepted {
			pupilPages[u] = ok[i]
		}
	}
	win := WindowOn(y, schedule, today)
	var out []sdk.SchoolPanel
	for _, u := range units {
		f := SchoolFacts{SchoolID: u, Year: *y, Running: running, Place: placed[u], Phase: schools[u].Phase, Target: target,
			Window: win, Recruiting: recruiting, PupilPages: pupilPages[u]}
		if p := f.Place; p != nil {
			if c, ok := clusters[p.ClusterID]; ok {
				f.Cluster = &c
			}
			for _, t := range trios {
				if t.ClusterID == p.ClusterID && slices.Contains(t.Schools(), u) {
					for _, o := range t.Schools() {
						if o != u {
							f.Partners = append(f.Partners, nameOf(schools, o))
						}
					}
				}
			}
			f.Workshops = workshops[p.ClusterID]
		}
		for _, m := range team {
			if m.SchoolID == u {
				f.Team = append(f.Team, m)
			}
		}
		if c, ok := cohorts[u]; ok {
			f.Cohort = &c
		}
		for _, t := range trials {
			if t.SchoolID == u {
				f.Trials = append(f.Trials, t)
			}
		}
		if lines := Panel(f, today); len(lines) > 0 {
			out = append(out, sdk.SchoolPanel{UnitID: u, Lines: lines})
		}
	}
	return out, nil
}

func nameOf(schools map[uint64]store.School, id uint64) string {
	if s, ok := schools[id]; ok && s.Name != "" {
		return s.Name
	}
	return "School " + strconv.FormatUint(id, 10)
}

// Todos answers the core's GetTodos for the viewer (asked of everyone
// holding challengegap.programme.read somewhere): at the schools of the
// year's clusters where they are on the team or one of the leaders, the
// target cohort to choose or the baseline to take, the open window's data
// to enter, the open staff survey rounds to answer (team members) and the
// actions agreed at visits (leaders, and the programme lead); for the
// clusters they lead, requests to decide, attendance to record, the next
// workshop, and the schools whose data is missing.
func Todos(ctx context.Context) ([]sdk.Todo, error) {
	actor := sdk.ActorFrom(ctx)
	user := actor.GetUserId()
	if user == 0 {
		return nil, nil
	}
	s := storeOf(ctx)
	y, today, err := year(ctx, s)
	if err != nil || y == nil {
		return nil, err
	}
	teams, err := s.TeamsOf(y.ID, user)
	if err != nil {
		return nil, err
	}
	led, err := s.ClustersOfYearLedBy(y.ID, user)
	if err != nil {
		return nil, err
	}
	// Candidate schools: the viewer's teams and the units of their grants.
	var candidates []uint64
	for _, m := range teams {
		candidates = append(candidates, m.SchoolID)
	}
	for _, g := range actor.GetGrants() {
		if !slices.Contains(candidates, g.GetUnitId()) {
			candidates = append(candidates, g.GetUnitId())
		}
	}
	places, err := s.PlacesOf(y.ID, candidates)
	if err != nil {
		return nil, err
	}
	var mine []uint64
	for _, p := range places {
		if p.Status == store.StatusAccepted && !slices.Contains(mine, p.SchoolID) {
			mine = append(mine, p.SchoolID)
		}
	}
	lead := map[uint64]bool{}
	if len(mine) > 0 {
		checks := make([]sdk.Check, len(mine))
		for i, u := range mine {
			checks[i] = sdk.Check{Permission: PermSchoolLead, UnitID: u}
		}
		ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
		if err != nil {
			return nil, err
		}
		for i, u := range mine {
			lead[u] = ok[i]
		}
	}
	var out []sdk.Todo
	if len(teams) > 0 {
		rounds, err := s.OpenRoundsUnanswered(y.ID, user)
		if err != nil {
			return nil, err
		}
		for _, r := range rounds {
			out = append(out, SurveyTodo(r))
		}
	}
	// The clusters the viewer leads: their places, workshops and cohorts.
	var ledIDs, ledSchools, programmeLed []uint64
	var byCluster map[uint64][]store.Participant
	if len(led) > 0 {
		if byCluster, err = s.ParticipantsOfYear(y.ID); err != nil {
			return nil, err
		}
		for _, c := range led {
			ledIDs = append(ledIDs, c.ID)
			for _, p := range byCluster[c.ID] {
				if p.Status != store.StatusAccepted {
					continue
				}
				ledSchools = append(ledSchools, p.SchoolID)
				if c.ProgrammeLeadPersonID == user {
					programmeLed = append(programmeLed, p.SchoolID)
				}
			}
		}
	}
	// Actions agreed at visits: for the schools' leaders and the programme lead.
	var actionSchools []uint64
	for _, u := range mine {
		if lead[u] {
			actionSchools = append(actionSchools, u)
		}
	}
	for _, u := range programmeLed {
		if !slices.Contains(actionSchools, u) {
			actionSchools = append(actionSchools, u)
		}
	}
	actions, actionSchool, err := s.OpenActions(y.ID, actionSchools)
	if err != nil {
		return nil, err
	}
	running := Running(y, today)
	if len(mine) == 0 && len(led) == 0 && len(actions) == 0 {
		return SortTodos(out), nil
	}
	schools, err := s.Schools(append(slices.Clone(mine), actionSchools...)...)
	if err != nil {
		return nil, err
	}
	for _, a := range actions {
		out = append(out, ActionTodo(a, actionSchool[a.ID], nameOf(schools, actionSchool[a.ID]), y.ID))
	}
	if !running && len(led) == 0 {
		return SortTodos(out), nil
	}
	schedule, target := []time.Month(nil), 15
	if running {
		if schedule, target, err = settings(ctx); err != nil {
			return nil, err
		}
	}
	win := WindowOn(y, schedule, today)
	// The cohorts are read only where a to-do reads them: SchoolTodos only
	// while the year runs, ClusterTodos only while a window is open.
	var cohortSchools []uint64
	if running {
		cohortSchools = slices.Clone(mine)
	}
	if win.Open {
		cohortSchools = append(cohortSchools, ledSchools...)
	}
	cohorts, err := s.CohortStates(y.ID, cohortSchools)
	if err != nil {
		return nil, err
	}
	member := map[uint64]bool{}
	for _, m := range teams {
		member[m.SchoolID] = true
	}
	for _, u := range mine {
		w := SchoolWork{SchoolID: u, Name: nameOf(schools, u), Member: member[u], Lead: lead[u], Target: target}
		if c, ok := cohorts[u]; ok {
			w.Cohort = &c
		}
		out = append(out, SchoolTodos(*y, w, schedule, win, today)...)
	}
	if len(led) > 0 {
		workshops, err := s.WorkshopsOf(ledIDs)
		if err != nil {
			return nil, err
		}
		var past []uint64
		d := today.Format(time.DateOnly)
		for _, ws := range workshops {
			for _, w := range ws {
				if w.HeldOn != "" && w.HeldOn < d {
					past = append(past, w.ID)
				}
			}
		}
		attended, err := s.WorkshopsWithAttendance(past)
		if err != nil {
			return nil, err
		}
		for _, c := range led {
			f := ClusterFacts{Cluster: c, Workshops: workshops[c.ID], Attended: attended, Schools: map[uint64]*store.CohortState{}}
			for _, p := range byCluster[c.ID] {
				switch p.Status {
				case store.StatusInterested:
					f.Requests++
				case store.StatusAccepted:
					if st, ok := cohorts[p.SchoolID]; ok {
						f.Schools[p.SchoolID] = &st
					} else {
						f.Schools[p.SchoolID] = nil
					}
				}
			}
			out = append(out, ClusterTodos(*y, f, win, today)...)
		}
	}
	return SortTodos(out), nil
}

// Figures answers the core's GetFigures (asked of those holding
// challengegap.programme.read at the tenant's root): the year's clusters,
// schools, target pupils, their movement since the baseline, workshops held
// and strategies trialled. Aggregates only, counted in SQL.
func Figures(ctx context.Context) ([]sdk.Figure, error) {
	s := storeOf(ctx)
	y, today, err := year(ctx, s)
	if err != nil || y == nil {
		return nil, err
	}
	counts, err := s.YearFigures(y.ID, today.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	return FiguresOf(YearFacts{Year: *y, YearCounts: counts}), nil
}
