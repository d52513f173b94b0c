package authz

import "strings"

// Core permissions, "<namespace>.<object>.<action>". Plugins define their own
// under their plugin id as namespace.
const (
	PermDashboardView = "core.dashboard.view"
	PermOrgUnitRead   = "core.orgunit.read"
	PermOrgUnitWrite  = "core.orgunit.write"
	PermSchoolRead    = "core.school.read"
	PermPupilRead     = "core.pupil.read"
	PermPupilWrite    = "core.pupil.write"
	PermPupilImport   = "core.pupil.import"
	PermUserRead      = "core.user.read"
	PermUserWrite     = "core.user.write"
	PermRoleGrant     = "core.role.grant"
	PermTenantRead    = "core.tenant.read"
	PermTenantWrite   = "core.tenant.write"
	PermAuditRead     = "core.audit.read"
	PermPrivacyManage = "core.privacy.manage"
	PermJobsAdmin     = "core.jobs.admin"
)

// Pseudo-permissions, answered without Casbin: PermPublic holds for everyone,
// signed in or not; PermAuthenticated for any signed-in user (userID != 0).
const (
	PermPublic        = "public"
	PermAuthenticated = "authenticated"
)

// Permission describes one permission for documentation and admin pages.
type Permission struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Permissions lists the core permissions, the pseudo-permissions last.
func Permissions() []Permission {
	return []Permission{
		{PermDashboardView, "See the dashboard of the units one works in."},
		{PermOrgUnitRead, "See org units (trusts, hubs, clusters, schools) and how they are linked."},
		{PermOrgUnitWrite, "Create, edit and link org units."},
		{PermSchoolRead, "See a school's details and school-level figures."},
		{PermPupilRead, "See pupil-level data of a school: names, dates of birth, flags (every read is audited)."},
		{PermPupilWrite, "Add, edit, move and mark as left the pupils of a school; see their UPN."},
		{PermPupilImport, "Import a file of pupils for a school."},
		{PermUserRead, "See the people of a unit and their roles."},
		{PermUserWrite, "Create, edit and disable user accounts."},
		{PermRoleGrant, "Grant and revoke roles at org units."},
		{PermTenantRead, "See the tenant's settings."},
		{PermTenantWrite, "Change the tenant's settings and enabled plugins."},
		{PermAuditRead, "Read and export the tenant's audit log."},
		{PermPrivacyManage, "Export and erase a pupil's data across the core and every plugin (subject rights)."},
		{PermJobsAdmin, "Operate background jobs (install operators only; no role grants it)."},
		{PermPublic, "Anyone, without signing in (not a Casbin permission)."},
		{PermAuthenticated, "Any signed-in user (not a Casbin permission)."},
	}
}

// pseudo answers the pseudo-permissions; handled is false for any other.
func pseudo(perm string, userID uint) (ok, handled bool) {
	switch perm {
	case PermPublic:
		return true, true
	case PermAuthenticated:
		return userID != 0, true
	}
	return false, false
}

// validPermission reports whether p has the shape "<namespace>.<object>.<action>"
// of lower-case letters, digits and underscores.
func validPermission(p string) bool {
	parts := strings.Split(p, ".")
	if len(parts) != 3 {
		return false
	}
	for _, s := range parts {
		if !validName(s) {
			return false
		}
	}
	return true
}

// validName reports whether s is a non-empty identifier of lower-case letters,
// digits and underscores, starting with a letter (role names, namespaces).
func validName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
