package pluginhost

import (
	"context"
	"fmt"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

var _ authz.PluginSource = (*Registry)(nil)

// TenantPlugins implements authz.PluginSource: every registered plugin with
// the roles its manifest declares (then, deprecated, the undeclared
// "{id}_…" roles its default grants name) and whether tenantID enables it.
// The registry bumps the authz revision whenever the answer may change
// (enable, disable, install, upgrade), so every node's enforcer reloads.
func (r *Registry) TenantPlugins(ctx context.Context, tenantID uint) ([]authz.PluginInfo, error) {
	plugins, err := r.List(ctx)
	if err != nil {
		return nil, err
	}
	var on []string
	if err := r.db.WithContext(ctx).Model(&pluginTenant{}).Where("tenant_id = ?", tenantID).Pluck("plugin_id", &on).Error; err != nil {
		return nil, fmt.Errorf("plugins of tenant %d: %w", tenantID, err)
	}
	enabled := map[string]bool{}
	for _, id := range on {
		enabled[id] = true
	}
	out := make([]authz.PluginInfo, 0, len(plugins))
	for _, p := range plugins {
		roles, err := r.roles(p)
		if err != nil {
			return nil, err
		}
		out = append(out, authz.PluginInfo{ID: p.ID, Name: p.Name, Enabled: enabled[p.ID], Roles: roles})
	}
	return out, nil
}

// roles returns the roles of build p, decoded from its manifest once per
// checksum.
func (r *Registry) roles(p Plugin) ([]authz.Role, error) {
	if v, ok := r.roleCache.Load(p.SHA256); ok {
		return v.([]authz.Role), nil
	}
	m, err := p.Manifest()
	if err != nil {
		return nil, err
	}
	var out []authz.Role
	for _, d := range m.GetRoles() {
		out = append(out, authz.Role{Name: d.GetName(), Label: d.GetLabel(), Description: d.GetDescription()})
	}
	for _, name := range contract.LegacyRoles(m, roleNames()) {
		out = append(out, authz.Role{Name: name, Label: name,
			Description: fmt.Sprintf("A role %s names without declaring it (plugins built before roles were declared).", p.Name)})
	}
	r.roleCache.Store(p.SHA256, out)
	return out, nil
}
