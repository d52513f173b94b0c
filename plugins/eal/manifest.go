package main

import (
	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/eal/internal/demo"
	"github.com/challengepartners/upwards/plugins/eal/internal/extensions"
	"github.com/challengepartners/upwards/plugins/eal/internal/roles"
	"github.com/challengepartners/upwards/plugins/eal/internal/web"
)

// Version is the plugin's version; CHANGELOG.md says what each one changed.
const Version = "0.2.1"

// The programme's own roles (package roles), granted by tenant admins at
// org units: the trial manager at the tenant's root, a delivery-centre lead
// and the centre's facilitators at the centre, a delegate at their school,
// the evaluator at the root (read-only and pseudonymised).
const (
	RoleTrialManager = roles.TrialManager
	RoleCentreLead   = roles.CentreLead
	RoleFacilitator  = roles.Facilitator
	RoleDelegate     = roles.Delegate
	RoleEvaluator    = roles.Evaluator
)

// Default grants. The core's roles stand for the trial's other people:
// tenant admins hold everything the trial manager does (they run the demo);
// the central team reads; headteachers and senior leaders act for their
// school (express interest, name delegates) and, with teachers, record their
// EAL pupils' codes and scores (pupil-level data: school staff only, never
// the central team or the evaluator, who sees pseudonyms).
var (
	readers     = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleHeadteacher, sdk.RoleSeniorLeader, RoleTrialManager, RoleCentreLead, RoleFacilitator, RoleDelegate}
	managers    = []string{sdk.RoleTenantAdmin, RoleTrialManager}
	joiners     = []string{sdk.RoleTenantAdmin, sdk.RoleHeadteacher, sdk.RoleSeniorLeader, RoleTrialManager}
	centreLeads = []string{sdk.RoleTenantAdmin, RoleTrialManager, RoleCentreLead}
	facilitator = []string{sdk.RoleTenantAdmin, RoleCentreLead, RoleFacilitator}
	delegates   = []string{sdk.RoleHeadteacher, sdk.RoleSeniorLeader, sdk.RoleTeacher, RoleDelegate}
	pupilStaff  = []string{sdk.RoleTenantAdmin, sdk.RoleHeadteacher, sdk.RoleSeniorLeader, sdk.RoleTeacher}
	evaluators  = []string{sdk.RoleTenantAdmin, RoleTrialManager, RoleEvaluator}
)

func manifest() *pluginv1.Manifest {
	str := pluginv1.SettingType_SETTING_TYPE_STRING
	return &pluginv1.Manifest{
		Id:             "eal",
		Name:           "EAL in the mainstream classroom",
		Version:        Version,
		MinCoreVersion: "0.4.0", // plugin-declared roles
		Description:    "EAL in the mainstream classroom, run as the randomised controlled trial it is: recruitment, a concealed and verifiable randomisation, delivery, pupils' outcomes and the evaluator's pseudonymised exports.",
		Permissions: []*pluginv1.PermissionDecl{
			{Name: web.PermRead, Description: "See the EAL trial: phases, CONSORT diagram, progress, and the pages of the schools and centres within reach", DefaultRoles: readers},
			{Name: web.PermManage, Description: "Run the EAL trial: centres, recruitment, eligibility, agreements, withdrawals, the randomisation and the evaluator's exports", DefaultRoles: managers},
			{Name: web.PermJoin, Description: "Act for a school in the EAL trial: express its interest and name its delegates", DefaultRoles: joiners},
			{Name: web.PermCentre, Description: "Run a delivery centre: date its three days and record attendance", DefaultRoles: centreLeads},
			{Name: web.PermSession, Description: "Log a course day and its fidelity to the programme (trained facilitators)", DefaultRoles: facilitator},
			{Name: web.PermAssess, Description: "Answer one's own self-assessment as a delegate", DefaultRoles: delegates},
			{Name: web.PermPupils, Description: "Record a school's EAL pupils' proficiency codes, scores, GCSE results and parents' objections", DefaultRoles: pupilStaff},
			{Name: web.PermResearch, Description: "The evaluator's view: the allocation, its re-derivation, the CONSORT diagram and the pseudonymised exports", DefaultRoles: evaluators},
		},
		Roles: []*pluginv1.RoleDecl{
			{Name: RoleTrialManager, Label: "EAL trial manager", Description: "Runs the EAL trial: centres, recruitment, the randomisation, withdrawals and the evaluator's exports. Grant at the tenant's root, with the central team's role to read schools and people."},
			{Name: RoleCentreLead, Label: "EAL delivery-centre lead", Description: "Runs a delivery centre of the EAL trial: its three days and the delegates' attendance. Grant at the centre."},
			{Name: RoleFacilitator, Label: "EAL facilitator", Description: "Facilitates the EAL course at a delivery centre and logs its sessions once trained there. Grant at the centre."},
			{Name: RoleDelegate, Label: "EAL delegate", Description: "A teacher on the EAL course: sees their course and answers the self-assessments. Grant at their school."},
			{Name: RoleEvaluator, Label: "EAL evaluator", Description: "The trial's evaluator: the allocation, its re-derivation and the pseudonymised exports, nothing identifying. Grant at the tenant's root."},
		},
		Navigation: []*pluginv1.NavItem{{Label: "EAL trial", Path: "/", Permission: web.PermRead},
			{Label: "EAL trial data", Path: "/research", Permission: web.PermResearch}},
		// The core's home and school pages: a panel per trial school for
		// those who read its trial page, each person's to-dos (narrowed by
		// the plugin to what they may do), the headline figures for those
		// who read the trial at the root. Never the evaluator.
		Extensions: []*pluginv1.ExtensionDecl{
			{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: extensions.PanelPermission},
			{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: extensions.TodosPermission},
			{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: extensions.FiguresPermission},
		},
		Jobs: []*pluginv1.JobDecl{{Name: demo.Name, Description: "Fill the EAL trial with demo data (run by `upwards demo` as the tenant admin; does nothing once a trial exists)",
			MaxRetry: 1, TimeoutSeconds: 600}},
		Settings: []*pluginv1.SettingDecl{
			{Key: web.SettingPhases, Label: "Eligible phases", Type: str, DefaultValue: "Secondary,All-through",
				Description: "School phases that may take part, separated by commas (Primary, Secondary, All-through, Middle, 16 plus, Special, Alternative provision)."},
			{Key: web.SettingMinEAL, Label: "Least share of EAL pupils (per cent)", Type: pluginv1.SettingType_SETTING_TYPE_INT, DefaultValue: "10",
				Description: "A school with fewer pupils with English as an additional language is not eligible."},
			{Key: web.SettingExcludeOthers, Label: "Exclude schools in another EAL trial", Type: pluginv1.SettingType_SETTING_TYPE_BOOL, DefaultValue: "true",
				Description: "A school taking part in another EAL trial is not eligible."},
			{Key: web.SettingStratifyBy, Label: "Stratify by", Type: str, DefaultValue: "centre",
				Description: "The randomisation's strata: the delivery centre always, and any of phase, eal, fsm, separated by commas."},
			{Key: web.SettingEALCut, Label: "EAL stratum cut (per cent)", Type: pluginv1.SettingType_SETTING_TYPE_INT, DefaultValue: "30",
				Description: "With eal among the strata: schools at or above this share of EAL pupils form their own stratum."},
			{Key: web.SettingFSMCut, Label: "FSM stratum cut (per cent)", Type: pluginv1.SettingType_SETTING_TYPE_INT, DefaultValue: "25",
				Description: "With fsm among the strata: schools at or above this share of FSM pupils form their own stratum."},
			{Key: web.SettingPupilYears, Label: "Pupils' year groups", Type: str, DefaultValue: "7,8,9,10,11",
				Description: "The year groups whose EAL pupils join the trial, separated by commas."},
		},
	}
}
