package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

type loginView struct {
	Next, Email, Message string
	Tenants              []tenancy.Tenant
	// Providers are the tenant's OpenID Connect providers, one button each.
	Providers []identity.OIDCProvider
}

// tenantChoice lists the tenants a login form offers: only when the host name
// did not decide the tenant and the install has more than one.
func (s *Server) tenantChoice(c echo.Context) []tenancy.Tenant {
	ctx := c.Request().Context()
	if _, err := s.Tenancy.ResolveHost(ctx, c.Request().Host); err == nil {
		return nil
	}
	ts, err := s.Tenancy.ListTenants(ctx)
	if err != nil || len(ts) < 2 {
		return nil
	}
	return ts
}

// safeNext returns next when it is a path on this site, as a browser would
// read it, and "/" otherwise. A browser drops tabs and line breaks anywhere
// in a URL and reads a backslash as a slash, so "/\t/evil.example" and
// "/\\evil.example" lead off-site like "//evil.example": next is normalised
// the same way first, and what is returned is the normalised path.
func safeNext(next string) string {
	n := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, next)
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") {
		return "/"
	}
	for _, r := range n {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(n)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return n
}

func (s *Server) loginPage(c echo.Context) error {
	if _, ok := userOf(c); ok {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	tenants := s.tenantChoice(c)
	return s.render(c, http.StatusOK, "login", "Log in", loginView{Next: safeNext(c.QueryParam("next")), Tenants: tenants,
		Providers: s.signInProviders(c, tenants != nil)})
}

func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	if slug := c.FormValue("tenant"); slug != "" && slug != t.Slug && s.tenantChoice(c) != nil {
		chosen, err := s.Tenancy.TenantBySlug(ctx, slug)
		if err != nil {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose an organisation from the list.")
		}
		t = chosen
		c.Set(ctxTenant, t)
	}
	email, password := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	view := loginView{Next: safeNext(c.FormValue("next")), Email: email, Tenants: s.tenantChoice(c)}
	view.Providers = s.signInProviders(c, view.Tenants != nil)
	token, sess, _, err := s.Identity.Login(ctx, t.ID, email, password, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		status := http.StatusUnauthorized
		view.Message = "That email and password do not match an account of " + t.Name + "."
		switch {
		case errors.Is(err, identity.ErrRateLimited):
			status = http.StatusTooManyRequests
			view.Message = "Too many failed logins for this account or address. Wait a few minutes and try again."
		case errors.Is(err, identity.ErrBadCredentials), errors.Is(err, identity.ErrDisabled), errors.Is(err, identity.ErrNotFound):
		default:
			if _, ok := validationMessage(err); !ok {
				return err
			}
		}
		return s.render(c, status, "login", "Log in", view)
	}
	s.startSession(c, token, sess, t.Slug)
	return c.Redirect(http.StatusSeeOther, afterPassword(sess, view.Next))
}

func (s *Server) logout(c echo.Context) error {
	if tok, ok := c.Get(ctxToken).(string); ok {
		if err := s.Identity.Logout(c.Request().Context(), tok); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies()})
	s.rotateCSRF(c)
	SetFlash(c, "You have logged out.")
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (s *Server) changePassword(c echo.Context) error {
	u, _ := userOf(c)
	tok, _ := c.Get(ctxToken).(string)
	err := s.Identity.ChangePassword(c.Request().Context(), u.TenantID, u.ID, c.FormValue("old_password"), c.FormValue("new_password"), tok)
	if err != nil {
		return userError(err)
	}
	SetFlash(c, "Your password has changed. Other sessions of yours have been logged out.")
	return c.Redirect(http.StatusSeeOther, "/account")
}

func (s *Server) revokeToken(c echo.Context) error {
	u, _ := userOf(c)
	id, err := paramID(c, "tid")
	if err != nil {
		return err
	}
	if err := s.Identity.RevokeAPIToken(c.Request().Context(), u.TenantID, u.ID, id); err != nil {
		return userError(err)
	}
	SetFlash(c, "The token is revoked.")
	return c.Redirect(http.StatusSeeOther, "/account")
}
