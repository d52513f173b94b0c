package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
)

// oidcStateCookie binds a sign-in in flight to the browser that started it.
// SameSite=Lax, because the provider's redirect back is a cross-site navigation.
const (
	oidcStateCookie  = "upwards_oidc_state"
	oidcCallbackPath = "/login/oidc/callback"
)

// registerOIDCRoutes declares sign-in with OpenID Connect providers and the
// page where a tenant administrator configures them.
func (s *Server) registerOIDCRoutes() {
	if s.OIDC == nil {
		return
	}
	e, t := s.echo, s.routes
	// A link, not a form: the page's policy (form-action 'self') would stop
	// a form's redirect to the provider. The state binds the return to this
	// browser, so starting a sign-in needs no CSRF token.
	t.add(e, Route{Method: http.MethodGet, Path: "/login/oidc", Permission: PermPublic, Summary: "Start signing in with a provider"}, s.oidcBegin)
	t.add(e, Route{Method: http.MethodGet, Path: oidcCallbackPath, Permission: PermPublic, Summary: "Return from a provider"}, s.oidcCallback)
	t.add(e, Route{Method: http.MethodGet, Path: "/settings/sign-in", Permission: authz.PermTenantWrite, Scope: ScopeTenant}, s.signInSettingsPage)
	t.add(e, Route{Method: http.MethodPost, Path: "/settings/sign-in", Permission: authz.PermTenantWrite, Scope: ScopeTenant}, s.createProviderForm)
	t.add(e, Route{Method: http.MethodPost, Path: "/settings/sign-in/delete", Permission: authz.PermTenantWrite, Scope: ScopeTenant}, s.deleteProviderForm)
}

// signInProviders lists the providers the login page offers: those of the
// request's tenant, unless the page asks which organisation to sign in to.
func (s *Server) signInProviders(c echo.Context, tenants bool) []identity.OIDCProvider {
	t, ok := tenantOf(c)
	if s.OIDC == nil || !ok || tenants {
		return nil
	}
	ps, err := s.OIDC.ListProviders(c.Request().Context(), t.ID)
	if err != nil {
		s.Log.ErrorContext(c.Request().Context(), "list sign-in providers", "error", err.Error())
		return nil
	}
	return ps
}

// oidcRedirectURI is where providers send the browser back: this host, with
// the scheme of the base URL. Providers accept only the URIs registered with
// them, so a forged Host header gets nowhere.
func (s *Server) oidcRedirectURI(c echo.Context) string {
	scheme := "http"
	if s.Config.SecureCookies() {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host + oidcCallbackPath
}

func (s *Server) oidcBegin(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	next := safeNext(c.QueryParam("next"))
	id, err := strconv.ParseUint(c.QueryParam("provider"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "No such sign-in provider.")
	}
	authURL, state, err := s.OIDC.Begin(ctx, t.ID, uint(id), s.oidcRedirectURI(c), next)
	switch {
	case errors.Is(err, identity.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "No such sign-in provider.")
	case err != nil:
		s.Log.ErrorContext(ctx, "begin sign-in with provider", "provider_id", id, "error", err.Error())
		return s.render(c, http.StatusBadGateway, "login", "Log in", loginView{Next: next, Providers: s.signInProviders(c, false),
			Message: "The sign-in provider cannot be reached just now. Try again in a moment, or log in with your password."})
	}
	c.SetCookie(&http.Cookie{Name: oidcStateCookie, Value: state, Path: "/login/oidc", HttpOnly: true, Secure: s.Config.SecureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: 600})
	return c.Redirect(http.StatusSeeOther, authURL)
}

func (s *Server) oidcCallback(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	q := c.Request().URL.Query()
	state := q.Get("state")
	if ck, err := c.Cookie(oidcStateCookie); err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(state)) != 1 {
		state = "" // started in another browser, or not by this one: refused as an unknown sign-in
	}
	c.SetCookie(&http.Cookie{Name: oidcStateCookie, Value: "", Path: "/login/oidc", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies()})
	providerErr := q.Get("error")
	if d := q.Get("error_description"); providerErr != "" && d != "" {
		providerErr += ": " + d
	}
	res, err := s.OIDC.Finish(ctx, identity.FinishInput{State: state, TenantID: t.ID, Code: q.Get("code"), ProviderError: providerErr,
		IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	var refused *identity.OIDCRefusal
	if errors.As(err, &refused) {
		return s.render(c, http.StatusForbidden, "login", "Log in", loginView{Next: "/", Providers: s.signInProviders(c, s.tenantChoice(c) != nil),
			Tenants: s.tenantChoice(c), Message: refusalMessage(refused, t.Name)})
	}
	if err != nil {
		return err
	}
	tenant, err := s.Tenancy.TenantByID(ctx, res.User.TenantID)
	if err != nil {
		return err
	}
	s.startSession(c, res.Token, res.Session, tenant.Slug)
	return c.Redirect(http.StatusSeeOther, afterPassword(res.Session, safeNext(res.Next)))
}

// refusalMessage says why a sign-in through a provider was refused, in
// words the person can act on.
func refusalMessage(r *identity.OIDCRefusal, tenant string) string {
	switch r.Reason {
	case identity.RefuseState:
		return "The sign-in did not complete: it took too long, or was started in another browser or tab. Try again."
	case identity.RefuseProvider:
		return "The sign-in provider did not sign you in. Try again, or log in with your password."
	case identity.RefuseToken:
		return "The answer from the sign-in provider could not be verified, so you are not signed in. Ask your administrator to check the sign-in settings."
	case identity.RefuseUnverified:
		return "The sign-in provider does not confirm that your email address is verified, so you are not signed in."
	case identity.RefuseDomain:
		return "The address " + r.Email + " is not in an email domain allowed to sign in to " + tenant + "."
	case identity.RefuseDisabled:
		return "Your account of " + tenant + " is disabled. Ask your administrator."
	case identity.RefuseNoAccount:
		return "There is no account for " + r.Email + " in " + tenant + ". Ask your administrator to add you."
	}
	return "You are not signed in."
}

type signInSettingsView struct {
	Providers   []identity.OIDCProvider
	RedirectURI string
	Form        identity.OIDCProviderInput
	// Errors maps a form field to what is wrong with it.
	Errors map[string]string
}

func (s *Server) signInSettingsPage(c echo.Context) error {
	return s.renderSignInSettings(c, http.StatusOK, identity.OIDCProviderInput{}, nil)
}

func (s *Server) renderSignInSettings(c echo.Context, status int, form identity.OIDCProviderInput, errs map[string]string) error {
	t, _ := tenantOf(c)
	ps, err := s.OIDC.ListProviders(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	form.ClientSecret = "" // never sent back to the browser
	return s.render(c, status, "signin_settings", "Sign-in providers",
		signInSettingsView{Providers: ps, RedirectURI: s.oidcRedirectURI(c), Form: form, Errors: errs})
}

func (s *Server) createProviderForm(c echo.Context) error {
	t, _ := tenantOf(c)
	in := identity.OIDCProviderInput{Name: c.FormValue("name"), Issuer: c.FormValue("issuer"), ClientID: c.FormValue("client_id"),
		ClientSecret: c.FormValue("client_secret"), AllowedDomains: c.FormValue("allowed_domains"), AllowSignup: c.FormValue("allow_signup") == "on"}
	p, err := s.OIDC.CreateProvider(c.Request().Context(), t.ID, in)
	var ve *identity.ValidationError
	switch {
	case errors.As(err, &ve):
		return s.renderSignInSettings(c, http.StatusUnprocessableEntity, in, map[string]string{ve.Field: ve.Message})
	case errors.Is(err, identity.ErrConflict):
		return s.renderSignInSettings(c, http.StatusConflict, in, map[string]string{"name": "is already the name of another provider"})
	case err != nil:
		return err
	}
	SetFlash(c, "Saved: “Sign in with "+p.Name+"” is on the login page.")
	return c.Redirect(http.StatusSeeOther, "/settings/sign-in")
}

func (s *Server) deleteProviderForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := strconv.ParseUint(strings.TrimSpace(c.FormValue("provider")), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "No such sign-in provider.")
	}
	if err := s.OIDC.DeleteProvider(c.Request().Context(), t.ID, uint(id)); err != nil {
		if errors.Is(err, identity.ErrNotFound) {
			return echo.NewHTTPError(http.StatusNotFound, "No such sign-in provider.")
		}
		return err
	}
	SetFlash(c, "The sign-in provider is removed. Accounts that used it remain.")
	return c.Redirect(http.StatusSeeOther, "/settings/sign-in")
}
