package web

import (
	"context"
	"strconv"

	"github.com/challengepartners/upwards/core/authz"
)

// roleCatalog is every role that may appear in a tenant (core roles and
// the roles of installed plugins), by name, as authz.TenantRoles lists them.
type roleCatalog map[string]authz.RoleInfo

func (s *Server) roleCatalog(ctx context.Context, tenantID uint) (roleCatalog, error) {
	roles, err := s.Authz.TenantRoles(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make(roleCatalog, len(roles))
	for _, r := range roles {
		out[r.Name] = r
	}
	return out, nil
}

// label is how a role is shown: its label, with the plugin's name for a
// plugin's role; the bare name for a role no installed plugin declares.
func (rc roleCatalog) label(name string) string {
	r, ok := rc[name]
	switch {
	case !ok:
		return name
	case r.PluginName != "":
		return r.Label + " (" + r.PluginName + ")"
	}
	return r.Label
}

// inactive says why a grant of role grants nothing in the tenant, or "" when it does.
func (rc roleCatalog) inactive(name string) string {
	r, ok := rc[name]
	switch {
	case !ok:
		return "inactive: no installed plugin declares this role, so it grants nothing"
	case !r.Active:
		return "inactive: " + r.PluginName + " is not enabled for this organisation; the grant is kept and applies again if it is enabled"
	}
	return ""
}

// roleGroup is one group of the role picker: the core roles, or one
// plugin's roles.
type roleGroup struct {
	Label string
	Roles []authz.RoleInfo
}

// roleGroups groups the roles that may be granted (authz.GrantableRoles):
// the core roles first, then each enabled plugin's, in the order given.
func roleGroups(roles []authz.RoleInfo) []roleGroup {
	var out []roleGroup
	for _, r := range roles {
		label := "Core roles"
		if r.PluginName != "" {
			label = r.PluginName
		}
		if len(out) == 0 || out[len(out)-1].Label != label {
			out = append(out, roleGroup{Label: label})
		}
		out[len(out)-1].Roles = append(out[len(out)-1].Roles, r)
	}
	return out
}

type grantView struct {
	ID        uint
	Role      string
	RoleLabel string
	UnitID    uint
	UnitName  string
	// Inactive says why the grant grants nothing (a role of a plugin the
	// tenant does not enable); empty for an active grant.
	Inactive string
}

func (s *Server) grantViews(ctx context.Context, tenantID uint, gs []authz.Grant) ([]grantView, error) {
	rc, err := s.roleCatalog(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]grantView, 0, len(gs))
	for _, g := range gs {
		name := strconv.FormatUint(uint64(g.UnitID), 10)
		if u, err := s.Tenancy.GetUnit(ctx, tenantID, g.UnitID); err == nil {
			name = u.Name
		}
		label := rc.label(g.Role)
		out = append(out, grantView{ID: g.ID, Role: label, RoleLabel: label, UnitID: g.UnitID, UnitName: name, Inactive: rc.inactive(g.Role)})
	}
	return out, nil
}
