package pluginhost

import (
	"fmt"
	"sort"
	"strings"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Delta is what one kind of manifest entry gains, loses and changes from
// one build of a plugin to the next, each entry as a line of text, sorted.
type Delta struct {
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	// Changed entries read "old → new".
	Changed []string `json:"changed,omitempty"`
}

// Empty reports whether nothing was added, removed or changed.
func (d Delta) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

// ManifestDiff is what a new build of a plugin adds and removes compared
// with the installed one (DiffManifests).
type ManifestDiff struct {
	FromVersion string `json:"from_version"`
	ToVersion   string `json:"to_version"`
	// Permissions by name; a changed description is a change.
	Permissions Delta `json:"permissions"`
	// Roles as "name (label)"; a changed label or description is a change.
	Roles Delta `json:"roles"`
	// Grants are the default grants, "role → permission".
	Grants Delta `json:"grants"`
	// Routes as "METHOD /path: permission, scope"; a route whose
	// permission or scope changed is a change.
	Routes Delta `json:"routes"`
	// WidenedRoutes are the routes ("METHOD /path") that now require a
	// different permission, or the same one in a broader scope (tenant root
	// → a unit → anywhere): they may open to people they were closed to.
	WidenedRoutes []string `json:"widened_routes,omitempty"`
	// Schedules as "job at cron".
	Schedules Delta `json:"schedules"`
	// Jobs by name; a changed retry count or timeout is a change.
	Jobs Delta `json:"jobs"`
	// Navigation as "label → path (permission)".
	Navigation Delta `json:"navigation"`
	// Settings as "key (type)"; a changed type or default is a change.
	Settings Delta `json:"settings"`
	// Events subscribed to.
	Events Delta `json:"events"`
}

// NeedsConfirmation reports whether the new build may give someone a
// permission they did not hold: it adds permissions, roles or default
// grants, or widens a route. Such an upgrade waits for an operator.
func (d ManifestDiff) NeedsConfirmation() bool {
	return len(d.Permissions.Added)+len(d.Roles.Added)+len(d.Grants.Added)+len(d.WidenedRoutes) > 0
}

// DiffSection is one kind of entry of a ManifestDiff, titled for people.
type DiffSection struct {
	Title string
	Delta
}

// Sections lists the kinds of entry that differ, in a fixed order.
func (d ManifestDiff) Sections() []DiffSection {
	var out []DiffSection
	for _, s := range []DiffSection{
		{"Permissions", d.Permissions},
		{"Roles", d.Roles},
		{"Default grants (role → permission)", d.Grants},
		{"Routes (method path: permission, scope)", d.Routes},
		{"Schedules", d.Schedules},
		{"Jobs", d.Jobs},
		{"Navigation", d.Navigation},
		{"Settings", d.Settings},
		{"Events", d.Events},
	} {
		if !s.Empty() {
			out = append(out, s)
		}
	}
	return out
}

// Empty reports whether the two manifests declare the same things
// (versions aside).
func (d ManifestDiff) Empty() bool { return len(d.Sections()) == 0 }

// String is the diff as the CLI prints it: "+" added, "-" removed, "~"
// changed, one entry a line.
func (d ManifestDiff) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Changes from %s to %s:\n", d.FromVersion, d.ToVersion)
	if d.Empty() {
		b.WriteString("  no change to permissions, roles, default grants, routes, schedules, jobs, navigation, settings or events\n")
		return b.String()
	}
	for _, s := range d.Sections() {
		fmt.Fprintf(&b, "  %s:\n", s.Title)
		for _, l := range s.Added {
			fmt.Fprintf(&b, "    + %s\n", l)
		}
		for _, l := range s.Removed {
			fmt.Fprintf(&b, "    - %s\n", l)
		}
		for _, l := range s.Changed {
			fmt.Fprintf(&b, "    ~ %s\n", l)
		}
	}
	return b.String()
}

// DiffManifests compares the manifest of a new build (next) with that of
// the installed one (old). It is pure: nothing is read or written. A nil
// old is an empty manifest.
func DiffManifests(old, next *pluginv1.Manifest) ManifestDiff {
	d := ManifestDiff{FromVersion: old.GetVersion(), ToVersion: next.GetVersion()}
	d.Permissions = delta(permissionEntries(old), permissionEntries(next))
	d.Roles = delta(roleEntries(old), roleEntries(next))
	d.Grants = delta(grantEntries(old), grantEntries(next))
	oldRoutes, nextRoutes := routeEntries(old), routeEntries(next)
	d.Routes = delta(oldRoutes, nextRoutes)
	d.WidenedRoutes = widened(old, next)
	d.Schedules = delta(scheduleEntries(old), scheduleEntries(next))
	d.Jobs = delta(jobEntries(old), jobEntries(next))
	d.Navigation = delta(navEntries(old), navEntries(next))
	d.Settings = delta(settingEntries(old), settingEntries(next))
	d.Events = delta(eventEntries(old), eventEntries(next))
	return d
}

// entries maps each entry's key to the text shown for it; an entry whose
// key stays but whose text differs is a change.
type entries map[string]string

func delta(old, next entries) Delta {
	var d Delta
	for k, v := range next {
		switch o, ok := old[k]; {
		case !ok:
			d.Added = append(d.Added, v)
		case o != v:
			d.Changed = append(d.Changed, o+" → "+v)
		}
	}
	for k, v := range old {
		if _, ok := next[k]; !ok {
			d.Removed = append(d.Removed, v)
		}
	}
	sort.Strings(d.Added)
	sort.Strings(d.Removed)
	sort.Strings(d.Changed)
	return d
}

func permissionEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, p := range m.GetPermissions() {
		out[p.GetName()] = withNote(p.GetName(), p.GetDescription())
	}
	return out
}

func roleEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, r := range m.GetRoles() {
		out[r.GetName()] = withNote(r.GetName()+" ("+r.GetLabel()+")", r.GetDescription())
	}
	return out
}

func withNote(s, note string) string {
	if note == "" {
		return s
	}
	return s + ": " + note
}

func grantEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, l := range policyLines(m) {
		s := l[0] + " → " + l[1]
		out[s] = s
	}
	return out
}

func routeKey(r *pluginv1.RouteDecl) string { return r.GetMethod() + " " + r.GetPath() }

func routeEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, r := range m.GetRoutes() {
		out[routeKey(r)] = routeKey(r) + ": " + r.GetPermission() + ", " + scopeText(r)
	}
	return out
}

func scopeText(r *pluginv1.RouteDecl) string {
	switch r.GetScope() {
	case pluginv1.RouteScope_ROUTE_SCOPE_TENANT:
		return "at the tenant root"
	case pluginv1.RouteScope_ROUTE_SCOPE_UNIT:
		return "at the unit :" + r.GetUnitParam()
	case pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE:
		return "anywhere"
	}
	return r.GetScope().String()
}

// scopeBreadth orders scopes from the narrowest: the tenant root, then the
// unit of the path, then anywhere in the tenant.
func scopeBreadth(s pluginv1.RouteScope) int {
	switch s {
	case pluginv1.RouteScope_ROUTE_SCOPE_TENANT:
		return 0
	case pluginv1.RouteScope_ROUTE_SCOPE_UNIT:
		return 1
	}
	return 2
}

func widened(old, next *pluginv1.Manifest) []string {
	before := map[string]*pluginv1.RouteDecl{}
	for _, r := range old.GetRoutes() {
		before[routeKey(r)] = r
	}
	var out []string
	for _, r := range next.GetRoutes() {
		o, ok := before[routeKey(r)]
		if ok && (o.GetPermission() != r.GetPermission() || scopeBreadth(r.GetScope()) > scopeBreadth(o.GetScope())) {
			out = append(out, routeKey(r))
		}
	}
	sort.Strings(out)
	return out
}

func scheduleEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, s := range m.GetSchedules() {
		t := s.GetJob() + " at " + s.GetCron()
		out[t] = t
	}
	return out
}

func jobEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, j := range m.GetJobs() {
		out[j.GetName()] = fmt.Sprintf("%s (retries %d, timeout %ds)", j.GetName(), j.GetMaxRetry(), j.GetTimeoutSeconds())
	}
	return out
}

func navEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, n := range m.GetNavigation() {
		out[n.GetPath()] = n.GetLabel() + " → " + n.GetPath() + " (" + n.GetPermission() + ")"
	}
	return out
}

func settingEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, s := range m.GetSettings() {
		typ := strings.ToLower(strings.TrimPrefix(s.GetType().String(), "SETTING_TYPE_"))
		t := s.GetKey() + " (" + typ + ")"
		if s.GetDefaultValue() != "" {
			t += fmt.Sprintf(", default %q", s.GetDefaultValue())
		}
		out[s.GetKey()] = t
	}
	return out
}

func eventEntries(m *pluginv1.Manifest) entries {
	out := entries{}
	for _, e := range m.GetEvents() {
		out[e] = e
	}
	return out
}
