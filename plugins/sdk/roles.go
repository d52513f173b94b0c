package sdk

import "github.com/challengepartners/upwards/plugins/sdk/contract"

// The core's roles, for a permission's DefaultRoles and for checks of a
// person's grants (pluginv1.RoleGrant.Role). A role is granted to a person at
// an org unit and holds there and beneath it. What each role may do in the
// core is in the core's policies/core_policy.csv; a plugin adds what its own
// permissions allow through DefaultRoles.
const (
	// RoleTenantAdmin administers the tenant (a MAT, the partnership): units,
	// people, roles, settings, the audit log. Usually granted at the root.
	RoleTenantAdmin = "tenant_admin"
	// RoleCentralTeam runs programmes nationally; sees schools and
	// aggregates, not pupil-level data.
	RoleCentralTeam = "central_team"
	// RoleSeniorPartner is the elected head who leads a local hub; sees the
	// hub's schools, not their pupils.
	RoleSeniorPartner = "senior_partner"
	// RoleHubManager manages a hub; sees the hub's schools and reviews, not
	// their pupils.
	RoleHubManager = "hub_manager"
	// RoleTrustLeader leads a multi-academy trust; sees every school of the
	// trust, pupils included.
	RoleTrustLeader = "trust_leader"
	// RoleHeadteacher leads a school; sees its staff and pupils.
	RoleHeadteacher = "headteacher"
	// RoleSeniorLeader is a member of a school's senior leadership team;
	// sees its staff and pupils.
	RoleSeniorLeader = "senior_leader"
	// RoleTeacher is a classroom teacher; sees the school and its pupils.
	RoleTeacher = "teacher"
	// RoleParaProfessional is a teaching assistant, pastoral or learning
	// mentor or librarian; sees the school and its pupils.
	RoleParaProfessional = "para_professional"
	// RoleLeadReviewer leads QA reviews (the QA Lead Reviewer); sees the
	// schools reviewed, not their pupils.
	RoleLeadReviewer = "lead_reviewer"
	// RoleReviewer is a senior leader reviewing other schools; sees the
	// schools reviewed, not their pupils.
	RoleReviewer = "reviewer"
)

// CoreRoles lists the core's roles, broadest first, as the core lists them.
func CoreRoles() []string {
	return []string{RoleTenantAdmin, RoleCentralTeam, RoleSeniorPartner, RoleHubManager, RoleTrustLeader,
		RoleHeadteacher, RoleSeniorLeader, RoleTeacher, RoleParaProfessional, RoleLeadReviewer, RoleReviewer}
}

// PluginRole returns the name of a role the plugin pluginID declares in its
// manifest's Roles: "{pluginID}.{role}", e.g. PluginRole("eal", "evaluator")
// is "eal.evaluator". role is lower-case letters, digits and _, starting
// with a letter. Declaring roles needs core 0.4.0 or later; the SDK raises
// the manifest's MinCoreVersion to that when it is lower.
func PluginRole(pluginID, role string) string { return contract.RoleName(pluginID, role) }
