package pluginhost

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/storage"
)

// A plugin serves only the tenants that enable it: elsewhere its routes are
// 404 and its navigation entries absent.
func TestEnableDisablePerTenant(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a, e.b)
	for _, f := range []tenantFix{e.a, e.b} {
		if resp, body := e.get(f.host, f.hubMgrTok, "/p/echo/"); resp.StatusCode != 200 || !strings.Contains(body, `href="/p/echo/"`) {
			t.Fatalf("%s while enabled: %d %.300s", f.tenant.Slug, resp.StatusCode, body)
		}
	}
	e.must(e.rt.Disable(e.ctx, "echo", e.b.tenant.ID))
	if n := e.auditCount(e.b.tenant.ID, "plugin.disable"); n != 1 {
		t.Fatalf("disable audited %d times", n)
	}
	for _, path := range []string{"/p/echo", "/p/echo/", "/p/echo/admin", "/p/echo/raw"} {
		if resp, _ := e.get(e.b.host, e.b.adminTok, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("tenant B after disable: %s → %d, want 404", path, resp.StatusCode)
		}
	}
	_, page := e.get(e.b.host, e.b.adminTok, "/account")
	if strings.Contains(page, "/p/echo") {
		t.Errorf("tenant B's shell still links the plugin")
	}
	resp, page := e.get(e.a.host, e.a.adminTok, "/account")
	if resp.StatusCode != 200 || !strings.Contains(page, `<a href="/p/echo/">Echo</a>`) || !strings.Contains(page, `<a href="/p/echo/admin">Echo admin</a>`) {
		t.Errorf("tenant A's admin does not see both entries: %.2000s", page)
	}
	if _, page := e.get(e.a.host, e.a.hubMgrTok, "/account"); !strings.Contains(page, `href="/p/echo/"`) || strings.Contains(page, `href="/p/echo/admin"`) {
		t.Errorf("a hub manager sees exactly the entry of her permission")
	}
	// Enable and disable are idempotent and need a real plugin and tenant.
	e.must(e.rt.Enable(e.ctx, "echo", e.a.tenant.ID))
	if n := e.auditCount(e.a.tenant.ID, "plugin.enable"); n != 1 {
		t.Fatalf("a repeated enable was audited: %d", n)
	}
	// The plugin heard of each change once, through OnEvent and its Host calls.
	if n := e.auditCount(e.a.tenant.ID, "echo.event"); n != 1 {
		t.Errorf("tenant A: the plugin recorded %d events, want 1 (tenant.enabled once)", n)
	}
	if n := e.auditCount(e.b.tenant.ID, "echo.event"); n != 2 {
		t.Errorf("tenant B: the plugin recorded %d events, want 2 (enabled, disabled)", n)
	}
	// A school renamed through the API reaches the subscribed plugin of tenant A only.
	body := strings.NewReader(`{"name":"Renamed Hub Primary"}`)
	resp, _ = e.do(http.MethodPatch, e.a.host, e.a.adminTok, fmt.Sprintf("/api/v1/units/%d", e.a.hubSchool.ID), body, http.Header{"Content-Type": {"application/json"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("rename school: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.auditCount(e.a.tenant.ID, "echo.event") < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := e.auditCount(e.a.tenant.ID, "echo.event"); n != 2 {
		t.Errorf("tenant A: %d plugin events after a school changed, want 2 (enabled, school.changed)", n)
	}
	if err := e.rt.Enable(e.ctx, "nope", e.a.tenant.ID); err == nil {
		t.Fatal("enabled a plugin that is not installed")
	}
	if ids, err := e.rt.Registry().Enabled(e.ctx, e.a.tenant.ID); err != nil || fmt.Sprint(ids) != "[echo]" {
		t.Fatalf("enabled in A: %v %v", ids, err)
	}
	if ids, err := e.rt.Registry().Enabled(e.ctx, e.b.tenant.ID); err != nil || len(ids) != 0 {
		t.Fatalf("enabled in B: %v %v", ids, err)
	}
}

// Each manifest route's own permission and scope hold.
func TestRoutePermissionsAndScopes(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a, e.b)
	a := e.a
	// A signed-in user with no role anywhere: 403 on an ANYWHERE or TENANT
	// route, 404 (never 403) on a UNIT route, even at a unit that exists.
	nobody, err := e.ids.CreateUser(e.ctx, a.tenant.ID, "nobody@alpha.example.org", "Nobody", testPassword, false)
	e.must(err)
	nobodyTok, _, err := identitytest.Session(e.ctx, e.ids, a.tenant.ID, nobody.ID, testPassword)
	e.must(err)
	cases := []struct {
		token, path string
		status      int
		want        string
	}{
		{a.hubMgrTok, "/p/echo/", 200, "Echo 1.0.0 for hubmanager@alpha.example.org"},
		{a.hubMgrTok, "/p/echo/admin", http.StatusForbidden, "echo.admin.manage"},
		{a.adminTok, "/p/echo/admin", 200, `data-testid="echo-admin"`},
		{a.hubMgrTok, fmt.Sprintf("/p/echo/units/%d", a.hubSchool.ID), 200, a.hubSchool.Name + ";"},
		{a.hubMgrTok, fmt.Sprintf("/p/echo/units/%d", a.trustSchool.ID), http.StatusNotFound, ""}, // outside her reach
		{a.hubMgrTok, fmt.Sprintf("/p/echo/units/%d", e.b.hubSchool.ID), http.StatusNotFound, ""}, // another tenant
		{a.hubMgrTok, "/p/echo/units/abc", http.StatusNotFound, ""},
		{a.adminTok, fmt.Sprintf("/p/echo/units/%d", a.trustSchool.ID), 200, a.trustSchool.Name},
		{nobodyTok, "/p/echo/", http.StatusForbidden, "echo.page.view"},
		{nobodyTok, "/p/echo/admin", http.StatusForbidden, "echo.admin.manage"},
		{nobodyTok, fmt.Sprintf("/p/echo/units/%d", a.hubSchool.ID), http.StatusNotFound, ""}, // lacks core.school.read: 404 on a unit route
		{a.hubMgrTok, "/p/echo/nowhere", http.StatusNotFound, ""},
		{a.hubMgrTok, "/p/nope/", http.StatusNotFound, ""},
		{"", "/p/echo/raw", 200, "<title>Log in · Upwards"}, // not signed in: redirected to the login page
		{a.hubMgrTok, "/p/echo/broken", http.StatusBadGateway, "Echo could not answer this request."},
	}
	for _, c := range cases {
		resp, body := e.get(a.host, c.token, c.path)
		if resp.StatusCode != c.status || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, want %d with %q: %.300s", c.path, resp.StatusCode, c.status, c.want, body)
		}
	}
	// A method the manifest does not declare for the path.
	if resp, _ := e.do(http.MethodDelete, a.host, a.hubMgrTok, "/p/echo/", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE of a GET route: %d", resp.StatusCode)
	}
}

// A raw (non-fragment) answer is passed through minus hop-by-hop headers,
// core cookies and the core's security headers; the plugin never sees the
// core's credentials.
func TestRawResponseFiltering(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	// The login session and CSRF cookies ride with the plugin's own cookie.
	h := http.Header{"Cookie": {"upwards_session=" + e.a.hubMgrTok + "; upwards_csrf=" + identitytest.CSRF + "; echo_pref=light"}, "X-Custom": {"1"}}
	resp, body := e.do(http.MethodGet, e.a.host, e.a.hubMgrTok, "/p/echo/raw?x=1&y=%C3%A9", nil, h)
	if resp.StatusCode != 201 || resp.Header.Get("X-Echo") != "yes" || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("raw answer: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	var cookies []string // the plugin's: the core's CSRF middleware refreshes its own cookie
	for _, c := range resp.Header.Values("Set-Cookie") {
		if !strings.HasPrefix(c, "upwards_csrf=") {
			cookies = append(cookies, c)
		}
	}
	if len(cookies) != 1 || !strings.HasPrefix(cookies[0], "echo_pref=dark") || !strings.Contains(cookies[0], "Path=/p/echo/") {
		t.Errorf("cookies set: %q", cookies)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") {
		t.Errorf("the plugin replaced the CSP: %q", csp)
	}
	var got struct {
		User         uint
		Tenant, Path string
		Query, Route string
		Base         string
		Headers      []string
		HasToken     bool `json:"has_token"`
		Grants       int
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.User != e.a.hubMgr.ID || got.Tenant != "alpha" || got.Path != "/raw" || got.Query != "x=1&y=%C3%A9" || got.Route != "/raw" ||
		got.Base != "/p/echo" || !got.HasToken || got.Grants != 1 {
		t.Errorf("the plugin saw %+v", got)
	}
	all := strings.Join(got.Headers, "\n")
	if strings.Contains(all, "Authorization") || strings.Contains(all, "upwards_") || strings.Contains(all, e.a.hubMgrTok) {
		t.Errorf("core credentials reached the plugin: %s", all)
	}
	if !strings.Contains(all, "Cookie: echo_pref=light") || !strings.Contains(all, "X-Custom: 1") {
		t.Errorf("headers forwarded: %s", all)
	}
	if n := e.rt.tokens.live(); n != 0 {
		t.Errorf("%d actor tokens outlive their requests", n)
	}
}

// A fragment renders inside the core's shell, with the CSRF token the
// plugin's forms need, and a form posted back reaches the plugin whole.
func TestFragmentInShellWithCSRF(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	b := e.login(e.a, e.a.hubMgr.Email)
	resp, page := b.do(http.MethodGet, "/p/echo/", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `data-testid="tenant">Alpha Org`) || !strings.Contains(page, `data-testid="plugin-content"`) ||
		!strings.Contains(page, `<h1 data-testid="echo-home">Echo 1.0.0`) || !strings.Contains(page, "<title>Echo home · Upwards") {
		t.Fatalf("fragment page: %d %.2000s", resp.StatusCode, page)
	}
	tokens := csrfField.FindAllStringSubmatch(page, -1)
	if len(tokens) < 2 || tokens[0][1] == "" {
		t.Fatalf("no CSRF token in the page: %v", tokens)
	}
	for _, m := range tokens {
		if m[1] != tokens[0][1] {
			t.Fatalf("the plugin's form carries token %q, the shell %q", m[1], tokens[0][1])
		}
	}
	resp, body := b.do(http.MethodPost, "/p/echo/form", url.Values{"_csrf": {b.csrf}, "note": {"hello there"}})
	if resp.StatusCode != 200 || body != "note=hello there" {
		t.Fatalf("form post: %d %q", resp.StatusCode, body)
	}
	if resp, _ := b.do(http.MethodPost, "/p/echo/form", url.Values{"note": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a post without the CSRF token: %d", resp.StatusCode)
	}
}

// Settings come from the tenant over the manifest's defaults; mail goes to
// people within the actor's reach only (mail_test.go has the rest).
func TestSettingsAndMail(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	var s map[string]string
	e.getJSON(e.a.host, e.a.hubMgrTok, "/p/echo/settings", &s)
	if s["greeting"] != "hello" {
		t.Fatalf("default settings: %v", s)
	}
	e.must(e.ten.SetSetting(e.ctx, e.a.tenant.ID, SettingPrefix("echo")+"greeting", "good morning"))
	e.must(e.ten.SetSetting(e.ctx, e.a.tenant.ID, "plugin.other.secret", "not yours"))
	e.getJSON(e.a.host, e.a.hubMgrTok, "/p/echo/settings", &s)
	if s["greeting"] != "good morning" || len(s) != 2 {
		t.Fatalf("tenant settings: %v", s)
	}
	do := func(token, q string) string {
		_, body := e.do(http.MethodPost, e.a.host, token, "/p/echo/mail?"+q, nil, nil)
		return body
	}
	if got := do(e.a.adminTok, fmt.Sprint("person=", e.a.teacher.ID)); strings.HasPrefix(got, "error") {
		t.Fatalf("the tenant admin's mail to a person of the tenant: %s", got)
	}
	// The hub manager may not read people (core.user.read): she mails no one.
	if got := do(e.a.hubMgrTok, fmt.Sprint("person=", e.a.teacher.ID)); got != "error: PermissionDenied" {
		t.Fatalf("the hub manager's mail to a person: %s", got)
	}
	if got := do(e.a.adminTok, fmt.Sprint("person=", e.b.teacher.ID)); got != "error: PermissionDenied" {
		t.Fatalf("mail to a person of another tenant: %s", got)
	}
	if got := do(e.a.adminTok, "to=not-an-address"); got != "error: InvalidArgument" {
		t.Fatalf("mail to a bad address: %s", got)
	}
	mails, err := e.outbox.List(e.ctx, e.a.tenant.ID, 10)
	if err != nil || len(mails) != 1 || !strings.Contains(mails[0].ToAddr, e.a.teacher.Email) {
		t.Fatalf("outbox: %+v %v", mails, err)
	}
	if other, _ := e.outbox.List(e.ctx, e.b.tenant.ID, 10); len(other) != 0 {
		t.Fatalf("mail queued in tenant B: %+v", other)
	}
}
