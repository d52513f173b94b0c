package contract_test

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func validManifest() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id: "hello", Name: "Hello", Version: "1.2.0", Protocol: contract.ProtocolV1, MinCoreVersion: "0.1.0",
		Permissions: []*pluginv1.PermissionDecl{{Name: "hello.greeting.read", DefaultRoles: []string{"teacher"}}},
		Routes: []*pluginv1.RouteDecl{
			{Method: "GET", Path: "/", Permission: "hello.greeting.read", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE},
			{Method: "GET", Path: "/schools/:unit", Permission: "core.school.read", Scope: pluginv1.RouteScope_ROUTE_SCOPE_UNIT, UnitParam: "unit"},
		},
		Navigation: []*pluginv1.NavItem{{Label: "Hello", Path: "/", Permission: "hello.greeting.read"}},
		Jobs:       []*pluginv1.JobDecl{{Name: "digest", MaxRetry: 3, TimeoutSeconds: 60}},
		Schedules:  []*pluginv1.ScheduleDecl{{Job: "digest", Cron: "0 7 * * 1"}},
		Settings:   []*pluginv1.SettingDecl{{Key: "greeting", Type: pluginv1.SettingType_SETTING_TYPE_STRING}},
		Events:     []string{"tenant.enabled"},
	}
}

var corePerms = []string{"core.school.read"}
var roles = []string{"teacher", "headteacher"}

func TestValidManifestPasses(t *testing.T) {
	if err := contract.ValidateManifest(validManifest(), "0.2.0", corePerms, roles); err != nil {
		t.Fatal(err)
	}
}

func TestBadManifestsAreRefusedWithTheReason(t *testing.T) {
	cases := map[string]struct {
		mutate func(m *pluginv1.Manifest)
		reason string
	}{
		"bad id":                 {func(m *pluginv1.Manifest) { m.Id = "Hello World" }, "id"},
		"bad version":            {func(m *pluginv1.Manifest) { m.Version = "one" }, "semantic version"},
		"unknown protocol":       {func(m *pluginv1.Manifest) { m.Protocol = 7 }, "protocol 7"},
		"core too old":           {func(m *pluginv1.Manifest) { m.MinCoreVersion = "9.0.0" }, "needs core 9.0.0"},
		"unprefixed permission":  {func(m *pluginv1.Manifest) { m.Permissions[0].Name = "other.greeting.read" }, "not prefixed"},
		"duplicate permission":   {func(m *pluginv1.Manifest) { m.Permissions = append(m.Permissions, m.Permissions[0]) }, "declared twice"},
		"route without perm":     {func(m *pluginv1.Manifest) { m.Routes[0].Permission = "" }, "declares no permission"},
		"route undeclared perm":  {func(m *pluginv1.Manifest) { m.Routes[0].Permission = "hello.secret.read" }, "does not declare"},
		"unit scope no param":    {func(m *pluginv1.Manifest) { m.Routes[1].UnitParam = "school" }, "unit_param"},
		"bad cron":               {func(m *pluginv1.Manifest) { m.Schedules[0].Cron = "every tuesday" }, "bad cron"},
		"cron with a zone":       {func(m *pluginv1.Manifest) { m.Schedules[0].Cron = "CRON_TZ=UTC 0 7 * * *" }, "names a time zone; remove it"},
		"cron with TZ=":          {func(m *pluginv1.Manifest) { m.Schedules[0].Cron = "TZ=Asia/Tokyo 0 7 * * *" }, "each tenant's own time zone"},
		"schedule unknown job":   {func(m *pluginv1.Manifest) { m.Schedules[0].Job = "nope" }, "does not declare"},
		"nav to nowhere":         {func(m *pluginv1.Manifest) { m.Navigation[0].Path = "/missing" }, "no GET route"},
		"unknown role":           {func(m *pluginv1.Manifest) { m.Permissions[0].DefaultRoles = []string{"wizard"} }, "unknown role"},
		"unknown event":          {func(m *pluginv1.Manifest) { m.Events = []string{"moon.rise"} }, "not one the core sends"},
		"setting without a type": {func(m *pluginv1.Manifest) { m.Settings[0].Type = 0 }, "no type"},
		"unknown extension": {func(m *pluginv1.Manifest) {
			m.Extensions = []*pluginv1.ExtensionDecl{{Kind: 9, Permission: "hello.greeting.read"}}
		}, "extension 9 is not one the core knows"},
		"extension twice": {func(m *pluginv1.Manifest) {
			x := &pluginv1.ExtensionDecl{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: "hello.greeting.read"}
			m.Extensions = []*pluginv1.ExtensionDecl{x, x}
		}, "extension todos is declared twice"},
		"extension undeclared permission": {func(m *pluginv1.Manifest) {
			m.Extensions = []*pluginv1.ExtensionDecl{{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: "hello.figures.read"}}
		}, `extension figures requires "hello.figures.read", which the manifest does not declare`},
		"role without the id": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = "0.4.0"
			m.Roles = []*pluginv1.RoleDecl{{Name: "evaluator", Label: "Evaluator"}}
		},
			`role "evaluator" must look like hello.role_name`},
		"role of another plugin": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = "0.4.0"
			m.Roles = []*pluginv1.RoleDecl{{Name: "eal.evaluator", Label: "Evaluator"}}
		},
			`role "eal.evaluator" is not prefixed by the plugin id "hello."`},
		"role like a permission": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = "0.4.0"
			m.Roles = []*pluginv1.RoleDecl{{Name: "hello.greeting.read", Label: "Reader"}}
		}, `role "hello.greeting.read" must look like hello.role_name`},
		"role too long": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = "0.4.0"
			m.Roles = []*pluginv1.RoleDecl{{Name: "hello." + strings.Repeat("x", 59), Label: "Long"}}
		}, "64 characters at most"},
		"role in capitals": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = "0.4.0"
			m.Roles = []*pluginv1.RoleDecl{{Name: "hello.Coach", Label: "Coach"}}
		},
			`role "hello.Coach" must look like`},
		"role declared twice": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = "0.4.0"
			m.Roles = []*pluginv1.RoleDecl{{Name: "hello.coach", Label: "Coach"}, {Name: "hello.coach", Label: "Coach again"}}
		}, `role "hello.coach" is declared twice`},
		"role without a label": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = "0.4.0"
			m.Roles = []*pluginv1.RoleDecl{{Name: "hello.coach", Label: " "}}
		},
			`role "hello.coach" has no label`},
		"roles on an old min_core_version": {func(m *pluginv1.Manifest) { m.Roles = []*pluginv1.RoleDecl{{Name: "hello.coach", Label: "Coach"}} },
			`declares roles, which cores before 0.4.0 do not know, but its min_core_version is "0.1.0"`},
		"roles without a min_core_version": {func(m *pluginv1.Manifest) {
			m.MinCoreVersion = ""
			m.Roles = []*pluginv1.RoleDecl{{Name: "hello.coach", Label: "Coach"}}
		},
			`its min_core_version is ""`},
		"default grant to an undeclared plugin role": {func(m *pluginv1.Manifest) { m.Permissions[0].DefaultRoles = []string{"hello.coach"} },
			`grants role "hello.coach", which the manifest does not declare`},
		"default grant to another plugin's role": {func(m *pluginv1.Manifest) { m.Permissions[0].DefaultRoles = []string{"eal.evaluator"} },
			`grants role "eal.evaluator", which the manifest does not declare`},
	}
	for name, tc := range cases {
		m := validManifest()
		tc.mutate(m)
		err := contract.ValidateManifest(m, "0.2.0", corePerms, roles)
		if err == nil || !contract.IsManifestError(err) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: want a refusal saying %q, got %v", name, tc.reason, err)
		}
	}
	if err := contract.ValidateManifest(nil, "", nil, nil); err == nil {
		t.Error("nil manifest accepted")
	}
}

// The core's version is a semver always; a development build of a release
// meets a min_core_version of that release (major.minor.patch compared,
// prerelease and build ignored), and an older one does not.
func TestMinCoreVersionIsCheckedAgainstDevelopmentBuilds(t *testing.T) {
	cases := []struct {
		core, min string
		ok        bool
	}{
		{"0.4.0-dev", "0.4.0", true},
		{"0.4.0-dev+e5918c5", "0.4.0", true},
		{"0.4.0-dev+e5918c5.dirty", "0.3.2", true},
		{"0.4.0", "0.4.0", true},
		{"0.4.1-rc.1", "0.4.0", true},
		{"0.4.0-dev+e5918c5", "0.4.1", false},
		{"0.3.9", "0.4.0", false},
		{"1.0.0-dev", "0.9.0", true},
	}
	for _, tc := range cases {
		m := validManifest()
		m.MinCoreVersion = tc.min
		err := contract.ValidateManifest(m, tc.core, corePerms, roles)
		if tc.ok && err != nil {
			t.Errorf("core %s, min %s: refused: %v", tc.core, tc.min, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "needs core "+tc.min+" or later; this core is "+tc.core)) {
			t.Errorf("core %s, min %s: want a refusal naming both versions, got %v", tc.core, tc.min, err)
		}
	}
	// A core whose version is a commit hash is not waved through.
	m := validManifest()
	m.MinCoreVersion = "0.1.0"
	if err := contract.ValidateManifest(m, "e5918c5", corePerms, roles); err == nil || !strings.Contains(err.Error(), "not a semantic version") {
		t.Errorf("a commit-hash core version: want a refusal, got %v", err)
	}
}

// withRoles is validManifest declaring two roles, one of them granted a
// permission by default, as an SDK-served manifest carries them.
func withRoles() *pluginv1.Manifest {
	m := validManifest()
	m.Roles = []*pluginv1.RoleDecl{
		{Name: "hello.coach", Label: "Coach", Description: "Coaches a school's leaders."},
		{Name: "hello.participant", Label: "Participant"},
	}
	m.Permissions[0].DefaultRoles = append(m.Permissions[0].DefaultRoles, "hello.coach")
	contract.RaiseMinCoreVersion(m)
	return m
}

func TestDeclaredRolesPass(t *testing.T) {
	if err := contract.ValidateManifest(withRoles(), "0.4.0", corePerms, roles); err != nil {
		t.Fatal(err)
	}
	// Plugins built before roles could be declared name their own "{id}_…".
	m := validManifest()
	m.Permissions[0].DefaultRoles = []string{"teacher", "hello_lead"}
	if err := contract.ValidateManifest(m, "0.4.0", corePerms, roles); err != nil {
		t.Fatalf("a legacy undeclared role was refused: %v", err)
	}
	if got := contract.LegacyRoles(m, roles); len(got) != 1 || got[0] != "hello_lead" {
		t.Errorf("LegacyRoles = %v, want [hello_lead]", got)
	}
	if got := contract.LegacyRoles(withRoles(), roles); len(got) != 0 {
		t.Errorf("LegacyRoles of declared roles = %v, want none", got)
	}
}

// An older core refuses a plugin that declares roles, naming the version it
// needs: the SDK has raised min_core_version, which every core checks.
func TestOlderCoreRefusesAPluginWithRoles(t *testing.T) {
	err := contract.ValidateManifest(withRoles(), "0.3.0", corePerms, roles)
	if err == nil || !strings.Contains(err.Error(), "needs core 0.4.0 or later; this core is 0.3.0") {
		t.Fatalf("a 0.3.0 core: want a refusal naming core 0.4.0, got %v", err)
	}
	if err := contract.ValidateManifest(validManifest(), "0.3.0", corePerms, roles); err != nil {
		t.Fatalf("a 0.3.0 core refused a plugin without roles: %v", err)
	}
}

func TestRaiseMinCoreVersion(t *testing.T) {
	for _, tc := range []struct {
		min   string
		roles bool
		want  string
	}{
		{"", true, contract.CoreVersionRoles},
		{"0.1.0", true, contract.CoreVersionRoles},
		{"not a version", true, contract.CoreVersionRoles},
		{"0.4.0", true, "0.4.0"},
		{"1.2.0", true, "1.2.0"},
		{"", false, ""},
		{"0.1.0", false, "0.1.0"},
	} {
		m := validManifest()
		m.MinCoreVersion = tc.min
		if tc.roles {
			m.Roles = []*pluginv1.RoleDecl{{Name: "hello.coach", Label: "Coach"}}
		}
		changed := contract.RaiseMinCoreVersion(m)
		if m.GetMinCoreVersion() != tc.want || changed != (tc.want != tc.min) {
			t.Errorf("min %q, roles %v: got %q (changed %v), want %q", tc.min, tc.roles, m.GetMinCoreVersion(), changed, tc.want)
		}
	}
}

func TestRolePlugin(t *testing.T) {
	for name, want := range map[string]string{"eal.evaluator": "eal", "gal.programme_manager": "gal", "teacher": "", "eal.trial.read": "", "eal.": "", "Eal.x": ""} {
		id, ok := contract.RolePlugin(name)
		if id != want || ok != (want != "") {
			t.Errorf("RolePlugin(%q) = %q, %v; want %q", name, id, ok, want)
		}
	}
	if contract.RoleName("eal", "evaluator") != "eal.evaluator" {
		t.Error("RoleName")
	}
}

// A plugin may subscribe to the events of a unit archived or brought back.
func TestManifestMaySubscribeToArchiveEvents(t *testing.T) {
	m := validManifest()
	m.Events = []string{"unit.archived", "unit.unarchived"}
	if err := contract.ValidateManifest(m, "0.2.0", corePerms, roles); err != nil {
		t.Fatal(err)
	}
}
