package rules

// The programme's people and the roles that stand for them. Every default
// grant of the manifest and every role the plugin asks the core about is
// named here, so that the plugin's own roles replace these in one edit.
//
// Until the core declares plugin roles, core roles stand in: the central
// team (granted at a cohort unit, or at the root) runs cohorts as
// programme manager; headteachers and trust leaders coach; senior leaders
// apply and take part; a participant's headteacher reads what they share.
var (
	// ManagerRoles run cohorts (at the cohort's unit).
	ManagerRoles = []string{"central_team"}
	// CoachRoles coach: the people a manager recruits coaches among.
	CoachRoles = []string{"headteacher", "trust_leader"}
	// ParticipantRoles apply and take part.
	ParticipantRoles = []string{"senior_leader"}
	// HeadRoles read the records their school's participants share.
	HeadRoles = []string{"headteacher"}
	// ReportRoles read the funder's report besides the managers.
	ReportRoles = []string{"tenant_admin", "central_team"}
)
