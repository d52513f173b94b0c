// Package identitytest lets a test reach pages as a signed-in browser does:
// pages (plugin pages included) take a login session and a CSRF token, never
// an API token, which opens the JSON API only.
package identitytest

import (
	"context"
	"fmt"
	"net/http"

	"github.com/challengepartners/upwards/core/identity"
)

// CSRF is the double-submitted CSRF token (cookie and header) that
// SetSession sends, so forms posted this way pass the CSRF check.
const CSRF = "test-csrf-token"

// Session logs the user in with password and returns the session's cookie
// token.
func Session(ctx context.Context, ids *identity.Service, tenantID, userID uint, password string) (string, identity.Session, error) {
	u, err := ids.GetUser(ctx, tenantID, userID)
	if err != nil {
		return "", identity.Session{}, fmt.Errorf("test session: %w", err)
	}
	tok, sess, _, err := ids.Login(ctx, tenantID, u.Email, password, "", "test")
	if err != nil {
		return "", identity.Session{}, fmt.Errorf("test session of %s: %w", u.Email, err)
	}
	return tok, sess, nil
}

// SetSession makes req come from the browser of the session token: its
// cookie, and the CSRF token as cookie and header.
func SetSession(req *http.Request, token string) {
	req.AddCookie(&http.Cookie{Name: "upwards_session", Value: token})
	req.AddCookie(&http.Cookie{Name: "upwards_csrf", Value: CSRF})
	req.Header.Set("X-CSRF-Token", CSRF)
}
