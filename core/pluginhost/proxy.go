package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Request headers never forwarded to a plugin: hop-by-hop headers and the
// core's credentials (the Cookie header is rebuilt without the core's cookies).
var dropRequest = map[string]bool{
	"Authorization": true, "Cookie": true, "X-Csrf-Token": true, "Proxy-Authorization": true,
	"Connection": true, "Keep-Alive": true, "Te": true, "Trailer": true, "Transfer-Encoding": true,
	"Upgrade": true, "Proxy-Connection": true,
}

// Response headers never taken from a plugin: hop-by-hop headers, the
// length (the core sets it), and the security headers the core sets itself.
var dropResponse = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Te": true, "Trailer": true, "Transfer-Encoding": true,
	"Upgrade": true, "Proxy-Authenticate": true, "Proxy-Connection": true, "Content-Length": true,
	"Content-Security-Policy": true, "X-Frame-Options": true, "Strict-Transport-Security": true,
	"X-Content-Type-Options": true, "Referrer-Policy": true, "X-Request-Id": true,
}

// isCoreCookie reports whether a cookie name is the core's (session, CSRF,
// tenant, flash): a plugin never sees nor sets those.
func isCoreCookie(name string) bool { return strings.HasPrefix(strings.ToLower(name), "upwards") }

func notFound() error { return echo.NewHTTPError(http.StatusNotFound, "There is no such page.") }

// ServePlugin answers a request under /p/:plugin: the plugin must be
// registered and enabled for the request's tenant, and the path must match a
// route of its manifest (404 otherwise); the route's declared permission and
// scope are enforced; then HandleHTTP is called with a fresh actor token.
func (rt *Runtime) ServePlugin(c echo.Context, sh web.Shell) error {
	info := web.Info(c)
	if !info.HasTenant || info.User == nil {
		return notFound()
	}
	req := c.Request()
	ctx := req.Context()
	id := c.Param("plugin")
	p, err := rt.reg.CachedGet(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return notFound()
	}
	if err != nil {
		return err
	}
	enabled, err := rt.reg.CachedIsEnabled(ctx, id, info.Tenant.ID)
	if err != nil {
		return err
	}
	if !enabled {
		return notFound()
	}
	m, err := rt.manifest(p)
	if err != nil {
		return err
	}
	base := "/p/" + id
	path := strings.TrimPrefix(req.URL.Path, base)
	if path == "" {
		path = "/"
	}
	decl, params := rt.routes(p, m).match(req.Method, path)
	if decl == nil {
		return notFound()
	}
	if p.State != StateFailed {
		if err := rt.ensurePolicies(ctx, p, m); err != nil {
			return err
		}
	}
	if err := rt.authorizeRoute(ctx, info, decl, params); err != nil {
		return err
	}
	conn, in, err := rt.acquire(ctx, p)
	if err != nil {
		return rt.unavailable(c, p, err)
	}
	act := actor{PluginID: id, TenantID: info.Tenant.ID, UserID: info.User.ID, UserEmail: info.User.Email, RequestID: info.RequestID}
	grants, err := rt.grants(ctx, info.Tenant.ID, info.User.ID)
	if err != nil {
		return err
	}
	tok, revoke := rt.tokens.mint(act, rt.opts.TokenTTL)
	defer revoke()
	hreq := &pluginv1.HandleHTTPRequest{
		Actor: &pluginv1.Actor{Token: tok, TenantId: uint64(info.Tenant.ID), TenantSlug: info.Tenant.Slug, TenantName: info.Tenant.Name,
			UserId: uint64(info.User.ID), UserEmail: info.User.Email, UserName: info.User.Name, Grants: grants, RequestId: info.RequestID,
			AuditSeal: rt.auditSeal(act)},
		Method: req.Method, Path: path, RawQuery: req.URL.RawQuery, Headers: requestHeaders(req), Body: info.Body,
		CsrfToken: info.CSRFToken, BasePath: base, Route: decl.GetPath(),
	}
	cctx, cancel := context.WithTimeout(ctx, rt.opts.CallTimeout)
	defer cancel()
	begin := time.Now()
	resp, err := conn.HandleHTTP(cctx, hreq)
	in.observe(time.Since(begin))
	if err != nil {
		return rt.callFailed(c, p, err)
	}
	return rt.writeResponse(c, sh, p, m, base, resp)
}

// authorizeRoute enforces the permission and scope a manifest route declares.
func (rt *Runtime) authorizeRoute(ctx context.Context, info web.RequestInfo, d *pluginv1.RouteDecl, params map[string]string) error {
	perm := d.GetPermission()
	if perm == contract.PermAuthenticated {
		return nil
	}
	az, tid, uid := rt.deps.Authz, info.Tenant.ID, info.User.ID
	var ok bool
	var err error
	switch d.GetScope() {
	case pluginv1.RouteScope_ROUTE_SCOPE_TENANT:
		ok, err = az.Can(ctx, tid, uid, perm, info.RootUnitID)
	case pluginv1.RouteScope_ROUTE_SCOPE_UNIT:
		unit, perr := strconv.ParseUint(params[d.GetUnitParam()], 10, 64)
		if perr != nil || unit == 0 {
			return notFound()
		}
		if _, gerr := rt.deps.Tenancy.GetUnit(ctx, tid, uint(unit)); gerr != nil {
			if errors.Is(gerr, tenancy.ErrNotFound) {
				return notFound()
			}
			return gerr
		}
		ok, err = az.Can(ctx, tid, uid, perm, uint(unit))
		if err == nil && !ok {
			return notFound() // outside the user's reach looks like absent
		}
	default:
		ok, err = az.CanSomewhere(ctx, tid, uid, perm)
	}
	if err != nil {
		return fmt.Errorf("authorize %s: %w", perm, err)
	}
	if !ok {
		return echo.NewHTTPError(http.StatusForbidden, "You do not have permission for this ("+perm+").")
	}
	return nil
}

// requestHeaders are the headers forwarded to the plugin.
func requestHeaders(req *http.Request) []*pluginv1.Header {
	var out []*pluginv1.Header
	for name, values := range req.Header {
		if dropRequest[http.CanonicalHeaderKey(name)] {
			continue
		}
		out = append(out, &pluginv1.Header{Name: name, Values: values})
	}
	var keep []string
	for _, ck := range req.Cookies() {
		if !isCoreCookie(ck.Name) {
			keep = append(keep, ck.Name+"="+ck.Value)
		}
	}
	if len(keep) > 0 {
		out = append(out, &pluginv1.Header{Name: "Cookie", Values: []string{strings.Join(keep, "; ")}})
	}
	return out
}

// pluginCookie returns the Set-Cookie value a plugin may set: never a core
// cookie, always scoped to the plugin's own path.
func pluginCookie(v, base string) string {
	ck, err := http.ParseSetCookie(v)
	if err != nil || isCoreCookie(ck.Name) {
		return ""
	}
	ck.Path, ck.Domain = base+"/", ""
	return ck.String()
}

// writeResponse wraps a fragment in the shell or writes the plugin's
// response as it is, minus what a plugin may not set. A flash the plugin
// asks for (contract.FlashHeader) becomes the core's own flash message.
func (rt *Runtime) writeResponse(c echo.Context, sh web.Shell, p Plugin, m *pluginv1.Manifest, base string, resp *pluginv1.HandleHTTPResponse) error {
	code := int(resp.GetStatus())
	if code == 0 {
		code = http.StatusOK
	}
	if code < 200 || code > 599 {
		rt.log.WarnContext(c.Request().Context(), "plugin answered an invalid status", "plugin", p.ID, "status", code)
		return echo.NewHTTPError(http.StatusBadGateway, p.Name+" gave an invalid answer.")
	}
	h := c.Response().Header()
	if origins := resp.GetImageOrigins(); len(origins) > 0 {
		// Only this response's page may show images from the plugin's
		// origins (e.g. its map's tiles); a bad one refuses the answer.
		if err := contract.CheckImageOrigins(origins); err != nil {
			rt.log.WarnContext(c.Request().Context(), "plugin answered invalid image origins", "plugin", p.ID, "error", err.Error())
			return echo.NewHTTPError(http.StatusBadGateway, p.Name+" gave an invalid answer.")
		}
		h.Set(echo.HeaderContentSecurityPolicy, web.WithImageSources(h.Get(echo.HeaderContentSecurityPolicy), origins))
	}
	for _, hd := range resp.GetHeaders() {
		name := http.CanonicalHeaderKey(hd.GetName())
		switch {
		case name == flashHeader:
			if msg := flashMessage(hd.GetValues()); msg != "" && code < 400 {
				web.SetFlash(c, msg)
			}
		case name == "Set-Cookie":
			for _, v := range hd.GetValues() {
				if ck := pluginCookie(v, base); ck != "" {
					h.Add("Set-Cookie", ck)
				}
			}
		case dropResponse[name], resp.GetFragment():
		default:
			for _, v := range hd.GetValues() {
				h.Add(name, v)
			}
		}
	}
	if resp.GetFragment() {
		title := resp.GetTitle()
		if title == "" {
			title = m.GetName()
		}
		return sh.RenderHTML(c, code, title, template.HTML(resp.GetBody())) //nolint:gosec // the installed plugin's own HTML
	}
	if h.Get(echo.HeaderContentType) == "" {
		h.Set(echo.HeaderContentType, echo.MIMEOctetStream)
	}
	c.Response().WriteHeader(code)
	_, err := c.Response().Write(resp.GetBody())
	return err
}

var flashHeader = http.CanonicalHeaderKey(contract.FlashHeader)

// flashMessage is the text of a plugin's flash header (ui.Flash): the last
// value, percent-decoded, as printable text of at most contract.FlashMaxLen
// characters. The shell escapes it when it shows it. A failed answer (4xx,
// 5xx) confirms nothing, so its flash is dropped by the caller.
func flashMessage(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if d, err := url.PathUnescape(v); err == nil {
		v = d
	}
	v = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(v, ""))
	v = strings.Join(strings.Fields(v), " ")
	if r := []rune(v); len(r) > contract.FlashMaxLen {
		v = strings.TrimSpace(string(r[:contract.FlashMaxLen-1])) + "…"
	}
	return v
}

// unavailable answers 503 for a plugin that cannot serve now.
func (rt *Runtime) unavailable(c echo.Context, p Plugin, err error) error {
	var ue *UnavailableError
	if !errors.As(err, &ue) {
		return err
	}
	switch {
	case ue.Failed:
		return echo.NewHTTPError(http.StatusServiceUnavailable,
			p.Name+" is unavailable until an operator installs a working version (see /admin/plugins). Other programmes are unaffected.")
	case ue.Checksum:
		// No Retry-After: waiting does not help, an operator must act.
		return echo.NewHTTPError(http.StatusServiceUnavailable,
			p.Name+" is unavailable until an operator acts: its installed program has been changed, so it is not started (see /admin/plugins). Other programmes are unaffected.")
	}
	retry := int(ue.RetryAfter.Seconds()) + 1
	c.Response().Header().Set("Retry-After", strconv.Itoa(retry))
	return echo.NewHTTPError(http.StatusServiceUnavailable,
		p.Name+" is restarting; other programmes are unaffected. Try again in a moment.")
}

// callFailed answers a HandleHTTP call that returned an error.
func (rt *Runtime) callFailed(c echo.Context, p Plugin, err error) error {
	ctx := c.Request().Context()
	switch status.Code(err) {
	case codes.Unavailable, codes.Canceled:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rt.log.WarnContext(ctx, "plugin connection lost during a request", "plugin", p.ID, "error", err.Error())
		c.Response().Header().Set("Retry-After", "1")
		return echo.NewHTTPError(http.StatusServiceUnavailable, p.Name+" is restarting; other programmes are unaffected. Try again in a moment.")
	case codes.DeadlineExceeded:
		return echo.NewHTTPError(http.StatusGatewayTimeout, p.Name+" did not answer in time.")
	default:
		rt.log.ErrorContext(ctx, "plugin request failed", "plugin", p.ID, "error", err.Error())
		return echo.NewHTTPError(http.StatusBadGateway, p.Name+" could not answer this request.")
	}
}

// PluginNav lists the navigation entries of the plugins the tenant enables
// that the user holds the permission of (anywhere in the tenant).
func (rt *Runtime) PluginNav(c echo.Context) []web.NavLink {
	info := web.Info(c)
	if !info.HasTenant || info.User == nil {
		return nil
	}
	ctx := c.Request().Context()
	plugins, err := rt.reg.cachedEnabledPlugins(ctx, info.Tenant.ID)
	if err != nil {
		rt.log.WarnContext(ctx, "plugin navigation", "error", err.Error())
		return nil
	}
	var out []web.NavLink
	for _, p := range plugins {
		if p.State == StateFailed {
			continue
		}
		m, err := rt.manifest(p)
		if err != nil || rt.ensurePolicies(ctx, p, m) != nil {
			continue
		}
		for _, n := range m.GetNavigation() {
			ok, err := rt.deps.Authz.CanSomewhere(ctx, info.Tenant.ID, info.User.ID, n.GetPermission())
			if err == nil && ok {
				out = append(out, web.NavLink{Label: n.GetLabel(), Href: "/p/" + p.ID + n.GetPath()})
			}
		}
	}
	return out
}
