package authz

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// AddPolicies adds role→permission lines contributed by source (a plugin id,
// from its manifest), e.g. {"hub_manager", "networkexcellence.review.read"}.
// A line may name a core role or a role the plugin declares (which the
// PluginSource makes grantable); its permission must be in the source's own
// namespace ("<source>.<object>.<action>"), so a plugin can never hand out
// core permissions. Lines live in memory and are kept across reloads;
// repeated lines are ignored. They hold in the tenants that enable the
// plugin (in every tenant without a PluginSource). Each node adds them at
// start-up.
func (e *Enforcer) AddPolicies(ctx context.Context, source string, lines [][2]string) error {
	if !validName(source) || source == "core" {
		return &ValidationError{Field: "source", Message: fmt.Sprintf("%q is not a plugin id", source)}
	}
	add := make([]rolePermLine, 0, len(lines))
	for _, l := range lines {
		role, perm := l[0], l[1]
		if !validName(role) && !isRoleOf(source, role) {
			return &ValidationError{Field: "role", Message: fmt.Sprintf("%q is not a core role name or a role of %s (%s.<role>)", role, source, source)}
		}
		if !validPermission(perm) || !strings.HasPrefix(perm, source+".") {
			return &ValidationError{Field: "permission",
				Message: fmt.Sprintf("%q is not a permission of %s (%s.<object>.<action>)", perm, source, source)}
		}
		add = append(add, rolePermLine{Role: role, Perm: perm})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, l := range add {
		if !containsLine(e.plugins[source], l) {
			e.plugins[source] = append(e.plugins[source], l)
		}
	}
	e.dropAllLocked()
	return nil
}

// RemovePolicies removes every line source added (a plugin enabled by no
// tenant, failed or uninstalled). Grants of roles only that plugin defined
// stay in the database but no longer grant anything.
func (e *Enforcer) RemovePolicies(source string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.plugins[source]; !ok {
		return
	}
	delete(e.plugins, source)
	e.dropAllLocked()
}

// isRoleOf reports whether role is a role plugin source declares:
// "<source>.<role>", at most 64 characters.
func isRoleOf(source, role string) bool {
	id, name, ok := strings.Cut(role, ".")
	return ok && id == source && len(role) <= 64 && validName(name)
}

func containsLine(ls []rolePermLine, l rolePermLine) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// linesFor returns the role→permission lines that hold in a tenant: the
// core's and those of the plugins it enables; e.mu is held.
func (e *Enforcer) linesFor(tp *tenantPlugins) []rolePermLine {
	lines := append([]rolePermLine(nil), e.core...)
	sources := make([]string, 0, len(e.plugins))
	for s := range e.plugins {
		if tp.holds(s) {
			sources = append(sources, s)
		}
	}
	sort.Strings(sources)
	for _, s := range sources {
		lines = append(lines, e.plugins[s]...)
	}
	return lines
}
