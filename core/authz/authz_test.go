package authz_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/authz/authztest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// network is a small tenant:
//
//	root ─┬─ hub ──────┬─ s1, s3
//	      ├─ trust1 ───┴─ s1, s2     (s1 is in the hub and trust1)
//	      ├─ trust2 ──── s3
//	      ├─ cluster ─── trio ── s2  (cluster → trio → school)
//	      └─ s4
type network struct {
	tenant, root, hub, trust1, trust2, cluster, trio, s1, s2, s3, s4 uint
}

func newNetwork(t *testing.T, db *storage.DB, slug string) network {
	t.Helper()
	var n network
	n.tenant, n.root = authztest.Tenant(t, db, slug)
	u := func(kind, name string, parents ...uint) uint {
		return authztest.Unit(t, db, n.tenant, kind, slug+" "+name, parents...)
	}
	n.hub = u("hub", "hub", n.root)
	n.trust1 = u("trust", "trust 1", n.root)
	n.trust2 = u("trust", "trust 2", n.root)
	n.cluster = u("cluster", "cluster", n.root)
	n.trio = u("trio", "trio", n.cluster)
	n.s1 = u("school", "school 1", n.hub, n.trust1)
	n.s2 = u("school", "school 2", n.trust1, n.trio)
	n.s3 = u("school", "school 3", n.hub, n.trust2)
	n.s4 = u("school", "school 4", n.root)
	return n
}

func newEnforcer(t *testing.T, db *storage.DB, opts authz.Options) *authz.Enforcer {
	t.Helper()
	e, err := authz.New(context.Background(), db, authztest.SQLGraph{DB: db}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func newEnforcerWith(t *testing.T, db *storage.DB, g authz.GraphSource) *authz.Enforcer {
	t.Helper()
	e, err := authz.New(context.Background(), db, g, authz.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// strictGraph fails for a unit outside the tenant, as core/tenancy does.
type strictGraph struct{ authztest.SQLGraph }

func (g strictGraph) AncestorsOrSelf(ctx context.Context, tenantID, unitID uint) ([]uint, error) {
	ids, err := g.SQLGraph.AncestorsOrSelf(ctx, tenantID, unitID)
	if err == nil && len(ids) == 0 {
		return nil, errors.New("unit not found")
	}
	return ids, err
}

type brokenGraph struct{}

func (brokenGraph) AncestorsOrSelf(context.Context, uint, uint) ([]uint, error) {
	return nil, errors.New("graph unavailable")
}
func (brokenGraph) Descendants(context.Context, uint, uint) ([]uint, error) {
	return nil, errors.New("graph unavailable")
}

func grant(t *testing.T, e *authz.Enforcer, tenant, user uint, role string, unit uint) {
	t.Helper()
	if err := e.Grant(context.Background(), tenant, user, role, unit, nil); err != nil {
		t.Fatalf("grant %s at %d: %v", role, unit, err)
	}
}

// expect asserts Can for each unit: want lists the units where it must hold,
// every other unit of units must be refused.
func expect(t *testing.T, e *authz.Enforcer, tenant, user uint, perm string, units []uint, want ...uint) {
	t.Helper()
	for _, u := range units {
		got, err := e.Can(context.Background(), tenant, user, perm, u)
		if err != nil {
			t.Fatal(err)
		}
		w := false
		for _, x := range want {
			w = w || x == u
		}
		if got != w {
			t.Errorf("user %d %s at unit %d: got %v, want %v", user, perm, u, got, w)
		}
	}
}

func (n network) all() []uint {
	return []uint{n.root, n.hub, n.trust1, n.trust2, n.cluster, n.trio, n.s1, n.s2, n.s3, n.s4}
}

func TestReachThroughGraph(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "cp")
		e := newEnforcer(t, db, authz.Options{})
		user := func(name string) uint { return authztest.User(t, db, n.tenant, name+"@example.org") }
		trustLeader, hubManager, leadReviewer, teacher, admin, central, nobody :=
			user("trust"), user("hub"), user("lead"), user("teacher"), user("admin"), user("central"), user("nobody")
		grant(t, e, n.tenant, trustLeader, authz.RoleTrustLeader, n.trust1)
		grant(t, e, n.tenant, hubManager, authz.RoleHubManager, n.hub)
		grant(t, e, n.tenant, leadReviewer, authz.RoleLeadReviewer, n.cluster)
		grant(t, e, n.tenant, teacher, authz.RoleTeacher, n.trio)
		grant(t, e, n.tenant, admin, authz.RoleTenantAdmin, n.root)
		grant(t, e, n.tenant, central, authz.RoleCentralTeam, n.root)

		// A trust leader sees the trust's schools, pupils included, and not others.
		expect(t, e, n.tenant, trustLeader, authz.PermPupilRead, n.all(), n.trust1, n.s1, n.s2)
		expect(t, e, n.tenant, trustLeader, authz.PermUserWrite, n.all())
		// A hub manager sees the hub's schools but not their pupils.
		expect(t, e, n.tenant, hubManager, authz.PermSchoolRead, n.all(), n.hub, n.s1, n.s3)
		expect(t, e, n.tenant, hubManager, authz.PermPupilRead, n.all())
		// cluster → trio → school.
		expect(t, e, n.tenant, leadReviewer, authz.PermSchoolRead, n.all(), n.cluster, n.trio, n.s2)
		expect(t, e, n.tenant, teacher, authz.PermPupilRead, n.all(), n.trio, n.s2)
		// A grant at the root reaches the whole tenant.
		expect(t, e, n.tenant, admin, authz.PermRoleGrant, n.all(), n.all()...)
		expect(t, e, n.tenant, central, authz.PermSchoolRead, n.all(), n.all()...)
		expect(t, e, n.tenant, central, authz.PermPupilRead, n.all())
		// The root reaches a unit linked to nothing, too.
		orphan := authztest.Unit(t, db, n.tenant, "school", "orphan")
		expect(t, e, n.tenant, admin, authz.PermPupilRead, []uint{orphan}, orphan)
		expect(t, e, n.tenant, trustLeader, authz.PermSchoolRead, []uint{orphan})
		// No role grants core.jobs.admin; a user without grants gets nothing.
		expect(t, e, n.tenant, admin, authz.PermJobsAdmin, n.all())
		expect(t, e, n.tenant, nobody, authz.PermDashboardView, n.all())

		type reach struct {
			all   bool
			units []uint
		}
		for _, c := range []struct {
			user uint
			perm string
			want reach
		}{
			{trustLeader, authz.PermSchoolRead, reach{false, []uint{n.trust1, n.s1, n.s2}}},
			{hubManager, authz.PermSchoolRead, reach{false, []uint{n.hub, n.s1, n.s3}}},
			{hubManager, authz.PermPupilRead, reach{false, nil}},
			{leadReviewer, authz.PermSchoolRead, reach{false, []uint{n.cluster, n.trio, n.s2}}},
			{admin, authz.PermPupilRead, reach{true, nil}},
			{nobody, authz.PermSchoolRead, reach{false, nil}},
		} {
			all, units, err := e.Reach(ctx, n.tenant, c.user, c.perm)
			if err != nil {
				t.Fatal(err)
			}
			if got := (reach{all, units}); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Reach(user %d, %s) = %+v, want %+v", c.user, c.perm, got, c.want)
			}
		}

		for _, c := range []struct {
			user uint
			perm string
			want bool
		}{
			{hubManager, authz.PermSchoolRead, true},
			{hubManager, authz.PermPupilRead, false},
			{trustLeader, authz.PermUserRead, true},
			{admin, authz.PermAuditRead, true},
			{nobody, authz.PermDashboardView, false},
			{nobody, authz.PermAuthenticated, true},
			{0, authz.PermAuthenticated, false},
			{0, authz.PermPublic, true},
		} {
			got, err := e.CanSomewhere(ctx, n.tenant, c.user, c.perm)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("CanSomewhere(user %d, %s) = %v, want %v", c.user, c.perm, got, c.want)
			}
		}
		if ok, _ := e.Can(ctx, n.tenant, 0, authz.PermPublic, n.s1); !ok {
			t.Error("public must hold without a user")
		}
		if ok, _ := e.Can(ctx, n.tenant, 0, authz.PermAuthenticated, n.s1); ok {
			t.Error("authenticated must not hold without a user")
		}
		if ok, _ := e.Can(ctx, n.tenant, nobody, authz.PermAuthenticated, n.s1); !ok {
			t.Error("authenticated must hold for a signed-in user")
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newNetwork(t, db, "a")
		b := newNetwork(t, db, "b")
		e := newEnforcer(t, db, authz.Options{})
		adminA := authztest.User(t, db, a.tenant, "admin@a.example")
		adminB := authztest.User(t, db, b.tenant, "admin@b.example")
		leaderB := authztest.User(t, db, b.tenant, "leader@b.example")
		grant(t, e, a.tenant, adminA, authz.RoleTenantAdmin, a.root)
		grant(t, e, b.tenant, leaderB, authz.RoleTrustLeader, b.trust1)

		// A's admin holds nothing in B, whichever tenant is asked about whose units.
		expect(t, e, b.tenant, adminA, authz.PermSchoolRead, b.all())
		expect(t, e, b.tenant, adminA, authz.PermSchoolRead, a.all())
		expect(t, e, a.tenant, adminA, authz.PermSchoolRead, b.all())
		expect(t, e, a.tenant, adminA, authz.PermSchoolRead, a.all(), a.all()...)
		// B's trust leader: the same shape of grant answers only in B.
		expect(t, e, b.tenant, leaderB, authz.PermPupilRead, b.all(), b.trust1, b.s1, b.s2)
		expect(t, e, a.tenant, leaderB, authz.PermPupilRead, a.all())
		if ok, _ := e.CanSomewhere(ctx, b.tenant, adminA, authz.PermSchoolRead); ok {
			t.Error("A's admin must hold nothing anywhere in B")
		}
		if all, units, _ := e.Reach(ctx, b.tenant, adminA, authz.PermSchoolRead); all || len(units) > 0 {
			t.Errorf("A's admin reaches %v %v in B", all, units)
		}

		// core/tenancy answers ErrNotFound for another tenant's unit: still a
		// refusal, not an error. A graph that fails for a unit of the tenant
		// is an error.
		strict := newEnforcerWith(t, db, strictGraph{authztest.SQLGraph{DB: db}})
		if ok, err := strict.Can(ctx, a.tenant, adminA, authz.PermSchoolRead, b.s1); ok || err != nil {
			t.Errorf("B's unit through a strict graph: %v %v, want false and no error", ok, err)
		}
		if ok, err := strict.Can(ctx, a.tenant, adminA, authz.PermSchoolRead, a.s1); !ok || err != nil {
			t.Errorf("A's unit through a strict graph: %v %v", ok, err)
		}
		broken := newEnforcerWith(t, db, brokenGraph{})
		if _, err := broken.Can(ctx, a.tenant, adminA, authz.PermSchoolRead, a.s1); err == nil {
			t.Error("a failing graph source must be an error")
		}

		// Grants cannot cross tenants.
		if err := e.Grant(ctx, a.tenant, adminB, authz.RoleTeacher, a.s1, nil); !errors.Is(err, authz.ErrNotFound) {
			t.Errorf("grant to B's user in A: %v, want ErrNotFound", err)
		}
		if err := e.Grant(ctx, a.tenant, adminA, authz.RoleTeacher, b.s1, nil); !errors.Is(err, authz.ErrNotFound) {
			t.Errorf("grant at B's unit in A: %v, want ErrNotFound", err)
		}
		gs, err := e.Grants(ctx, a.tenant, adminA)
		if err != nil || len(gs) != 1 {
			t.Fatalf("grants of A's admin: %v %v", gs, err)
		}
		if err := e.Revoke(ctx, b.tenant, gs[0].ID); !errors.Is(err, authz.ErrNotFound) {
			t.Errorf("revoke A's grant through B: %v, want ErrNotFound", err)
		}
		if gs, _ := e.Grants(ctx, b.tenant, adminA); len(gs) != 0 {
			t.Errorf("B lists A's grants: %v", gs)
		}
		if gs, _ := e.GrantsAt(ctx, b.tenant, a.root); len(gs) != 0 {
			t.Errorf("B lists grants at A's root: %v", gs)
		}
	})
}

func count(t *testing.T, db *storage.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGrantAuditAndListing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		n := newNetwork(t, db, "cp")
		e := newEnforcer(t, db, authz.Options{})
		admin := authztest.User(t, db, n.tenant, "admin@example.org")
		head := authztest.User(t, db, n.tenant, "head@example.org")
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: &admin, Label: "admin@example.org", RequestID: "req-1"})
		rev0, _ := storage.CurrentRevision(ctx, db.DB, storage.RevisionAuthz)

		if err := e.Grant(ctx, n.tenant, head, authz.RoleHeadteacher, n.s1, &admin); err != nil {
			t.Fatal(err)
		}
		if err := e.Grant(ctx, n.tenant, head, authz.RoleReviewer, n.hub, &admin); err != nil {
			t.Fatal(err)
		}
		gs, err := e.Grants(ctx, n.tenant, head)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 2 || gs[0].Role != authz.RoleHeadteacher || gs[0].UnitID != n.s1 || gs[0].TenantID != n.tenant ||
			gs[0].CreatedBy == nil || *gs[0].CreatedBy != admin || gs[0].CreatedAt.IsZero() || gs[1].Role != authz.RoleReviewer {
			t.Fatalf("grants: %+v", gs)
		}
		at, err := e.GrantsAt(ctx, n.tenant, n.s1)
		if err != nil || len(at) != 1 || at[0].ID != gs[0].ID {
			t.Fatalf("grants at s1: %+v %v", at, err)
		}
		evs, total, err := audit.List(ctx, db.DB, n.tenant, audit.Filter{Action: "role.grant"})
		if err != nil || total != 2 {
			t.Fatalf("audit: %d role.grant events (%v), want 2", total, err)
		}
		ev := evs[1] // oldest last
		if ev.EntityType != "role_grant" || ev.EntityID != strconv.FormatUint(uint64(gs[0].ID), 10) ||
			ev.ActorUserID == nil || *ev.ActorUserID != admin || ev.RequestID != "req-1" || ev.After == "" {
			t.Errorf("audit event: %+v", ev)
		}
		if rev, _ := storage.CurrentRevision(ctx, db.DB, storage.RevisionAuthz); rev != rev0+2 {
			t.Errorf("authz revision %d, want %d", rev, rev0+2)
		}

		// A duplicate is a conflict and leaves no trace.
		err = e.Grant(ctx, n.tenant, head, authz.RoleHeadteacher, n.s1, &admin)
		if !errors.Is(err, authz.ErrConflict) {
			t.Fatalf("duplicate grant: %v, want ErrConflict", err)
		}
		if c := count(t, db, "audit_events", "action = ?", "role.grant"); c != 2 {
			t.Errorf("%d role.grant audit rows after a refused duplicate, want 2", c)
		}
		if rev, _ := storage.CurrentRevision(ctx, db.DB, storage.RevisionAuthz); rev != rev0+2 {
			t.Errorf("authz revision moved on a refused grant: %d", rev)
		}
	})
}

func TestUnknownRoleRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "cp")
		e := newEnforcer(t, db, authz.Options{})
		u := authztest.User(t, db, n.tenant, "u@example.org")
		for _, role := range []string{"wizard", "", "Teacher", "ctg_programme_lead"} {
			err := e.Grant(ctx, n.tenant, u, role, n.s1, nil)
			var ve *authz.ValidationError
			if !errors.As(err, &ve) || ve.Field != "role" {
				t.Errorf("grant %q: %v, want a ValidationError on role", role, err)
			}
		}
		if c := count(t, db, "role_grants", "1 = 1"); c != 0 {
			t.Errorf("%d grants written", c)
		}
		if c := count(t, db, "audit_events", "1 = 1"); c != 0 {
			t.Errorf("%d audit rows written", c)
		}
		if rev, _ := storage.CurrentRevision(ctx, db.DB, storage.RevisionAuthz); rev != 0 {
			t.Errorf("authz revision bumped to %d", rev)
		}
	})
}

func TestRevoke(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "cp")
		e := newEnforcer(t, db, authz.Options{})
		u := authztest.User(t, db, n.tenant, "u@example.org")
		grant(t, e, n.tenant, u, authz.RoleTrustLeader, n.trust1)
		grant(t, e, n.tenant, u, authz.RoleTeacher, n.s3)
		expect(t, e, n.tenant, u, authz.PermPupilRead, n.all(), n.trust1, n.s1, n.s2, n.s3)

		gs, _ := e.Grants(ctx, n.tenant, u)
		if cached, err := e.CachedGrants(ctx, n.tenant, u); err != nil || !reflect.DeepEqual(cached, gs) || len(gs) != 2 {
			t.Fatalf("cached grants %+v (%v), stored %+v", cached, err, gs)
		}
		if err := e.Revoke(ctx, n.tenant, gs[0].ID); err != nil {
			t.Fatal(err)
		}
		if cached, err := e.CachedGrants(ctx, n.tenant, u); err != nil || len(cached) != 1 || cached[0].ID != gs[1].ID {
			t.Fatalf("cached grants after a revoke: %+v (%v)", cached, err)
		}
		expect(t, e, n.tenant, u, authz.PermPupilRead, n.all(), n.s3)
		if err := e.Revoke(ctx, n.tenant, gs[0].ID); !errors.Is(err, authz.ErrNotFound) {
			t.Errorf("second revoke: %v, want ErrNotFound", err)
		}
		evs, total, _ := audit.List(ctx, db.DB, n.tenant, audit.Filter{Action: "role.revoke"})
		if total != 1 || evs[0].EntityType != "role_grant" || evs[0].EntityID != strconv.FormatUint(uint64(gs[0].ID), 10) || evs[0].Before == "" {
			t.Errorf("revoke audit: %+v", evs)
		}
		if c := count(t, db, "role_grants", "id = ?", gs[0].ID); c != 0 {
			t.Error("revoked grant still stored")
		}
	})
}

func TestSecondInstanceSeesChanges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "cp")
		u := authztest.User(t, db, n.tenant, "u@example.org")
		e1 := newEnforcer(t, db, authz.Options{})
		e2 := newEnforcer(t, db, authz.Options{})                              // checks every call
		eSlow := newEnforcer(t, db, authz.Options{RefreshInterval: time.Hour}) // checks hourly
		ePeriodic := newEnforcer(t, db, authz.Options{RefreshInterval: 50 * time.Millisecond})
		for _, e := range []*authz.Enforcer{e2, eSlow, ePeriodic} { // load the tenant everywhere
			expect(t, e, n.tenant, u, authz.PermPupilRead, n.all())
		}

		grant(t, e1, n.tenant, u, authz.RoleTrustLeader, n.trust2)
		expect(t, e2, n.tenant, u, authz.PermPupilRead, n.all(), n.trust2, n.s3)
		// Within its interval an instance answers from what it loaded...
		expect(t, eSlow, n.tenant, u, authz.PermPupilRead, n.all())
		// ...and sees the change once the interval has passed.
		eventually(t, func() bool {
			ok, err := ePeriodic.Can(ctx, n.tenant, u, authz.PermPupilRead, n.s3)
			return err == nil && ok
		})

		// An edge added by core/tenancy (which bumps org_graph) is seen too.
		authztest.Edge(t, db, n.tenant, n.trust2, n.s2)
		authztest.BumpGraph(t, db)
		expect(t, e2, n.tenant, u, authz.PermPupilRead, n.all(), n.trust2, n.s2, n.s3)
		if err := db.Exec("DELETE FROM org_edges WHERE parent_id = ? AND child_id = ?", n.trust2, n.s3).Error; err != nil {
			t.Fatal(err)
		}
		authztest.BumpGraph(t, db)
		expect(t, e2, n.tenant, u, authz.PermPupilRead, n.all(), n.trust2, n.s2)

		// A revoke through the second instance reaches the first.
		gs, _ := e2.Grants(ctx, n.tenant, u)
		if err := e2.Revoke(ctx, n.tenant, gs[0].ID); err != nil {
			t.Fatal(err)
		}
		expect(t, e1, n.tenant, u, authz.PermPupilRead, n.all())
		expect(t, e2, n.tenant, u, authz.PermPupilRead, n.all())
	})
}

func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPluginPolicies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n := newNetwork(t, db, "cp")
		// A plugin built before roles were declared names its own role
		// "{id}_…" in its default grants; the registry reports it as a role
		// of the plugin.
		src := &pluginSource{DB: db}
		src.Install(t, "challengegap", "Challenge the Gap", authz.Role{Name: "challengegap_programme_lead", Label: "challengegap_programme_lead"})
		e, err := authz.New(ctx, db, authztest.SQLGraph{DB: db}, authz.Options{Plugins: src})
		if err != nil {
			t.Fatal(err)
		}
		lead := authztest.User(t, db, n.tenant, "lead@example.org")
		hubm := authztest.User(t, db, n.tenant, "hub@example.org")
		grant(t, e, n.tenant, hubm, authz.RoleHubManager, n.hub)
		if err := e.Grant(ctx, n.tenant, lead, "challengegap_programme_lead", n.cluster, nil); err == nil {
			t.Fatal("a plugin role must not be grantable before its plugin is enabled")
		}
		src.Enable(t, "challengegap", n.tenant)
		err = e.AddPolicies(ctx, "challengegap", [][2]string{
			{"challengegap_programme_lead", "challengegap.cohort.read"},
			{"challengegap_programme_lead", "challengegap.cohort.write"},
			{authz.RoleHubManager, "challengegap.cohort.read"},
		})
		if err != nil {
			t.Fatal(err)
		}
		grant(t, e, n.tenant, lead, "challengegap_programme_lead", n.cluster)
		expect(t, e, n.tenant, lead, "challengegap.cohort.write", n.all(), n.cluster, n.trio, n.s2)
		expect(t, e, n.tenant, hubm, "challengegap.cohort.read", n.all(), n.hub, n.s1, n.s3)
		expect(t, e, n.tenant, hubm, authz.PermPupilRead, n.all())

		for _, bad := range []struct {
			source string
			line   [2]string
		}{
			{"challengegap", [2]string{"challengegap_programme_lead", authz.PermPupilRead}}, // a core permission
			{"challengegap", [2]string{"challengegap_programme_lead", "eal.trial.read"}},    // another plugin's
			{"challengegap", [2]string{"eal.evaluator", "challengegap.cohort.read"}},        // another plugin's role
			{"challengegap", [2]string{"Bad Role", "challengegap.cohort.read"}},
			{"challengegap", [2]string{"x", "challengegap.cohort"}},
			{"core", [2]string{"x", "core.x.read"}},
		} {
			var ve *authz.ValidationError
			if err := e.AddPolicies(ctx, bad.source, [][2]string{bad.line}); !errors.As(err, &ve) {
				t.Errorf("AddPolicies(%s, %v): %v, want a ValidationError", bad.source, bad.line, err)
			}
		}
		expect(t, e, n.tenant, lead, authz.PermPupilRead, n.all())

		e.RemovePolicies("challengegap")
		expect(t, e, n.tenant, lead, "challengegap.cohort.write", n.all())
		expect(t, e, n.tenant, hubm, "challengegap.cohort.read", n.all())
		expect(t, e, n.tenant, hubm, authz.PermSchoolRead, n.all(), n.hub, n.s1, n.s3)
	})
}

func TestRolesAndPermissionsListed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range authz.Roles() {
		if r.Name == "" || r.Label == "" || r.Description == "" || seen[r.Name] {
			t.Errorf("role %+v", r)
		}
		seen[r.Name] = true
	}
	if len(seen) != 11 {
		t.Errorf("%d core roles, want 11", len(seen))
	}
	for _, p := range authz.Permissions() {
		if p.Name == "" || p.Description == "" || seen[p.Name] {
			t.Errorf("permission %+v", p)
		}
		seen[p.Name] = true
	}
	for _, p := range []string{authz.PermJobsAdmin, authz.PermPupilRead, authz.PermPublic, authz.PermAuthenticated} {
		if !seen[p] {
			t.Errorf("%s not listed", p)
		}
	}
}

// On PostgreSQL a request bound to its tenant (storage.Bind) grants,
// lists and revokes that tenant's roles through the binding, as the tenant
// role, and the permission checks see the change; another tenant's grants
// are refused (storage.ErrOtherTenant), whatever the ids.
func TestBoundWorkGrantsInItsOwnTenantOnly(t *testing.T) {
	db := storagetest.Open(t, storage.Postgres)
	ctx := context.Background()
	a, b := newNetwork(t, db, "a"), newNetwork(t, db, "b")
	e := newEnforcer(t, db, authz.Options{})
	ann := authztest.User(t, db, a.tenant, "ann@a.example")
	bob := authztest.User(t, db, b.tenant, "bob@b.example")
	grant(t, e, b.tenant, bob, authz.RoleTeacher, b.s1)

	bound, release, err := db.Bind(ctx, a.tenant)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := e.Grant(bound, a.tenant, ann, authz.RoleHeadteacher, a.s1, nil); err != nil {
		t.Fatalf("grant in A, bound to A: %v", err)
	}
	gs, err := e.Grants(bound, a.tenant, ann)
	if err != nil || len(gs) != 1 {
		t.Fatalf("A's grants, bound to A: %+v %v", gs, err)
	}
	expect(t, e, a.tenant, ann, authz.PermPupilRead, a.all(), a.s1)

	if _, err := e.Grants(bound, b.tenant, bob); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("B's grants, bound to A: %v, want ErrOtherTenant", err)
	}
	if err := e.Grant(bound, b.tenant, bob, authz.RoleTenantAdmin, b.root, nil); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("grant in B, bound to A: %v, want ErrOtherTenant", err)
	}
	expect(t, e, b.tenant, bob, authz.PermTenantWrite, b.all())
	if err := e.Revoke(bound, a.tenant, gs[0].ID); err != nil {
		t.Fatalf("revoke in A, bound to A: %v", err)
	}
	expect(t, e, a.tenant, ann, authz.PermPupilRead, a.all())
}
