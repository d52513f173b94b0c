package main

import (
	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Permissions of the plugin.
const (
	permRead  = "hello.greeting.read"
	permWrite = "hello.greeting.write"
)

// settingDueBy is the date greetings are due by.
const settingDueBy = "due_by"

// roleGreeter is the plugin's own role: a person who posts the tenant's
// greetings without administering the tenant. Tenant admins grant it at an
// org unit on the user pages, like a core role.
var roleGreeter = sdk.PluginRole("hello", "greeter")

// manifest declares the plugin. Its routes are not listed here: they are
// declared once, with their handlers, in routes (pages.go), and the SDK
// fills them in.
func manifest() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id:             "hello",
		Name:           "Hello",
		Version:        "1.0.0",
		MinCoreVersion: "0.1.0",
		Description:    "Greetings between the schools of a tenant: the SDK's example plugin.",
		Permissions: []*pluginv1.PermissionDecl{
			{Name: permRead, Description: "Read the tenant's greetings",
				DefaultRoles: []string{sdk.RoleTeacher, sdk.RoleHeadteacher, sdk.RoleTrustLeader, sdk.RoleTenantAdmin, roleGreeter}},
			{Name: permWrite, Description: "Post greetings", DefaultRoles: []string{sdk.RoleTenantAdmin, roleGreeter}},
		},
		// MinCoreVersion "0.1.0" is served as 0.4.0, the first core that knows roles.
		Roles: []*pluginv1.RoleDecl{{Name: roleGreeter, Label: "Greeter",
			Description: "Posts greetings for the tenant's schools; reads them too."}},
		// What it adds to the core's pages: a panel on each school's page, a
		// to-do for those who post greetings, and a headline figure.
		Extensions: []*pluginv1.ExtensionDecl{
			{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: permRead},
			{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: permWrite},
			{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: permRead},
		},
		Navigation: []*pluginv1.NavItem{{Label: "Hello", Path: "/", Permission: permRead}},
		Jobs:       []*pluginv1.JobDecl{{Name: "digest", Description: "Mail the week's count of greetings", MaxRetry: 3, TimeoutSeconds: 60}},
		Schedules:  []*pluginv1.ScheduleDecl{{Job: "digest", Cron: "0 7 * * 1"}},
		Settings: []*pluginv1.SettingDecl{
			{Key: "digest_email", Label: "Send the weekly digest to",
				Type: pluginv1.SettingType_SETTING_TYPE_EMAIL, Description: "Empty: every tenant admin."},
			{Key: settingDueBy, Label: "Greetings are due by",
				Type: pluginv1.SettingType_SETTING_TYPE_STRING, Description: "A date, e.g. 2026-07-17; the page says when it has passed. Empty: none."},
		},
	}
}
