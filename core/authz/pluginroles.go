package authz

import (
	"context"
	"fmt"
	"sort"
)

// PluginSource tells the enforcer which plugins are installed, which a
// tenant enables and the roles each declares. core/pluginhost's Registry
// implements it; core/app wires it (Options.Plugins).
//
// With a source, a plugin's role may be granted in a tenant only while the
// tenant enables the plugin, and while it does not, existing grants of the
// role are kept but grant nothing, and the plugin's role→permission lines
// (AddPolicies) do not hold in the tenant. Without one, only core roles may
// be granted and plugin lines hold in every tenant.
//
// The source's answers must change only together with a bump of the authz
// revision (storage.RevisionAuthz), which makes every node reload: the
// registry bumps it in the transaction that enables, disables, installs or
// upgrades a plugin.
type PluginSource interface {
	// TenantPlugins returns every installed plugin, each with the roles it
	// declares and whether tenantID enables it.
	TenantPlugins(ctx context.Context, tenantID uint) ([]PluginInfo, error)
}

// PluginInfo is one installed plugin as the enforcer sees it.
type PluginInfo struct {
	ID, Name string
	// Enabled: the tenant asked about enables the plugin.
	Enabled bool
	// Roles are the roles it declares ("{id}.{role}") and, deprecated, the
	// undeclared "{id}_…" roles its default grants name.
	Roles []Role
}

// RoleInfo is a role as the admin pages and the CLI show it.
type RoleInfo struct {
	Role
	// PluginID and PluginName name the plugin that declares the role;
	// both are empty for a core role.
	PluginID   string `json:"plugin_id,omitempty"`
	PluginName string `json:"plugin_name,omitempty"`
	// Active: a core role, or a role of a plugin the tenant enables. Only
	// an active role may be granted; grants of an inactive one are kept
	// and grant nothing until the plugin is enabled again.
	Active bool `json:"active"`
}

// TenantRoles lists the roles that may appear in tenantID: the core roles
// (broadest first), then the roles of every installed plugin, by plugin
// name, each saying whether it is active in the tenant.
func (e *Enforcer) TenantRoles(ctx context.Context, tenantID uint) ([]RoleInfo, error) {
	var out []RoleInfo
	for _, r := range Roles() {
		out = append(out, RoleInfo{Role: r, Active: true})
	}
	if e.opts.Plugins == nil {
		return out, nil
	}
	ps, err := e.opts.Plugins.TenantPlugins(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("authz: plugins of tenant %d: %w", tenantID, err)
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	for _, p := range ps {
		for _, r := range p.Roles {
			out = append(out, RoleInfo{Role: r, PluginID: p.ID, PluginName: p.Name, Active: p.Enabled})
		}
	}
	return out, nil
}

// GrantableRoles lists the roles that may be granted in tenantID now: the
// core roles and the roles of the plugins the tenant enables (the role
// picker of the admin pages).
func (e *Enforcer) GrantableRoles(ctx context.Context, tenantID uint) ([]RoleInfo, error) {
	all, err := e.TenantRoles(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, r := range all {
		if r.Active {
			out = append(out, r)
		}
	}
	return out, nil
}

// checkGrantable refuses a role that may not be granted in the tenant now,
// saying why: unknown, or a role of a plugin the tenant does not enable.
func (e *Enforcer) checkGrantable(ctx context.Context, tenantID uint, role string) error {
	if isCoreRole(role) {
		return nil
	}
	roles, err := e.TenantRoles(ctx, tenantID)
	if err != nil {
		return err
	}
	for _, r := range roles {
		if r.Name != role {
			continue
		}
		if !r.Active {
			return &ValidationError{Field: "role", Message: fmt.Sprintf(
				"%q is a role of the plugin %s (%s), which this organisation does not enable: enable the plugin to grant it", role, r.PluginName, r.PluginID)}
		}
		return nil
	}
	return &ValidationError{Field: "role", Message: fmt.Sprintf("%q is not a known role", role)}
}

// tenantPlugins is what a tenant's state keeps of the plugin source: the
// plugins it enables and the roles active in it. nil without a source.
type tenantPlugins struct {
	enabled map[string]bool
	roles   map[string]bool
}

func (e *Enforcer) loadTenantPlugins(ctx context.Context, tenantID uint) (*tenantPlugins, error) {
	if e.opts.Plugins == nil {
		return nil, nil
	}
	ps, err := e.opts.Plugins.TenantPlugins(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("authz: plugins of tenant %d: %w", tenantID, err)
	}
	tp := &tenantPlugins{enabled: map[string]bool{}, roles: map[string]bool{}}
	for _, p := range ps {
		if !p.Enabled {
			continue
		}
		tp.enabled[p.ID] = true
		for _, r := range p.Roles {
			tp.roles[r.Name] = true
		}
	}
	return tp, nil
}

// activeGrant reports whether g grants anything: a core role always, a
// plugin's role only while the tenant enables the plugin.
func (tp *tenantPlugins) activeGrant(g Grant) bool {
	return tp == nil || isCoreRole(g.Role) || tp.roles[g.Role]
}

// ActiveRole reports whether grants of role grant anything in tenantID now:
// a core role always, a plugin's role while the tenant enables the plugin.
// It answers from the tenant's permission state in memory.
func (e *Enforcer) ActiveRole(ctx context.Context, tenantID uint, role string) (bool, error) {
	if isCoreRole(role) {
		return true, nil
	}
	st, err := e.state(ctx, tenantID)
	if err != nil {
		return false, err
	}
	return st.data.plugins.activeGrant(Grant{Role: role}), nil
}

// holds reports whether the lines of plugin source hold in the tenant.
func (tp *tenantPlugins) holds(source string) bool { return tp == nil || tp.enabled[source] }

// Reload drops every tenant's permission state on this node, so the next
// check rebuilds it from the database and the plugin source: the plugin
// runtime calls it after it enabled, disabled or installed a plugin (other
// nodes see the authz revision the registry bumped).
func (e *Enforcer) Reload() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dropAllLocked()
}
