package authz

import (
	"math/rand"
	"reflect"
	"strconv"
	"testing"

	casbin "github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/challengepartners/upwards/policies"
)

// world is an in-memory tenant for tests and benchmarks of the Casbin layer:
// a random org graph, grants, and the core policy.
type world struct {
	anc    map[string][]string // unit → ancestors-or-self
	units  []string
	grants [][]string // user, role, unit
	lines  []rolePermLine
}

// newWorld builds root → hubs, trusts, clusters → trios; schools under a hub,
// often a trust, sometimes a trio; users granted at every level.
func newWorld(tb testing.TB, seed int64, schools, users int) *world {
	tb.Helper()
	r := rand.New(rand.NewSource(seed))
	parents := map[int][]int{}
	next := 1
	unit := func(ps ...int) int { id := next; next++; parents[id] = ps; return id }
	root := unit()
	var hubs, trusts, clusters, trios, schoolIDs []int
	for i := 0; i < 31; i++ {
		hubs = append(hubs, unit(root))
	}
	for i := 0; i < 40; i++ {
		trusts = append(trusts, unit(root))
	}
	for i := 0; i < 11; i++ {
		c := unit(root)
		clusters = append(clusters, c)
		for j := 0; j < 3; j++ {
			trios = append(trios, unit(c))
		}
	}
	for i := 0; i < schools; i++ {
		ps := []int{hubs[r.Intn(len(hubs))]}
		if r.Intn(2) == 0 {
			ps = append(ps, trusts[r.Intn(len(trusts))])
		}
		if r.Intn(6) == 0 {
			ps = append(ps, trios[r.Intn(len(trios))])
		}
		schoolIDs = append(schoolIDs, unit(ps...))
	}
	w := &world{anc: map[string][]string{}}
	var up func(id int, into map[int]bool)
	up = func(id int, into map[int]bool) {
		into[id] = true
		for _, p := range parents[id] {
			up(p, into)
		}
	}
	for id := 1; id < next; id++ {
		set := map[int]bool{}
		up(id, set)
		for a := range set {
			w.anc[strconv.Itoa(id)] = append(w.anc[strconv.Itoa(id)], strconv.Itoa(a))
		}
		w.units = append(w.units, strconv.Itoa(id))
	}
	u := 0
	add := func(role string, unit int) {
		u++
		w.grants = append(w.grants, []string{userKey(uint(u)), role, strconv.Itoa(unit)})
	}
	add(RoleTenantAdmin, root)
	add(RoleCentralTeam, root)
	for _, h := range hubs {
		add(RoleHubManager, h)
		add(RoleSeniorPartner, h)
		add(RoleReviewer, h)
	}
	for _, t := range trusts {
		add(RoleTrustLeader, t)
	}
	for _, c := range clusters {
		add(RoleLeadReviewer, c)
	}
	schoolRoles := []string{RoleHeadteacher, RoleSeniorLeader, RoleTeacher, RoleTeacher, RoleParaProfessional}
	for u < users {
		add(schoolRoles[r.Intn(len(schoolRoles))], schoolIDs[r.Intn(len(schoolIDs))])
	}
	lines, err := parseCorePolicy(policies.CorePolicy())
	if err != nil {
		tb.Fatal(err)
	}
	w.lines = lines
	return w
}

func (w *world) ancestors(unit string) []string { return w.anc[unit] }

// chosen builds the enforcer the way the package does.
func (w *world) chosen(tb testing.TB) *casbin.Enforcer {
	tb.Helper()
	units := &unitCache{}
	for u, a := range w.anc {
		units.anc.Store(u, a)
	}
	d := &tenantData{byUser: map[uint][]Grant{}}
	st, err := buildState(d, units, w.lines)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.ce.AddGroupingPolicies(w.grants); err != nil {
		tb.Fatal(err)
	}
	return st.ce
}

// withDefaultManager builds an enforcer from modelText with Casbin's own
// domain role manager, the hierarchy given as its domain matching function.
// When asPolicy is set the role→permission lines are p lines.
func (w *world) withDefaultManager(tb testing.TB, modelText string, asPolicy bool) *casbin.Enforcer {
	tb.Helper()
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		tb.Fatal(err)
	}
	e.AddNamedDomainMatchingFunc("g", "unitGraph", func(unit, domain string) bool {
		return domain == wildcardDomain || contains(w.anc[unit], domain)
	})
	var gs [][]string
	// One link per unit, so Casbin creates every unit's domain up front instead
	// of rebuilding a throw-away one on each check of a unit without grants.
	for _, u := range w.units {
		gs = append(gs, []string{"unit", "unit", u})
	}
	gs = append(gs, w.grants...)
	for _, l := range w.lines {
		if asPolicy {
			if _, err := e.AddPolicy(l.Role, l.Perm); err != nil {
				tb.Fatal(err)
			}
		} else {
			gs = append(gs, l.rule())
		}
	}
	if _, err := e.AddGroupingPolicies(gs); err != nil {
		tb.Fatal(err)
	}
	return e
}

// textbookModel is Casbin's RBAC-with-domains example shape: role→permission
// as p lines, the matcher evaluated once per p line.
const textbookModel = `
[request_definition]
r = sub, dom, act
[policy_definition]
p = sub, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.act == p.act
`

type triple struct{ user, unit, perm string }

// triples returns n random checks, half of them about a unit beneath one of
// the user's grants (so about half are allowed), half about any school.
func (w *world) triples(n int, seed int64) []triple {
	r := rand.New(rand.NewSource(seed))
	perms := []string{PermDashboardView, PermOrgUnitRead, PermSchoolRead, PermPupilRead, PermUserRead, PermUserWrite, PermAuditRead, PermRoleGrant}
	below := map[string][]string{}
	for u, as := range w.anc {
		for _, a := range as {
			below[a] = append(below[a], u)
		}
	}
	out := make([]triple, n)
	for i := range out {
		g := w.grants[r.Intn(len(w.grants))]
		unit := w.units[r.Intn(len(w.units))]
		if r.Intn(2) == 0 {
			unit = below[g[2]][r.Intn(len(below[g[2]]))]
		}
		out[i] = triple{g[0], unit, perms[r.Intn(len(perms))]}
	}
	return out
}

// TestRoleManagerMatchesCasbinDefault: on the same model and policy, the
// unit role manager decides exactly as Casbin's default domain manager with
// the graph as domain matching function, and as the textbook p-line model.
func TestRoleManagerMatchesCasbinDefault(t *testing.T) {
	w := newWorld(t, 7, 60, 400)
	chosen := w.chosen(t)
	def := w.withDefaultManager(t, policies.Model(), false)
	textbook := w.withDefaultManager(t, textbookModel, true)
	allowed := 0
	for _, c := range w.triples(5000, 8) {
		a, err1 := chosen.Enforce(c.user, c.unit, c.perm)
		b, err2 := def.Enforce(c.user, c.unit, c.perm)
		x, err3 := textbook.Enforce(c.user, c.unit, c.perm)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		if a != b || a != x {
			t.Fatalf("%+v: unit manager %v, default manager %v, textbook %v", c, a, b, x)
		}
		if a {
			allowed++
		}
	}
	if allowed < 1000 || allowed > 4000 {
		t.Errorf("%d of 5000 allowed: the sample does not exercise both answers", allowed)
	}
}

func TestUnitRoleManagerAPI(t *testing.T) {
	anc := map[string][]string{"3": {"1", "2", "3"}, "2": {"1", "2"}, "9": {"9"}}
	rm := newUnitRoleManager(func(u string) []string { return anc[u] })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(rm.AddLink("user:1", "teacher", "2"))
	must(rm.AddLink("user:1", "teacher", "2")) // repeated: kept once
	must(rm.AddLink("user:1", "reviewer", "9"))
	must(rm.AddLink("teacher", "core.pupil.read", "*"))
	has := func(a, b, d string) bool {
		ok, err := rm.HasLink(a, b, d)
		must(err)
		return ok
	}
	if !has("user:1", "core.pupil.read", "3") || !has("user:1", "teacher", "2") || has("user:1", "teacher", "9") || has("user:1", "core.pupil.read", "1") {
		t.Error("HasLink does not follow the unit hierarchy")
	}
	if !has("x", "x", "1") {
		t.Error("a name links to itself")
	}
	if rs, _ := rm.GetRoles("user:1", "3"); !reflect.DeepEqual(rs, []string{"teacher"}) {
		t.Errorf("GetRoles at 3: %v", rs)
	}
	if rs, _ := rm.GetRoles("user:1"); len(rs) != 2 {
		t.Errorf("GetRoles anywhere: %v", rs)
	}
	if us, _ := rm.GetUsers("teacher", "3"); !reflect.DeepEqual(us, []string{"user:1"}) {
		t.Errorf("GetUsers: %v", us)
	}
	if rs, _ := rm.GetImplicitRoles("user:1", "3"); !reflect.DeepEqual(rs, []string{"teacher", "core.pupil.read"}) {
		t.Errorf("GetImplicitRoles: %v", rs)
	}
	if us, _ := rm.GetImplicitUsers("core.pupil.read", "2"); !reflect.DeepEqual(us, []string{"teacher", "user:1"}) {
		t.Errorf("GetImplicitUsers: %v", us)
	}
	if ds, _ := rm.GetDomains("user:1"); !reflect.DeepEqual(ds, []string{"2", "9"}) {
		t.Errorf("GetDomains: %v", ds)
	}
	if ds, _ := rm.GetAllDomains(); !reflect.DeepEqual(ds, []string{"*", "2", "9"}) {
		t.Errorf("GetAllDomains: %v", ds)
	}
	must(rm.DeleteLink("user:1", "teacher", "2"))
	if has("user:1", "core.pupil.read", "3") {
		t.Error("DeleteLink left the link")
	}
	must(rm.DeleteDomain("9"))
	if has("user:1", "reviewer", "9") {
		t.Error("DeleteDomain left the link")
	}
	must(rm.Clear())
	if ds, _ := rm.GetAllDomains(); len(ds) != 0 {
		t.Errorf("Clear left %v", ds)
	}
	// A cycle ends.
	must(rm.AddLink("a", "b", "*"))
	must(rm.AddLink("b", "a", "*"))
	if has("a", "c", "1") {
		t.Error("cycle")
	}
}
