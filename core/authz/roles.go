package authz

// Core roles. A role is granted to a user at an org unit and applies there and
// in every unit beneath it. What each role may do is in policies/core_policy.csv.
const (
	RoleTenantAdmin      = "tenant_admin"
	RoleCentralTeam      = "central_team"
	RoleSeniorPartner    = "senior_partner"
	RoleHubManager       = "hub_manager"
	RoleTrustLeader      = "trust_leader"
	RoleHeadteacher      = "headteacher"
	RoleSeniorLeader     = "senior_leader"
	RoleTeacher          = "teacher"
	RoleParaProfessional = "para_professional"
	RoleLeadReviewer     = "lead_reviewer"
	RoleReviewer         = "reviewer"
)

// Role describes one role for admin pages.
type Role struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// Roles lists the core roles, broadest first.
func Roles() []Role {
	return []Role{
		{RoleTenantAdmin, "Tenant admin", "Administers the tenant: units, people, roles, settings, audit log. Usually granted at the tenant's root unit."},
		{RoleCentralTeam, "Central Team", "Runs programmes nationally; sees schools and aggregates, not pupil-level data."},
		{RoleSeniorPartner, "Senior Partner", "Elected head who leads a local hub; sees the hub's schools, not their pupils."},
		{RoleHubManager, "Hub Manager", "Manages a hub; sees the hub's schools and reviews, not their pupils."},
		{RoleTrustLeader, "Trust leader", "Leader of a multi-academy trust; sees every school of the trust, pupils included."},
		{RoleHeadteacher, "Headteacher", "Leads a school; sees its staff and pupils."},
		{RoleSeniorLeader, "Senior leader", "Member of a school's senior leadership team; sees its staff and pupils."},
		{RoleTeacher, "Teacher", "Classroom teacher; sees the school and its pupils."},
		{RoleParaProfessional, "Para-professional", "Teaching assistant, pastoral or learning mentor, librarian; sees the school and its pupils."},
		{RoleLeadReviewer, "Lead Reviewer", "Leads QA reviews; sees the schools reviewed, not their pupils."},
		{RoleReviewer, "Reviewer", "Senior leader reviewing other schools; sees the schools reviewed, not their pupils."},
	}
}

func isCoreRole(name string) bool {
	for _, r := range Roles() {
		if r.Name == name {
			return true
		}
	}
	return false
}
