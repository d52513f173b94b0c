package main

import (
	"slices"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/demo"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/jobs"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/web"
)

// Version is the plugin's version; CHANGELOG.md says what each one changed.
const Version = "0.4.1"

// Default grants. The core's roles stand for the programme's people: the
// central team (and tenant admins) run the programme and read every
// review's state; hub managers keep their hub's plan and read its schools'
// reports; senior partners lead a hub and read its page, not its schools'
// reports (they are heads of other schools); headteachers and senior
// leaders are the host school's leaders (the head agrees the report) and,
// when on the register, reviewers; lead reviewers and reviewers review;
// trust leaders read their trust's schools' reviews. Who sits on which
// review's team is the plugin's own record (the register and the
// allocation), checked on every page.
var (
	everyone     = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleSeniorPartner, sdk.RoleHubManager, sdk.RoleTrustLeader, sdk.RoleHeadteacher, sdk.RoleSeniorLeader, sdk.RoleLeadReviewer, sdk.RoleReviewer}
	centralTeam  = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam}
	hubReaders   = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleSeniorPartner, sdk.RoleHubManager}
	hubPlanners  = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleHubManager}
	reportReader = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleHubManager, sdk.RoleTrustLeader, sdk.RoleHeadteacher, sdk.RoleSeniorLeader}
	hostLeaders  = []string{sdk.RoleTenantAdmin, sdk.RoleHeadteacher, sdk.RoleSeniorLeader}
	hostHeads    = []string{sdk.RoleTenantAdmin, sdk.RoleHeadteacher}
	reviewers    = []string{sdk.RoleTenantAdmin, sdk.RoleLeadReviewer, sdk.RoleReviewer, sdk.RoleHeadteacher, sdk.RoleSeniorLeader}
	trustReaders = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleTrustLeader}
)

// permissions are the plugin's permissions: the QA Review part's, then the
// School Support Directory part's (issue 15), which appends its own list.
func permissions() []*pluginv1.PermissionDecl {
	return slices.Concat(reviewPermissions(), directoryPermissions())
}

// Default grants of the Directory part: every role of the tenant searches
// the Directory (that is its point); a school's head and senior leaders host
// and book days for it; the central team does both for any school.
var (
	allRoles   = sdk.CoreRoles()
	dayHosts   = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleHeadteacher, sdk.RoleSeniorLeader}
	dayBookers = []string{sdk.RoleTenantAdmin, sdk.RoleCentralTeam, sdk.RoleHeadteacher, sdk.RoleSeniorLeader}
)

func directoryPermissions() []*pluginv1.PermissionDecl {
	return []*pluginv1.PermissionDecl{
		{Name: web.PermDirectory, Description: "Search the School Support Directory and its map, see the days on offer, connect with a school, rate a day you attended (no pupil data, no review report)", DefaultRoles: allRoles},
		{Name: web.PermDayHost, Description: "Keep a school's Directory profile and offer its Leadership Development Days: bookings and attendance", DefaultRoles: dayHosts},
		{Name: web.PermDayBook, Description: "Book a school's leaders on Leadership Development Days and events, and cancel its bookings", DefaultRoles: dayBookers},
	}
}

func reviewPermissions() []*pluginv1.PermissionDecl {
	return []*pluginv1.PermissionDecl{
		{Name: web.PermRead, Description: "See the Network of Excellence: years, your hubs, schools and reviews", DefaultRoles: everyone},
		{Name: web.PermManage, Description: "Run the programme: years, members, the review schedule, the reviewer register, the allocation, report publication, news", DefaultRoles: centralTeam},
		{Name: web.PermBoard, Description: "Read the year board, the reviewer register and allocation runs across the network", DefaultRoles: centralTeam},
		{Name: web.PermHubRead, Description: "See a hub's page: its schools, action plan, funding and reviews this year", DefaultRoles: hubReaders},
		{Name: web.PermHubPlan, Description: "Edit a hub's action plan and funding", DefaultRoles: hubPlanners},
		{Name: web.PermReviewRead, Description: "See a school's review history and its reports (as their state allows); never another school's", DefaultRoles: reportReader},
		{Name: web.PermReviewHost, Description: "Host a review: write the self-evaluation, give the host's feedback", DefaultRoles: hostLeaders},
		{Name: web.PermReportAgree, Description: "Agree the school's review report, or return it to the team", DefaultRoles: hostHeads},
		{Name: web.PermReviewerSelf, Description: "A reviewer's own page: trainings, reviews, reports to write, feedback to give", DefaultRoles: reviewers},
		{Name: web.PermTrustRead, Description: "A trust's view across its schools' reviews, by theme", DefaultRoles: trustReaders},
	}
}

// roles are the roles the plugin declares for tenant admins to grant: the
// QA Review part's, then the School Support Directory part's (issue 15),
// which appends its own. The core's roles cover the QA Review's people
// (above: the QA Lead is central_team, Lead Reviewers lead_reviewer), so
// it declares none.
func roles() []*pluginv1.RoleDecl {
	return slices.Concat(reviewRoles())
}

func reviewRoles() []*pluginv1.RoleDecl { return nil }

func manifest() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id:             "networkexcellence",
		Name:           "Network of Excellence",
		Version:        Version,
		MinCoreVersion: "0.4.0", // audit seals (sdk.AuditTx), SendMails, PeopleWhere, SchoolNames
		Description:    "The Network of Excellence: member schools in hubs, the annual peer QA Review with an exact allocation of reviewers, reports and feedback; the School Support Directory with Areas of Excellence and a map; Leadership Development Days.",
		Permissions:    permissions(),
		Roles:          roles(),
		Navigation: []*pluginv1.NavItem{{Label: "Network of Excellence", Path: "/", Permission: web.PermRead},
			{Label: "School Support Directory", Path: "/directory", Permission: web.PermDirectory}},
		Jobs: append(jobs.Decls(), &pluginv1.JobDecl{Name: demo.Name, MaxRetry: 1, TimeoutSeconds: 900,
			Description: "Fill the programme with demo data (run by `upwards demo` as the tenant admin; does nothing once a membership year exists)"}),
		Schedules:  jobs.Schedules(),
		Settings:   settings(),
		Events:     []string{"tenant.enabled", "school.changed", "orgunit.changed"},
		Extensions: extensions(),
	}
}

// extensions are what the plugin contributes to the core's pages, each
// asked only of viewers holding its permission (internal/web/extensions.go
// says why each): a panel on a school's page and on the home page of its
// people, the home page's to-dos, the partnership overview's figures.
func extensions() []*pluginv1.ExtensionDecl {
	return []*pluginv1.ExtensionDecl{
		{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: web.PanelPermission},
		{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: web.TodosPermission},
		{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: web.FiguresPermission},
	}
}

// settings are the plugin's tenant settings.
func settings() []*pluginv1.SettingDecl {
	str, num := pluginv1.SettingType_SETTING_TYPE_STRING, pluginv1.SettingType_SETTING_TYPE_INT
	return append([]*pluginv1.SettingDecl{
		{Key: web.SettingBands, Label: "Team sizes by pupils on roll", Type: str, DefaultValue: rules.DefaultBands,
			Description: "Reviewers on a review's team besides the lead, by the host school's pupils on roll: pairs of roll:team from 0, e.g. 0:2, 350:3, 900:4."},
		{Key: web.SettingReviewedWithin, Label: "Years before a reviewer may review a school again", Type: num, DefaultValue: strconv.Itoa(web.DefaultReviewedWithin),
			Description: "A reviewer who reviewed a school in the last this many years is never allocated to it (0 to 10)."},
		{Key: web.SettingWeights, Label: "Allocation cost weights", Type: str, DefaultValue: rules.DefaultWeights,
			Description: "Points for each part of a seat's cost: travel (per 10 km), load (per review the reviewer already has), reciprocity (per reviewer day their school gave beyond what it received), prior (a prior relationship with the host)."},
		{Key: web.SettingReminderDays, Label: "Days before a review to remind the team and host", Type: num, DefaultValue: strconv.Itoa(web.DefaultReminderDays)},
		{Key: web.SettingReportDueDays, Label: "Days after a review the report is due", Type: num, DefaultValue: strconv.Itoa(web.DefaultReportDueDays)},
	}, directorySettings()...)
}

// directorySettings are the Directory part's settings.
func directorySettings() []*pluginv1.SettingDecl {
	str := pluginv1.SettingType_SETTING_TYPE_STRING
	return []*pluginv1.SettingDecl{
		{Key: web.SettingTiles, Label: "Map tile server", Type: str,
			Description: "A tile URL template with {z}, {x} and {y}: a path on this site (/tiles/{z}/{x}/{y}.png) or an https address on one host (https://tiles.example.org/{z}/{x}/{y}.png; no {s}), from a tile server you run or are licensed to use; the map page alone may then show its images. Empty: the map draws the schools on a plain outline of England."},
		{Key: web.SettingTilesCredit, Label: "Map tile attribution", Type: str, Description: "The credit the tile server asks for, shown on the map (for OpenStreetMap data: © OpenStreetMap contributors)."},
		{Key: web.SettingPostcodeFile, Label: "Postcode table", Type: str,
			Description: "The path, on the plugin's machine, of a postcode CSV with postcode, lat and long columns (the ONS Postcode Directory's CSV as it is). The places job reads it to put schools on the map."},
	}
}
