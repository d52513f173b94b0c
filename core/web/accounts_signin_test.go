package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
)

// API tokens open the JSON API only: a bearer token on a page, or on the
// form that makes tokens, is refused, so a token can never mint another.
func TestAPITokensOnlyOpenTheJSONAPI(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	bearer := http.Header{"Authorization": {"Bearer " + w.a.token}}
	if resp, _ := c.do(http.MethodGet, "/api/v1/me", nil, bearer); resp.StatusCode != http.StatusOK {
		t.Fatalf("token on the API: %d", resp.StatusCode)
	}
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/"}, {http.MethodGet, "/account"}, {http.MethodGet, "/units"},
		{http.MethodPost, "/account/tokens"}, {http.MethodPost, "/units"}, {http.MethodGet, "/audit.csv"},
	} {
		form := url.Values{"name": {"minted"}, "days": {"90"}, "scope": {"write"}, "area": {"units"}}
		resp, body := c.do(r.method, r.path, form, bearer)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s with a bearer token: status %d %.200s", r.method, r.path, resp.StatusCode, body)
		}
	}
	var n int64
	w.app.DB.Raw("SELECT count(*) FROM api_tokens WHERE name = 'minted'").Scan(&n)
	if n != 0 {
		t.Fatal("a bearer token minted a token")
	}
}

// The tokens form makes a token with the chosen expiry (90 days by default,
// shown), scope and areas, and the API enforces them.
func TestScopedTokensFromTheAccountPage(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	_, page := c.get("/account")
	if !regexp.MustCompile(`<option value="90" selected>90 days</option>`).MatchString(page) {
		t.Fatalf("90 days is not the default: %s", page)
	}
	for _, area := range []string{"audit", "pupils", "units", "users"} {
		if !strings.Contains(page, `value="`+area+`"`) {
			t.Errorf("area %q not offered", area)
		}
	}
	resp, body := c.post("/account/tokens", url.Values{"name": {"reader"}, "days": {"30"}, "scope": {"read"}, "area": {"units"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	tok := regexp.MustCompile(`data-testid="new-token">(upw_[^<]+)<`).FindStringSubmatch(body)
	if tok == nil {
		t.Fatalf("no token shown: %s", body)
	}
	want := time.Now().Add(30 * 24 * time.Hour).In(mustLoc(t)).Format("Mon 2 Jan 2006")
	if !strings.Contains(body, want) || !strings.Contains(body, "read-only: units") {
		t.Fatalf("expiry %q or scope not shown: %s", want, body)
	}
	for _, bad := range []url.Values{
		{"name": {"x"}, "days": {"7"}, "scope": {"read"}, "area": {"units"}},
		{"name": {"x"}, "days": {"30"}, "scope": {"admin"}, "area": {"units"}},
		{"name": {"x"}, "days": {"30"}, "scope": {"read"}},
		{"name": {"x"}, "days": {"30"}, "scope": {"read"}, "area": {"plugins"}},
	} {
		if resp, _ := c.post("/account/tokens", bad); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: status %d", bad, resp.StatusCode)
		}
	}
	api := w.client(w.a.host)
	for _, r := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/api/v1/me", nil, 200},
		{"GET", "/api/v1/units", nil, 200},
		{"POST", "/api/v1/units", map[string]any{"kind": "hub", "name": "New Hub"}, 403},
		{"GET", "/api/v1/users", nil, 403},
		{"GET", fmt.Sprintf("/api/v1/pupils/%d", w.a.pupilID), nil, 403},
		{"GET", fmt.Sprintf("/api/v1/units/%d/pupils", w.a.hubSchool.ID), nil, 403},
	} {
		if resp, out := api.api(r.method, r.path, tok[1], r.body); resp.StatusCode != r.want {
			t.Errorf("%s %s: %d %v, want %d", r.method, r.path, resp.StatusCode, out, r.want)
		}
	}
	// Changing the password revokes it.
	if resp, body := c.post("/account/password", url.Values{"old_password": {testPassword}, "new_password": {"violet kettle orbit lantern"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d %s", resp.StatusCode, body)
	}
	if resp, _ := api.api("GET", "/api/v1/me", tok[1], nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("token after a password change: %d", resp.StatusCode)
	}
	// Guessable passwords are refused on the page with the reason.
	if resp, body := c.post("/account/password", url.Values{"old_password": {"violet kettle orbit lantern"}, "new_password": {"aaaaaaaaaa"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "repeated character") {
		t.Fatalf("weak password: %d %.300s", resp.StatusCode, body)
	}
}

func mustLoc(t *testing.T) *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var linkRe = regexp.MustCompile(`/password/reset\?token=([A-Za-z0-9_%-]+)`)

// Forgot password: the same answer for a known and an unknown address; the
// known one gets a mail whose link sets a new password once, ending the
// account's sessions; requests are rate limited.
func TestForgotPasswordByEmail(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	victim := w.client(w.a.host)
	victim.login(w.a.hubMgrEmail)

	c := w.client(w.a.host)
	_, page := c.get("/login")
	if !strings.Contains(page, `href="/password/forgot"`) {
		t.Fatal("no Forgot password link on the login page")
	}
	c.get("/password/forgot")
	respKnown, known := c.post("/password/forgot", url.Values{"email": {w.a.hubMgrEmail}})
	respUnknown, unknown := c.post("/password/forgot", url.Values{"email": {"nobody@alpha.example.org"}})
	if respKnown.StatusCode != 200 || respUnknown.StatusCode != 200 || known != unknown || !strings.Contains(known, "If an account uses that address") {
		t.Fatalf("answers differ or fail: %d %d\n%s\n---\n%s", respKnown.StatusCode, respUnknown.StatusCode, known, unknown)
	}
	var bodies []string
	w.app.DB.Raw("SELECT body FROM outbox_mail WHERE to_addr LIKE ? ORDER BY id", "%"+w.a.hubMgrEmail+"%").Scan(&bodies)
	var others int64
	w.app.DB.Raw("SELECT count(*) FROM outbox_mail WHERE to_addr LIKE '%nobody@%'").Scan(&others)
	if len(bodies) != 1 || others != 0 {
		t.Fatalf("mails: %d to the user, %d to the unknown address", len(bodies), others)
	}
	m := linkRe.FindStringSubmatch(bodies[0])
	if m == nil || !strings.HasPrefix(bodies[0][strings.Index(bodies[0], "http"):], w.app.Config.BaseURL) {
		t.Fatalf("no link on the base URL in the mail: %s", bodies[0])
	}
	path := m[0]
	r := w.client(w.a.host)
	if resp, body := r.get(path); resp.StatusCode != 200 || !strings.Contains(body, w.a.hubMgrEmail) {
		t.Fatalf("reset page: %d %s", resp.StatusCode, body)
	}
	token, _ := url.QueryUnescape(m[1])
	if resp, body := r.post("/password/reset", url.Values{"token": {token}, "new_password": {"password12"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "common password") {
		t.Fatalf("weak password: %d %.400s", resp.StatusCode, body)
	}
	if resp, body := r.post("/password/reset", url.Values{"token": {token}, "new_password": {"violet kettle orbit lantern"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", resp.StatusCode, body)
	}
	if resp, _ := victim.get("/account"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the old session still works after the reset: %d", resp.StatusCode)
	}
	if resp, _ := r.post("/password/reset", url.Values{"token": {token}, "new_password": {"amber meadow copper whistle"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("link used twice: %d", resp.StatusCode)
	}
	if resp, _ := r.get(path); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("used link page: %d", resp.StatusCode)
	}
	// The per-address limit (3 an hour) answers 429 alike for any address.
	c.post("/password/forgot", url.Values{"email": {"nobody@alpha.example.org"}})
	c.post("/password/forgot", url.Values{"email": {"nobody@alpha.example.org"}})
	if resp, _ := c.post("/password/forgot", url.Values{"email": {"nobody@alpha.example.org"}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th request for one address: %d", resp.StatusCode)
	}
	if resp, body := c.post("/password/forgot", url.Values{"email": {"not an address"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "email") {
		t.Fatalf("bad address: %d", resp.StatusCode)
	}
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var secretRe = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`)

// A user turns on TOTP from the account page; their next login asks for the
// code and is not logged in before it; a replayed code is refused.
func TestSecondFactorLogin(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.teacherEmail)
	_, page := c.get("/account/second-factor")
	m := secretRe.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `src="data:image/png;base64,`) {
		t.Fatalf("no secret or QR code: %s", page)
	}
	secret := m[1]
	if resp, body := c.post("/account/second-factor", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d %s", resp.StatusCode, body)
	}
	secret = secretRe.FindStringSubmatch(c.lastBody(t, "/account/second-factor"))[1]
	resp, body := c.post("/account/second-factor", url.Values{"code": {totpCode(t, secret, time.Now())}})
	if resp.StatusCode != 200 || strings.Count(body, "<li><code>") != identity.RecoveryCodeCount {
		t.Fatalf("confirm: %d %s", resp.StatusCode, body)
	}
	c.post("/logout", nil)

	d := w.client(w.a.host)
	d.get("/login")
	resp, _ = d.post("/login", url.Values{"email": {w.a.teacherEmail}, "password": {testPassword}, "next": {"/units"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login/second-factor") {
		t.Fatalf("after the password: %d %s", resp.StatusCode, loc)
	}
	if resp, _ := d.get("/units"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Fatalf("a page before the code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	d.get("/login/second-factor?next=/units")
	if resp, _ := d.post("/login/second-factor", url.Values{"code": {"123456"}, "next": {"/units"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", resp.StatusCode)
	}
	// The code used to confirm is spent: use the next time step's, which
	// the one-step clock drift allowance accepts.
	code := totpCode(t, secret, time.Now().Add(30*time.Second))
	resp, _ = d.post("/login/second-factor", url.Values{"code": {code}, "next": {"/units"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right code: %d", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != "/units" {
		t.Fatalf("after the code: %s", loc)
	}
	if resp, _ := d.get("/units"); resp.StatusCode != 200 {
		t.Fatalf("logged in: %d", resp.StatusCode)
	}
	// Replay: the same code on another login.
	e := w.client(w.a.host)
	e.get("/login")
	e.post("/login", url.Values{"email": {w.a.teacherEmail}, "password": {testPassword}})
	e.get("/login/second-factor")
	if resp, _ := e.post("/login/second-factor", url.Values{"code": {code}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replayed code: %d", resp.StatusCode)
	}
}

// lastBody fetches path and returns its body.
func (c *client) lastBody(t *testing.T, path string) string {
	t.Helper()
	_, b := c.get(path)
	return b
}

// A tenant that requires a second factor sends its administrator to set one
// up at login, before any page; a teacher is not asked.
func TestTenantRequiresSecondFactorOfAdministrators(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	admin := w.client(w.a.host)
	admin.login(w.a.adminEmail)
	admin.get("/settings/security")
	if resp, body := admin.post("/settings/security", url.Values{"require_second_factor": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	teacher := w.client(w.a.host)
	teacher.login(w.a.teacherEmail)
	if resp, _ := teacher.get("/units"); resp.StatusCode != 200 {
		t.Fatalf("teacher asked for a second factor: %d", resp.StatusCode)
	}
	c := w.client(w.a.host)
	c.get("/login")
	resp, _ := c.post("/login", url.Values{"email": {w.a.adminEmail}, "password": {testPassword}, "next": {"/users"}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login/enrol") {
		t.Fatalf("admin after the password: %s", loc)
	}
	if resp, _ := c.get("/users"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a page before enrolling: %d", resp.StatusCode)
	}
	_, page := c.get("/login/enrol?next=/users")
	m := secretRe.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "requires a second factor") {
		t.Fatalf("enrol page: %s", page)
	}
	resp, body := c.post("/login/enrol?next=/users", url.Values{"code": {totpCode(t, m[1], time.Now())}})
	if resp.StatusCode != 200 || !strings.Contains(body, `href="/users"`) {
		t.Fatalf("enrol: %d %s", resp.StatusCode, body)
	}
	if resp, _ := c.get("/users"); resp.StatusCode != 200 {
		t.Fatalf("after enrolling: %d", resp.StatusCode)
	}
	// It cannot be turned off while required.
	if resp, _ := c.post("/account/second-factor/off", url.Values{"password": {testPassword}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("turned off while required: %d", resp.StatusCode)
	}
}
