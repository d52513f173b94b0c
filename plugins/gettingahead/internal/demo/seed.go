// Package demo fills a tenant's Getting Ahead London storage with demo
// data: the job "demo_seed" that the core's demo install runs once per
// tenant (`upwards demo`), as the tenant admin. It writes only through the
// plugin's own store and reads the core only through the Host API.
//
// From the core's cohort unit whose name starts "Getting Ahead London" and
// the 2017-18 list's 16 coach schools and 48 participant schools (embedded:
// the core keeps no sides), it makes:
//
//   - the 2017-18 cohort, as the list has it: a coach per coach school (three
//     places each) and a participant per participant school (Oaklands School
//     is on both sides, so its coach and participant are never paired),
//     applications accepted, both sides' rankings, the match run and
//     published on 2 October 2017, sessions through the year (about ten hours
//     a pair), three networking events and six shadowing days with
//     attendance, self-assessments at the start and end, and outcomes: a third
//     promoted in year one, applying for headship up from 25% to 46%;
//   - the cohort of the school year running today, up to its match: twelve
//     returning coaches, applications (most accepted, some shortlisted or
//     declined) and both sides' rankings, so that its programme manager can
//     run the match and publish it.
//
// Accounts are linked by their roles at the list's schools: a headteacher
// at a coach school is that school's coach, a senior leader at a
// participant school is that school's participant in today's cohort (the
// core's demo makes one of each and the participant's headteacher); every
// other person is a plugin record with a generated name. The demo's coach
// and participant rank each other first, so today's match pairs them. A
// person granted the plugin's coach role at a participant school (the core
// demo's head of a school in three programmes) joins today's cohort as a
// new coach who has still to rank the participants: her home page asks her
// to.
//
// It does nothing when the tenant has a cohort already or has no such unit,
// so a second run changes nothing. The same tenant always gets the same data.
package demo

import (
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/roles"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/trusts"
)

// Name is the job that builds the demo data.
const Name = "demo_seed"

// UnitPrefix starts the name of the core's cohort unit the demo fills.
const UnitPrefix = "Getting Ahead London"

//go:embed gal-2017-18.csv
var listCSV string

// Side is a school's side in the 2017-18 list: "coach" or "participant".
type listRow struct{ School, Side string }

// List returns the 2017-18 list's schools with their sides, in list order.
func List() []listRow {
	recs, _ := csv.NewReader(strings.NewReader(listCSV)).ReadAll()
	var out []listRow
	for _, r := range recs[1:] {
		out = append(out, listRow{r[0], r[1]})
	}
	return out
}

// Request is the job's optional payload.
type Request struct {
	// Today dates today's cohort ("2006-01-02"); empty is today.
	Today string `json:"today,omitempty"`
}

// Seed builds the demo data for the tenant of ctx (see the package comment).
func Seed(ctx context.Context, payload []byte) error {
	var req Request
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &req); err != nil {
			return sdk.Permanent(fmt.Errorf("%s: the payload is not JSON: %w", Name, err))
		}
	}
	today := rules.Date(sdk.Today(ctx))
	if req.Today != "" {
		d, err := rules.ParseDate(req.Today)
		if err != nil {
			return sdk.Permanent(fmt.Errorf("%s: today: %w", Name, err))
		}
		today = d
	}
	started := time.Now()
	audited := 0
	count := func(*gorm.DB, string, string, string, any, any) error { audited++; return nil }
	// One transaction, without a savepoint for each store call: any error
	// ends the whole seed, so nothing is left half made.
	db := sdk.Tenant(ctx).Session(&gorm.Session{DisableNestedTransaction: true})
	s := store.New(db, sdk.TenantID(ctx), count, sdk.Now(ctx))
	cohorts, err := s.Cohorts()
	if err != nil {
		return err
	}
	if len(cohorts) > 0 {
		sdk.Log(ctx).InfoContext(ctx, "demo data not added: the tenant has a cohort already")
		return nil
	}
	host := sdk.HostFrom(ctx)
	w, err := read(ctx, host)
	if err != nil || w == nil {
		return err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		ts := store.New(tx, sdk.TenantID(ctx), count, sdk.Now(ctx))
		if err := trusts.Refresh(ctx, host, ts, w.schoolIDs()); err != nil {
			return err
		}
		sd := &seeder{s: ts, w: w, rng: rand.New(rand.NewPCG(2017, sdk.TenantID(ctx)))}
		if err := sd.pastYear(); err != nil {
			return fmt.Errorf("demo 2017-18: %w", err)
		}
		if err := sd.thisYear(rules.YearStart(today)); err != nil {
			return fmt.Errorf("demo cohort of today: %w", err)
		}
		return sdk.AuditTx(ctx, tx, store.AuditPrefix+"demo.seed", "tenant", fmt.Sprint(sdk.TenantID(ctx)), nil,
			map[string]any{"changes": audited, "sessions": sd.sessions})
	})
	if err != nil {
		return err
	}
	sdk.Log(ctx).InfoContext(ctx, "demo data added", "changes", audited, "seconds", time.Since(started).Seconds())
	return nil
}

// world is what the seed reads from the core: the cohort unit, the list's
// schools found in it, and the demo accounts at them.
type world struct {
	unit         *pluginv1.OrgUnit
	coachSchools []*pluginv1.School // in list order
	partSchools  []*pluginv1.School
	heads        map[uint64]*pluginv1.Person // a headteacher at a coach school
	leaders      map[uint64]*pluginv1.Person // a senior leader at a participant school
	// newCoaches hold the coach role at a participant school: they coach
	// from today's cohort on, not ranked yet.
	newCoaches []newCoach
}

// newCoach is a person with the coach role at a participant school.
type newCoach struct {
	school *pluginv1.School
	person *pluginv1.Person
}

func (w *world) schoolIDs() []uint64 {
	var out []uint64
	for _, s := range append(slices.Clone(w.coachSchools), w.partSchools...) {
		out = append(out, s.GetId())
	}
	return out
}

// read finds the cohort unit, its schools by the list's names and the
// accounts at them: three Host calls. nil when the tenant has no such unit
// or none of the list's schools.
func read(ctx context.Context, host *sdk.Host) (*world, error) {
	units, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_COHORT)
	if err != nil {
		return nil, err
	}
	w := &world{heads: map[uint64]*pluginv1.Person{}, leaders: map[uint64]*pluginv1.Person{}}
	for _, u := range units {
		if strings.HasPrefix(u.GetName(), UnitPrefix) && (w.unit == nil || u.GetId() < w.unit.GetId()) {
			w.unit = u
		}
	}
	if w.unit == nil {
		sdk.Log(ctx).InfoContext(ctx, "demo data not added: no cohort unit named "+UnitPrefix+"…")
		return nil, nil
	}
	schools, err := host.Schools(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]*pluginv1.School{}
	for _, s := range schools {
		if slices.Contains(s.GetParentIds(), w.unit.GetId()) {
			byName[s.GetName()] = s
		}
	}
	for _, r := range List() {
		s, ok := byName[r.School]
		if !ok {
			continue
		}
		if r.Side == store.SideCoach {
			w.coachSchools = append(w.coachSchools, s)
		} else {
			w.partSchools = append(w.partSchools, s)
		}
	}
	if len(w.coachSchools) == 0 || len(w.partSchools) == 0 {
		sdk.Log(ctx).InfoContext(ctx, "demo data not added: the cohort unit holds none of the 2017-18 list's schools")
		return nil, nil
	}
	people, err := host.PeopleWhere(ctx, sdk.PeopleQuery{UnitIDs: w.schoolIDs(), Roles: []string{"headteacher", "senior_leader", roles.Coach}})
	if err != nil {
		return nil, err
	}
	isCoach, isPart := map[uint64]bool{}, map[uint64]bool{}
	for _, s := range w.coachSchools {
		isCoach[s.GetId()] = true
	}
	part := map[uint64]*pluginv1.School{}
	for _, s := range w.partSchools {
		isPart[s.GetId()] = true
		part[s.GetId()] = s
	}
	slices.SortFunc(people, func(a, b *pluginv1.Person) int { return int(a.GetId()) - int(b.GetId()) })
	for _, p := range people {
		for _, g := range p.GetGrants() {
			switch {
			case g.GetRole() == "headteacher" && isCoach[g.GetUnitId()] && w.heads[g.GetUnitId()] == nil:
				w.heads[g.GetUnitId()] = p
			case g.GetRole() == "senior_leader" && isPart[g.GetUnitId()] && w.leaders[g.GetUnitId()] == nil:
				w.leaders[g.GetUnitId()] = p
			case g.GetRole() == roles.Coach && isPart[g.GetUnitId()] && !isCoach[g.GetUnitId()]:
				w.newCoaches = append(w.newCoaches, newCoach{part[g.GetUnitId()], p})
			}
		}
	}
	return w, nil
}
