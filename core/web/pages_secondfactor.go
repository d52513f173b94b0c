package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"time"
	_ "time/tzdata" // Europe/London wherever the binary runs

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
)

// ctxPending holds a session that still owes a step after the password
// (identity.Session.Pending); such a session is not logged in. ctxPendingToken
// is its cookie token.
const (
	ctxPending      = "upwards.pending_session"
	ctxPendingToken = "upwards.pending_token"
)

var london = mustLondon()

func mustLondon() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return l
}

func init() {
	// expiry shows a token's expiry the British way, in London time.
	funcs["expiry"] = func(t *time.Time) string {
		if t == nil {
			return "never"
		}
		return t.In(london).Format("Mon 2 Jan 2006")
	}
}

// registerSignInRoutes declares password reset, the second factor and the
// tenant's sign-in security setting.
func (s *Server) registerSignInRoutes() {
	e, t := s.echo, s.routes
	get, post := http.MethodGet, http.MethodPost
	t.add(e, Route{Method: get, Path: "/password/forgot", Permission: PermPublic}, s.forgotPage)
	t.add(e, Route{Method: post, Path: "/password/forgot", Permission: PermPublic}, s.forgot)
	t.add(e, Route{Method: get, Path: "/password/reset", Permission: PermPublic}, s.resetPage)
	t.add(e, Route{Method: post, Path: "/password/reset", Permission: PermPublic}, s.reset)
	// Public: the session they serve is not logged in until the step is done.
	t.add(e, Route{Method: get, Path: "/login/second-factor", Permission: PermPublic}, s.secondFactorPage)
	t.add(e, Route{Method: post, Path: "/login/second-factor", Permission: PermPublic}, s.secondFactor)
	t.add(e, Route{Method: get, Path: "/login/enrol", Permission: PermPublic}, s.enrolPage)
	t.add(e, Route{Method: post, Path: "/login/enrol", Permission: PermPublic}, s.enrol)
	t.add(e, Route{Method: get, Path: "/account/second-factor", Permission: PermAuthenticated}, s.enrolPage)
	t.add(e, Route{Method: post, Path: "/account/second-factor", Permission: PermAuthenticated}, s.enrol)
	t.add(e, Route{Method: post, Path: "/account/second-factor/off", Permission: PermAuthenticated}, s.secondFactorOff)
	t.add(e, Route{Method: get, Path: "/settings/security", Permission: authz.PermTenantRead, Scope: ScopeTenant}, s.securityPage)
	t.add(e, Route{Method: post, Path: "/settings/security", Permission: authz.PermTenantWrite, Scope: ScopeTenant}, s.saveSecurity)
}

// afterPassword is where a successful password sends the browser: to the
// step its session still owes, or on.
func afterPassword(sess identity.Session, next string) string {
	switch sess.Pending {
	case identity.PendingSecondFactor:
		return "/login/second-factor?next=" + urlQueryEscape(next)
	case identity.PendingEnrol:
		return "/login/enrol?next=" + urlQueryEscape(next)
	}
	return next
}

func pendingOf(c echo.Context, step string) (identity.Session, string, bool) {
	sess, ok := c.Get(ctxPending).(identity.Session)
	tok, _ := c.Get(ctxPendingToken).(string)
	return sess, tok, ok && sess.Pending == step
}

type secondFactorView struct {
	Next, Message string
}

func (s *Server) secondFactorPage(c echo.Context) error {
	if _, _, ok := pendingOf(c, identity.PendingSecondFactor); !ok {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return s.render(c, http.StatusOK, "second_factor", "Enter your code", secondFactorView{Next: safeNext(c.QueryParam("next"))})
}

func (s *Server) secondFactor(c echo.Context) error {
	_, tok, ok := pendingOf(c, identity.PendingSecondFactor)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	view := secondFactorView{Next: safeNext(c.FormValue("next"))}
	_, _, err := s.Identity.VerifySecondFactor(c.Request().Context(), tok, c.FormValue("code"))
	switch {
	case errors.Is(err, identity.ErrRateLimited):
		view.Message = "Too many wrong codes. Wait a few minutes and try again."
		return s.render(c, http.StatusTooManyRequests, "second_factor", "Enter your code", view)
	case errors.Is(err, identity.ErrSecondFactor):
		view.Message = "That code is not right, or has been used already. Wait for the next code and try again."
		return s.render(c, http.StatusUnauthorized, "second_factor", "Enter your code", view)
	case errors.Is(err, identity.ErrNotFound):
		return c.Redirect(http.StatusSeeOther, "/login")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, view.Next)
}

type enrolView struct {
	// QR is a data: URL of a PNG made here, so safe to mark as a URL.
	QR                            template.URL
	Secret, Action, Next, Message string
	Required                      bool
	Codes                         []string
}

// enrolUser is who sets up a second factor: the logged-in user, or the
// owner of a session that must enrol before doing anything else.
func (s *Server) enrolUser(c echo.Context) (identity.User, string, bool, error) {
	if u, ok := userOf(c); ok {
		tok, _ := c.Get(ctxToken).(string)
		return u, tok, false, nil
	}
	sess, tok, ok := pendingOf(c, identity.PendingEnrol)
	if !ok {
		return identity.User{}, "", false, nil
	}
	u, err := s.Identity.GetUser(c.Request().Context(), sess.TenantID, sess.UserID)
	return u, tok, true, err
}

func (s *Server) enrolPage(c echo.Context) error {
	u, _, pending, err := s.enrolUser(c)
	if err != nil {
		return err
	}
	if u.ID == 0 {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	next := safeNext(c.QueryParam("next"))
	v := enrolView{Action: c.Path() + "?next=" + urlQueryEscape(next), Next: next, Required: pending}
	return s.renderEnrol(c, u, http.StatusOK, v)
}

// renderEnrol shows a fresh secret (replacing any unconfirmed one).
func (s *Server) renderEnrol(c echo.Context, u identity.User, status int, v enrolView) error {
	en, err := s.Identity.BeginTOTP(c.Request().Context(), u.TenantID, u.ID)
	if errors.Is(err, identity.ErrConflict) {
		SetFlash(c, "Your second factor is already on.")
		return c.Redirect(http.StatusSeeOther, "/account")
	}
	if err != nil {
		return err
	}
	v.Secret, v.QR = en.Secret, template.URL("data:image/png;base64,"+base64.StdEncoding.EncodeToString(en.PNG)) //nolint:gosec // our own PNG
	return s.render(c, status, "second_factor_enrol", "Set up a second factor", v)
}

func (s *Server) enrol(c echo.Context) error {
	u, tok, pending, err := s.enrolUser(c)
	if err != nil {
		return err
	}
	if u.ID == 0 {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	next := safeNext(c.QueryParam("next"))
	if !pending {
		next = "/account"
	}
	v := enrolView{Action: c.Path() + "?next=" + urlQueryEscape(next), Next: next, Required: pending}
	codes, err := s.Identity.ConfirmTOTP(c.Request().Context(), u.TenantID, u.ID, c.FormValue("code"), tok)
	switch {
	case errors.Is(err, identity.ErrRateLimited):
		v.Message = "Too many wrong codes. Wait a few minutes and try again with this new key."
		return s.renderEnrol(c, u, http.StatusTooManyRequests, v)
	case errors.Is(err, identity.ErrSecondFactor):
		v.Message = "That code is not right. Scan this new key and enter the code it shows."
		return s.renderEnrol(c, u, http.StatusUnprocessableEntity, v)
	case err != nil:
		return err
	}
	v.Codes = codes
	return s.render(c, http.StatusOK, "second_factor_enrol", "Second factor on", v)
}

func (s *Server) secondFactorOff(c echo.Context) error {
	u, _ := userOf(c)
	if err := s.Identity.DisableTOTP(c.Request().Context(), u.TenantID, u.ID, c.FormValue("password")); err != nil {
		return userError(err)
	}
	SetFlash(c, "Your second factor is off.")
	return c.Redirect(http.StatusSeeOther, "/account")
}

func (s *Server) securityPage(c echo.Context) error {
	t, _ := tenantOf(c)
	req, err := s.Identity.RequireSecondFactor(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	canWrite, err := s.canTenantWide(c, authz.PermTenantWrite)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "settings_security", "Sign-in security", map[string]any{"Require": req, "CanWrite": canWrite})
}

func (s *Server) saveSecurity(c echo.Context) error {
	t, _ := tenantOf(c)
	req := c.FormValue("require_second_factor") == "1"
	if err := s.Identity.SetRequireSecondFactor(c.Request().Context(), t.ID, req); err != nil {
		return err
	}
	if req {
		SetFlash(c, "Saved. Administrators and operators without a second factor will set one up at their next login.")
	} else {
		SetFlash(c, "Saved. A second factor is no longer required.")
	}
	return c.Redirect(http.StatusSeeOther, "/settings/security")
}
