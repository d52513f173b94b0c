// Package web is Upwards' HTTP face: the Echo server, its middleware
// (request id, logging, metrics, tenant resolution, authentication, CSRF,
// permissions), the server-rendered pages in one shell, and the JSON API
// under /api/v1 with its OpenAPI document.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/mail"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

// Deps is everything the web layer needs, wired by core/app.
type Deps struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *storage.DB
	Tenancy  *tenancy.Service
	Identity *identity.Service
	Authz    *authz.Enforcer
	Redis    *jobs.Redis
	Jobs     *jobs.Client
	Mail     *mail.Outbox
	// Pupils keeps pupil records.
	Pupils  *pupils.Service
	Version string
	// Metrics is the Prometheus registry /metrics serves; nil makes a new one.
	Metrics *prometheus.Registry
	// Plugins serves /p/{plugin} and /admin/plugins; nil serves neither.
	Plugins PluginRouter
	// Privacy serves the subject-rights page /privacy; nil serves it 503.
	Privacy *privacy.Service
	// Imports runs pupil imports (upload, preview, commit as jobs).
	Imports *importer.Queue
	// OIDC signs users in through their tenant's OpenID Connect providers;
	// nil offers no such sign-in.
	OIDC *identity.OIDC
}

// Server is the configured Echo server of one `upwards serve` process.
type Server struct {
	Deps
	echo    *echo.Echo
	routes  *routeTable
	views   *views
	metrics *httpMetrics
	// places keeps people's places on the home page (homecache.go); nil: off.
	places *homePlaces
	// unbound turns bindTenant off: only the measurement of its cost sets it.
	unbound bool
	// pageBuffers hold pages while they render (render.go): a page is
	// written whole, with its length, or not at all (a template that fails
	// leaves nothing half sent, and the error page is shown instead).
	pageBuffers sync.Pool
}

// New builds the server and registers every route.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	v, err := loadViews()
	if err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	m, err := newHTTPMetrics(d.Metrics)
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, echo: echo.New(), routes: newRouteTable(), views: v, metrics: m, places: newHomePlaces(d.Config.PluginPanelCache)}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.Log.ErrorContext(c.Request().Context(), "panic", "error", err.Error(), "request_id", requestID(c))
		return err
	}}))
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: echo.HeaderXRequestID}))
	e.Use(s.observe)
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
		HSTSMaxAge:            hstsAge(d.Config),
	}))
	e.Use(noStore)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "10M", Skipper: isImportUpload}))
	e.Use(importBodyLimit())
	e.Use(s.keepPluginBody)
	e.Use(s.resolveTenant)
	e.Use(s.authenticate)
	e.Use(s.noteChanges)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   d.Config.SecureCookies(),
		CookieSameSite: http.SameSiteStrictMode,
		ContextKey:     ctxCSRF,
		Skipper:        skipCSRF,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "The form has expired or did not come from this site (CSRF check failed). Reload the page and try again.")
		},
	}))
	e.Use(s.sameOrigin)
	e.Use(s.authorize)
	e.Use(s.tokenScope)
	e.Use(s.bindTenant)
	s.registerRoutes()
	return s, nil
}

func hstsAge(c config.Config) int {
	if c.SecureCookies() {
		return 31536000
	}
	return 0
}

// skipCSRF exempts bearer-token API calls (no cookies, so no CSRF) and
// endpoints that carry no session state.
func skipCSRF(c echo.Context) bool {
	if _, ok := c.Get(ctxAPIToken).(bool); ok {
		return true
	}
	switch c.Path() {
	case "/healthz", "/readyz", "/metrics":
		return true
	case "/admin/jobs", "/admin/jobs/*":
		// asynqmon's own script cannot send our token; sameOrigin guards it instead.
		return true
	}
	return false
}

// sameOrigin refuses unsafe requests that do not come from this site's own
// pages: the browser must mark them same-origin (Sec-Fetch-Site), or their
// Origin must be exactly this site's (see isOwnOrigin). It guards the routes
// exempt from the token check (the embedded job monitor).
func (s *Server) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := c.Path()
		if (p == "/admin/jobs" || p == "/admin/jobs/*") && isUnsafe(c.Request().Method) {
			req := c.Request()
			if req.Header.Get("Sec-Fetch-Site") != "same-origin" && !isOwnOrigin(req.Header.Get(echo.HeaderOrigin), s.Config.BaseURL, req.Host) {
				return echo.NewHTTPError(http.StatusForbidden, "cross-site request refused")
			}
		}
		return next(c)
	}
}

// noStore marks every answer but the embedded assets "Cache-Control:
// no-store": pages, JSON, CSV and zip downloads, plugin answers and error
// pages alike may carry pupil data, which no browser or proxy cache may
// keep. It sets the header before the handler runs, so it holds whatever
// the handler writes; /static/ files carry no data and may be cached.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			c.Response().Header().Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Echo returns the underlying Echo instance (for route enumeration in tests).
func (s *Server) Echo() *echo.Echo { return s.echo }

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("listen on %s: %w", addr, err)
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shut down http server: %w", err)
		}
		return nil
	}
}
