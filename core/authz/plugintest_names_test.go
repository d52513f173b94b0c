package authz_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	"github.com/challengepartners/upwards/policies"
)

// The plugin SDK keeps its own copy of the core's roles (sdk.Role…
// constants) and its test Host a copy of the roles, permissions and policy
// (the SDK module imports nothing of the core); this test keeps the copies
// true.
func TestCopiedNamesMatchTheCore(t *testing.T) {
	var roles, perms []string
	for _, r := range authz.Roles() {
		roles = append(roles, r.Name)
	}
	for _, p := range authz.Permissions() {
		if p.Name != authz.PermPublic {
			perms = append(perms, p.Name)
		}
	}
	if !slices.Equal(roles, plugintest.CoreRoles) {
		t.Errorf("plugintest.CoreRoles = %v; core/authz has %v", plugintest.CoreRoles, roles)
	}
	if !slices.Equal(roles, sdk.CoreRoles()) {
		t.Errorf("sdk.CoreRoles() = %v; core/authz has %v", sdk.CoreRoles(), roles)
	}
	for sdkName, coreName := range map[string]string{
		sdk.RoleTenantAdmin: authz.RoleTenantAdmin, sdk.RoleCentralTeam: authz.RoleCentralTeam, sdk.RoleSeniorPartner: authz.RoleSeniorPartner,
		sdk.RoleHubManager: authz.RoleHubManager, sdk.RoleTrustLeader: authz.RoleTrustLeader, sdk.RoleHeadteacher: authz.RoleHeadteacher,
		sdk.RoleSeniorLeader: authz.RoleSeniorLeader, sdk.RoleTeacher: authz.RoleTeacher, sdk.RoleParaProfessional: authz.RoleParaProfessional,
		sdk.RoleLeadReviewer: authz.RoleLeadReviewer, sdk.RoleReviewer: authz.RoleReviewer,
	} {
		if sdkName != coreName {
			t.Errorf("sdk constant %q names the core role %q", sdkName, coreName)
		}
	}
	if !slices.Equal(perms, plugintest.CorePermissions) {
		t.Errorf("plugintest.CorePermissions = %v; core/authz has %v", plugintest.CorePermissions, perms)
	}
	policy := map[string][]string{}
	for _, line := range strings.Split(policies.CorePolicy(), "\n") {
		f := strings.Split(line, ",")
		if len(f) == 4 && strings.TrimSpace(f[0]) == "g" {
			role := strings.TrimSpace(f[1])
			policy[role] = append(policy[role], strings.TrimSpace(f[2]))
		}
	}
	for role, ps := range policy {
		if !slices.Equal(slices.Sorted(slices.Values(ps)), slices.Sorted(slices.Values(plugintest.CorePolicy()[role]))) {
			t.Errorf("role %s: core policy %v, plugintest %v", role, ps, plugintest.CorePolicy()[role])
		}
	}
	if len(policy) != len(plugintest.CorePolicy()) {
		t.Errorf("core policy has %d roles, plugintest %d", len(policy), len(plugintest.CorePolicy()))
	}
}
