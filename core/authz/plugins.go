package authz

import (
	"context"
	"fmt"
	"strings"
)

// AddPolicies adds role→permission lines contributed by source (a plugin id,
// from its manifest), e.g. {"hub_manager", "networkexcellence.review.read"}.
// A line may name a core role or a new role of the plugin's, which then may
// be granted; its permission must be in the source's own namespace
// ("<source>.<object>.<action>"), so a plugin can never hand out core
// permissions. Lines live in memory, are applied to every tenant, and are kept
// across reloads; repeated lines are ignored. Each node adds them at start-up.
func (e *Enforcer) AddPolicies(ctx context.Context, source string, lines [][2]string) error {
	if !validName(source) || source == "core" {
		return &ValidationError{Field: "source", Message: fmt.Sprintf("%q is not a plugin id", source)}
	}
	add := make([]rolePermLine, 0, len(lines))
	for _, l := range lines {
		role, perm := l[0], l[1]
		if !validName(role) {
			return &ValidationError{Field: "role", Message: fmt.Sprintf("%q is not a role name", role)}
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
	e.recomputeLines()
	e.dropAllLocked()
	return nil
}

// RemovePolicies removes every line source added (a plugin disabled or
// uninstalled). Grants of roles only that plugin defined stay in the database
// but no longer grant anything.
func (e *Enforcer) RemovePolicies(source string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.plugins[source]; !ok {
		return
	}
	delete(e.plugins, source)
	e.recomputeLines()
	e.dropAllLocked()
}

func containsLine(ls []rolePermLine, l rolePermLine) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// recomputeLines rebuilds lines and roles from core and plugins; e.mu is held
// (or e is not yet shared).
func (e *Enforcer) recomputeLines() {
	lines := append([]rolePermLine(nil), e.core...)
	roles := map[string]bool{}
	for _, r := range Roles() {
		roles[r.Name] = true
	}
	for _, ls := range e.plugins {
		for _, l := range ls {
			lines = append(lines, l)
			roles[l.Role] = true
		}
	}
	e.lines, e.roles = lines, roles
}

// grantable reports whether role is a core role or one a plugin's lines name.
func (e *Enforcer) grantable(role string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.roles[role]
}
