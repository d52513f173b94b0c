// Package roles names the programme's people: the three roles the plugin
// declares (a tenant admin grants them at an org unit on the core's user
// pages) and the core roles that stand beside them. Every default grant of
// the manifest and every role the plugin asks the core about is named here.
package roles

import "github.com/challengepartners/upwards/plugins/sdk"

// ID is the plugin's id, the prefix of its roles.
const ID = "gettingahead"

// The plugin's roles.
var (
	// ProgrammeManager runs the cohorts of the unit it is granted at (a
	// cohort unit): applications, coaches, the match, events, the report and
	// the export. Its pages list the unit's schools and people from the core,
	// so a programme manager also holds a core role that reads them there
	// (the central team, as the demo grants).
	ProgrammeManager = sdk.PluginRole(ID, "programme_manager")
	// Coach coaches participants: ranks them, logs sessions, writes notes.
	// Granted at the coach's school (or the cohort unit); the plugin shows a
	// coach only their own participants.
	Coach = sdk.PluginRole(ID, "coach")
	// Participant takes part: ranks coaches, logs sessions, records
	// self-assessments, applications and promotions, shares their record.
	Participant = sdk.PluginRole(ID, "participant")
)

// Who holds what, by default.
var (
	// Managers run cohorts (at the cohort's unit).
	Managers = []string{ProgrammeManager}
	// Members are the people in a cohort: coaches and participants.
	Members = []string{Coach, Participant}
	// Applicants may apply to a cohort: senior leaders who aspire to headship.
	Applicants = []string{sdk.RoleSeniorLeader}
	// CoachCandidates are the people a manager recruits coaches among:
	// headteachers, trust leaders and those holding the coach role.
	CoachCandidates = []string{Coach, sdk.RoleHeadteacher, sdk.RoleTrustLeader}
	// Heads read the records their school's participants share with them.
	Heads = []string{sdk.RoleHeadteacher}
	// ReportReaders read the funder's report besides the managers: the
	// central team, which runs programmes nationally.
	ReportReaders = []string{sdk.RoleCentralTeam}
)
