package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/identity"
)

// csrfCookie is the cookie of the CSRF middleware's double-submit token.
const csrfCookie = "upwards_csrf"

// rotateCSRF gives the browser a fresh CSRF token, replacing whatever token
// it had: at login and logout, so a token planted in the browser before
// (or seen by someone else) is worth nothing after. The attributes are the
// CSRF middleware's own, so the new cookie replaces its cookie.
func (s *Server) rotateCSRF(c echo.Context) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", MaxAge: 86400, HttpOnly: true,
		Secure: s.Config.SecureCookies(), SameSite: http.SameSiteStrictMode})
	c.Set(ctxCSRF, token)
}

// startSession hands the browser a new login session of the tenant named by
// slug, with a fresh CSRF token.
func (s *Server) startSession(c echo.Context, token string, sess identity.Session, slug string) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.Config.SecureCookies(),
		SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
	c.SetCookie(&http.Cookie{Name: tenantCookie, Value: slug, Path: "/", HttpOnly: true, Secure: s.Config.SecureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	s.rotateCSRF(c)
}
