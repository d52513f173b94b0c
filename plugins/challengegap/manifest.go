package main

import (
	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/demo"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/jobs"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/web"
)

// Version is the plugin's version; CHANGELOG.md says what each one changed.
const Version = "0.4.1"

// Default grants. The core's roles stand for the programme's people: the
// central team and tenant admins run the programme; headteachers and
// senior leaders are the school leaders; teachers and para-professionals
// the school team members (their team membership is checked by the plugin);
// trust leaders, senior partners and hub managers read. Cluster leads and
// programme leads are recorded per cluster and year by the plugin (README).
var (
	readers = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleSeniorPartner, sdk.RoleHubManager, sdk.RoleTrustLeader,
		sdk.RoleHeadteacher, sdk.RoleSeniorLeader, sdk.RoleTeacher, sdk.RoleParaProfessional}
	managers    = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam}
	schoolLeads = []string{sdk.RoleTenantAdmin, sdk.RoleHeadteacher, sdk.RoleSeniorLeader}
	schoolTeam  = []string{sdk.RoleTenantAdmin, sdk.RoleHeadteacher, sdk.RoleSeniorLeader, sdk.RoleTeacher, sdk.RoleParaProfessional}
	// Pupil-level data: the school's staff and trust leaders; never the
	// central team, senior partners or hub managers (aggregates only).
	pupilReaders = []string{sdk.RoleTenantAdmin, sdk.RoleTrustLeader, sdk.RoleHeadteacher, sdk.RoleSeniorLeader, sdk.RoleTeacher, sdk.RoleParaProfessional}
)

func manifest() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id:             "challengegap",
		Name:           "Challenge the Gap",
		Version:        Version,
		MinCoreVersion: "0.1.0",
		Description:    "Challenge the Gap: school teams in clusters and trios trial strategies with their disadvantaged target pupils.",
		Permissions: []*pluginv1.PermissionDecl{
			{Name: web.PermRead, Description: "See Challenge the Gap: years, clusters, recruitment, strategies, and the pages of schools within reach", DefaultRoles: readers},
			{Name: web.PermManage, Description: "Set up programme years and clusters, name their leads, keep the strategies catalogue", DefaultRoles: managers},
			{Name: web.PermSchoolLead, Description: "Lead a school in the programme: express interest, choose the team, decide on trials", DefaultRoles: schoolLeads},
			{Name: web.PermSchoolWork, Description: "Work on a school's team: record strategies trialled (team members only)", DefaultRoles: schoolTeam},
			{Name: web.PermCohortRead, Description: "See a school's target cohort pupil by pupil", DefaultRoles: pupilReaders},
			{Name: web.PermCohortWrite, Description: "Choose a school's target cohort (team members and school leaders)", DefaultRoles: schoolTeam},
		},
		Routes:     web.Decls(),
		Navigation: []*pluginv1.NavItem{{Label: "Challenge the Gap", Path: "/", Permission: web.PermRead}},
		Jobs: []*pluginv1.JobDecl{{Name: jobs.SyncName, Description: "Refresh the names and phases of the programme's schools and the names of team members",
			MaxRetry: 3, TimeoutSeconds: 300},
			{Name: jobs.RemindName, Description: "On the first day of a snapshot month, mail the teams whose snapshot is due",
				MaxRetry: 3, TimeoutSeconds: 300},
			{Name: jobs.NewsletterName, Description: "Once a term, mail the teams of participating schools a digest: new resources, upcoming workshops, the cluster's figures (small counts suppressed)",
				MaxRetry: 3, TimeoutSeconds: 300},
			{Name: demo.Name, Description: "Fill the programme with demo data (run by `upwards demo` as the tenant admin; does nothing once a programme year exists)",
				MaxRetry: 1, TimeoutSeconds: 600}},
		Schedules: []*pluginv1.ScheduleDecl{{Job: jobs.SyncName, Cron: "30 2 * * *"}, {Job: jobs.RemindName, Cron: "0 7 1 * *"},
			{Job: jobs.NewsletterName, Cron: "0 7 15 1,4,9 *"}},
		Settings: []*pluginv1.SettingDecl{
			{Key: web.SettingExamYears, Label: "Exam years", Type: pluginv1.SettingType_SETTING_TYPE_STRING, DefaultValue: "6,11,13",
				Description: "Year groups that sit national tests or exams, separated by commas; a target pupil in one of them gets a warning."},
			{Key: web.SettingCohortSize, Label: "Target cohort size", Type: pluginv1.SettingType_SETTING_TYPE_INT, DefaultValue: "15",
				Description: "About how many pupils a school's target cohort has."},
			{Key: web.SettingSnapshots, Label: "Termly snapshots", Type: pluginv1.SettingType_SETTING_TYPE_STRING, DefaultValue: "October,March,July",
				Description: "The months of the snapshots after the baseline, in the order of the year, separated by commas."},
		},
		Events: []string{"tenant.enabled", "school.changed"},
		// The core's home and school pages (package home): a panel for
		// each school the viewer may see the programme page of, the
		// viewer's to-dos (asked of everyone who reads the programme; the
		// plugin gives each only their own), and the headline figures for
		// those who read it at the tenant's root.
		Extensions: []*pluginv1.ExtensionDecl{
			{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: web.PermRead},
			{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: web.PermRead},
			{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: web.PermRead},
		},
	}
}
