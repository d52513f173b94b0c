// Package authz_test benchmarks one permission check, authz.Enforcer.Can, on
// a tenant the size of the partnership, stored in real tables.
//
// Build and run (SQLite file in a temporary directory, about a minute on two
// cores; -benchtime Nx keeps the percentiles comparable between runs):
//
//	go test ./bench/authz -run '^$' -bench . -benchtime 200000x
//	go test -c -o /tmp/authzbench ./bench/authz && /tmp/authzbench -test.run '^$' -test.bench . -test.benchtime 200000x
//
// Percentiles are reported in ns per check (p50-ns, p90-ns, p99-ns; each
// includes two clock reads), with the ratio of Can's p50 to two baselines
// measured in the same run: a Go map lookup of precomputed answers, and one
// bare Casbin Enforce on Casbin's textbook RBAC-with-domains example. No
// absolute time is asserted: machines differ. `go test ./bench/authz` runs
// only TestSmallNetwork, the same setup at a small size, on both databases.
package authz_test

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	casbin "github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/authz/authztest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// sizes of a generated tenant.
type sizes struct {
	schools, trusts, hubs, clusters, users int
	admins, central                        int // tenant admins and Central Team, at the root
}

// partnership: 500 schools under 40 trusts and 31 hubs, 11 CtG clusters of
// trios, 5,000 users (see /work/shared/design/DOMAIN.md).
var partnership = sizes{schools: 500, trusts: 40, hubs: 31, clusters: 11, users: 5000, admins: 3, central: 12}

var small = sizes{schools: 24, trusts: 3, hubs: 2, clusters: 1, users: 150, admins: 1, central: 2}

// Plain row types for bulk inserts into the core tables.
type unitRow struct {
	ID                             uint `gorm:"primaryKey"`
	TenantID                       uint
	Kind, Name, Phase, OfstedGrade string
	CreatedAt, UpdatedAt           time.Time
}
type edgeRow struct {
	ID                          uint `gorm:"primaryKey"`
	TenantID, ParentID, ChildID uint
	CreatedAt                   time.Time
}
type userRow struct {
	ID                        uint `gorm:"primaryKey"`
	TenantID                  uint
	Email, Name, PasswordHash string
	IsOperator                bool
	CreatedAt, UpdatedAt      time.Time
}

func (unitRow) TableName() string { return "org_units" }
func (edgeRow) TableName() string { return "org_edges" }
func (userRow) TableName() string { return "users" }

// network is a generated tenant and what a reference check needs to know.
type network struct {
	tenant, root uint
	schools      []uint
	users        []uint
	parents      map[uint][]uint
	byUser       map[uint][]authz.Grant
	grants       []authz.Grant
}

// buildNetwork stores a tenant of the given size: root → hubs, trusts,
// clusters → trios of CtG; every school in a hub, half in a trust, one in six
// in a trio; per school a headteacher, two senior leaders, two
// para-professionals and teachers; hub managers, senior partners and lead
// reviewers at hubs, two leaders per trust, a lead reviewer per cluster,
// admins and Central Team at the root, and a third of school leaders also
// reviewers at two other schools.
func buildNetwork(tb testing.TB, db *storage.DB, sz sizes, seed int64) *network {
	tb.Helper()
	r := rand.New(rand.NewSource(seed))
	n := &network{parents: map[uint][]uint{}, byUser: map[uint][]authz.Grant{}}
	n.tenant, n.root = authztest.Tenant(tb, db, fmt.Sprintf("bench%d", seed))
	now := time.Now().UTC()
	units := func(kind string, count int) []uint {
		rows := make([]unitRow, count)
		for i := range rows {
			rows[i] = unitRow{TenantID: n.tenant, Kind: kind, Name: fmt.Sprintf("%s %d", kind, i+1), CreatedAt: now, UpdatedAt: now}
		}
		if err := db.CreateInBatches(&rows, 200).Error; err != nil {
			tb.Fatal(err)
		}
		ids := make([]uint, count)
		for i, row := range rows {
			ids[i] = row.ID
		}
		return ids
	}
	var edges []edgeRow
	link := func(parent, child uint) {
		edges = append(edges, edgeRow{TenantID: n.tenant, ParentID: parent, ChildID: child, CreatedAt: now})
		n.parents[child] = append(n.parents[child], parent)
	}
	hubs, trusts, clusters := units("hub", sz.hubs), units("trust", sz.trusts), units("cluster", sz.clusters)
	trios := units("trio", 3*sz.clusters)
	n.schools = units("school", sz.schools)
	for _, id := range append(append(append([]uint{}, hubs...), trusts...), clusters...) {
		link(n.root, id)
	}
	for i, id := range trios {
		link(clusters[i/3], id)
	}
	for _, s := range n.schools {
		link(hubs[r.Intn(len(hubs))], s)
		if r.Intn(2) == 0 {
			link(trusts[r.Intn(len(trusts))], s)
		}
		if r.Intn(6) == 0 {
			link(trios[r.Intn(len(trios))], s)
		}
	}
	if err := db.CreateInBatches(&edges, 500).Error; err != nil {
		tb.Fatal(err)
	}

	// Grants by user index first, users' ids once they are stored.
	type plan struct {
		role string
		unit uint
	}
	var plans [][]plan
	person := func(ps ...plan) { plans = append(plans, ps) }
	for i := 0; i < sz.admins; i++ {
		person(plan{authz.RoleTenantAdmin, n.root})
	}
	for i := 0; i < sz.central; i++ {
		person(plan{authz.RoleCentralTeam, n.root})
	}
	for _, h := range hubs {
		person(plan{authz.RoleHubManager, h})
		person(plan{authz.RoleSeniorPartner, h})
		person(plan{authz.RoleLeadReviewer, h})
	}
	for _, t := range trusts {
		person(plan{authz.RoleTrustLeader, t})
		person(plan{authz.RoleTrustLeader, t})
	}
	for _, c := range clusters {
		person(plan{authz.RoleLeadReviewer, c})
	}
	other := func(not ...uint) uint {
		for {
			if o := n.schools[r.Intn(len(n.schools))]; !containsID(not, o) {
				return o
			}
		}
	}
	for _, s := range n.schools {
		for _, role := range []string{authz.RoleHeadteacher, authz.RoleSeniorLeader, authz.RoleSeniorLeader} {
			ps := []plan{{role, s}}
			if r.Intn(3) == 0 {
				first := other(s)
				ps = append(ps, plan{authz.RoleReviewer, first}, plan{authz.RoleReviewer, other(s, first)})
			}
			person(ps...)
		}
		person(plan{authz.RoleParaProfessional, s})
		person(plan{authz.RoleParaProfessional, s})
	}
	for i := 0; len(plans) < sz.users; i++ {
		person(plan{authz.RoleTeacher, n.schools[i%len(n.schools)]})
	}
	users := make([]userRow, len(plans))
	for i := range users {
		users[i] = userRow{TenantID: n.tenant, Email: fmt.Sprintf("user%d@bench.example", i), Name: fmt.Sprintf("User %d", i), CreatedAt: now, UpdatedAt: now}
	}
	if err := db.CreateInBatches(&users, 500).Error; err != nil {
		tb.Fatal(err)
	}
	for i, ps := range plans {
		n.users = append(n.users, users[i].ID)
		for _, p := range ps {
			n.grants = append(n.grants, authz.Grant{TenantID: n.tenant, UserID: users[i].ID, Role: p.role, UnitID: p.unit, CreatedAt: now})
		}
	}
	if err := db.CreateInBatches(&n.grants, 500).Error; err != nil {
		tb.Fatal(err)
	}
	for _, g := range n.grants {
		n.byUser[g.UserID] = append(n.byUser[g.UserID], g)
	}
	return n
}

// rolePerms restates the agreed grants independently of policies/ so the
// reference check below can catch a policy or an enforcer that drifts.
var rolePerms = func() map[string]map[string]bool {
	school := []string{authz.PermDashboardView, authz.PermOrgUnitRead, authz.PermSchoolRead}
	list := map[string][]string{
		authz.RoleTenantAdmin: {authz.PermDashboardView, authz.PermOrgUnitRead, authz.PermOrgUnitWrite, authz.PermSchoolRead, authz.PermPupilRead,
			authz.PermUserRead, authz.PermUserWrite, authz.PermRoleGrant, authz.PermTenantRead, authz.PermTenantWrite, authz.PermAuditRead},
		authz.RoleCentralTeam:      append(school, authz.PermUserRead, authz.PermAuditRead, authz.PermTenantRead),
		authz.RoleSeniorPartner:    school,
		authz.RoleHubManager:       school,
		authz.RoleTrustLeader:      append(school, authz.PermPupilRead, authz.PermUserRead),
		authz.RoleHeadteacher:      append(school, authz.PermPupilRead, authz.PermUserRead),
		authz.RoleSeniorLeader:     append(school, authz.PermPupilRead, authz.PermUserRead),
		authz.RoleTeacher:          append(school, authz.PermPupilRead),
		authz.RoleParaProfessional: append(school, authz.PermPupilRead),
		authz.RoleLeadReviewer:     school,
		authz.RoleReviewer:         school,
	}
	out := map[string]map[string]bool{}
	for role, ps := range list {
		out[role] = map[string]bool{}
		for _, p := range ps {
			out[role][p] = true
		}
	}
	return out
}()

var perms = []string{authz.PermDashboardView, authz.PermOrgUnitRead, authz.PermOrgUnitWrite, authz.PermSchoolRead,
	authz.PermPupilRead, authz.PermUserRead, authz.PermUserWrite, authz.PermRoleGrant, authz.PermTenantRead,
	authz.PermTenantWrite, authz.PermAuditRead, authz.PermJobsAdmin}

// under reports whether unit is at or beneath top.
func (n *network) under(unit, top uint) bool {
	if unit == top {
		return true
	}
	for _, p := range n.parents[unit] {
		if n.under(p, top) {
			return true
		}
	}
	return false
}

// reference is the expected answer, by walking the generated graph.
func (n *network) reference(c check) bool {
	for _, g := range n.byUser[c.user] {
		if rolePerms[g.Role][c.perm] && n.under(c.unit, g.UnitID) {
			return true
		}
	}
	return false
}

type check struct {
	user, unit uint
	perm       string
}

// randomChecks: uniform user, school and permission (mostly refused: a
// teacher sees one school of 500).
func (n *network) randomChecks(r *rand.Rand, count int) []check {
	out := make([]check, count)
	for i := range out {
		out[i] = check{n.users[r.Intn(len(n.users))], n.schools[r.Intn(len(n.schools))], perms[r.Intn(len(perms))]}
	}
	return out
}

// reachableChecks: a school beneath one of the user's grants, any permission
// (what pages mostly ask).
func (n *network) reachableChecks(r *rand.Rand, count int) []check {
	below := map[uint][]uint{}
	for _, s := range n.schools {
		for _, g := range n.grants {
			if n.under(s, g.UnitID) && !containsID(below[g.UnitID], s) {
				below[g.UnitID] = append(below[g.UnitID], s)
			}
		}
	}
	out := make([]check, count)
	for i := range out {
		g := n.grants[r.Intn(len(n.grants))]
		ss := below[g.UnitID]
		out[i] = check{g.UserID, ss[r.Intn(len(ss))], perms[r.Intn(len(perms))]}
	}
	return out
}

func containsID(ids []uint, id uint) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func newEnforcer(tb testing.TB, db *storage.DB, n *network) *authz.Enforcer {
	tb.Helper()
	ctx := context.Background()
	e, err := authz.New(ctx, db, authztest.SQLGraph{DB: db}, authz.DefaultOptions())
	if err != nil {
		tb.Fatal(err)
	}
	// The first check at a unit asks the GraphSource for its ancestors (SQL
	// here; core/tenancy's in-memory graph in the app): do it once per school
	// before timing.
	for _, s := range n.schools {
		if _, err := e.Can(ctx, n.tenant, n.users[0], authz.PermSchoolRead, s); err != nil {
			tb.Fatal(err)
		}
	}
	return e
}

func can(tb testing.TB, e *authz.Enforcer, tenant uint) func(check) bool {
	ctx := context.Background()
	return func(c check) bool {
		ok, err := e.Can(ctx, tenant, c.user, c.perm, c.unit)
		if err != nil {
			tb.Fatal(err)
		}
		return ok
	}
}

// latencies times every call of fn over checks and returns them sorted, and
// how many were allowed.
func latencies(count int, checks []check, fn func(check) bool) (sorted []time.Duration, allowed int) {
	lat := make([]time.Duration, count)
	for i := range lat {
		c := checks[i%len(checks)]
		t0 := time.Now()
		if fn(c) {
			allowed++
		}
		lat[i] = time.Since(t0)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, allowed
}

func pct(lat []time.Duration, q float64) float64 {
	return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds())
}

// bareEnforce is one Enforce on Casbin's textbook RBAC-with-domains example
// (model and two-policy example from casbin.org), the unit Casbin's own cost
// is measured in.
func bareEnforce(tb testing.TB) func(check) bool {
	m, err := model.NewModelFromString(`
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act`)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range [][]string{{"admin", "tenant1", "data1", "read"}, {"admin", "tenant2", "data2", "read"}} {
		if _, err := e.AddPolicy(p[0], p[1], p[2], p[3]); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := e.AddGroupingPolicy("alice", "admin", "tenant1"); err != nil {
		tb.Fatal(err)
	}
	return func(check) bool {
		ok, err := e.Enforce("alice", "tenant1", "data1", "read")
		if err != nil {
			tb.Fatal(err)
		}
		return ok
	}
}

func BenchmarkCan(b *testing.B) {
	db := storagetest.Open(b, storage.SQLite)
	t0 := time.Now()
	n := buildNetwork(b, db, partnership, 1)
	e := newEnforcer(b, db, n)
	b.Logf("tenant: %d schools, %d users, %d grants; built and loaded in %s",
		len(n.schools), len(n.users), len(n.grants), time.Since(t0).Round(time.Millisecond))
	r := rand.New(rand.NewSource(2))
	random := n.randomChecks(r, 1<<20) // ~27M possible: nearly every check is new to Casbin's memo
	reachable := n.reachableChecks(r, 1<<20)
	warm := reachable[:4096] // repeated: answered from Casbin's g() memo

	answers := map[check]bool{}
	for _, c := range warm {
		answers[c] = n.reference(c)
	}
	baselines := map[string]float64{}
	run := func(name string, checks []check, fn func(check) bool, baseline bool) {
		b.Run(name, func(b *testing.B) {
			b.ResetTimer()
			lat, allowed := latencies(b.N, checks, fn)
			b.StopTimer()
			p50 := pct(lat, 0.50)
			b.ReportMetric(p50, "p50-ns")
			b.ReportMetric(pct(lat, 0.90), "p90-ns")
			b.ReportMetric(pct(lat, 0.99), "p99-ns")
			b.ReportMetric(float64(allowed)/float64(b.N), "allowed")
			if baseline {
				baselines[name] = p50
				return
			}
			for _, base := range []string{"map-lookup", "bare-casbin-enforce"} {
				ratio := p50 / baselines[base]
				b.ReportMetric(ratio, "x-"+base)
				if b.N > 1 { // not the one-call probe run
					b.Logf("p50 of Can/%s = %.1f × %s", name, ratio, base)
				}
			}
		})
	}
	run("map-lookup", warm, func(c check) bool { return answers[c] }, true)
	run("bare-casbin-enforce", warm, bareEnforce(b), true)
	run("random", random, can(b, e, n.tenant), false)
	run("reachable", reachable, can(b, e, n.tenant), false)
	run("reachable-warm", warm, can(b, e, n.tenant), false)
}

// TestSmallNetwork runs the benchmark's setup at a small size and checks Can,
// CanSomewhere and Reach against the reference walk of the generated graph.
func TestSmallNetwork(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n := buildNetwork(t, db, small, 3)
		e := newEnforcer(t, db, n)
		r := rand.New(rand.NewSource(4))
		checks := append(n.randomChecks(r, 1500), n.reachableChecks(r, 1500)...)
		fn := can(t, e, n.tenant)
		allowed := 0
		for _, c := range checks {
			got, want := fn(c), n.reference(c)
			if got != want {
				t.Fatalf("Can(user %d, %s, unit %d) = %v, want %v (grants %+v)", c.user, c.perm, c.unit, got, want, n.byUser[c.user])
			}
			if got {
				allowed++
			}
		}
		if allowed < len(checks)/10 || allowed > len(checks)*9/10 {
			t.Errorf("%d of %d allowed: the sample exercises one answer too much", allowed, len(checks))
		}
		lat, _ := latencies(200, checks, fn)
		if len(lat) != 200 || pct(lat, 0.5) <= 0 {
			t.Errorf("latencies: %d samples", len(lat))
		}

		for _, u := range n.users[:40] {
			for _, p := range perms {
				var want []uint
				for _, s := range n.schools {
					if n.reference(check{u, s, p}) {
						want = append(want, s)
					}
				}
				all, units, err := e.Reach(ctx, n.tenant, u, p)
				if err != nil {
					t.Fatal(err)
				}
				var got []uint
				for _, s := range n.schools {
					if all || containsID(units, s) {
						got = append(got, s)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("Reach(user %d, %s): schools %v, want %v", u, p, got, want)
				}
				some, err := e.CanSomewhere(ctx, n.tenant, u, p)
				if err != nil {
					t.Fatal(err)
				}
				if some != (all || len(units) > 0) {
					t.Fatalf("CanSomewhere(user %d, %s) = %v but Reach = %v %v", u, p, some, all, units)
				}
			}
		}
	})
}
