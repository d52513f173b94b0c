package pluginhost

import (
	"context"
	"fmt"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// policyLines are the role→permission lines of a manifest's default roles.
func policyLines(m *pluginv1.Manifest) [][2]string {
	var out [][2]string
	for _, p := range m.GetPermissions() {
		for _, r := range p.GetDefaultRoles() {
			out = append(out, [2]string{r, p.GetName()})
		}
	}
	return out
}

// ensurePolicies applies the permission lines of build p (once per build).
// Casbin's policy lines are install-wide, not per tenant: a tenant that does
// not enable the plugin gets the lines too, but its routes answer 404 there,
// its navigation is not shown and its Host calls are refused, so the lines
// grant nothing usable.
func (rt *Runtime) ensurePolicies(ctx context.Context, p Plugin, m *pluginv1.Manifest) error {
	rt.mu.Lock()
	applied := rt.policies[p.ID] == p.SHA256
	rt.mu.Unlock()
	if applied {
		return nil
	}
	rt.deps.Authz.RemovePolicies(p.ID)
	if err := rt.deps.Authz.AddPolicies(ctx, p.ID, policyLines(m)); err != nil {
		return fmt.Errorf("permissions of plugin %s: %w", p.ID, err)
	}
	rt.mu.Lock()
	rt.policies[p.ID] = p.SHA256
	rt.mu.Unlock()
	return nil
}

// dropPolicies removes plugin id's lines (no tenant enables it).
func (rt *Runtime) dropPolicies(id string) {
	rt.mu.Lock()
	_, applied := rt.policies[id]
	delete(rt.policies, id)
	rt.mu.Unlock()
	if applied {
		rt.deps.Authz.RemovePolicies(id)
	}
}
