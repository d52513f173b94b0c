// Package roles names the EAL trial's own roles, the one place they are
// spelt: the manifest declares them (RoleDecl, "{id}.{role}") and names
// them in its default grants,
// the demo looks for the facilitators by role, and the tests act as them.
// Tenant admins grant them at org units: the trial manager and the
// evaluator at the tenant's root, a centre lead and facilitators at a
// delivery centre, a delegate at their school.
package roles

// The programme's roles. They carry only the plugin's permissions: someone
// who must also read schools or people holds a core role for that.
const (
	// TrialManager runs the trial: centres, recruitment, the randomisation,
	// withdrawals and the evaluator's exports.
	TrialManager = "eal.trial_manager"
	// CentreLead runs a delivery centre: its days and attendance.
	CentreLead = "eal.centre_lead"
	// Facilitator facilitates the course at a centre and logs its sessions.
	Facilitator = "eal.facilitator"
	// Delegate is a teacher on the course, who answers the self-assessments.
	Delegate = "eal.delegate"
	// Evaluator reads the pseudonymised view and exports, nothing else.
	Evaluator = "eal.evaluator"
)
