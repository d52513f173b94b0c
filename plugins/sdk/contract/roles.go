package contract

import (
	"regexp"
	"strings"

	"github.com/Masterminds/semver/v3"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// CoreVersionRoles is the first core version that knows the roles a plugin
// declares (Manifest.roles). An older core ignores the field, so a manifest
// declaring roles must say min_core_version CoreVersionRoles or later:
// RaiseMinCoreVersion sets it (the SDK calls it when it serves the manifest)
// and ValidateManifest refuses a manifest that does not.
const CoreVersionRoles = "0.4.0"

// rolePattern is a declared role: "{id}.{role}", at most maxRoleName
// characters (the core's role_grants.role column).
const maxRoleName = 64

var rolePattern = regexp.MustCompile(`^[a-z][a-z0-9]{1,31}\.[a-z][a-z0-9_]{0,63}$`)

// RoleName returns the name of role of plugin pluginID, "{pluginID}.{role}"
// (e.g. RoleName("eal", "evaluator") is "eal.evaluator").
func RoleName(pluginID, role string) string { return pluginID + "." + role }

// RolePlugin returns the plugin id of a declared role's name ("eal" for
// "eal.evaluator"); ok is false when name does not have the shape of one (a
// core role has no dot, a permission has two; at most 64 characters).
func RolePlugin(name string) (id string, ok bool) {
	if len(name) > maxRoleName || !rolePattern.MatchString(name) {
		return "", false
	}
	id, _, _ = strings.Cut(name, ".")
	return id, true
}

// RaiseMinCoreVersion sets m's min_core_version to CoreVersionRoles when m
// declares roles and its own is empty, lower or not a version, so that an
// older core refuses the plugin naming the version it needs. It reports
// whether it changed m.
func RaiseMinCoreVersion(m *pluginv1.Manifest) bool {
	if m == nil || len(m.GetRoles()) == 0 || minCoreCoversRoles(m.GetMinCoreVersion()) {
		return false
	}
	m.MinCoreVersion = CoreVersionRoles
	return true
}

func minCoreCoversRoles(minCore string) bool {
	v, err := semver.NewVersion(minCore)
	return err == nil && !v.LessThan(semver.MustParse(CoreVersionRoles))
}

// LegacyRoles returns the undeclared roles that m's permissions grant by
// default, named "{id}_…" and not in coreRoles, in order of appearance.
// Plugins built before roles could be declared name their own roles this
// way; the core still accepts them (deprecated: declare roles instead).
func LegacyRoles(m *pluginv1.Manifest, coreRoles []string) []string {
	core := map[string]bool{}
	for _, r := range coreRoles {
		core[r] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range m.GetPermissions() {
		for _, r := range p.GetDefaultRoles() {
			if !core[r] && !seen[r] && strings.HasPrefix(r, m.GetId()+"_") && namePattern.MatchString(r) {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// roles checks the declared roles and returns their names.
func (v *validator) roles(m *pluginv1.Manifest) map[string]bool {
	out := map[string]bool{}
	for _, r := range m.GetRoles() {
		name := r.GetName()
		switch id, ok := RolePlugin(name); {
		case !ok:
			v.bad("role %q must look like %s.role_name: the plugin id, a dot, then lower-case letters, digits and _, starting with a letter; %d characters at most",
				name, m.GetId(), maxRoleName)
		case id != m.GetId():
			v.bad("role %q is not prefixed by the plugin id %q", name, m.GetId()+".")
		case out[name]:
			v.bad("role %q is declared twice", name)
		}
		if strings.TrimSpace(r.GetLabel()) == "" {
			v.bad("role %q has no label (admins choose roles by their label)", name)
		}
		out[name] = true
	}
	if len(out) > 0 && !minCoreCoversRoles(m.GetMinCoreVersion()) {
		v.bad("it declares roles, which cores before %s do not know, but its min_core_version is %q: set it to %s or later (the SDK does so when it serves the manifest)",
			CoreVersionRoles, m.GetMinCoreVersion(), CoreVersionRoles)
	}
	return out
}
