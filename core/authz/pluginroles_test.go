package authz_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/authz/authztest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// pluginSource is an authz.PluginSource for tests, standing in for the plugin
// registry: installed plugins with their roles, and which tenants enable
// them. Like the registry, every change bumps the authz revision, so a
// running enforcer reloads. Safe for concurrent use.
type pluginSource struct {
	DB *storage.DB

	mu      sync.Mutex
	plugins []authz.PluginInfo
	enabled map[string]map[uint]bool
}

// Install adds plugin id (shown as name) declaring roles.
func (p *pluginSource) Install(t testing.TB, id, name string, roles ...authz.Role) {
	t.Helper()
	p.mu.Lock()
	p.plugins = append(p.plugins, authz.PluginInfo{ID: id, Name: name, Roles: roles})
	p.mu.Unlock()
	p.bump(t)
}

// Enable lets tenantID use plugin id; Disable stops it.
func (p *pluginSource) Enable(t testing.TB, id string, tenantID uint) { p.set(t, id, tenantID, true) }

// Disable stops tenantID using plugin id (see Enable).
func (p *pluginSource) Disable(t testing.TB, id string, tenantID uint) { p.set(t, id, tenantID, false) }

func (p *pluginSource) set(t testing.TB, id string, tenantID uint, on bool) {
	t.Helper()
	p.mu.Lock()
	if p.enabled == nil {
		p.enabled = map[string]map[uint]bool{}
	}
	if p.enabled[id] == nil {
		p.enabled[id] = map[uint]bool{}
	}
	p.enabled[id][tenantID] = on
	p.mu.Unlock()
	p.bump(t)
}

func (p *pluginSource) bump(t testing.TB) {
	t.Helper()
	if err := storage.BumpRevision(p.DB.DB, storage.RevisionAuthz); err != nil {
		t.Fatal(err)
	}
}

// TenantPlugins implements authz.PluginSource.
func (p *pluginSource) TenantPlugins(_ context.Context, tenantID uint) ([]authz.PluginInfo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]authz.PluginInfo, len(p.plugins))
	for i, pl := range p.plugins {
		pl.Enabled = p.enabled[pl.ID][tenantID]
		out[i] = pl
	}
	return out, nil
}

// newPluginEnforcer is an enforcer over n's database with a plugin source
// that knows the plugin "eal" (roles eal.evaluator and eal.manager) and the
// plugin "gal" (role gal.coach), enabled nowhere yet, and adds eal's lines:
// its evaluator and the hub manager read the trial, its manager runs it.
func newPluginEnforcer(t *testing.T, db *storage.DB) (*authz.Enforcer, *pluginSource) {
	t.Helper()
	src := &pluginSource{DB: db}
	src.Install(t, "eal", "EAL trial",
		authz.Role{Name: "eal.evaluator", Label: "Evaluator", Description: "Reads the trial's pseudonymised data."},
		authz.Role{Name: "eal.manager", Label: "Trial manager", Description: "Runs the trial."})
	src.Install(t, "gal", "Getting Ahead London", authz.Role{Name: "gal.coach", Label: "Coach", Description: "Coaches participants."})
	e, err := authz.New(context.Background(), db, authztest.SQLGraph{DB: db}, authz.Options{Plugins: src})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.AddPolicies(context.Background(), "eal", [][2]string{
		{"eal.evaluator", "eal.trial.read"}, {"eal.manager", "eal.trial.read"}, {"eal.manager", "eal.trial.manage"},
		{authz.RoleHubManager, "eal.trial.read"},
	}); err != nil {
		t.Fatal(err)
	}
	return e, src
}

// A plugin's role is granted like a core role while the tenant enables the
// plugin; its permissions then reach beneath the unit of the grant.
// Disabled, the role is not offered, a new grant is refused naming the
// plugin, and existing grants (kept) grant nothing; enabled again, they do.
// A tenant that never enabled the plugin cannot grant its roles.
func TestPluginRolesFollowTheTenantsEnablement(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n, other := newNetwork(t, db, "cp"), newNetwork(t, db, "mat")
		e, src := newPluginEnforcer(t, db)
		eva := authztest.User(t, db, n.tenant, "eva@example.org")
		hubm := authztest.User(t, db, n.tenant, "hub@example.org")
		grant(t, e, n.tenant, hubm, authz.RoleHubManager, n.hub)

		var ve *authz.ValidationError
		err := e.Grant(ctx, n.tenant, eva, "eal.evaluator", n.trust1, nil)
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), `"eal.evaluator" is a role of the plugin EAL trial (eal), which this organisation does not enable`) {
			t.Fatalf("grant before the plugin is enabled: %v", err)
		}
		src.Enable(t, "eal", n.tenant)
		grant(t, e, n.tenant, eva, "eal.evaluator", n.trust1)
		expect(t, e, n.tenant, eva, "eal.trial.read", n.all(), n.trust1, n.s1, n.s2)
		expect(t, e, n.tenant, eva, "eal.trial.manage", n.all())
		expect(t, e, n.tenant, eva, authz.PermSchoolRead, n.all()) // a plugin role grants only the plugin's permissions
		expect(t, e, n.tenant, hubm, "eal.trial.read", n.all(), n.hub, n.s1, n.s3)
		if gs, _ := e.CachedGrants(ctx, n.tenant, eva); len(gs) != 1 || gs[0].Role != "eal.evaluator" || !gs[0].Active {
			t.Fatalf("active grants of the evaluator: %+v", gs)
		}
		if gs, _ := e.GrantsAt(ctx, n.tenant, n.trust1); len(gs) != 1 || !gs[0].Active {
			t.Fatalf("grants at trust 1: %+v", gs)
		}
		if err := e.Grant(ctx, n.tenant, eva, "gal.coach", n.s4, nil); !errors.As(err, &ve) || !strings.Contains(err.Error(), "Getting Ahead London (gal)") {
			t.Fatalf("a role of a plugin enabled nowhere: %v", err)
		}
		if err := e.Grant(ctx, n.tenant, eva, "eal.wizard", n.s4, nil); !errors.As(err, &ve) || !strings.Contains(err.Error(), `"eal.wizard" is not a known role`) {
			t.Fatalf("an undeclared role: %v", err)
		}

		// Another tenant never enabled it: nothing to grant, and the line
		// giving hub managers eal.trial.read does not hold there.
		ovid := authztest.User(t, db, other.tenant, "ovid@example.org")
		if err := e.Grant(ctx, other.tenant, ovid, "eal.evaluator", other.root, nil); !errors.As(err, &ve) {
			t.Fatalf("grant in a tenant that never enabled the plugin: %v", err)
		}
		ohub := authztest.User(t, db, other.tenant, "ohub@example.org")
		grant(t, e, other.tenant, ohub, authz.RoleHubManager, other.hub)
		expect(t, e, other.tenant, ohub, "eal.trial.read", other.all())
		expect(t, e, other.tenant, ohub, authz.PermSchoolRead, other.all(), other.hub, other.s1, other.s3)

		src.Disable(t, "eal", n.tenant)
		expect(t, e, n.tenant, eva, "eal.trial.read", n.all())
		expect(t, e, n.tenant, hubm, "eal.trial.read", n.all())
		if gs, _ := e.Grants(ctx, n.tenant, eva); len(gs) != 1 || gs[0].Active {
			t.Fatalf("the grant must be kept, inactive, while the plugin is disabled: %+v", gs)
		}
		if gs, _ := e.CachedGrants(ctx, n.tenant, eva); len(gs) != 0 {
			t.Fatalf("an inactive grant is reported active: %+v", gs)
		}
		for role, want := range map[string]bool{"eal.evaluator": false, authz.RoleHubManager: true, "gal.coach": false} {
			if got, err := e.ActiveRole(ctx, n.tenant, role); got != want || err != nil {
				t.Errorf("ActiveRole(%s) while eal is disabled = %v, %v", role, got, err)
			}
		}
		if err := e.Grant(ctx, n.tenant, hubm, "eal.manager", n.hub, nil); !errors.As(err, &ve) || !strings.Contains(err.Error(), "EAL trial (eal)") {
			t.Fatalf("grant while disabled: %v", err)
		}

		src.Enable(t, "eal", n.tenant)
		expect(t, e, n.tenant, eva, "eal.trial.read", n.all(), n.trust1, n.s1, n.s2)
		expect(t, e, n.tenant, hubm, "eal.trial.read", n.all(), n.hub, n.s1, n.s3)
	})
}

// The role picker lists the core roles and exactly the roles of the
// plugins the tenant enables; TenantRoles lists every installed plugin's
// roles, saying which are active.
func TestGrantableRolesListEnabledPluginsOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n, other := newNetwork(t, db, "cp"), newNetwork(t, db, "mat")
		e, src := newPluginEnforcer(t, db)
		src.Enable(t, "eal", n.tenant)
		src.Enable(t, "gal", other.tenant)
		names := func(rs []authz.RoleInfo) (core int, plugin []string) {
			for _, r := range rs {
				if r.PluginID == "" {
					core++
				} else {
					plugin = append(plugin, r.Name+"@"+r.PluginName)
				}
			}
			return core, plugin
		}
		rs, err := e.GrantableRoles(ctx, n.tenant)
		if err != nil {
			t.Fatal(err)
		}
		if core, plugin := names(rs); core != len(authz.Roles()) || strings.Join(plugin, ",") != "eal.evaluator@EAL trial,eal.manager@EAL trial" {
			t.Fatalf("picker of cp: %d core roles, plugin roles %v", core, plugin)
		}
		rs, _ = e.GrantableRoles(ctx, other.tenant)
		if _, plugin := names(rs); strings.Join(plugin, ",") != "gal.coach@Getting Ahead London" {
			t.Fatalf("picker of mat: %v", plugin)
		}
		all, _ := e.TenantRoles(ctx, n.tenant)
		active := map[string]bool{}
		for _, r := range all {
			active[r.Name] = r.Active
		}
		if !active["eal.evaluator"] || active["gal.coach"] || !active[authz.RoleTeacher] || len(all) != len(authz.Roles())+3 {
			t.Fatalf("roles of cp: %+v", all)
		}
	})
}
