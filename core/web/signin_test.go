package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// After login the browser stays on the site whatever next says (issue 12,
// item 9): the form's next, and the login page's redirect of a signed-in user.
func TestLoginNextNeverLeavesTheSite(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	payloads := []string{"/\t/evil.example/x", "/\\evil.example", "//evil.example", "https://evil.example/", "/\r\n/evil.example"}
	for _, next := range payloads {
		c := w.client(w.a.host)
		_, page := c.get("/login?next=" + url.QueryEscape(next))
		if strings.Contains(page, "evil.example") {
			t.Errorf("the login page keeps next %q", next)
		}
		resp, _ := c.post("/login", url.Values{"email": {w.a.adminEmail}, "password": {testPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("login with next %q: %d to %q, want 303 to /", next, resp.StatusCode, loc)
		}
		resp, _ = c.get("/login?next=" + url.QueryEscape(next))
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("signed-in /login?next=%q goes to %q, want /", next, loc)
		}
	}
	c := w.client(w.a.host)
	c.get("/login")
	resp, _ := c.post("/login", url.Values{"email": {w.a.adminEmail}, "password": {testPassword}, "next": {"/units?kind=school"}})
	if loc := resp.Header.Get("Location"); loc != "/units?kind=school" {
		t.Fatalf("a path on the site is lost: %q", loc)
	}
}

// A CSRF token planted in the browser before login is worth nothing after
// it, and one from before logout nothing after that (issue 12, item 10).
func TestCSRFTokenIsRenewedAtLoginAndLogout(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		c := w.client(w.a.host)
		c.get("/login")
		planted := c.csrf
		if planted == "" {
			t.Fatal("the login page has no CSRF token")
		}
		resp, _ := c.post("/login", url.Values{"email": {w.a.adminEmail}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		resp, body := c.do(http.MethodPost, "/units", url.Values{"_csrf": {planted}, "kind": {"hub"}, "name": {"Planted Hub"}}, nil)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF") {
			t.Fatalf("the token from before login still works: %d", resp.StatusCode)
		}
		c.get("/")
		if c.csrf == planted {
			t.Fatal("the page after login shows the old token")
		}
		if resp, _ := c.post("/units", url.Values{"kind": {"hub"}, "name": {"Real Hub"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the new token is refused: %d", resp.StatusCode)
		}
		before := c.csrf
		if resp, _ := c.post("/logout", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		resp, _ = c.do(http.MethodPost, "/login", url.Values{"_csrf": {before}, "email": {w.a.adminEmail}, "password": {testPassword}}, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("the token from before logout still works: %d", resp.StatusCode)
		}
		c.get("/login")
		if c.csrf == before {
			t.Fatal("the login page after logout shows the old token")
		}
		if resp, _ := c.post("/login", url.Values{"email": {w.a.adminEmail}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login again with the new token: %d", resp.StatusCode)
		}
	})
}

// The administrator's page adds a provider (the field in error named beside
// it, input kept, secret never echoed), shows it on the login page and
// removes it; a teacher cannot open it.
func TestSignInProvidersPage(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	admin := w.client(w.a.host)
	admin.login(w.a.adminEmail)
	resp, page := admin.get("/settings/sign-in")
	if resp.StatusCode != 200 || !strings.Contains(page, "http://"+w.a.host+"/login/oidc/callback") {
		t.Fatalf("page: %d, redirect URL shown: %v", resp.StatusCode, strings.Contains(page, "/login/oidc/callback"))
	}
	form := url.Values{"name": {"Google"}, "issuer": {"https://accounts.google.com"}, "client_id": {"1234.apps.googleusercontent.com"},
		"client_secret": {"GOCSPX-topsecret"}, "allowed_domains": {"not a domain"}}
	resp, page = admin.post("/settings/sign-in", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="p-domains-error"`) ||
		!strings.Contains(page, `value="1234.apps.googleusercontent.com"`) || strings.Contains(page, "GOCSPX-topsecret") {
		t.Fatalf("bad domains: %d %s", resp.StatusCode, page)
	}
	form.Set("allowed_domains", "alpha.example.org")
	form.Set("allow_signup", "on")
	if resp, _ = admin.post("/settings/sign-in", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	_, page = admin.get("/settings/sign-in")
	if !strings.Contains(page, "Saved") || !strings.Contains(page, "Created on first sign-in") || strings.Contains(page, "GOCSPX-topsecret") {
		t.Fatalf("after adding: %s", page)
	}
	if _, login := w.client(w.a.host).get("/login"); !strings.Contains(login, "Sign in with Google") {
		t.Fatal("the login page has no button for the provider")
	}
	ps, _ := w.app.OIDC.ListProviders(t.Context(), w.a.tenant.ID)
	if len(ps) != 1 {
		t.Fatalf("%d providers", len(ps))
	}
	teacher := w.client(w.a.host)
	teacher.login(w.a.teacherEmail)
	if resp, _ := teacher.get("/settings/sign-in"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a teacher opens the page: %d", resp.StatusCode)
	}
	if resp, _ := teacher.post("/settings/sign-in/delete", url.Values{"provider": {idStr(ps[0].ID)}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a teacher removes a provider: %d", resp.StatusCode)
	}
	// Tenant B's administrator cannot remove it either.
	other := w.client(w.b.host)
	other.login(w.b.adminEmail)
	if resp, _ := other.post("/settings/sign-in/delete", url.Values{"provider": {idStr(ps[0].ID)}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("tenant B removes A's provider: %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/settings/sign-in/delete", url.Values{"provider": {idStr(ps[0].ID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	if _, login := w.client(w.a.host).get("/login"); strings.Contains(login, "Sign in with Google") {
		t.Fatal("the removed provider is still on the login page")
	}
}
