// Package demo builds the demo install: the partnership's real 2017-18 list
// of schools by hub, cluster, delivery centre and coaching cohort in one
// tenant, a fictional multi-academy trust of seven schools in a second, and
// generated (never real) users for each role. URNs, phases, Ofsted grades and
// rolls are generated too: the list holds only names.
//
// With a pupil service, it also generates fake pupils (valid UPNs, invented
// names of varied heritage, flags in the partnership's proportions) for every
// school a demo programme needs: the trust's seven schools and the 63
// Challenge the Gap schools (those in a cluster), plus the school of the
// partnership's demo headteacher and teacher, so that their logins show
// pupils. The same seed always gives the same pupils for the same school
// year.
package demo

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/tenancy"
)

//go:embed data/challenge-partners-2017-18-schools.csv
var schoolsCSV string

// Password is every demo user's password. The demo is for trying Upwards on
// one's own machine; never expose a demo install.
const Password = "upwards-demo"

// Tenant slugs and hosts of the demo.
const (
	PartnershipSlug = "partnership"
	PartnershipHost = "partnership.localhost"
	TrustSlug       = "northstar"
	TrustHost       = "trust.localhost"
)

// Row is one row of the school list.
type Row struct {
	Line      int
	Programme string
	GroupKind string
	Group     string
	School    string
	Role      string
}

// Rows parses the embedded school list.
func Rows() ([]Row, error) { return ParseRows(strings.NewReader(schoolsCSV)) }

// ParseRows reads programme,group_kind,group,school,role rows.
func ParseRows(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read school list header: %w", err)
	}
	want := []string{"programme", "group_kind", "group", "school", "role"}
	if strings.Join(header, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("school list header is %v, want %v", header, want)
	}
	var out []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read school list: %w", err)
		}
		line, _ := cr.FieldPos(0)
		out = append(out, Row{Line: line, Programme: rec[0], GroupKind: rec[1], Group: strings.TrimSpace(rec[2]), School: strings.TrimSpace(rec[3]), Role: rec[4]})
	}
}

// Login is one generated demo account. Host is the tenant's host name on
// the first login of each tenant ("" on the others): where the login page
// needs no choice of organisation.
type Login struct {
	Tenant, Host, Email, Name, Role, At string
}

// Result reports what Build made.
type Result struct {
	Created  bool // false when the demo was already there
	Logins   []Login
	Counts   map[string]map[tenancy.Kind]int64
	Warnings []string
	// Pupils is how many demo pupils each tenant got (by slug).
	Pupils map[string]int
	// Staff is how many generated staff accounts each tenant got (by slug).
	Staff map[string]int
}

// Services are what the demo writes through (so every rule and audit applies).
type Services struct {
	Tenancy  *tenancy.Service
	Identity *identity.Service
	Authz    *authz.Enforcer
	// Pupils, if set, stores generated demo pupils.
	Pupils *pupils.Service
}

// PupilSeed seeds the generator of demo pupils.
const PupilSeed = 5

// Build creates the demo tenants, units and users, unless the partnership
// tenant already exists, in which case it only reports the logins.
func Build(ctx context.Context, s Services) (Result, error) {
	res := Result{Counts: map[string]map[tenancy.Kind]int64{}, Pupils: map[string]int{}, Staff: map[string]int{}}
	if _, err := s.Tenancy.TenantBySlug(ctx, PartnershipSlug); err == nil {
		res.Logins = logins()
		return res, res.count(ctx, s)
	} else if !errors.Is(err, tenancy.ErrNotFound) {
		return res, fmt.Errorf("look for demo tenant: %w", err)
	}
	rows, err := Rows()
	if err != nil {
		return res, err
	}
	rng := rand.New(rand.NewPCG(2017, 2018))
	urns := newURNs(rng)
	p, err := buildPartnership(ctx, s, rows, rng, urns, &res)
	if err != nil {
		return res, fmt.Errorf("build partnership tenant: %w", err)
	}
	t, err := buildTrust(ctx, s, rng, urns)
	if err != nil {
		return res, fmt.Errorf("build trust tenant: %w", err)
	}
	if err := addUsers(ctx, s, p, t); err != nil {
		return res, err
	}
	if res.Staff[PartnershipSlug], err = addStaff(ctx, s, p.tenant.ID, "partnership.example.org", p.staffSchools(), map[uint]bool{p.three.ID: true}, rng); err != nil {
		return res, err
	}
	if res.Staff[TrustSlug], err = addStaff(ctx, s, t.tenant.ID, "northstar.example.org", t.ctg, nil, rng); err != nil {
		return res, err
	}
	if s.Pupils != nil {
		gen, err := newPupilGen(PupilSeed, time.Now())
		if err != nil {
			return res, err
		}
		if res.Pupils[TrustSlug], err = addPupils(ctx, s.Pupils, gen, t.tenant.ID, t.schools); err != nil {
			return res, err
		}
		if res.Pupils[PartnershipSlug], err = addPupils(ctx, s.Pupils, gen, p.tenant.ID, p.pupilSchools()); err != nil {
			return res, err
		}
	}
	res.Created = true
	res.Logins = logins()
	return res, res.count(ctx, s)
}

func (r *Result) count(ctx context.Context, s Services) error {
	for _, slug := range []string{PartnershipSlug, TrustSlug} {
		t, err := s.Tenancy.TenantBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("demo tenant %s: %w", slug, err)
		}
		c, err := s.Tenancy.CountByKind(ctx, t.ID, nil)
		if err != nil {
			return err
		}
		r.Counts[slug] = c
	}
	return nil
}

var groupKinds = map[string]tenancy.Kind{
	"hub":             tenancy.KindHub,
	"cluster":         tenancy.KindCluster,
	"delivery_centre": tenancy.KindDeliveryCentre,
	"cohort":          tenancy.KindCohort,
}

// partnership is what addUsers needs to know of the built partnership tenant.
type partnership struct {
	tenant  tenancy.Tenant
	hub     tenancy.Unit
	cluster tenancy.Unit
	school  tenancy.Unit
	// otherSchool is the first school of another hub than hub: its
	// headteacher shows what a school outside the first hub cannot see.
	otherSchool tenancy.Unit
	// three is ThreeHeadSchool, a school in three programmes.
	three tenancy.Unit
	// ctg are the Challenge the Gap schools (in a cluster), in list order.
	ctg []tenancy.Unit
	// gal is the Getting Ahead London cohort unit, and galSchools its
	// schools by name.
	gal        tenancy.Unit
	galSchools map[string]tenancy.Unit
	// eal are the EAL trial's evaluation schools (in a delivery centre), in
	// list order.
	eal []tenancy.Unit
	// ealUnits are where the EAL trial's demo people work.
	ealUnits ealUnits
}

// pupilSchools are the schools that get demo pupils: Challenge the Gap's,
// the demo headteacher's and the EAL trial's evaluation schools.
func (p partnership) pupilSchools() []tenancy.Unit {
	return union(p.ctg, []tenancy.Unit{p.school}, p.eal)
}

// staffSchools are the schools that get generated staff: Challenge the
// Gap's (its teams) and the EAL trial's evaluation schools (its leads and
// delegates).
func (p partnership) staffSchools() []tenancy.Unit { return union(p.ctg, p.eal) }

// union is the units of the lists, each once, in order.
func union(lists ...[]tenancy.Unit) []tenancy.Unit {
	seen := map[uint]bool{}
	var out []tenancy.Unit
	for _, l := range lists {
		for _, u := range l {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
	}
	return out
}

func buildPartnership(ctx context.Context, s Services, rows []Row, rng *rand.Rand, urns *urnSource, res *Result) (partnership, error) {
	var p partnership
	t, err := s.Tenancy.CreateTenant(ctx, PartnershipSlug, "Challenge Partners", []string{PartnershipHost})
	if err != nil {
		return p, err
	}
	p.tenant = t
	groups := map[string]tenancy.Unit{}
	schools := map[string]tenancy.Unit{}
	inCtG := map[uint]bool{}
	p.galSchools = map[string]tenancy.Unit{}
	for _, r := range rows {
		kind, ok := groupKinds[r.GroupKind]
		if !ok {
			res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: unknown group kind %q skipped", r.Line, r.GroupKind))
			continue
		}
		key := string(kind) + "|" + r.Group
		g, ok := groups[key]
		if !ok {
			if g, err = s.Tenancy.CreateUnit(ctx, t.ID, tenancy.UnitInput{Kind: kind, Name: r.Group}); err != nil {
				return p, fmt.Errorf("line %d: %s %q: %w", r.Line, kind, r.Group, err)
			}
			groups[key] = g
		}
		sc, ok := schools[r.School]
		if !ok {
			if sc, err = s.Tenancy.CreateUnit(ctx, t.ID, schoolInput(r.School, rng, urns)); err != nil {
				return p, fmt.Errorf("line %d: school %q: %w", r.Line, r.School, err)
			}
			schools[r.School] = sc
		}
		if err := s.Tenancy.Link(ctx, t.ID, g.ID, sc.ID); err != nil {
			// The list has a few rows the rules refuse (e.g. one school named in two hubs).
			res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: %s not added to %s: %v", r.Line, r.School, r.Group, err))
			continue
		}
		if p.hub.ID == 0 && kind == tenancy.KindHub {
			p.hub, p.school = g, sc
		}
		if p.otherSchool.ID == 0 && kind == tenancy.KindHub && g.ID != p.hub.ID {
			p.otherSchool = sc
		}
		if p.cluster.ID == 0 && kind == tenancy.KindCluster {
			p.cluster = g
		}
		if r.School == ThreeHeadSchool {
			p.three = sc
		}
		if kind == tenancy.KindCohort && r.Programme == "gettingahead" {
			p.gal, p.galSchools[r.School] = g, sc
		}
		if kind == tenancy.KindCluster && !inCtG[sc.ID] {
			inCtG[sc.ID] = true
			p.ctg = append(p.ctg, sc)
		}
		if r.Programme == "eal" && kind == tenancy.KindDeliveryCentre && r.Role == "evaluation" {
			p.eal = append(p.eal, sc)
		}
		p.ealUnits.note(r, g, sc)
	}
	return p, nil
}

type trust struct {
	tenant  tenancy.Tenant
	trust   tenancy.Unit
	school  tenancy.Unit
	schools []tenancy.Unit
	// ctg are the schools of the trust's Challenge the Gap cluster.
	ctg []tenancy.Unit
}

// The Getting Ahead London demo: the list's cohort unit, the demo
// accounts, and the schools of the coach and of the participant (a coach
// school and a participant school of the 2017-18 list).
const (
	GALCohort            = "Getting Ahead London 2017-18"
	GALManager           = "gal.manager@partnership.example.org"
	GALCoach             = "gal.coach@partnership.example.org"
	GALParticipant       = "gal.participant@partnership.example.org"
	GALHead              = "gal.head@partnership.example.org"
	GALCoachSchool       = "Dunraven"
	GALParticipantSchool = "Lammas School and Sixth Form"
)

// The demo's head of a school in three programmes: a member school of the
// Network of Excellence (Inspire Partnership Hub), of a Challenge the Gap
// cluster (Greenwich Cluster, in its first trio) and a participant school
// of Getting Ahead London. Each plugin's demo gives her something to do:
// the Network her school's self-evaluation (its review is booked for the
// next school week), Challenge the Gap the open staff survey (she leads the
// school's team), Getting Ahead London her ranking as a new coach (its
// coach role, granted by cli's demo).
const (
	ThreeHead       = "head.three@partnership.example.org"
	ThreeHeadName   = "Esther Lindo"
	ThreeHeadSchool = "Rockliffe Manor Primary School"
)

// TrustCluster is the name of the trust's cluster unit for Challenge the
// Gap: three of its schools (two primaries and a secondary) that the
// programme's demo makes a trio.
const TrustCluster = "Northstar Challenge the Gap cluster"

// trustCtG are the indexes in trustSchools of the cluster's schools.
var trustCtG = []int{0, 1, 4}

// trustSchools is the fictional multi-academy trust of the demo.
var trustSchools = []struct {
	name  string
	phase tenancy.Phase
}{
	{"Northstar Meadow Primary Academy", tenancy.PhasePrimary},
	{"Northstar Riverside Primary Academy", tenancy.PhasePrimary},
	{"Northstar Hillcrest Infant Academy", tenancy.PhasePrimary},
	{"Northstar Brookfield Junior Academy", tenancy.PhasePrimary},
	{"Northstar Oakwood Academy", tenancy.PhaseSecondary},
	{"Northstar Harbour Academy", tenancy.PhaseSecondary},
	{"Northstar Willow Special School", tenancy.PhaseSpecial},
}

func buildTrust(ctx context.Context, s Services, rng *rand.Rand, urns *urnSource) (trust, error) {
	var tr trust
	t, err := s.Tenancy.CreateTenant(ctx, TrustSlug, "Northstar Learning Trust", []string{TrustHost})
	if err != nil {
		return tr, err
	}
	tr.tenant = t
	if tr.trust, err = s.Tenancy.CreateUnit(ctx, t.ID, tenancy.UnitInput{Kind: tenancy.KindTrust, Name: "Northstar Learning Trust"}); err != nil {
		return tr, err
	}
	for i, sc := range trustSchools {
		in := schoolInput(sc.name, rng, urns)
		in.Phase = string(sc.phase)
		in.PupilsOnRoll = roll(sc.phase, rng)
		u, err := s.Tenancy.CreateUnit(ctx, t.ID, in)
		if err != nil {
			return tr, fmt.Errorf("school %q: %w", sc.name, err)
		}
		if err := s.Tenancy.Link(ctx, t.ID, tr.trust.ID, u.ID); err != nil {
			return tr, err
		}
		if i == 0 {
			tr.school = u
		}
		tr.schools = append(tr.schools, u)
	}
	cl, err := s.Tenancy.CreateUnit(ctx, t.ID, tenancy.UnitInput{Kind: tenancy.KindCluster, Name: TrustCluster})
	if err != nil {
		return tr, err
	}
	for _, i := range trustCtG {
		if err := s.Tenancy.Link(ctx, t.ID, cl.ID, tr.schools[i].ID); err != nil {
			return tr, fmt.Errorf("link %s to the trust's cluster: %w", tr.schools[i].Name, err)
		}
		tr.ctg = append(tr.ctg, tr.schools[i])
	}
	return tr, nil
}

type demoUser struct {
	email, name, role string
	operator          bool
	at                func() tenancy.Unit
	atLabel           string
}

func addUsers(ctx context.Context, s Services, p partnership, t trust) error {
	root := func(tenantID uint) func() tenancy.Unit {
		return func() tenancy.Unit {
			u, _ := s.Tenancy.RootUnit(ctx, tenantID)
			return u
		}
	}
	unit := func(u tenancy.Unit) func() tenancy.Unit { return func() tenancy.Unit { return u } }
	plan := []struct {
		tenant tenancy.Tenant
		users  []demoUser
	}{
		{p.tenant, []demoUser{
			{"admin@partnership.example.org", "Priya Shah", authz.RoleTenantAdmin, true, root(p.tenant.ID), ""},
			{"central@partnership.example.org", "Tom Okafor", authz.RoleCentralTeam, false, root(p.tenant.ID), ""},
			{"senior.partner@partnership.example.org", "Helen Marsh", authz.RoleSeniorPartner, false, unit(p.hub), ""},
			{"hub.manager@partnership.example.org", "Daniel Reyes", authz.RoleHubManager, false, unit(p.hub), ""},
			{"lead.reviewer@partnership.example.org", "Grace Whitfield", authz.RoleLeadReviewer, false, unit(p.hub), ""},
			{"reviewer@partnership.example.org", "Sam Patel", authz.RoleReviewer, false, unit(p.hub), ""},
			{"headteacher@partnership.example.org", "Ruth Adeyemi", authz.RoleHeadteacher, false, unit(p.school), ""},
			{"head.otherhub@partnership.example.org", "Nina Okoye", authz.RoleHeadteacher, false, unit(p.otherSchool), ""},
			{ThreeHead, ThreeHeadName, authz.RoleHeadteacher, false, unit(p.three), ""},
			{"teacher@partnership.example.org", "Owen Hughes", authz.RoleTeacher, false, unit(p.school), ""},
			{"para@partnership.example.org", "Maya Collins", authz.RoleParaProfessional, false, unit(p.school), ""},
			// Getting Ahead London: its programme manager (the central team at
			// the cohort unit), a coach (the head of a coach school), a
			// participant (a senior leader of a participant school) and that
			// participant's headteacher. The plugin's demo links the coach and
			// participant to its records by their roles at these schools.
			{GALManager, "Nadia Osei", authz.RoleCentralTeam, false, unit(p.gal), ""},
			{GALCoach, "Grace Adebayo", authz.RoleHeadteacher, false, unit(p.galSchools[GALCoachSchool]), ""},
			{GALParticipant, "Sam Okoro", authz.RoleSeniorLeader, false, unit(p.galSchools[GALParticipantSchool]), ""},
			{GALHead, "Joan Fletcher", authz.RoleHeadteacher, false, unit(p.galSchools[GALParticipantSchool]), ""},
		}},
		{t.tenant, []demoUser{
			{"admin@northstar.example.org", "Alex Morgan", authz.RoleTenantAdmin, false, root(t.tenant.ID), ""},
			{"ceo@northstar.example.org", "Jordan Blake", authz.RoleTrustLeader, false, unit(t.trust), ""},
			{"head@northstar.example.org", "Chris Doyle", authz.RoleHeadteacher, false, unit(t.school), ""},
			{"teacher@northstar.example.org", "Lee Carter", authz.RoleTeacher, false, unit(t.school), ""},
		}},
	}
	plan[0].users = append(plan[0].users, ealUsers(p, root(p.tenant.ID))...)
	// The accounts of a tenant share one password hash (CreateUsers), as
	// the generated staff do: an argon2id hash costs about 150 ms of CPU,
	// and thirteen of them were most of the demo's user set-up. Only the
	// install operator, which CreateUsers cannot make, gets its own.
	for _, tp := range plan {
		var batch []identity.NewUser
		var batched []demoUser
		made := map[string]uint{}
		for _, du := range tp.users {
			if !du.operator {
				batch, batched = append(batch, identity.NewUser{Email: du.email, Name: du.name}), append(batched, du)
				continue
			}
			u, err := s.Identity.CreateUser(ctx, tp.tenant.ID, du.email, du.name, Password, true)
			if err != nil {
				return fmt.Errorf("demo user %s: %w", du.email, err)
			}
			made[du.email] = u.ID
		}
		us, err := s.Identity.CreateUsers(ctx, tp.tenant.ID, batch, Password)
		if err != nil {
			return fmt.Errorf("demo users of %s: %w", tp.tenant.Slug, err)
		}
		for i, u := range us {
			made[batched[i].email] = u.ID
		}
		for _, du := range tp.users {
			if du.role == "" {
				continue // a programme's role only, granted once its plugin is enabled
			}
			if err := s.Authz.Grant(ctx, tp.tenant.ID, made[du.email], du.role, du.at().ID, nil); err != nil {
				return fmt.Errorf("demo grant %s to %s: %w", du.role, du.email, err)
			}
		}
	}
	return nil
}

// logins lists the demo accounts as users will read them.
func logins() []Login {
	out := []Login{
		{"Challenge Partners", PartnershipHost, "admin@partnership.example.org", "Priya Shah", "tenant admin + install operator", "the partnership"},
		{"Challenge Partners", "", "central@partnership.example.org", "Tom Okafor", "central team", "the partnership"},
		{"Challenge Partners", "", "senior.partner@partnership.example.org", "Helen Marsh", "senior partner", "first hub"},
		{"Challenge Partners", "", "hub.manager@partnership.example.org", "Daniel Reyes", "hub manager", "first hub"},
		{"Challenge Partners", "", "lead.reviewer@partnership.example.org", "Grace Whitfield", "lead reviewer", "first hub"},
		{"Challenge Partners", "", "reviewer@partnership.example.org", "Sam Patel", "reviewer", "first hub"},
		{"Challenge Partners", "", "headteacher@partnership.example.org", "Ruth Adeyemi", "headteacher", "a school of the first hub"},
		{"Challenge Partners", "", "teacher@partnership.example.org", "Owen Hughes", "teacher", "that school"},
		{"Challenge Partners", "", "para@partnership.example.org", "Maya Collins", "para-professional", "that school"},
		{"Challenge Partners", "", "head.otherhub@partnership.example.org", "Nina Okoye", "headteacher", "a school of the second hub"},
		{"Challenge Partners", "", ThreeHead, ThreeHeadName, "headteacher; her school is in three programmes", ThreeHeadSchool + ": Network of Excellence, Challenge the Gap, Getting Ahead London (she coaches)"},
		{"Challenge Partners", "", GALManager, "Nadia Osei", "central team; GAL programme manager (plugin role)", "the GAL cohort"},
		{"Challenge Partners", "", GALCoach, "Grace Adebayo", "headteacher; GAL coach (plugin role)", GALCoachSchool},
		{"Challenge Partners", "", GALParticipant, "Sam Okoro", "senior leader; GAL participant (plugin role)", GALParticipantSchool},
		{"Challenge Partners", "", GALHead, "Joan Fletcher", "headteacher of that participant", GALParticipantSchool},
	}
	out = append(out, ealLogins()...)
	return append(out, []Login{
		{"Northstar Learning Trust", TrustHost, "admin@northstar.example.org", "Alex Morgan", "tenant admin", "the trust's tenant"},
		{"Northstar Learning Trust", "", "ceo@northstar.example.org", "Jordan Blake", "trust leader", "the trust"},
		{"Northstar Learning Trust", "", "head@northstar.example.org", "Chris Doyle", "headteacher", "Northstar Meadow Primary Academy"},
		{"Northstar Learning Trust", "", "teacher@northstar.example.org", "Lee Carter", "teacher", "Northstar Meadow Primary Academy"},
	}...)
}
