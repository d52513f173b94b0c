package plugins_test

import (
	"context"
	"net/http"

	"github.com/challengepartners/upwards/core/identity"
)

// testSession logs the user in and returns the session's cookie token:
// pages (plugin pages included) take a login session, never an API token.
func testSession(ctx context.Context, ids *identity.Service, tenantID, userID uint, password string) (string, identity.Session, error) {
	u, err := ids.GetUser(ctx, tenantID, userID)
	if err != nil {
		return "", identity.Session{}, err
	}
	tok, sess, _, err := ids.Login(ctx, tenantID, u.Email, password, "", "test")
	return tok, sess, err
}

// testCSRF is the double-submitted CSRF token (cookie and header) that
// setSession sends, so forms posted this way pass the CSRF check.
const testCSRF = "test-csrf-token"

// setSession makes req come from the browser of the session token.
func setSession(req *http.Request, token string) {
	req.AddCookie(&http.Cookie{Name: "upwards_session", Value: token})
	req.AddCookie(&http.Cookie{Name: "upwards_csrf", Value: testCSRF})
	req.Header.Set("X-CSRF-Token", testCSRF)
}
