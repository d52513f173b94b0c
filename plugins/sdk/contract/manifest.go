package contract

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/robfig/cron/v3"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Pseudo-permissions a plugin route may declare besides its own permissions.
const (
	PermAuthenticated = "authenticated"
)

// Events lists the core events a plugin may subscribe to.
var Events = []string{"tenant.enabled", "tenant.disabled", "school.changed", "orgunit.changed", "unit.archived", "unit.unarchived"}

var (
	idPattern      = regexp.MustCompile(`^[a-z][a-z0-9]{1,31}$`)
	permPattern    = regexp.MustCompile(`^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$`)
	namePattern    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	settingPattern = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,99}$`)
	paramPattern   = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)
	cronParser     = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
)

// ManifestError lists every reason a manifest was refused.
type ManifestError struct {
	ID       string
	Problems []string
}

func (e *ManifestError) Error() string {
	id := e.ID
	if id == "" {
		id = "(no id)"
	}
	return fmt.Sprintf("manifest of plugin %s refused: %s", id, strings.Join(e.Problems, "; "))
}

// ValidateManifest checks m against the contract. corePerms are the core's
// permissions a plugin route may also require; roles are the core's role
// names, which a default grant may name besides the roles the manifest
// declares (and, deprecated, undeclared ones prefixed "{id}_"; with roles
// empty, undeclared role names are not checked). coreVersion is the version
// of the core that will run the plugin (empty: not checked). It returns a
// *ManifestError naming every problem.
func ValidateManifest(m *pluginv1.Manifest, coreVersion string, corePerms, roles []string) error {
	if m == nil {
		return &ManifestError{Problems: []string{"the plugin returned no manifest"}}
	}
	v := &validator{e: &ManifestError{ID: m.GetId()}}
	v.identity(m, coreVersion)
	declared := v.roles(m)
	perms := v.permissions(m, roles, declared)
	allowed := map[string]bool{PermAuthenticated: true}
	for p := range perms {
		allowed[p] = true
	}
	for _, p := range corePerms {
		allowed[p] = true
	}
	routes := v.routes(m, allowed)
	v.navigation(m, allowed, routes)
	jobs := v.jobs(m)
	v.schedules(m, jobs)
	v.settings(m)
	v.events(m)
	v.extensions(m, allowed)
	if m.GetStorageSchemaVersion() < 0 {
		v.bad("storage_schema_version %d is negative", m.GetStorageSchemaVersion())
	}
	if len(v.e.Problems) > 0 {
		return v.e
	}
	return nil
}

type validator struct{ e *ManifestError }

func (v *validator) bad(format string, args ...any) {
	v.e.Problems = append(v.e.Problems, fmt.Sprintf(format, args...))
}

func (v *validator) identity(m *pluginv1.Manifest, coreVersion string) {
	if !idPattern.MatchString(m.GetId()) {
		v.bad("id %q must be 2-32 lower-case letters and digits, starting with a letter", m.GetId())
	}
	if strings.TrimSpace(m.GetName()) == "" {
		v.bad("name is empty")
	}
	if _, err := semver.StrictNewVersion(strings.TrimPrefix(m.GetVersion(), "v")); err != nil {
		v.bad("version %q is not a semantic version such as 1.2.0", m.GetVersion())
	}
	if !supported(int(m.GetProtocol())) {
		v.bad("protocol %d is not one this core speaks (%v)", m.GetProtocol(), SupportedProtocols)
	}
	switch mv := m.GetMinCoreVersion(); {
	case mv == "":
	case !isSemver(mv):
		v.bad("min_core_version %q is not a semantic version", mv)
	case coreVersion != "": // plugintest checks a manifest without a core
		ok, err := CoreSatisfies(coreVersion, mv)
		switch {
		case err != nil:
			v.bad("min_core_version %s cannot be checked: %v", mv, err)
		case !ok:
			v.bad("needs core %s or later; this core is %s", mv, coreVersion)
		}
	}
}

func isSemver(s string) bool {
	_, err := semver.NewVersion(s)
	return err == nil
}

// CoreSatisfies reports whether a core of version coreVersion meets a
// plugin's min_core_version. The core's version is always a semantic version
// (an untagged build is "0.4.0-dev+e5918c5"); only its major.minor.patch is
// compared, so a development build of 0.4.0 ("0.4.0-dev", "0.4.0-dev+e5918c5")
// satisfies min_core_version 0.4.0: plugins written against the next release
// load on the core being built for it. A core version that is not a semantic
// version is an error, never a silent pass; so is a minCoreVersion that is not.
func CoreSatisfies(coreVersion, minCoreVersion string) (bool, error) {
	cur, err := semver.NewVersion(coreVersion)
	if err != nil {
		return false, fmt.Errorf("this core's version %q is not a semantic version", coreVersion)
	}
	min, err := semver.NewVersion(minCoreVersion)
	if err != nil {
		return false, fmt.Errorf("min_core_version %q is not a semantic version", minCoreVersion)
	}
	release := semver.New(cur.Major(), cur.Minor(), cur.Patch(), "", "")
	want := semver.New(min.Major(), min.Minor(), min.Patch(), "", "")
	return !release.LessThan(want), nil
}

func supported(p int) bool {
	for _, s := range SupportedProtocols {
		if s == p {
			return true
		}
	}
	return false
}

func (v *validator) permissions(m *pluginv1.Manifest, roles []string, declared map[string]bool) map[string]bool {
	known := map[string]bool{}
	for _, r := range roles {
		known[r] = true
	}
	out := map[string]bool{}
	for _, p := range m.GetPermissions() {
		switch {
		case !permPattern.MatchString(p.GetName()):
			v.bad("permission %q must look like %s.object.action", p.GetName(), m.GetId())
		case !strings.HasPrefix(p.GetName(), m.GetId()+"."):
			v.bad("permission %q is not prefixed by the plugin id %q", p.GetName(), m.GetId()+".")
		case out[p.GetName()]:
			v.bad("permission %q is declared twice", p.GetName())
		}
		out[p.GetName()] = true
		for _, r := range p.GetDefaultRoles() {
			_, pluginRole := RolePlugin(r)
			switch {
			case declared[r]:
			case pluginRole:
				v.bad("permission %q grants role %q, which the manifest does not declare: add it to roles", p.GetName(), r)
			case len(roles) > 0 && !known[r] && !strings.HasPrefix(r, m.GetId()+"_"):
				v.bad("permission %q grants unknown role %q (core roles, or roles the manifest declares)", p.GetName(), r)
			}
		}
	}
	return out
}

var methods = map[string]bool{http.MethodGet: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true, http.MethodDelete: true}

func (v *validator) routes(m *pluginv1.Manifest, allowed map[string]bool) map[string]bool {
	seen := map[string]bool{}
	for _, r := range m.GetRoutes() {
		key := r.GetMethod() + " " + r.GetPath()
		if !methods[r.GetMethod()] {
			v.bad("route %s: method %q is not GET, POST, PUT, PATCH or DELETE", key, r.GetMethod())
		}
		if !strings.HasPrefix(r.GetPath(), "/") || strings.Contains(r.GetPath(), "..") {
			v.bad("route %s: path must start with / and not contain ..", key)
		}
		if seen[key] {
			v.bad("route %s is declared twice", key)
		}
		seen[key] = true
		switch {
		case r.GetPermission() == "":
			v.bad("route %s declares no permission", key)
		case !allowed[r.GetPermission()]:
			v.bad("route %s requires %q, which the manifest does not declare", key, r.GetPermission())
		}
		switch r.GetScope() {
		case pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE, pluginv1.RouteScope_ROUTE_SCOPE_TENANT:
		case pluginv1.RouteScope_ROUTE_SCOPE_UNIT:
			if r.GetUnitParam() == "" || !hasParam(r.GetPath(), r.GetUnitParam()) {
				v.bad("route %s: unit scope needs unit_param naming a :parameter of the path", key)
			}
		default:
			v.bad("route %s: scope must be ANYWHERE, TENANT or UNIT", key)
		}
	}
	return seen
}

func hasParam(path, name string) bool {
	for _, m := range paramPattern.FindAllStringSubmatch(path, -1) {
		if m[1] == name {
			return true
		}
	}
	return false
}

func (v *validator) navigation(m *pluginv1.Manifest, allowed, routes map[string]bool) {
	for _, n := range m.GetNavigation() {
		if strings.TrimSpace(n.GetLabel()) == "" {
			v.bad("navigation entry %q has no label", n.GetPath())
		}
		if !routes[http.MethodGet+" "+n.GetPath()] {
			v.bad("navigation entry %q points at no GET route of the manifest", n.GetPath())
		}
		if !allowed[n.GetPermission()] {
			v.bad("navigation entry %q requires %q, which the manifest does not declare", n.GetPath(), n.GetPermission())
		}
	}
}

func (v *validator) jobs(m *pluginv1.Manifest) map[string]bool {
	out := map[string]bool{}
	for _, j := range m.GetJobs() {
		if !namePattern.MatchString(j.GetName()) {
			v.bad("job %q: name must be lower-case letters, digits and _", j.GetName())
		}
		if out[j.GetName()] {
			v.bad("job %q is declared twice", j.GetName())
		}
		out[j.GetName()] = true
		if j.GetMaxRetry() < 0 || j.GetMaxRetry() > 25 {
			v.bad("job %q: max_retry %d is outside 0..25", j.GetName(), j.GetMaxRetry())
		}
		if j.GetTimeoutSeconds() < 0 || j.GetTimeoutSeconds() > 3600 {
			v.bad("job %q: timeout_seconds %d is outside 0..3600", j.GetName(), j.GetTimeoutSeconds())
		}
	}
	return out
}

func (v *validator) schedules(m *pluginv1.Manifest, jobs map[string]bool) {
	for _, s := range m.GetSchedules() {
		if !jobs[s.GetJob()] {
			v.bad("schedule %q names job %q, which the manifest does not declare", s.GetCron(), s.GetJob())
		}
		cronspec := strings.TrimSpace(s.GetCron())
		if strings.HasPrefix(cronspec, "CRON_TZ=") || strings.HasPrefix(cronspec, "TZ=") {
			v.bad("schedule of job %q: cron %q names a time zone; remove it: a schedule runs in each tenant's own time zone "+
				"(the tenant setting timezone, Europe/London unless set)", s.GetJob(), s.GetCron())
			continue
		}
		if _, err := cronParser.Parse(s.GetCron()); err != nil {
			v.bad("schedule of job %q: bad cron expression %q: %v", s.GetJob(), s.GetCron(), err)
		}
	}
}

func (v *validator) settings(m *pluginv1.Manifest) {
	seen := map[string]bool{}
	for _, s := range m.GetSettings() {
		if !settingPattern.MatchString(s.GetKey()) {
			v.bad("setting %q: key must be lower-case letters, digits, _ and .", s.GetKey())
		}
		if seen[s.GetKey()] {
			v.bad("setting %q is declared twice", s.GetKey())
		}
		seen[s.GetKey()] = true
		if s.GetType() == pluginv1.SettingType_SETTING_TYPE_UNSPECIFIED {
			v.bad("setting %q has no type", s.GetKey())
		}
	}
}

func (v *validator) events(m *pluginv1.Manifest) {
	for _, e := range m.GetEvents() {
		ok := false
		for _, k := range Events {
			ok = ok || k == e
		}
		if !ok {
			v.bad("event %q is not one the core sends (%s)", e, strings.Join(Events, ", "))
		}
	}
}

func (v *validator) extensions(m *pluginv1.Manifest, allowed map[string]bool) {
	seen := map[pluginv1.Extension]bool{}
	for _, x := range m.GetExtensions() {
		name := ExtensionName(x.GetKind())
		if name == "" {
			v.bad("extension %d is not one the core knows (school panel, to-dos, figures)", int32(x.GetKind()))
			continue
		}
		if seen[x.GetKind()] {
			v.bad("extension %s is declared twice", name)
		}
		seen[x.GetKind()] = true
		if !allowed[x.GetPermission()] {
			v.bad("extension %s requires %q, which the manifest does not declare", name, x.GetPermission())
		}
	}
}

// IsManifestError reports whether err is a refused manifest.
func IsManifestError(err error) bool {
	var me *ManifestError
	return errors.As(err, &me)
}
