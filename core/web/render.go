package web

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// views holds one parsed template set per page: the shell layout plus the page.
type views struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"deref": func(p any) any {
		switch v := p.(type) {
		case *string:
			if v == nil {
				return ""
			}
			return *v
		case *int:
			if v == nil {
				return ""
			}
			return *v
		case *float64:
			if v == nil {
				return ""
			}
			return *v
		}
		return p
	},
	"date":        showDateTime,
	"day":         showDate,
	"plural":      plural,
	"kindLabel":   func(k tenancy.Kind) string { return k.Label() },
	"phaseLabel":  func(p tenancy.Phase) string { return p.Label() },
	"ofstedLabel": func(g tenancy.OfstedGrade) string { return g.Label() },
	"add":         func(a, b int) int { return a + b },
	"sub":         func(a, b int) int { return a - b },
	"query":       func(s string) string { return url.QueryEscape(s) },
}

func loadViews() (*views, error) {
	layout, err := fs.ReadFile(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	// Partials (files named _*.html) hold {{define}} blocks that several
	// pages share; they are parsed into every page and are no page themselves.
	var partials []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "_") {
			b, err := fs.ReadFile(templateFS, "templates/"+e.Name())
			if err != nil {
				return nil, err
			}
			partials = append(partials, string(b))
		}
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		body, err := fs.ReadFile(templateFS, "templates/"+e.Name())
		if err != nil {
			return nil, err
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err != nil {
			return nil, fmt.Errorf("parse layout: %w", err)
		}
		for _, part := range partials {
			if _, err := t.Parse(part); err != nil {
				return nil, fmt.Errorf("parse partial for %s: %w", e.Name(), err)
			}
		}
		if _, err := t.Parse(string(body)); err != nil {
			return nil, fmt.Errorf("parse %s: %w", e.Name(), err)
		}
		v.pages[name] = t
	}
	return v, nil
}

type navItem struct {
	Label, Href string
	Active      bool
}

// pageData is what every page template receives.
type pageData struct {
	Title   string
	Tenant  tenancy.Tenant
	User    *identity.User
	Nav     []navItem
	CSRF    string
	Flash   string
	Error   string
	Version string
	Data    any
}

// navFor lists the sections the user may open, in the shell's order.
func (s *Server) navFor(c echo.Context) []navItem {
	u, ok := userOf(c)
	if !ok {
		return nil
	}
	t, _ := tenantOf(c)
	ctx := c.Request().Context()
	path := c.Request().URL.Path
	can := func(perm string, tenantWide bool) bool {
		var ok bool
		var err error
		if tenantWide {
			ok, err = s.Authz.Can(ctx, t.ID, u.ID, perm, rootOf(c))
		} else {
			ok, err = s.Authz.CanSomewhere(ctx, t.ID, u.ID, perm)
		}
		return err == nil && ok
	}
	var nav []navItem
	add := func(label, href string) {
		active := path == href || (href != "/" && strings.HasPrefix(path, href))
		nav = append(nav, navItem{Label: label, Href: href, Active: active})
	}
	if can(authz.PermDashboardView, false) {
		add("Dashboard", "/")
	}
	if can(authz.PermOrgUnitRead, false) {
		add("Organisation", "/units")
	}
	if can(authz.PermUserRead, true) {
		add("Users", "/users")
	}
	if can(authz.PermAuditRead, true) {
		add("Audit log", "/audit")
	}
	if can(authz.PermPrivacyManage, true) {
		add("Subject rights", "/privacy")
	}
	if can(authz.PermTenantRead, true) {
		add("Settings", "/settings")
	}
	nav = append(nav, s.pluginNav(c)...)
	if u.IsOperator {
		add("Jobs", "/admin/jobs")
		if s.Plugins != nil {
			add("Plugins", "/admin/plugins")
		}
	}
	add("My account", "/account")
	return nav
}

// render writes page name inside the shell.
func (s *Server) render(c echo.Context, status int, name, title string, data any) error {
	return s.renderAlert(c, status, name, title, data, "")
}

// renderAlert writes page name inside the shell with alert (if not empty)
// above its content, e.g. that a form came back with errors.
func (s *Server) renderAlert(c echo.Context, status int, name, title string, data any, alert string) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	pd := pageData{Title: title, CSRF: csrfOf(c), Version: s.Version, Data: data, Flash: takeFlash(c), Error: alert}
	pd.Tenant, _ = tenantOf(c)
	if u, ok := userOf(c); ok {
		pd.User = &u
		pd.Nav = s.navFor(c)
	}
	buf, _ := s.pageBuffers.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			s.pageBuffers.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", pd); err != nil {
		return fmt.Errorf("render %s: %w", name, err) // nothing written: the error page is shown
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	c.Response().WriteHeader(status)
	if _, err := c.Response().Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	// The whole page reaches the browser before the handler returns, and
	// so before the request's context ends and the work it starts then
	// (the plugins asked afresh in the background) can compete with it.
	_ = http.NewResponseController(c.Response()).Flush()
	return nil
}

// maxPooledPage is the largest buffer kept for reuse (a hub's home page is
// some 60 KB; a rare larger page leaves its buffer to the collector).
const maxPooledPage = 1 << 20

const (
	ctxFlash      = "upwards.flash"
	ctxFlashShown = "upwards.flash_shown"
	flashCookie   = "upwards_flash"
)

// SetFlash shows msg once, as a status message (role="status") above the
// content of the page this request renders or, when the request answers
// with a redirect instead, of the next page the user opens: the message then
// waits in the one-time flash cookie. A later call in the same request
// replaces the message. The plugin proxy calls it for a plugin's flash.
func SetFlash(c echo.Context, msg string) {
	first := c.Get(ctxFlash) == nil
	c.Set(ctxFlash, msg)
	if !first {
		return
	}
	c.Response().Before(func() {
		if shown, _ := c.Get(ctxFlashShown).(bool); shown {
			return
		}
		m, _ := c.Get(ctxFlash).(string)
		c.SetCookie(&http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(m)), Path: "/",
			HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
	})
}

// takeFlash returns the message to show on the page being rendered: one set
// in this request, else one left by the previous request (whose cookie is
// then cleared).
func takeFlash(c echo.Context) string {
	now, _ := c.Get(ctxFlash).(string)
	if now != "" {
		c.Set(ctxFlashShown, true)
	}
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return now
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	if now != "" {
		return now
	}
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return ""
	}
	return string(b)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// handleError answers every error: JSON under /api, a page in the shell otherwise.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	msg := "Something went wrong on our side. The request id below helps an operator find out what."
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(status)
		}
	} else {
		s.Log.ErrorContext(c.Request().Context(), "handler error", "error", err.Error(), "request_id", requestID(c), "route", c.Path())
	}
	if status == http.StatusNotFound && msg == "Not Found" {
		msg = "There is no such page."
	}
	if isAPI(c.Request().URL.Path) || strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON) {
		_ = c.JSON(status, map[string]any{"error": msg, "status": status, "request_id": requestID(c)})
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	formError := c.Request().Method == http.MethodPost && (status == http.StatusUnprocessableEntity || status == http.StatusConflict)
	_ = s.render(c, status, "error", http.StatusText(status), map[string]any{"Status": status, "Message": msg, "RequestID": requestID(c), "FormError": formError})
}
