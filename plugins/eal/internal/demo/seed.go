// Package demo fills a tenant's EAL trial storage with demo data: the job
// "demo_seed" that the core's demo install runs once per tenant
// (`upwards demo`), as the tenant admin. It writes only through the
// plugin's own store and reads the core only through the Host API.
//
// From the tenant's delivery-centre units and their schools it makes the
// 2017-18 trial: its centres (hosted by the centre's school that is not an
// evaluation school), two or three facilitators trained per centre, the
// evaluation schools (those of the 2017-18 list, embedded here) recruited
// with their eligibility checked on their pupils' EAL and FSM shares, the
// agreement signed and a lead named, two delegates each, their EAL pupils
// (Host Pupils) with a baseline code and score, and a first wave of
// randomisation committed, allocated and revealed. Six schools recruited
// later are left ready for a second wave, which the trial manager
// randomises in the product (the demo's journey). Wave 1's seed is fixed
// (the demo's history is the same on every install; the seed is revealed
// anyway); every other randomisation draws its seed from crypto/rand. The
// intervention schools' delegates attend the course (each day 90% of
// them), facilitators log the sessions, delegates answer the
// self-assessments, one school withdraws after randomisation, and the
// pupils have post-test scores. The demo's delegate login (an address
// starting "delegate@") is named a delegate with nothing recorded, so that
// the journey records their attendance and answers, and the demo's
// facilitator login ("facilitator@") has logged none of their centre's
// days: each is on their to-do list, as the delegate's self-assessments
// and attendance are on the delegate's and the centre lead's.
//
// It does nothing once the tenant has a trial, or when the tenant has no
// delivery centre.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/eal/internal/census"
	"github.com/challengepartners/upwards/plugins/eal/internal/export"
	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
	"github.com/challengepartners/upwards/plugins/eal/internal/roles"
	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
	"github.com/challengepartners/upwards/plugins/eal/internal/trialcsv"
)

// Name is the job that builds the demo data.
const Name = "demo_seed"

// PermManage is what the actor running the seed must hold at the root.
const PermManage = "eal.trial.manage"

//go:embed evaluation-schools.csv
var evaluationCSV []byte

// WaveOneSeed is the demo's wave 1 seed: fixed, so that every demo install
// has the same history (and the demo's delegate login is at a school of
// the intervention arm). The product draws every seed from crypto/rand.
var WaveOneSeed = randomise.Seed(sha256.Sum256([]byte("upwards demo: EAL trial 2017-18, wave 1")))

// Trial is the demo trial's name.
const Trial = "EAL in the mainstream classroom 2017-19"

// lateCentres are the centres whose last evaluation school was recruited
// late and waits for wave 2.
var lateCentres = []string{"Ninestiles Delivery Centre", "Silverdale Delivery Centre", "Lampton Delivery Centre",
	"King Ecgbert Delivery Centre", "Swanlea Delivery Centre", "St Matthias and the Earls Delivery Centre"}

// evaluation reads the embedded list: each evaluation school's name and
// its centre's name, in the list's order.
func evaluation() ([]randomise.Entry, error) {
	f, err := trialcsv.Parse(bytes.NewReader(evaluationCSV))
	if err != nil {
		return nil, fmt.Errorf("%s: the embedded list: %w", Name, err)
	}
	return f.Schools, nil
}

// Seed builds the demo trial for the tenant of ctx (see the package doc).
func Seed(ctx context.Context, payload []byte) error {
	if len(payload) > 0 && !json.Valid(payload) {
		return sdk.Permanent(fmt.Errorf("%s: the payload is not JSON", Name))
	}
	actor := sdk.ActorFrom(ctx)
	if actor.GetUserId() == 0 {
		return sdk.Permanent(fmt.Errorf("%s runs as a user who manages the trial, not as the tenant's system actor (which may read no pupils)", Name))
	}
	host := sdk.HostFrom(ctx)
	if ok, err := host.Can(ctx, PermManage, 0); err != nil {
		return err
	} else if !ok {
		return sdk.Permanent(fmt.Errorf("%s: the actor may not manage the trial", Name))
	}
	s := store.New(sdk.Tenant(ctx).Session(&gorm.Session{DisableNestedTransaction: true}), sdk.TenantID(ctx))
	if ts, err := s.Trials(); err != nil {
		return err
	} else if len(ts) > 0 {
		sdk.Log(ctx).InfoContext(ctx, "demo data not added: the tenant already has a trial")
		return nil
	}
	units, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		sdk.Log(ctx).InfoContext(ctx, "demo data not added: the tenant has no delivery centre")
		return nil
	}
	list, err := evaluation()
	if err != nil {
		return sdk.Permanent(err)
	}
	schools, err := host.Schools(ctx)
	if err != nil {
		return err
	}
	sd := &seeder{ctx: ctx, host: host, by: actor.GetUserId(), rng: rand.New(rand.NewPCG(2017, 16)), now: sdk.Now(ctx)}
	if err := sd.plan(units, schools, list); err != nil {
		return err
	}
	if err := sd.loadPeople(); err != nil {
		return err
	}
	// One transaction: a seed that fails leaves nothing half made.
	return s.Tx(func(tx *store.Store) error {
		sd.s = tx
		return sd.run()
	})
}

// seeder holds what the seed reads from the Host and builds.
type seeder struct {
	ctx  context.Context
	host *sdk.Host
	s    *store.Store
	by   uint64
	rng  *rand.Rand
	now  time.Time

	centres []*pluginv1.OrgUnit          // by name
	hosts   map[uint64]uint64            // centre unit → host school
	eval    []*pluginv1.School           // evaluation schools, in the list's order
	centre  map[uint64]uint64            // school → its centre unit
	late    map[uint64]bool              // schools recruited later (wave 2)
	pupils  map[uint64][]*pluginv1.Pupil // by school
	staff   map[uint64][]*pluginv1.Person
	facs    map[uint64][]uint64 // centre unit → facilitators (person ids)
	demoDel uint64              // the demo's delegate login, if any
	demoFac uint64              // the demo's facilitator login, if any

	trial   store.Trial
	centreC map[uint64]store.Centre // centre unit → centre
}

// plan picks the centres, their hosts and the evaluation schools.
func (sd *seeder) plan(units []*pluginv1.OrgUnit, schools []*pluginv1.School, list []randomise.Entry) error {
	sd.centres = slices.Clone(units)
	slices.SortFunc(sd.centres, func(a, b *pluginv1.OrgUnit) int { return strings.Compare(a.GetName(), b.GetName()) })
	byName := map[string]*pluginv1.School{}
	isCentre := map[uint64]bool{}
	for _, u := range units {
		isCentre[u.GetId()] = true
	}
	sd.hosts, sd.centre, sd.late = map[uint64]uint64{}, map[uint64]uint64{}, map[uint64]bool{}
	listed := map[string]bool{}
	for _, e := range list {
		listed[randomise.Normalise(e.School)] = true
	}
	for _, s := range schools {
		byName[randomise.Normalise(s.GetName())] = s
		for _, p := range s.GetParentIds() {
			if !isCentre[p] {
				continue
			}
			if listed[randomise.Normalise(s.GetName())] {
				sd.centre[s.GetId()] = p
			} else if sd.hosts[p] == 0 {
				sd.hosts[p] = s.GetId()
			}
		}
	}
	lastOf := map[string]uint64{}
	for _, e := range list {
		s, ok := byName[randomise.Normalise(e.School)]
		if !ok || sd.centre[s.GetId()] == 0 {
			continue // not a school of this tenant's centres
		}
		sd.eval = append(sd.eval, s)
		lastOf[randomise.Normalise(e.Stratum)] = s.GetId()
	}
	for _, c := range lateCentres {
		if id := lastOf[c]; id != 0 {
			sd.late[id] = true
		}
	}
	if len(sd.eval) == 0 {
		// A tenant without the 2017-18 list: every school of a centre is
		// an evaluation school.
		for _, s := range schools {
			for _, p := range s.GetParentIds() {
				if isCentre[p] && sd.centre[s.GetId()] == 0 {
					sd.centre[s.GetId()] = p
					sd.eval = append(sd.eval, s)
				}
			}
		}
	}
	return nil
}

// loadPeople reads the evaluation schools' pupils and staff and the
// centres' facilitators, one Host call each.
func (sd *seeder) loadPeople() error {
	ids := make([]uint64, len(sd.eval))
	for i, s := range sd.eval {
		ids[i] = s.GetId()
	}
	ps, err := sd.host.Pupils(sd.ctx, nil, ids)
	if err != nil {
		return fmt.Errorf("%s: read the schools' pupils: %w", Name, err)
	}
	sd.pupils = map[uint64][]*pluginv1.Pupil{}
	for _, p := range ps {
		sd.pupils[p.GetSchoolId()] = append(sd.pupils[p.GetSchoolId()], p)
	}
	staff, err := sd.host.PeopleWhere(sd.ctx, sdk.PeopleQuery{UnitIDs: ids, Roles: []string{"headteacher", "senior_leader", "teacher"}})
	if err != nil {
		return fmt.Errorf("%s: read the schools' staff: %w", Name, err)
	}
	sd.staff = map[uint64][]*pluginv1.Person{}
	for _, p := range staff {
		for _, g := range p.GetGrants() {
			if !slices.ContainsFunc(sd.staff[g.GetUnitId()], func(x *pluginv1.Person) bool { return x.GetId() == p.GetId() }) {
				sd.staff[g.GetUnitId()] = append(sd.staff[g.GetUnitId()], p)
			}
		}
		if strings.HasPrefix(p.GetEmail(), "delegate@") {
			sd.demoDel = p.GetId()
		}
	}
	cIDs := make([]uint64, len(sd.centres))
	for i, c := range sd.centres {
		cIDs[i] = c.GetId()
	}
	facs, err := sd.host.PeopleWhere(sd.ctx, sdk.PeopleQuery{UnitIDs: cIDs, Roles: []string{roles.Facilitator}})
	if err != nil {
		return fmt.Errorf("%s: read the centres' facilitators: %w", Name, err)
	}
	sd.facs = map[uint64][]uint64{}
	for _, p := range facs {
		if strings.HasPrefix(p.GetEmail(), "facilitator@") {
			sd.demoFac = p.GetId()
		}
		for _, g := range p.GetGrants() {
			sd.facs[g.GetUnitId()] = append(sd.facs[g.GetUnitId()], p.GetId())
		}
	}
	return nil
}

// The demo trial's schedule.
var schedule = rules.Schedule{"2017-01-09", "2017-04-24", "2017-07-03", "2017-09-04", "2018-07-02", "2019-08-22"}

func (sd *seeder) run() error {
	secret := sha256.Sum256([]byte(fmt.Sprintf("upwards demo: EAL trial secret %d %d", sdk.TenantID(sd.ctx), sd.now.UnixNano())))
	var err error
	sd.trial, err = sd.s.CreateTrial(store.TrialInput{Name: Trial, RegistrationID: "ISRCTN-DEMO-2017", Schedule: schedule}, secret[:], export.Known(), sd.now)
	if err != nil {
		return err
	}
	if err := sd.audit("trial.create", "trial", sd.trial.ID, sd.trial); err != nil {
		return err
	}
	if err := sd.addCentres(); err != nil {
		return err
	}
	ready, err := sd.recruit()
	if err != nil {
		return err
	}
	if err := sd.randomise(ready); err != nil {
		return err
	}
	return sd.deliver()
}

// audit records a demo change in the seed's transaction.
func (sd *seeder) audit(action, entity string, id uint64, after any) error {
	return sdk.AuditTx(sd.ctx, sd.s.DB(), "eal.demo."+action, entity, fmt.Sprint(id), nil, after)
}

func (sd *seeder) addCentres() error {
	sd.centreC = map[uint64]store.Centre{}
	for _, u := range sd.centres {
		c, err := sd.s.AddCentre(sd.trial.ID, u.GetId(), u.GetName(), sd.hosts[u.GetId()], sd.now)
		if err != nil {
			return err
		}
		sd.centreC[u.GetId()] = c
		// Facilitators: the role's holders at the centre, then staff of its
		// schools who are not delegates, two or three per centre.
		people := slices.Clone(sd.facs[u.GetId()])
		want := 2 + sd.rng.IntN(2)
		for _, s := range sd.eval {
			if len(people) >= want {
				break
			}
			if sd.centre[s.GetId()] != u.GetId() {
				continue
			}
			if st := sd.staff[s.GetId()]; len(st) > 3 && !slices.Contains(people, st[3].GetId()) && st[3].GetId() != sd.demoDel {
				people = append(people, st[3].GetId())
			}
		}
		for _, p := range people {
			if _, err := sd.s.AddFacilitator(c.ID, p, "2017-06-"+fmt.Sprintf("%02d", 12+sd.rng.IntN(10)), sd.now); err != nil {
				return err
			}
		}
	}
	return nil
}

// recruit adds the evaluation schools (the late ones last) with their
// eligibility, agreement, delegates and pupils' baseline.
func (sd *seeder) recruit() ([]store.TrialSchool, error) {
	order := slices.Clone(sd.eval)
	slices.SortStableFunc(order, func(a, b *pluginv1.School) int { return boolCmp(sd.late[a.GetId()], sd.late[b.GetId()]) })
	var out []store.TrialSchool
	for _, sc := range order {
		c := sd.centreC[sd.centre[sc.GetId()]]
		interest := "2017-02-" + fmt.Sprintf("%02d", 1+sd.rng.IntN(27))
		if sd.late[sc.GetId()] {
			interest = "2017-10-" + fmt.Sprintf("%02d", 2+sd.rng.IntN(20))
		}
		ts, err := sd.s.AddSchool(sd.trial.ID, sc.GetId(), c.ID, census.Phase(sc.GetPhase()), interest, sd.now)
		if err != nil {
			return nil, err
		}
		pupils := sd.pupils[sc.GetId()]
		var eal, fsm float64
		for _, p := range pupils {
			if p.GetEal() {
				eal++
			}
			if p.GetFsm() {
				fsm++
			}
		}
		n := math.Max(1, float64(len(pupils)))
		ealPct, fsmPct := math.Round(1000*eal/n)/10, math.Round(1000*fsm/n)/10
		// The demo's criteria: any phase (the list is what was recruited).
		crit := rules.Criteria{ExcludeOtherTrials: true}
		if _, _, err := sd.s.CheckEligibility(ts.ID, crit, rules.SchoolFacts{EALPercent: &ealPct, FSMPercent: &fsmPct}, "2017-03-01"); err != nil {
			return nil, err
		}
		staff := sd.staff[sc.GetId()]
		if len(staff) == 0 {
			continue // no staff: the agreement waits
		}
		if _, _, err := sd.s.RecordAgreement(ts.ID, "2017-03-"+fmt.Sprintf("%02d", 6+sd.rng.IntN(20)), staff[0].GetId()); err != nil {
			return nil, err
		}
		if err := sd.delegates(ts, staff); err != nil {
			return nil, err
		}
		if err := sd.baseline(ts, pupils); err != nil {
			return nil, err
		}
		if ts, err = sd.s.TrialSchoolByID(ts.ID); err != nil {
			return nil, err
		}
		out = append(out, ts)
		if err := sd.audit("school.recruit", "trial_school", ts.ID, ts); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// delegates names two of the school's teachers (the demo's delegate login
// first, where it works).
func (sd *seeder) delegates(ts store.TrialSchool, staff []*pluginv1.Person) error {
	var picked []*pluginv1.Person
	for _, p := range staff {
		if p.GetId() == sd.demoDel {
			picked = append(picked, p)
		}
	}
	for _, p := range staff[1:] {
		if len(picked) >= 2 {
			break
		}
		if p.GetId() != sd.demoDel && !slices.Contains(sd.facs[sd.centre[ts.SchoolID]], p.GetId()) {
			picked = append(picked, p)
		}
	}
	for _, p := range picked {
		if _, err := sd.s.AddDelegate(ts.ID, p.GetId(), rules.Subjects[sd.rng.IntN(len(rules.Subjects)-1)], sd.now); err != nil {
			return err
		}
	}
	return nil
}

// baseline adds the school's EAL pupils of years 7 to 11 (of every year
// when it has none there: the demo guesses some schools' phases from their
// names) with a baseline code (the census code) and score.
func (sd *seeder) baseline(ts store.TrialSchool, pupils []*pluginv1.Pupil) error {
	var in []store.PupilIn
	codes := map[uint64]string{}
	secondary := slices.ContainsFunc(pupils, func(p *pluginv1.Pupil) bool { return p.GetEal() && p.GetYearGroup() >= 7 && p.GetYearGroup() <= 11 })
	for _, p := range pupils {
		if p.GetEal() && (!secondary || p.GetYearGroup() >= 7 && p.GetYearGroup() <= 11) {
			in = append(in, store.PupilIn{PupilID: p.GetId(), YearGroup: int(p.GetYearGroup()), Gender: p.GetGender(), FSM: p.GetFsm()})
			codes[p.GetId()] = census.Proficiency(p.GetEalProficiency())
			if codes[p.GetId()] == "" {
				codes[p.GetId()] = string(rules.NotYetAssessed)
			}
		}
	}
	if _, err := sd.s.AddPupils(ts.ID, in, sd.now); err != nil {
		return err
	}
	tps, err := sd.s.Pupils(ts.ID)
	if err != nil {
		return err
	}
	rows := make([]store.PointIn, len(tps))
	for i, p := range tps {
		c := codes[p.PupilID]
		rows[i] = store.PointIn{TrialPupilID: p.ID, Proficiency: c, Score: fmt.Sprint(score(c, 0, sd.rng))}
	}
	_, err = sd.s.SavePoints(rules.PointBaseline, rows, sd.now)
	return err
}

// score is a plausible test score for a code, plus a gain.
func score(code string, gain int, rng *rand.Rand) int {
	base := map[string]int{"A": 15, "B": 30, "C": 45, "D": 60, "E": 72, "N": 40}[code]
	return min(100, max(0, base+gain+rng.IntN(21)-10))
}

// randomise freezes, commits (with the fixed seed), allocates and reveals
// wave 1: every school ready (its baseline complete) except those recruited
// late.
func (sd *seeder) randomise(ready []store.TrialSchool) error {
	counts, err := sd.s.PupilCounts(sd.trial.ID)
	if err != nil {
		return err
	}
	var rows []store.FreezeRow
	codeOf := map[uint64]string{}
	for _, c := range sd.centreC {
		codeOf[c.ID] = c.Code
	}
	for _, ts := range ready {
		if !sd.late[ts.SchoolID] && counts[ts.ID].BaselineComplete() {
			rows = append(rows, store.FreezeRow{TrialSchoolID: ts.ID, Stratum: codeOf[ts.CentreID]})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	at := func(d string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", d, sdk.London())
		return t
	}
	w, err := sd.s.Freeze(sd.trial.ID, rows, "centre", sd.by, at("2017-07-03 10:00"))
	if err != nil {
		return err
	}
	if w, err = sd.s.Commit(sd.trial.ID, w.Number, WaveOneSeed, at("2017-07-03 10:05")); err != nil {
		return err
	}
	if w, _, err = sd.s.Allocate(sd.trial.ID, w.Number, at("2017-07-03 10:10")); err != nil {
		return err
	}
	if w, err = sd.s.Reveal(sd.trial.ID, w.Number, at("2017-07-03 10:15")); err != nil {
		return err
	}
	return sd.audit("wave.randomise", "wave", w.ID, map[string]any{"wave": w.Number, "commitment": w.Commitment, "allocation": w.AllocationCSV,
		"seed": WaveOneSeed.String()})
}

// deliver dates the course days, records attendance, the sessions and the
// self-assessments, one withdrawal after randomisation, and the pupils'
// post-test.
func (sd *seeder) deliver() error {
	schools, err := sd.s.TrialSchools(sd.trial.ID)
	if err != nil {
		return err
	}
	ids := make([]uint64, len(schools))
	for i, s := range schools {
		ids[i] = s.ID
	}
	dels, err := sd.s.Delegates(ids...)
	if err != nil {
		return err
	}
	arm := map[uint64]string{}
	for _, s := range schools {
		arm[s.ID] = s.Arm
	}
	for i, u := range sd.centres {
		c := sd.centreC[u.GetId()]
		d0 := time.Date(2017, 10, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*(i%6))
		days := []string{d0.Format(time.DateOnly), d0.AddDate(0, 0, 35).Format(time.DateOnly), d0.AddDate(0, 0, 91).Format(time.DateOnly)}
		if _, _, err := sd.s.SetDays(c.ID, days); err != nil {
			return err
		}
		var booked []uint64
		present := map[uint64]bool{}
		for _, d := range dels {
			if ts := find(schools, d.TrialSchoolID); ts.CentreID == c.ID && ts.Arm == store.ArmIntervention && d.PersonID != sd.demoDel {
				booked = append(booked, d.ID)
			}
		}
		facs, err := sd.s.Facilitators(c.ID)
		if err != nil {
			return err
		}
		for day := 1; day <= rules.Days; day++ {
			for _, b := range booked {
				present[b] = sd.rng.Float64() < 0.9
			}
			if _, err := sd.s.SetAttendance(day, booked, present); err != nil {
				return err
			}
			if len(booked) > 0 {
				for _, f := range facs {
					fidelity := 3 + sd.rng.IntN(3)
					if sd.demoFac != 0 && f.PersonID == sd.demoFac {
						continue // the demo's facilitator logs their own days (their to-dos)
					}
					if _, err := sd.s.LogSession(c.ID, day, f.ID, fidelity, "", sd.now); err != nil {
						return err
					}
				}
			}
		}
	}
	for _, d := range dels {
		if d.PersonID == sd.demoDel || arm[d.TrialSchoolID] == "" {
			continue
		}
		pre := []int{1 + sd.rng.IntN(3), 1 + sd.rng.IntN(3), 2 + sd.rng.IntN(2), 2 + sd.rng.IntN(2)}
		if _, err := sd.s.SaveAssessment(d.ID, rules.Pre, pre, sd.now); err != nil {
			return err
		}
		post := slices.Clone(pre)
		for i := range post {
			if arm[d.TrialSchoolID] == store.ArmIntervention {
				post[i] = min(5, post[i]+1+sd.rng.IntN(2))
			} else {
				post[i] = min(5, post[i]+sd.rng.IntN(2))
			}
		}
		if _, err := sd.s.SaveAssessment(d.ID, rules.Post, post, sd.now); err != nil {
			return err
		}
	}
	// One withdrawal: the first control school, at follow-up.
	for _, s := range schools {
		if s.Arm == store.ArmControl {
			_, after, err := sd.s.Withdraw(s.ID, "2018-05-14", string(rules.FollowUp), "Change of leadership", "")
			if err != nil {
				return err
			}
			if err := sd.audit("school.withdraw", "trial_school", s.ID, after); err != nil {
				return err
			}
			break
		}
	}
	return sd.postTest(schools)
}

// postTest records the post-test of the randomised schools' pupils.
func (sd *seeder) postTest(schools []store.TrialSchool) error {
	for _, s := range schools {
		if s.Arm == "" || s.Withdrawn() {
			continue
		}
		tps, err := sd.s.Pupils(s.ID)
		if err != nil {
			return err
		}
		pids := make([]uint64, len(tps))
		for i, p := range tps {
			pids[i] = p.ID
		}
		pts, err := sd.s.Points(pids...)
		if err != nil {
			return err
		}
		base := map[uint64]store.PupilPoint{}
		for _, p := range pts {
			base[p.TrialPupilID] = p
		}
		gain := 6
		if s.Arm == store.ArmIntervention {
			gain = 10
		}
		var rows []store.PointIn
		for _, p := range tps {
			c := base[p.ID].Proficiency
			next := c
			if i := strings.Index("ABCDE", c); i >= 0 && i < 4 && sd.rng.Float64() < 0.4 {
				next = string("ABCDE"[i+1])
			}
			rows = append(rows, store.PointIn{TrialPupilID: p.ID, Proficiency: next, Score: fmt.Sprint(score(c, gain, sd.rng))})
		}
		if _, err := sd.s.SavePoints(rules.PointPost, rows, sd.now); err != nil {
			return err
		}
	}
	return nil
}

func find(ss []store.TrialSchool, id uint64) store.TrialSchool {
	for _, s := range ss {
		if s.ID == id {
			return s
		}
	}
	return store.TrialSchool{}
}
