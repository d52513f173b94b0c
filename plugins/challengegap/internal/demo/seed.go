// Package demo fills a tenant's Challenge the Gap storage with demo data:
// the job "demo_seed" that the core's demo install runs once per tenant
// (`upwards demo`). It writes only through the plugin's own store and reads
// the core only through the Host API, so the core never writes into the
// plugin's storage.
//
// For every cluster unit of the tenant it makes a cluster of the previous
// academic year with the unit's schools, leads, its six workshops dated
// with attendance, a team per school that keeps the phase rules (chosen from the school's staff), a target cohort
// of about 15 eligible pupils per school (from the school's pupils), a
// trio of the cluster's first three schools, two strategies trialled per
// school with the pupils who receive them, and three snapshots (baseline,
// October, March; the payload may ask for 1 to 4, July the fourth) whose
// values move plausibly, so the matrices show
// movement on first run. It also makes the year's impact (impact.go): the
// schools' decisions with scale-up plans, a staff survey round answered by
// every team member and closed and one left open, and case studies, so the
// reports have something to show. The same tenant always gets the same data.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// Name is the job that builds the demo data.
const Name = "demo_seed"

// PermManage is the permission the actor running the seed must hold at the
// tenant's root (the tenant admin holds it by default).
const PermManage = "challengegap.programme.manage"

// Request is the job's optional payload.
type Request struct {
	// Today dates the programme year (the academic year before the one
	// running on this day); empty is today.
	Today string `json:"today,omitempty"`
	// Snapshots is how many snapshots each school gets: 1 to 4 (baseline,
	// October, March, July); 0 is 3.
	Snapshots int `json:"snapshots,omitempty"`
}

// Snapshot dates of the demo year, as month and day; the baseline first.
var snapshotDays = []struct {
	label        string
	month        time.Month
	day, yearOff int
}{{"Baseline", time.September, 20, 0}, {"October", time.October, 20, 0}, {"March", time.March, 20, 1}, {"July", time.July, 10, 1}}

// examYears are the default exam years: the demo picks pupils outside them.
var examYears = []int{6, 11, 13}

// Seed builds the demo data for the tenant of ctx. It runs as a user (the
// core demo runs it as the tenant admin) because the Host gives the
// tenant's system actor no pupils; it refuses an actor without
// challengegap.programme.manage at the root, and does nothing when the
// tenant already has a programme year (so a second run changes nothing).
func Seed(ctx context.Context, payload []byte) error {
	var req Request
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &req); err != nil {
			return sdk.Permanent(fmt.Errorf("%s: the payload is not JSON: %w", Name, err))
		}
	}
	if req.Snapshots == 0 {
		req.Snapshots = 3
	}
	if req.Snapshots < 1 || req.Snapshots > len(snapshotDays) {
		return sdk.Permanent(fmt.Errorf("%s: snapshots is 1 to %d", Name, len(snapshotDays)))
	}
	today := time.Now().UTC()
	if req.Today != "" {
		d, err := rules.ParseDate(req.Today)
		if err != nil {
			return sdk.Permanent(fmt.Errorf("%s: today: %w", Name, err))
		}
		today = d
	}
	actor := sdk.ActorFrom(ctx)
	if actor.GetUserId() == 0 {
		return sdk.Permanent(fmt.Errorf("%s runs as a user who manages the programme, not as the tenant's system actor (which may read no pupils)", Name))
	}
	host := sdk.HostFrom(ctx)
	if ok, err := host.Can(ctx, PermManage, 0); err != nil {
		return err
	} else if !ok {
		return sdk.Permanent(fmt.Errorf("%s: the actor may not manage the programme", Name))
	}
	// One transaction, without a savepoint for each store call inside it
	// (two more round trips each): any error ends the whole seed, so the
	// savepoints would never be rolled back to.
	s := store.New(sdk.Tenant(ctx).Session(&gorm.Session{DisableNestedTransaction: true}), sdk.TenantID(ctx))
	years, err := s.Years()
	if err != nil {
		return err
	}
	if len(years) > 0 {
		sdk.Log(ctx).InfoContext(ctx, "demo data not added: the tenant already has a programme year")
		return nil
	}
	// A seed that fails leaves nothing half made.
	return s.Tx(func(tx *store.Store) error {
		sd := &seeder{ctx: ctx, host: host, s: tx, by: actor.GetUserId(), snapshots: req.Snapshots}
		return sd.run(today)
	})
}

type seeder struct {
	ctx  context.Context
	host *sdk.Host
	s    *store.Store
	by   uint64
	// first is the first calendar year of the programme year.
	first int
	// today is the day the seed runs as: the demo's visits agree an action
	// due two weeks after it, so the home page has a to-do due soon.
	today time.Time
	// rounds are the year's survey rounds; responses the answers to the
	// spring round, written together once every school has answered.
	rounds    rounds
	responses []store.Response
	// staff and roll are the schools' people and pupils, by school, read
	// from the Host in one call each for every school of the programme.
	staff map[uint64][]*pluginv1.Person
	roll  map[uint64][]*pluginv1.Pupil
	// snapshots is how many of snapshotDays each school gets.
	snapshots int
	// counts of what was made, for the log.
	clusters, schools, pupils int
}

// academicStart is the first calendar year of the academic year before the
// one running on day.
func academicStart(day time.Time) int {
	y := day.Year()
	if day.Month() < time.September {
		y--
	}
	return y - 1
}

func (sd *seeder) run(today time.Time) error {
	ctx := sd.ctx
	first := academicStart(today)
	year, err := sd.s.CreateYear(fmt.Sprintf("%d-%02d", first, (first+1)%100))
	if err != nil {
		return err
	}
	sd.first = first
	sd.today = today
	if sd.rounds, err = sd.openRounds(year, first); err != nil {
		return err
	}
	if _, err := sd.s.SeedStrategies(); err != nil {
		return err
	}
	strategies, err := sd.s.Strategies()
	if err != nil {
		return err
	}
	units, err := sd.host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER)
	if err != nil {
		return err
	}
	schools, err := sd.host.Schools(ctx)
	if err != nil {
		return err
	}
	roots, err := sd.host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT)
	if err != nil {
		return err
	}
	programmeLead, err := sd.programmeLead(roots)
	if err != nil {
		return err
	}
	sort.Slice(units, func(i, j int) bool { return units[i].GetId() < units[j].GetId() })
	clusters := make([][]*pluginv1.School, len(units))
	var all []uint64
	for k, u := range units {
		for _, sc := range schools {
			if slices.Contains(sc.GetParentIds(), u.GetId()) {
				clusters[k] = append(clusters[k], sc)
				if !slices.Contains(all, sc.GetId()) {
					all = append(all, sc.GetId())
				}
			}
		}
		sort.Slice(clusters[k], func(i, j int) bool { return clusters[k][i].GetId() < clusters[k][j].GetId() })
	}
	if err := sd.read(all); err != nil {
		return err
	}
	for k, u := range units {
		if len(clusters[k]) == 0 {
			continue
		}
		if err := sd.cluster(year, u, clusters[k], programmeLead, strategies); err != nil {
			return fmt.Errorf("demo cluster %d: %w", u.GetId(), err)
		}
	}
	if err := sd.s.RespondAll(sd.rounds.spring.ID, sd.responses); err != nil {
		return err
	}
	if err := sd.closeRounds(sd.rounds); err != nil {
		return err
	}
	sdk.Log(ctx).InfoContext(ctx, "demo data added", "year", year.Label, "clusters", sd.clusters, "schools", sd.schools, "cohort_pupils", sd.pupils)
	return nil
}

// read fetches the staff and pupils of the schools from the Host, one call
// for each rather than two a school: each call is a round trip to the core,
// and each read of pupils an entry in its audit log.
func (sd *seeder) read(schoolIDs []uint64) error {
	sd.staff, sd.roll = map[uint64][]*pluginv1.Person{}, map[uint64][]*pluginv1.Pupil{}
	if len(schoolIDs) == 0 {
		return nil
	}
	people, err := sd.host.People(sd.ctx, nil, schoolIDs)
	if err != nil {
		return err
	}
	sort.Slice(people, func(i, j int) bool { return people[i].GetId() < people[j].GetId() })
	for _, p := range people {
		var at []uint64
		for _, g := range p.GetGrants() {
			if u := g.GetUnitId(); slices.Contains(schoolIDs, u) && !slices.Contains(at, u) {
				at = append(at, u)
				sd.staff[u] = append(sd.staff[u], p)
			}
		}
	}
	pupils, err := sd.host.Pupils(sd.ctx, nil, schoolIDs)
	if err != nil {
		return err
	}
	for _, p := range pupils {
		sd.roll[p.GetSchoolId()] = append(sd.roll[p.GetSchoolId()], p)
	}
	return nil
}

// programmeLead is the first person with the central team's role at the
// root, else the first trust leader, else nobody.
func (sd *seeder) programmeLead(roots []*pluginv1.OrgUnit) (*pluginv1.Person, error) {
	var ids []uint64
	for _, r := range roots {
		ids = append(ids, r.GetId())
	}
	people, err := sd.host.People(sd.ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	sort.Slice(people, func(i, j int) bool { return people[i].GetId() < people[j].GetId() })
	for _, role := range []string{"central_team", "trust_leader"} {
		for _, p := range people {
			for _, g := range p.GetGrants() {
				if g.GetRole() == role {
					return p, nil
				}
			}
		}
	}
	// A trust tenant: its leader holds the role at the trust unit.
	all, err := sd.host.OrgUnits(sd.ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	if people, err = sd.host.People(sd.ctx, nil, []uint64{all[0].GetId()}); err != nil {
		return nil, err
	}
	sort.Slice(people, func(i, j int) bool { return people[i].GetId() < people[j].GetId() })
	for _, p := range people {
		for _, g := range p.GetGrants() {
			if g.GetRole() == "trust_leader" {
				return p, nil
			}
		}
	}
	return nil, nil
}

func (sd *seeder) cluster(year *store.Year, u *pluginv1.OrgUnit, schools []*pluginv1.School, lead *pluginv1.Person, strategies []store.Strategy) error {
	rec := make([]store.School, len(schools))
	for i, sc := range schools {
		rec[i] = store.SchoolFromHost(sc)
	}
	if err := sd.s.UpsertSchools(rec); err != nil {
		return err
	}
	c, err := sd.s.CreateCluster(year.ID, u.GetId(), u.GetName())
	if err != nil {
		return err
	}
	sd.clusters++
	var facilitationLead *store.TeamMember
	seeds := make([]*schoolSeed, 0, len(schools))
	for i, sc := range schools {
		if _, err := sd.s.AddSchool(c.ID, sc.GetId(), sd.by); err != nil {
			return err
		}
		ss, err := sd.school(year, sc, strategies)
		if err != nil {
			return fmt.Errorf("school %d: %w", sc.GetId(), err)
		}
		if i == 0 {
			facilitationLead = ss.leader
		}
		seeds = append(seeds, ss)
	}
	l := store.Leads{FacilitationSchoolID: schools[0].GetId()}
	if facilitationLead != nil {
		l.LeadPersonID, l.LeadName = facilitationLead.PersonID, facilitationLead.Name
	}
	if lead != nil {
		l.ProgrammeLeadPersonID, l.ProgrammeLeadName = lead.GetId(), lead.GetName()
	}
	if _, err := sd.s.SetLeads(c.ID, l); err != nil {
		return err
	}
	if err := sd.workshops(year, c, schools[0]); err != nil {
		return err
	}
	if lead != nil {
		if err := sd.visit(year, schools[0], lead); err != nil {
			return err
		}
	}
	if len(schools) >= 3 {
		if _, err := sd.s.CreateTrio(c.ID, "Trio A", schools[0].GetId(), schools[1].GetId(), schools[2].GetId()); err != nil {
			return err
		}
	}
	// Decisions and scale-up plans, the survey, and a case study at the
	// facilitation school and every third school after it.
	for i, ss := range seeds {
		rng := rand.New(rand.NewPCG(seedOf(ss.school.GetId()), 27))
		if err := sd.decide(ss, rng); err != nil {
			return fmt.Errorf("school %d decisions: %w", ss.school.GetId(), err)
		}
		sd.survey(ss, rng)
		if i%3 == 0 {
			if err := sd.caseStudy(year, ss, rng); err != nil {
				return fmt.Errorf("school %d case study: %w", ss.school.GetId(), err)
			}
		}
	}
	return nil
}

// visit records the programme lead's summer visit to the facilitation
// school, with two actions agreed: one done, and one due two weeks after
// the day the seed runs, which the school's leaders and the programme lead
// see among their to-dos on the home page.
func (sd *seeder) visit(year *store.Year, sc *pluginv1.School, lead *pluginv1.Person) error {
	on := rules.NextSchoolDay(date(sd.first+1, time.June, 17)).Format(time.DateOnly)
	v, err := sd.s.AddVisit(store.Visit{YearID: year.ID, SchoolID: sc.GetId(), VisitedOn: on, VisitorPersonID: lead.GetId(), VisitorName: lead.GetName(),
		Notes: "Reviewed the March data and the trials with the school's leader and team."})
	if err != nil {
		return err
	}
	done, err := sd.s.AddAction(v.ID, "Share the March data with the trio's schools", "")
	if err != nil {
		return err
	}
	if err := sd.s.SetActionDone(v.ID, done.ID, true); err != nil {
		return err
	}
	_, err = sd.s.AddAction(v.ID, "Present the year's results and the scale-up plan to the governors", sd.today.AddDate(0, 0, 14).Format(time.DateOnly))
	return err
}

// workshops dates the cluster's six workshops across the year at its
// facilitation school and records who came: most of the team members, each
// missing about one in eight.
func (sd *seeder) workshops(year *store.Year, c *store.Cluster, host *pluginv1.School) error {
	first, err := rules.ParseAcademicYear(year.Label)
	if err != nil {
		return err
	}
	ws, err := sd.s.Workshops(c.ID)
	if err != nil {
		return err
	}
	members, err := sd.s.ClusterMembers(c.ID)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seedOf(c.UnitID), 6))
	start := time.Date(first, time.September, 28, 0, 0, 0, 0, time.UTC)
	for i, w := range ws {
		// About six weeks apart, on school days in term time.
		on := rules.NextSchoolDay(start.AddDate(0, 0, 42*i)).Format(time.DateOnly)
		if _, err := sd.s.UpdateWorkshop(w.ID, on, host.GetName(), ""); err != nil {
			return err
		}
		var present []uint64
		for _, m := range members {
			if rng.IntN(8) != 0 {
				present = append(present, m.ID)
			}
		}
		if err := sd.s.SetAttendance(w.ID, present); err != nil {
			return err
		}
	}
	return nil
}

// secondaryRule reports whether the school's phase takes the secondary rule.
func secondaryRule(p pluginv1.Phase) bool {
	switch p {
	case pluginv1.Phase_PHASE_SECONDARY, pluginv1.Phase_PHASE_MIDDLE, pluginv1.Phase_PHASE_ALL_THROUGH, pluginv1.Phase_PHASE_SIXTEEN_PLUS:
		return true
	}
	return false
}

// school makes the team, cohort, trials and snapshots of one school and
// returns what it made (leader nil if the school has no headteacher).
func (sd *seeder) school(year *store.Year, sc *pluginv1.School, strategies []store.Strategy) (*schoolSeed, error) {
	sd.schools++
	ss := &schoolSeed{school: sc}
	var err error
	if ss.members, err = sd.team(year, sc); err != nil {
		return nil, err
	}
	for i := range ss.members {
		if rules.Role(ss.members[i].Role) == rules.RoleLeader {
			ss.leader = &ss.members[i]
		}
	}
	rng := rand.New(rand.NewPCG(seedOf(sc.GetId()), 15))
	chosen := chooseCohort(sd.roll[sc.GetId()], 15, rng)
	if len(chosen) == 0 {
		return ss, nil
	}
	ids := make([]uint64, len(chosen))
	for i, p := range chosen {
		ids[i] = p.GetId()
		if g := int(p.GetYearGroup()); !slices.Contains(ss.yearGroups, g) {
			ss.yearGroups = append(ss.yearGroups, g)
		}
	}
	slices.Sort(ss.yearGroups)
	if _, err := sd.s.StartCohort(year.ID, sc.GetId(), ids, sd.by); err != nil {
		return nil, err
	}
	sd.pupils += len(ids)
	ss.pupils = len(ids)
	dates := make([]time.Time, sd.snapshots)
	for i, d := range snapshotDays[:sd.snapshots] {
		dates[i] = rules.NextSchoolDay(time.Date(sd.first+d.yearOff, d.month, d.day, 0, 0, 0, 0, time.UTC))
	}
	ss.baseline = dates[0]
	if _, err := sd.s.FreezeCohort(year.ID, sc.GetId(), sd.by, dates[0].Format(time.DateOnly)); err != nil {
		return nil, err
	}
	// Two strategies: the first received by about three pupils in five, the
	// second by about half.
	received := allocate(len(ids), rng)
	for k := 0; k < 2 && len(strategies) > 0; k++ {
		st := strategies[(int(sc.GetId())+k*3)%len(strategies)]
		tr, err := sd.s.StartTrial(year.ID, sc.GetId(), st.ID, dates[0].AddDate(0, 0, 10).Format(time.DateOnly), trialNotes[k], sd.by)
		if err != nil {
			return nil, err
		}
		var who []uint64
		for i, id := range ids {
			if received[k][i] {
				who = append(who, id)
			}
		}
		if err := sd.s.SetTrialPupils(sc.GetId(), tr.ID, who); err != nil {
			return nil, err
		}
		ss.trials = append(ss.trials, trialSeed{trial: tr, title: st.Title, pupils: len(who), received: received[k]})
	}
	snaps, err := sd.s.Snapshots(year.ID, sc.GetId())
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 {
		return nil, errors.New("the baseline made no snapshot")
	}
	traj := trajectories(chosen, len(dates), rng)
	for i := range traj {
		if len(ss.trials) > 0 && received[0][i] {
			traj[i].boost()
		}
	}
	var first, last []store.PointInput
	for i, d := range dates {
		var snapID uint64
		if i == 0 {
			snapID = snaps[0].ID
		} else {
			sn, err := sd.s.AddSnapshot(year.ID, sc.GetId(), snapshotDays[i].label, d.Format(time.DateOnly))
			if err != nil {
				return nil, err
			}
			snapID = sn.ID
		}
		rows := make([]store.PointInput, 0, len(chosen))
		for j, p := range chosen {
			rows = append(rows, traj[j].point(p, i, d))
		}
		if err := sd.s.SaveDataPoints(sc.GetId(), snapID, rows, sd.by); err != nil {
			return nil, err
		}
		if i == 0 {
			first = rows
		}
		last = rows
		ss.lastLabel = snapshotDays[i].label
	}
	ss.changes = make([]*int, len(chosen))
	var from, to float64
	both := 0
	for j := range chosen {
		a, b := first[j].GapMonths, last[j].GapMonths
		if a == nil || b == nil {
			continue
		}
		c := *b - *a
		ss.changes[j] = &c
		from += float64(*a)
		to += float64(*b)
		both++
	}
	if both > 0 {
		ss.gapFrom, ss.gapTo = from/float64(both), to/float64(both)
	}
	return ss, nil
}

// trialNotes are the notes of the school's first and second trial.
var trialNotes = [2]string{
	"Three short sessions a week, led by the teaching assistants; reviewed at each snapshot.",
	"Built into lessons by the class teachers; reviewed at each snapshot.",
}

// team adds the school's staff to its team by the phase rule (in one
// write): the headteacher (or a senior leader) as leader, teachers (maths,
// English, science on the secondary rule) and para-professionals.
func (sd *seeder) team(year *store.Year, sc *pluginv1.School) ([]store.TeamMember, error) {
	teachers, paras := 1, 1
	subjects := []rules.Subject{rules.SubjectGeneral}
	if secondaryRule(sc.GetPhase()) {
		teachers, paras = 3, 2
		subjects = []rules.Subject{rules.SubjectMaths, rules.SubjectEnglish, rules.SubjectScience}
	}
	paraTypes := []rules.ParaType{rules.ParaTeachingAssistant, rules.ParaMentor}
	var ms []store.TeamMember
	leader, nt, np := false, 0, 0
	for _, p := range sd.staff[sc.GetId()] {
		role := roleAt(p, sc.GetId())
		m := store.TeamMember{SchoolID: sc.GetId(), PersonID: p.GetId(), Name: p.GetName()}
		switch {
		case (role == "headteacher" || role == "senior_leader") && !leader:
			m.Role, leader = string(rules.RoleLeader), true
		case role == "teacher" && nt < teachers:
			m.Role, m.Subject = string(rules.RoleTeacher), string(subjects[nt%len(subjects)])
			nt++
		case role == "para_professional" && np < paras:
			m.Role, m.ParaType = string(rules.RolePara), string(paraTypes[np%len(paraTypes)])
			np++
		default:
			continue
		}
		ms = append(ms, m)
	}
	return sd.s.AddMembers(year.ID, ms)
}

// roleAt is p's role at the school (its first grant there).
func roleAt(p *pluginv1.Person, schoolID uint64) string {
	for _, g := range p.GetGrants() {
		if g.GetUnitId() == schoolID {
			return g.GetRole()
		}
	}
	return ""
}

func seedOf(id uint64) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "challengegap-demo-%d", id)
	return h.Sum64()
}

// chooseCohort picks up to n pupils in Y2 or above (so that they were of
// school age in the demo year), eligible ones (disadvantaged, outside the
// exam years) first and others, who then carry their warnings, only when
// too few are eligible; at random but the same for the same pupils.
func chooseCohort(pupils []*pluginv1.Pupil, n int, rng *rand.Rand) []*pluginv1.Pupil {
	var eligible, others []*pluginv1.Pupil
	for _, p := range pupils {
		f := rules.PupilFacts{YearGroup: int(p.GetYearGroup()), PupilPremium: p.GetPupilPremium(), FSM: p.GetFsm(), FSMEver6: p.GetFsmEver6()}
		switch {
		case p.GetDateOfBirth() == nil || f.YearGroup < 2:
		case len(rules.Eligibility(f, examYears)) == 0:
			eligible = append(eligible, p)
		default:
			others = append(others, p)
		}
	}
	for _, ps := range [][]*pluginv1.Pupil{eligible, others} {
		sort.Slice(ps, func(i, j int) bool { return ps[i].GetId() < ps[j].GetId() })
		rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	}
	out := append(eligible, others...)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// trajectory is one pupil's values over the snapshots.
type trajectory struct {
	gap, attitude, aspiration []int
	attendance                []float64
}

// trajectories draws each pupil's path: most close part of the gap and grow
// in attitude, some stall, a few slip back.
func trajectories(pupils []*pluginv1.Pupil, n int, rng *rand.Rand) []trajectory {
	out := make([]trajectory, len(pupils))
	for i := range pupils {
		t := trajectory{gap: make([]int, n), attitude: make([]int, n), aspiration: make([]int, n), attendance: make([]float64, n)}
		t.gap[0] = -6 - rng.IntN(22)
		t.attitude[0] = 25 + rng.IntN(45)
		t.aspiration[0] = 30 + rng.IntN(40)
		t.attendance[0] = 86 + float64(rng.IntN(100))/10
		kind := rng.IntN(10) // 0-6 improve, 7-8 stall, 9 slip
		for k := 1; k < n; k++ {
			dg, da := 1+rng.IntN(5), 2+rng.IntN(10)
			switch {
			case kind >= 9:
				dg, da = -1-rng.IntN(3), -2-rng.IntN(6)
			case kind >= 7:
				dg, da = rng.IntN(3)-1, rng.IntN(5)-2
			}
			t.gap[k] = min(t.gap[k-1]+dg, 6)
			t.attitude[k] = clamp(t.attitude[k-1]+da, 0, 100)
			t.aspiration[k] = clamp(t.aspiration[k-1]+da/2+rng.IntN(5)-2, 0, 100)
			t.attendance[k] = min(t.attendance[k-1]+float64(rng.IntN(30)-10)/10, 100)
		}
		out[i] = t
	}
	return out
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// are is attainment against expectations for a gap in months.
func are(gap int) rules.ARE {
	switch {
	case gap <= -4:
		return rules.AREBelow
	case gap >= 4:
		return rules.AREAbove
	}
	return rules.AREAt
}

// point is the pupil's row of snapshot k taken on day.
func (t trajectory) point(p *pluginv1.Pupil, k int, day time.Time) store.PointInput {
	dob := p.GetDateOfBirth()
	age := rules.AgeMonths(int(dob.GetYear()), time.Month(dob.GetMonth()), int(dob.GetDay()), day)
	gap := t.gap[k]
	ae := clamp(age+gap, 24, 240) // the range an age-equivalent score may take
	gap = ae - age
	att, asp, attend := t.attitude[k], t.aspiration[k], t.attendance[k]
	level := are(gap)
	return store.PointInput{PupilID: p.GetId(), GapMonths: &gap, Values: rules.DataPoint{
		Reading: level, Writing: are(gap - 2), Maths: are(gap + 1),
		AgeEquivalent: &ae, Attitude: &att, Aspiration: &asp, Attendance: &attend,
	}}
}
