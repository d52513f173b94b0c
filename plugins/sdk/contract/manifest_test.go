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
