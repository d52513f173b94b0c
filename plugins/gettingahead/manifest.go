package main

import (
	"slices"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/demo"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/jobs"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/web"
)

// Version is the plugin's version; CHANGELOG.md says what each one changed.
const Version = "0.1.0"

// roles joins role lists without repeats.
func roles(lists ...[]string) []string {
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

// Default grants. The programme's people and the roles that stand for them
// are named once, in rules/roles.go: programme managers (at a cohort's
// unit), coaches, participants (and senior leaders who may apply), and a
// participant's headteacher, who reads only what the participant shares.
func manifest() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id:             "gettingahead",
		Name:           "Getting Ahead London",
		Version:        Version,
		MinCoreVersion: "0.1.0",
		Description:    "Getting Ahead London: experienced heads coach aspiring heads for a year, matched by a stable match; sessions, hours, events and the impact the funder asks for.",
		Permissions: []*pluginv1.PermissionDecl{
			{Name: web.PermRead, Description: "See the programme's front page and one's own part in it (a participant's record and coach, a coach's participants)",
				DefaultRoles: roles(rules.ManagerRoles, rules.CoachRoles, rules.ParticipantRoles)},
			{Name: web.PermApply, Description: "Apply to a cohort as an aspiring head", DefaultRoles: roles(rules.ParticipantRoles)},
			{Name: web.PermCoaching, Description: "Act in one's own pair: rank, log sessions, write private notes, record self-assessments and outcomes",
				DefaultRoles: roles(rules.CoachRoles, rules.ParticipantRoles)},
			{Name: web.PermManage, Description: "Run a cohort at its unit: applications, coaches, the match, withdrawals, events, every pair's hours (never private notes)",
				DefaultRoles: roles(rules.ManagerRoles)},
			{Name: web.PermShared, Description: "As a headteacher, read the record a participant at the school shares", DefaultRoles: roles(rules.HeadRoles)},
			{Name: web.PermReport, Description: "Read a cohort's report for the funder", DefaultRoles: roles(rules.ManagerRoles, rules.ReportRoles)},
			{Name: web.PermExport, Description: "Download a cohort's anonymised export for the evaluator", DefaultRoles: roles(rules.ManagerRoles)},
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
