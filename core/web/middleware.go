package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

const (
	sessionCookie = "upwards_session"
	tenantCookie  = "upwards_tenant"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "upwards_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "upwards_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register http metrics: %w", err)
		}
	}
	return m, nil
}

// observe logs each request as one structured line and records its metrics.
// It logs the route pattern and path, never the query string or form values.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		req := c.Request()
		ctx := audit.WithActor(req.Context(), audit.Actor{Label: "anonymous", RequestID: requestID(c), IP: c.RealIP()})
		c.SetRequest(req.WithContext(ctx))
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		s.metrics.requests.WithLabelValues(req.Method, route, strconv.Itoa(status)).Inc()
		s.metrics.duration.WithLabelValues(req.Method, route).Observe(elapsed.Seconds())
		attrs := []any{"request_id", requestID(c), "method", req.Method, "route", route, "path", req.URL.Path,
			"status", status, "duration_ms", float64(elapsed.Microseconds()) / 1000, "ip", c.RealIP()}
		if t, ok := tenantOf(c); ok {
			attrs = append(attrs, "tenant", t.Slug)
		}
		if u, ok := userOf(c); ok {
			attrs = append(attrs, "user_id", u.ID)
		}
		switch {
		case status >= 500:
			s.Log.ErrorContext(req.Context(), "request", attrs...)
		case route == "/healthz" || route == "/readyz" || route == "/metrics" || strings.HasPrefix(route, "/static"):
			s.Log.DebugContext(req.Context(), "request", attrs...)
		default:
			s.Log.InfoContext(req.Context(), "request", attrs...)
		}
		return nil
	}
}

// infrastructure routes need no tenant.
func tenantless(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics", "/api/openapi.json":
		return true
	}
	return strings.HasPrefix(path, "/static/")
}

// resolveTenant decides the request's tenant: the host name when it is
// registered to a tenant; otherwise the tenant remembered at login; otherwise
// the configured default tenant, or the only tenant of the install.
func (s *Server) resolveTenant(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if tenantless(c.Path()) {
			return next(c)
		}
		ctx := c.Request().Context()
		t, err := s.Tenancy.ResolveHost(ctx, c.Request().Host)
		if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
			return fmt.Errorf("resolve tenant: %w", err)
		}
		if err != nil {
			t, err = s.fallbackTenant(c)
			if err != nil {
				return err
			}
		}
		root, err := s.Tenancy.RootUnit(ctx, t.ID)
		if err != nil {
			return fmt.Errorf("tenant %s root: %w", t.Slug, err)
		}
		c.Set(ctxTenant, t)
		c.Set(ctxRoot, root.ID)
		return next(c)
	}
}

func (s *Server) fallbackTenant(c echo.Context) (tenancy.Tenant, error) {
	ctx := c.Request().Context()
	if ck, err := c.Cookie(tenantCookie); err == nil && ck.Value != "" {
		if t, err := s.Tenancy.TenantBySlug(ctx, ck.Value); err == nil {
			return t, nil
		}
	}
	if s.Config.DefaultTenant != "" {
		t, err := s.Tenancy.TenantBySlug(ctx, s.Config.DefaultTenant)
		if err != nil {
			return tenancy.Tenant{}, fmt.Errorf("default tenant %q: %w", s.Config.DefaultTenant, err)
		}
		return t, nil
	}
	ts, err := s.Tenancy.ListTenants(ctx)
	if err != nil {
		return tenancy.Tenant{}, fmt.Errorf("list tenants: %w", err)
	}
	if len(ts) == 0 {
		return tenancy.Tenant{}, echo.NewHTTPError(http.StatusServiceUnavailable, "This install has no tenant yet. Run `upwards tenant create` or `upwards demo`.")
	}
	return ts[0], nil
}

// bindTenant binds the rest of a tenant's request (its handler) to the
// tenant on PostgreSQL (storage.DB.Bind): the services it calls run, through
// storage.DB.For, on one connection of their own as the tenant role with the
// tenant set, so a query that forgets its tenant filter still sees that
// tenant's rows alone. It runs after the permission check, so a request
// refused, or redirected to log in, binds nothing, and forms have been read.
//
// Left unbound, as the core's own role, deliberately: the middleware before
// it (resolving the tenant from the host name, the session or token look-up,
// the permission check), operators' install-wide pages (PermOperator), and
// the plugin proxy /p/…, whose plugin binds its own connection (plugins/sdk)
// and whose core side reads the install-wide plugin registry. On SQLite it
// does nothing.
func (s *Server) bindTenant(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, ok := tenantOf(c)
		if !ok || s.DB == nil || s.unbound || isPluginRoute(c.Path()) {
			return next(c)
		}
		r, declared := s.routes.lookup(c.Request().Method, c.Path())
		if !declared || r.Permission == PermOperator {
			return next(c)
		}
		req := c.Request()
		ctx, release, err := s.DB.Bind(req.Context(), t.ID)
		if err != nil {
			return fmt.Errorf("bind the request to tenant %s: %w", t.Slug, err)
		}
		defer release()
		c.SetRequest(req.WithContext(ctx))
		// An error is rendered here, while the binding holds: the error page
		// may read the tenant's data too.
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
}

// noteChanges bumps the tenant's changes revision (storage.NoteTenantChange)
// after every request of a signed-in person that may write: a form or API
// call of the core (storage.TenantChangesKey) or of a plugin through its
// proxy (that plugin's storage.PluginChangesKey), whatever its answer (a
// refusal writes nothing, and a needless bump costs only a cache miss), and
// the person's own in the same place (storage.UserChangesKey), so that
// they see their change at once where others may see it a visit late.
// Caches of answers derived from the tenant's data, such as the plugins'
// contributions to the home page, read it to tell they are out of date. It
// runs after the handler has committed and released its connection, so a
// page that reads the new revision reads the change too.
func (s *Server) noteChanges(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return err
		}
		t, okT := tenantOf(c)
		u, okU := userOf(c)
		if !okT || !okU || s.DB == nil {
			return err
		}
		ctx := c.Request().Context()
		key, own := storage.TenantChangesKey(t.ID), storage.UserChangesKey(t.ID, u.ID, "")
		if isPluginRoute(c.Path()) {
			key, own = storage.PluginChangesKey(t.ID, c.Param("plugin")), storage.UserChangesKey(t.ID, u.ID, c.Param("plugin"))
		}
		if nerr := storage.NoteTenantChange(ctx, s.DB.Core(ctx), key, own); nerr != nil {
			s.Log.WarnContext(ctx, "note the tenant's change", "tenant", t.Slug, "error", nerr.Error())
		}
		return err
	}
}

// authenticate identifies the user from a Bearer API token or the session
// cookie. A token or session of another tenant is treated as no login at all.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, ok := tenantOf(c)
		if !ok {
			return next(c)
		}
		ctx := c.Request().Context()
		if h := c.Request().Header.Get(echo.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
			if !isAPI(c.Request().URL.Path) {
				// Tokens open the JSON API only: never a page or its forms.
				return echo.NewHTTPError(http.StatusUnauthorized, "API tokens are accepted on the JSON API (/api/v1/…) only; log in to use the pages.")
			}
			u, tok, err := s.Identity.UserByAPIToken(ctx, strings.TrimPrefix(h, "Bearer "))
			if err != nil || u.TenantID != t.ID {
				return echo.NewHTTPError(http.StatusUnauthorized, "invalid or expired API token")
			}
			c.Set(ctxAPIToken, true)
			c.Set(ctxAPITokenRow, tok)
			s.setUser(c, u)
			return next(c)
		}
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			sess, u, err := s.Identity.SessionByToken(ctx, ck.Value)
			switch {
			case err == nil && sess.TenantID == t.ID && sess.Pending != "":
				// Owes a step after the password: not logged in (pages_secondfactor.go).
				c.Set(ctxPending, sess)
				c.Set(ctxPendingToken, ck.Value)
			case err == nil && sess.TenantID == t.ID:
				c.Set(ctxSession, sess)
				c.Set(ctxToken, ck.Value)
				s.setUser(c, u)
			case err != nil && !errors.Is(err, identity.ErrNotFound):
				return fmt.Errorf("load session: %w", err)
			}
		}
		return next(c)
	}
}

func (s *Server) setUser(c echo.Context, u identity.User) {
	c.Set(ctxUser, u)
	req := c.Request()
	a := audit.ActorFrom(req.Context())
	uid := u.ID
	a.UserID, a.Label = &uid, u.Email
	c.SetRequest(req.WithContext(audit.WithActor(req.Context(), a)))
}

// authorize enforces the one permission each route declares.
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, ok := s.routes.lookup(c.Request().Method, c.Path())
		if !ok {
			// Not a declared route: Echo's own 404/405 handler.
			return next(c)
		}
		if r.Permission == PermPublic {
			return next(c)
		}
		u, ok := userOf(c)
		if !ok {
			if isAPI(c.Path()) {
				return echo.NewHTTPError(http.StatusUnauthorized, "log in or send an API token (Authorization: Bearer upw_…)")
			}
			if c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(c.Request().URL.RequestURI()))
			}
			return echo.NewHTTPError(http.StatusUnauthorized, "Your session has ended. Log in again.")
		}
		switch r.Permission {
		case PermAuthenticated:
			return next(c)
		case PermOperator:
			if !u.IsOperator {
				return echo.NewHTTPError(http.StatusForbidden, "Only install operators may open this page.")
			}
			return next(c)
		}
		ctx := c.Request().Context()
		t, _ := tenantOf(c)
		var allowed bool
		var err error
		switch r.Scope {
		case ScopeTenant:
			allowed, err = s.Authz.Can(ctx, t.ID, u.ID, r.Permission, rootOf(c))
		case ScopeUnit:
			id, perr := strconv.ParseUint(c.Param("id"), 10, 64)
			if perr != nil {
				return echo.NewHTTPError(http.StatusNotFound, "No such organisation unit.")
			}
			if _, gerr := s.Tenancy.GetUnit(ctx, t.ID, uint(id)); gerr != nil {
				if errors.Is(gerr, tenancy.ErrNotFound) {
					return echo.NewHTTPError(http.StatusNotFound, "No such organisation unit.")
				}
				return gerr
			}
			allowed, err = s.Authz.Can(ctx, t.ID, u.ID, r.Permission, uint(id))
			if err == nil && !allowed {
				// Outside the user's reach looks the same as absent.
				return echo.NewHTTPError(http.StatusNotFound, "No such organisation unit.")
			}
		default:
			allowed, err = s.Authz.CanSomewhere(ctx, t.ID, u.ID, r.Permission)
		}
		if err != nil {
			return fmt.Errorf("authorize %s: %w", r.Permission, err)
		}
		if !allowed {
			return echo.NewHTTPError(http.StatusForbidden, "You do not have permission for this ("+r.Permission+").")
		}
		return next(c)
	}
}
