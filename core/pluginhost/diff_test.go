package pluginhost

import (
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// diffBase is the installed build of the diff table: two permissions, a
// role, three routes, a job on a schedule, a setting and an event.
func diffBase() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id: "eal", Name: "EAL trial", Version: "1.0.0", MinCoreVersion: "0.4.0",
		Roles: []*pluginv1.RoleDecl{{Name: "eal.evaluator", Label: "Evaluator"}},
		Permissions: []*pluginv1.PermissionDecl{
			{Name: "eal.trial.read", DefaultRoles: []string{"tenant_admin", "eal.evaluator"}},
			{Name: "eal.trial.manage", DefaultRoles: []string{"tenant_admin"}},
		},
		Routes: []*pluginv1.RouteDecl{
			{Method: "GET", Path: "/", Permission: "eal.trial.read", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE},
			{Method: "GET", Path: "/schools/:unit", Permission: "eal.trial.read", Scope: pluginv1.RouteScope_ROUTE_SCOPE_UNIT, UnitParam: "unit"},
			{Method: "POST", Path: "/setup", Permission: "eal.trial.manage", Scope: pluginv1.RouteScope_ROUTE_SCOPE_TENANT},
		},
		Navigation: []*pluginv1.NavItem{{Label: "EAL", Path: "/", Permission: "eal.trial.read"}},
		Jobs:       []*pluginv1.JobDecl{{Name: "digest", MaxRetry: 3, TimeoutSeconds: 60}},
		Schedules:  []*pluginv1.ScheduleDecl{{Job: "digest", Cron: "0 7 * * 1"}},
		Settings:   []*pluginv1.SettingDecl{{Key: "reply_to", Type: pluginv1.SettingType_SETTING_TYPE_EMAIL}},
		Events:     []string{"tenant.enabled"},
	}
}

func TestDiffManifests(t *testing.T) {
	cases := []struct {
		name    string
		change  func(m *pluginv1.Manifest)
		want    ManifestDiff // versions aside
		confirm bool
	}{
		{name: "the same manifest", change: func(*pluginv1.Manifest) {}},
		{name: "a new version only", change: func(m *pluginv1.Manifest) { m.Version = "1.1.0"; m.Description = "now described" }},
		{name: "a new permission granted by default", change: func(m *pluginv1.Manifest) {
			m.Permissions = append(m.Permissions, &pluginv1.PermissionDecl{Name: "eal.pupil.read", Description: "Read pupils", DefaultRoles: []string{"eal.evaluator"}})
		}, want: ManifestDiff{Permissions: Delta{Added: []string{"eal.pupil.read: Read pupils"}}, Grants: Delta{Added: []string{"eal.evaluator → eal.pupil.read"}}}, confirm: true},
		{name: "a permission removed", change: func(m *pluginv1.Manifest) {
			m.Permissions = m.Permissions[:1]
			m.Routes = m.Routes[:2]
		}, want: ManifestDiff{Permissions: Delta{Removed: []string{"eal.trial.manage"}}, Grants: Delta{Removed: []string{"tenant_admin → eal.trial.manage"}},
			Routes: Delta{Removed: []string{"POST /setup: eal.trial.manage, at the tenant root"}}}},
		{name: "a new role", change: func(m *pluginv1.Manifest) {
			m.Roles = append(m.Roles, &pluginv1.RoleDecl{Name: "eal.manager", Label: "Trial manager", Description: "Runs the trial."})
		}, want: ManifestDiff{Roles: Delta{Added: []string{"eal.manager (Trial manager): Runs the trial."}}}, confirm: true},
		{name: "a role relabelled", change: func(m *pluginv1.Manifest) { m.Roles[0].Label = "Trial evaluator" },
			want: ManifestDiff{Roles: Delta{Changed: []string{"eal.evaluator (Evaluator) → eal.evaluator (Trial evaluator)"}}}},
		{name: "a core role granted an existing permission", change: func(m *pluginv1.Manifest) {
			m.Permissions[0].DefaultRoles = append(m.Permissions[0].DefaultRoles, "hub_manager")
		}, want: ManifestDiff{Grants: Delta{Added: []string{"hub_manager → eal.trial.read"}}}, confirm: true},
		{name: "a default grant withdrawn", change: func(m *pluginv1.Manifest) { m.Permissions[0].DefaultRoles = []string{"tenant_admin"} },
			want: ManifestDiff{Grants: Delta{Removed: []string{"eal.evaluator → eal.trial.read"}}}},
		{name: "a route requires another permission", change: func(m *pluginv1.Manifest) { m.Routes[2].Permission = "eal.trial.read" },
			want: ManifestDiff{Routes: Delta{Changed: []string{"POST /setup: eal.trial.manage, at the tenant root → POST /setup: eal.trial.read, at the tenant root"}},
				WidenedRoutes: []string{"POST /setup"}}, confirm: true},
		{name: "a route's scope broadened", change: func(m *pluginv1.Manifest) { m.Routes[2].Scope = pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE },
			want: ManifestDiff{Routes: Delta{Changed: []string{"POST /setup: eal.trial.manage, at the tenant root → POST /setup: eal.trial.manage, anywhere"}},
				WidenedRoutes: []string{"POST /setup"}}, confirm: true},
		{name: "a route's scope narrowed", change: func(m *pluginv1.Manifest) { m.Routes[0].Scope = pluginv1.RouteScope_ROUTE_SCOPE_TENANT },
			want: ManifestDiff{Routes: Delta{Changed: []string{"GET /: eal.trial.read, anywhere → GET /: eal.trial.read, at the tenant root"}}}},
		{name: "a new route on an existing permission", change: func(m *pluginv1.Manifest) {
			m.Routes = append(m.Routes, &pluginv1.RouteDecl{Method: "GET", Path: "/export", Permission: "eal.trial.manage", Scope: pluginv1.RouteScope_ROUTE_SCOPE_TENANT})
		}, want: ManifestDiff{Routes: Delta{Added: []string{"GET /export: eal.trial.manage, at the tenant root"}}}},
		{name: "schedule, job, navigation, setting and event", change: func(m *pluginv1.Manifest) {
			m.Schedules[0].Cron = "0 6 * * 1"
			m.Jobs[0].TimeoutSeconds = 120
			m.Navigation[0].Label = "EAL trial"
			m.Settings = append(m.Settings, &pluginv1.SettingDecl{Key: "arms", Type: pluginv1.SettingType_SETTING_TYPE_INT, DefaultValue: "2"})
			m.Events = nil
		}, want: ManifestDiff{
			Schedules:  Delta{Added: []string{"digest at 0 6 * * 1"}, Removed: []string{"digest at 0 7 * * 1"}},
			Jobs:       Delta{Changed: []string{"digest (retries 3, timeout 60s) → digest (retries 3, timeout 120s)"}},
			Navigation: Delta{Changed: []string{"EAL → / (eal.trial.read) → EAL trial → / (eal.trial.read)"}},
			Settings:   Delta{Added: []string{`arms (int), default "2"`}},
			Events:     Delta{Removed: []string{"tenant.enabled"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := diffBase()
			next := proto.Clone(old).(*pluginv1.Manifest)
			tc.change(next)
			got := DiffManifests(old, next)
			tc.want.FromVersion, tc.want.ToVersion = old.GetVersion(), next.GetVersion()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("diff\n got %+v\nwant %+v", got, tc.want)
			}
			if got.NeedsConfirmation() != tc.confirm {
				t.Errorf("NeedsConfirmation = %v, want %v", got.NeedsConfirmation(), tc.confirm)
			}
			if got.Empty() != (tc.want.Sections() == nil) {
				t.Errorf("Empty = %v", got.Empty())
			}
		})
	}
}

func TestDiffFromNothingAddsEverythingAndPrints(t *testing.T) {
	d := DiffManifests(nil, diffBase())
	if len(d.Permissions.Added) != 2 || len(d.Roles.Added) != 1 || len(d.Grants.Added) != 3 || len(d.Routes.Added) != 3 || !d.NeedsConfirmation() {
		t.Fatalf("diff from nothing: %+v", d)
	}
	text := d.String()
	for _, want := range []string{"Changes from  to 1.0.0:", "  Roles:\n    + eal.evaluator (Evaluator)\n", "    + eal.evaluator → eal.trial.read\n", "  Routes (method path: permission, scope):\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%s", want, text)
		}
	}
	if s := DiffManifests(diffBase(), diffBase()).String(); !strings.Contains(s, "no change to permissions") {
		t.Errorf("no-change text: %s", s)
	}
}
