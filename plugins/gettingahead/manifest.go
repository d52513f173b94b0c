package main

import (
	"slices"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/demo"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/jobs"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/roles"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/web"
)

// Version is the plugin's version; CHANGELOG.md says what each one changed.
const Version = "0.2.0"

// join joins role lists without repeats.
func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, r := range l {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// Default grants. The programme's people are named once, in package roles:
// the plugin's programme managers (at a cohort's unit), coaches and
// participants; senior leaders, who may apply; a participant's headteacher,
// who reads only what the participant shares; the central team, which reads
// the funder's report.
func manifest() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id:             "gettingahead",
		Name:           "Getting Ahead London",
		Version:        Version,
		MinCoreVersion: "0.1.0",
		Description:    "Getting Ahead London: experienced heads coach aspiring heads for a year, matched by a stable match; sessions, hours, events and the impact the funder asks for.",
		Permissions: []*pluginv1.PermissionDecl{
			{Name: web.PermRead, Description: "See the programme's front page and one's own part in it (a participant's record and coach, a coach's participants)",
				DefaultRoles: join(roles.Managers, roles.Members, roles.Applicants)},
			{Name: web.PermApply, Description: "Apply to a cohort as an aspiring head", DefaultRoles: join(roles.Applicants)},
			{Name: web.PermCoaching, Description: "Act in one's own pair: rank, log sessions, write private notes, record self-assessments and outcomes",
				DefaultRoles: join(roles.Members)},
			{Name: web.PermManage, Description: "Run a cohort at its unit: applications, coaches, the match, withdrawals, events, every pair's hours (never private notes)",
				DefaultRoles: join(roles.Managers)},
			{Name: web.PermShared, Description: "As a headteacher, read the record a participant at the school shares", DefaultRoles: join(roles.Heads)},
			{Name: web.PermReport, Description: "Read a cohort's report for the funder", DefaultRoles: join(roles.Managers, roles.ReportReaders)},
			{Name: web.PermExport, Description: "Download a cohort's anonymised export for the evaluator", DefaultRoles: join(roles.Managers)},
			{Name: web.PermSchoolPanel, Description: "See the programme's panel on a school's page: only what one sees of the school's part already (one's own record, the cohorts one runs, what a participant shares with their headteacher)",
				DefaultRoles: join(roles.Managers, roles.Members, roles.Heads)},
		},
		// The core's home and school pages: a school's panel (to its
		// cohorts' managers, its coaches and participants about themselves,
		// its head about those who share), the to-dos of coaches,
		// participants and managers, and the headline figures for those who
		// read every cohort's report (the permission held at the root).
		Extensions: []*pluginv1.ExtensionDecl{
			{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: web.PermSchoolPanel},
			{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: web.PermRead},
			{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: web.PermReport},
		},
		Roles: []*pluginv1.RoleDecl{
			{Name: roles.ProgrammeManager, Label: "Programme manager (Getting Ahead London)",
				Description: "Runs the Getting Ahead London cohorts of the unit granted at: applications, coaches, the match, events, the funder's report. Needs a core role that reads the unit's schools and people too, such as the central team."},
			{Name: roles.Coach, Label: "Coach (Getting Ahead London)",
				Description: "An experienced head or trust leader coaching aspiring heads: ranks them, logs sessions, sees only their own participants."},
			{Name: roles.Participant, Label: "Participant (Getting Ahead London)",
				Description: "An aspiring head being coached: sees their own record and coach, logs sessions, records self-assessments and promotions."},
		},
		Navigation: []*pluginv1.NavItem{
			{Label: "Getting Ahead London", Path: "/", Permission: web.PermRead},
			{Label: "Getting Ahead London: shared with you", Path: "/shared", Permission: web.PermShared},
		},
		Jobs: []*pluginv1.JobDecl{
			{Name: jobs.QuietName, Description: "Tell each cohort's programme managers about pairs with no session in six weeks", MaxRetry: 3, TimeoutSeconds: 300},
			{Name: jobs.SyncName, Description: "Read the trusts of the programme's schools from the core, for the match's same-trust rule", MaxRetry: 3, TimeoutSeconds: 300},
			{Name: demo.Name, Description: "Fill the programme with demo data (run by `upwards demo` as the tenant admin; does nothing once a cohort exists)", MaxRetry: 1, TimeoutSeconds: 600},
		},
		Schedules: []*pluginv1.ScheduleDecl{{Job: jobs.QuietName, Cron: "0 7 * * 1"}, {Job: jobs.SyncName, Cron: "30 2 * * *"}},
	}
}
