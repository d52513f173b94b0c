package web

import (
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// serveUICSS serves the plugin SDK's component stylesheet, the one source of
// the components' look, linked from the shell after app.css.
func serveUICSS(c echo.Context) error {
	http.ServeContent(c.Response(), c.Request(), "ui.css", time.Time{}, strings.NewReader(ui.CSS))
	return nil
}

// registerRoutes declares every route with its one permission.
func (s *Server) registerRoutes() {
	e, t := s.echo, s.routes
	get, post := http.MethodGet, http.MethodPost

	// Infrastructure.
	t.add(e, Route{Method: get, Path: "/healthz", Permission: PermPublic, Summary: "Liveness"}, s.healthz)
	t.add(e, Route{Method: get, Path: "/readyz", Permission: PermPublic, Summary: "Readiness: database and Redis"}, s.readyz)
	t.add(e, Route{Method: get, Path: "/metrics", Permission: PermPublic, Summary: "Prometheus metrics"},
		echo.WrapHandler(promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})))
	static, _ := fs.Sub(staticFS, "static")
	t.add(e, Route{Method: get, Path: "/static/*", Permission: PermPublic, Summary: "Embedded assets"},
		echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(static)))))
	t.add(e, Route{Method: get, Path: "/static/ui.css", Permission: PermPublic, Summary: "The plugin SDK's component styles (package ui)"}, serveUICSS)

	// Pages.
	t.add(e, Route{Method: get, Path: "/login", Permission: PermPublic}, s.loginPage)
	t.add(e, Route{Method: post, Path: "/login", Permission: PermPublic}, s.login)
	t.add(e, Route{Method: post, Path: "/logout", Permission: PermAuthenticated}, s.logout)
	t.add(e, Route{Method: get, Path: "/", Permission: authz.PermDashboardView}, s.dashboard)
	t.add(e, Route{Method: get, Path: "/units", Permission: authz.PermOrgUnitRead}, s.unitsPage)
	t.add(e, Route{Method: post, Path: "/units", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant}, s.createUnitForm)
	t.add(e, Route{Method: get, Path: "/units/picker", Permission: authz.PermOrgUnitRead, Summary: "Suggestions of the place picker (JSON): units within reach named like q"}, s.placePicker)
	t.add(e, Route{Method: get, Path: "/units/:id", Permission: authz.PermOrgUnitRead, Scope: ScopeUnit}, s.unitPage)
	t.add(e, Route{Method: post, Path: "/units/:id", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant}, s.updateUnitForm)
	t.add(e, Route{Method: post, Path: "/units/:id/children", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant}, s.linkUnitForm)
	t.add(e, Route{Method: post, Path: "/units/:id/archive", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant}, s.archiveUnitForm)
	t.add(e, Route{Method: post, Path: "/units/:id/unarchive", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant}, s.unarchiveUnitForm)
	t.add(e, Route{Method: get, Path: "/users", Permission: authz.PermUserRead, Scope: ScopeTenant}, s.usersPage)
	t.add(e, Route{Method: post, Path: "/users", Permission: authz.PermUserWrite, Scope: ScopeTenant}, s.createUserForm)
	t.add(e, Route{Method: get, Path: "/users/import", Permission: authz.PermUserWrite, Scope: ScopeTenant, Summary: "Add staff from a CSV file"}, s.staffImportPage)
	t.add(e, Route{Method: post, Path: "/users/import", Permission: authz.PermUserWrite, Scope: ScopeTenant, Summary: "Check a staff CSV; add all its staff with their roles, or none"}, s.staffImport)
	t.add(e, Route{Method: get, Path: "/users/:uid", Permission: authz.PermUserRead, Scope: ScopeTenant}, s.userPage)
	t.add(e, Route{Method: post, Path: "/users/:uid", Permission: authz.PermUserWrite, Scope: ScopeTenant}, s.updateUserForm)
	t.add(e, Route{Method: post, Path: "/users/:uid/grants", Permission: authz.PermRoleGrant, Scope: ScopeTenant}, s.grantForm)
	t.add(e, Route{Method: post, Path: "/users/:uid/grants/:gid/delete", Permission: authz.PermRoleGrant, Scope: ScopeTenant}, s.revokeForm)
	t.add(e, Route{Method: get, Path: "/account", Permission: PermAuthenticated}, s.accountPage)
	t.add(e, Route{Method: post, Path: "/account/password", Permission: PermAuthenticated}, s.changePassword)
	t.add(e, Route{Method: post, Path: "/account/tokens", Permission: PermAuthenticated}, s.createToken)
	t.add(e, Route{Method: post, Path: "/account/tokens/:tid/revoke", Permission: PermAuthenticated}, s.revokeToken)
	t.add(e, Route{Method: get, Path: "/settings", Permission: authz.PermTenantRead, Scope: ScopeTenant}, s.settingsPage)
	t.add(e, Route{Method: post, Path: "/settings", Permission: authz.PermTenantWrite, Scope: ScopeTenant}, s.saveSettings)
	t.add(e, Route{Method: post, Path: "/settings/test-mail", Permission: authz.PermTenantWrite, Scope: ScopeTenant}, s.sendTestMail)
	t.add(e, Route{Method: get, Path: "/audit", Permission: authz.PermAuditRead, Scope: ScopeTenant}, s.auditPage)
	t.add(e, Route{Method: get, Path: "/audit.csv", Permission: authz.PermAuditRead, Scope: ScopeTenant}, s.auditCSV)

	// Operators' gallery of the plugin SDK's UI components (sample data, nothing stored).
	t.add(e, Route{Method: get, Path: "/admin/ui", Permission: PermOperator, Summary: "UI components of the plugin SDK, with sample data"}, s.uiPage)
	t.add(e, Route{Method: post, Path: "/admin/ui/sample", Permission: PermOperator, Summary: "The sample form: refused or confirmed, never stored"}, s.uiSample)
	t.add(e, Route{Method: post, Path: "/admin/ui/delete", Permission: PermOperator, Summary: "The sample danger zone: checked, never stored"}, s.uiDelete)

	// Operators' job monitor (asynqmon), every method it uses under one prefix.
	if s.Redis != nil {
		mon := echo.WrapHandler(jobs.MonitorHandler(s.Redis, "/admin/jobs", false))
		for _, m := range []string{get, post, http.MethodDelete, http.MethodPut, http.MethodPatch} {
			t.add(e, Route{Method: m, Path: "/admin/jobs", Permission: PermOperator}, mon)
			t.add(e, Route{Method: m, Path: "/admin/jobs/*", Permission: PermOperator}, mon)
		}
	}

	s.registerSignInRoutes()
	s.registerPupilRoutes()
	s.registerImportRoutes()
	s.registerPrivacyRoutes()
	s.registerOIDCRoutes()
	s.registerPluginRoutes()
	s.registerAPI()
}
