package web

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

// PluginRouter serves the programme plugins: every request under /p/{plugin}
// and the operators' page /admin/plugins. core/pluginhost implements it; a
// server without one (Deps.Plugins nil) has neither route.
//
// The route table declares /p/:plugin and /p/:plugin/* as PermAuthenticated:
// the router itself enforces the permission and scope that the plugin's
// manifest declares for each of its routes, after matching the path.
type PluginRouter interface {
	// ServePlugin answers one request under /p/:plugin (path parameter
	// "plugin", the rest in "*"); sh renders HTML fragments in the shell.
	ServePlugin(c echo.Context, sh Shell) error
	// AdminPlugins answers GET /admin/plugins (install operators only).
	AdminPlugins(c echo.Context, sh Shell) error
	// PluginNav lists the navigation entries of the plugins the request's
	// tenant enables that the signed-in user may open.
	PluginNav(c echo.Context) []NavLink
}

// UpgradeDecider is implemented by a PluginRouter whose operators' page
// offers Confirm and Discard buttons for pending plugin upgrades; the
// server then routes POST /admin/plugins/upgrades/:upgrade/confirm and /discard
// (install operators only, CSRF-checked) to it.
type UpgradeDecider interface {
	DecideUpgrade(c echo.Context, sh Shell, confirm bool) error
}

// UnitObserver is implemented by a PluginRouter that wants to hear of
// changes to org units made through the web (to tell subscribed plugins).
// It must not block: the request has already succeeded.
type UnitObserver interface {
	UnitChanged(ctx context.Context, tenantID, unitID uint, school bool)
}

// unitChanged tells the plugin runtime, if it listens, that a unit changed.
func (s *Server) unitChanged(c echo.Context, unitID uint, school bool) {
	o, ok := s.Plugins.(UnitObserver)
	if !ok {
		return
	}
	t, _ := tenantOf(c)
	o.UnitChanged(c.Request().Context(), t.ID, unitID, school)
}

// Shell renders content inside the core's page shell (header, navigation,
// footer), as every core page is.
type Shell interface {
	RenderHTML(c echo.Context, status int, title string, body template.HTML) error
}

// NavLink is one navigation entry a plugin contributes to the shell.
type NavLink struct {
	Label string
	Href  string
}

// RequestInfo is what the middleware established about a request, for
// handlers outside this package.
type RequestInfo struct {
	Tenant     tenancy.Tenant
	HasTenant  bool
	RootUnitID uint
	// User is nil when nobody is signed in.
	User      *identity.User
	CSRFToken string
	RequestID string
	// Body is the raw request body of a /p/ route, read before the CSRF
	// check parsed the form (which consumes the request's own body).
	Body []byte
}

// Info returns what the middleware established about the request.
func Info(c echo.Context) RequestInfo {
	ri := RequestInfo{RootUnitID: rootOf(c), CSRFToken: csrfOf(c), RequestID: requestID(c)}
	ri.Tenant, ri.HasTenant = tenantOf(c)
	if u, ok := userOf(c); ok {
		ri.User = &u
	}
	ri.Body, _ = c.Get(ctxPluginBody).([]byte)
	return ri
}

// RenderHTML writes body (trusted HTML, e.g. a plugin's fragment) inside the
// shell with the given title and status.
func (s *Server) RenderHTML(c echo.Context, status int, title string, body template.HTML) error {
	return s.render(c, status, "plugin", title, body)
}

const ctxPluginBody = "upwards.plugin_body"

func isPluginRoute(path string) bool {
	return path == "/p/:plugin" || strings.HasPrefix(path, "/p/:plugin/")
}

// keepPluginBody reads the body of a plugin request into memory before the
// CSRF middleware parses (and so consumes) a form, so the proxy can forward
// it unchanged. BodyLimit has already bounded it.
func (s *Server) keepPluginBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.Plugins == nil || !isPluginRoute(c.Path()) || c.Request().Body == nil {
			return next(c)
		}
		b, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request is too large.")
		}
		c.Set(ctxPluginBody, b)
		c.Request().Body = io.NopCloser(bytes.NewReader(b))
		return next(c)
	}
}

// registerPluginRoutes declares the plugin proxy and the operators' page.
func (s *Server) registerPluginRoutes() {
	if s.Plugins == nil {
		return
	}
	e, t := s.echo, s.routes
	serve := func(c echo.Context) error { return s.Plugins.ServePlugin(c, s) }
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		for _, p := range []string{"/p/:plugin", "/p/:plugin/*"} {
			t.add(e, Route{Method: m, Path: p, Permission: PermAuthenticated,
				Summary: "Programme plugin (the plugin's manifest declares each route's own permission, enforced by the proxy)"}, serve)
		}
	}
	t.add(e, Route{Method: http.MethodGet, Path: "/admin/plugins", Permission: PermOperator, Summary: "Plugins: versions, health, tenants"},
		func(c echo.Context) error { return s.Plugins.AdminPlugins(c, s) })
	if d, ok := s.Plugins.(UpgradeDecider); ok {
		t.add(e, Route{Method: http.MethodPost, Path: "/admin/plugins/upgrades/:upgrade/confirm", Permission: PermOperator, Summary: "Confirm a pending plugin upgrade"},
			func(c echo.Context) error { return d.DecideUpgrade(c, s, true) })
		t.add(e, Route{Method: http.MethodPost, Path: "/admin/plugins/upgrades/:upgrade/discard", Permission: PermOperator, Summary: "Discard a pending plugin upgrade"},
			func(c echo.Context) error { return d.DecideUpgrade(c, s, false) })
	}
}

// pluginNav returns the plugin entries of the shell navigation.
func (s *Server) pluginNav(c echo.Context) (out []navItem) {
	if s.Plugins == nil {
		return nil
	}
	path := c.Request().URL.Path
	for _, l := range s.Plugins.PluginNav(c) {
		active := path == l.Href || strings.HasPrefix(path, strings.TrimSuffix(l.Href, "/")+"/")
		out = append(out, navItem{Label: l.Label, Href: l.Href, Active: active})
	}
	return out
}

var _ Shell = (*Server)(nil)
