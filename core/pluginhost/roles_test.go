package pluginhost

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/storage"
)

// picker returns the role options of the grant form on a user page.
func picker(page string) string {
	return regexp.MustCompile(`(?s)<select id="g-role".*?</select>`).FindString(page)
}

// A plugin's declared role is granted on the user pages like a core role in
// a tenant that enables the plugin, and its default grants reach the
// plugin's routes. Disabled, the role is not offered, a grant is refused
// naming the plugin, the kept grant shows as inactive and grants nothing;
// enabled again, it works again. A tenant that never enabled the plugin
// cannot grant it, and each tenant's picker lists exactly the roles of the
// plugins it enables.
func TestPluginRolesFollowTheTenantsEnablement(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		e.install("other", e.a, e.b)
		helper, helperTok := e.createUser(e.a, "helper")
		if resp, _ := e.get(e.a.host, helperTok, "/p/echo/"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("echo before the grant: %d", resp.StatusCode)
		}

		admin := e.login(e.a, e.a.admin.Email)
		userPage := fmt.Sprintf("/users/%d", helper.ID)
		_, page := admin.do(http.MethodGet, userPage, nil)
		sel := picker(page)
		if !strings.Contains(sel, `<optgroup label="Echo"><option value="echo.helper">Echo helper</option></optgroup>`) ||
			!strings.Contains(sel, `<optgroup label="Other"><option value="other.helper">`) || !strings.Contains(sel, `<option value="tenant_admin">`) {
			t.Fatalf("alpha's picker: %s", sel)
		}
		if !strings.Contains(page, "Helps with Echo: opens its pages.") {
			t.Errorf("the role's description is not on the page")
		}
		grant := func(b *browser, uid uint, role, unit string) (int, string) {
			resp, body := b.do(http.MethodPost, fmt.Sprintf("/users/%d/grants", uid), url.Values{"role": {role}, "unit": {unit}, "_csrf": {b.csrf}})
			return resp.StatusCode, body
		}
		if status, body := grant(admin, helper.ID, "echo.helper", fmt.Sprint(e.a.hub.ID)); status != http.StatusSeeOther {
			t.Fatalf("grant echo.helper: %d %.300s", status, body)
		}
		if n := e.auditCount(e.a.tenant.ID, "role.grant"); n != 4 { // three seeded users, then the helper
			t.Errorf("role.grant audited %d times, want 4", n)
		}
		// The actor a plugin is given carries the active grants only.
		grantsSeen := func() int {
			var raw struct{ Grants int }
			e.getJSON(e.a.host, helperTok, "/p/other/raw", &raw)
			return raw.Grants
		}
		if n := grantsSeen(); n != 1 {
			t.Errorf("a plugin sees %d grants of the helper, want 1", n)
		}
		if resp, body := e.get(e.a.host, helperTok, "/p/echo/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Echo 1.0.0") {
			t.Fatalf("echo through the helper role: %d %.300s", resp.StatusCode, body)
		}

		// Beta never enabled echo: its picker lists other's role only, and
		// echo.helper cannot be granted there.
		bAdmin := e.login(e.b, e.b.admin.Email)
		_, bPage := bAdmin.do(http.MethodGet, fmt.Sprintf("/users/%d", e.b.teacher.ID), nil)
		if sel := picker(bPage); !strings.Contains(sel, `<optgroup label="Other"><option value="other.helper">Other helper</option>`) || strings.Contains(sel, "echo.helper") {
			t.Fatalf("beta's picker: %s", sel)
		}
		if status, body := grant(bAdmin, e.b.teacher.ID, "echo.helper", ""); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "is a role of the plugin Echo (echo), which this organisation does not enable") {
			t.Fatalf("beta grants echo.helper: %d %.500s", status, body)
		}

		e.must(e.rt.Disable(e.ctx, "echo", e.a.tenant.ID))
		if ok, err := e.az.Can(e.ctx, e.a.tenant.ID, helper.ID, "echo.page.view", e.a.hub.ID); ok || err != nil {
			t.Fatalf("the helper role still grants echo.page.view while echo is disabled: %v %v", ok, err)
		}
		if resp, _ := e.get(e.a.host, helperTok, "/p/echo/"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("echo while disabled: %d", resp.StatusCode)
		}
		if n := grantsSeen(); n != 0 {
			t.Errorf("while echo is disabled a plugin sees %d grants of the helper, want 0", n)
		}
		_, page = admin.do(http.MethodGet, userPage, nil)
		if strings.Contains(picker(page), "echo.helper") {
			t.Fatalf("echo.helper offered while echo is disabled: %s", picker(page))
		}
		if !strings.Contains(page, "inactive: Echo is not enabled for this organisation; the grant is kept and applies again if it is enabled") {
			t.Fatalf("the kept grant is not shown as inactive:\n%s", page)
		}
		if status, body := grant(admin, e.a.teacher.ID, "echo.helper", ""); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Echo (echo)") {
			t.Fatalf("grant while echo is disabled: %d %.500s", status, body)
		}
		if gs, _ := e.az.Grants(e.ctx, e.a.tenant.ID, helper.ID); len(gs) != 1 || gs[0].Role != "echo.helper" {
			t.Fatalf("the grant was not kept: %+v", gs)
		}

		e.must(e.rt.Enable(e.ctx, "echo", e.a.tenant.ID))
		if resp, _ := e.get(e.a.host, helperTok, "/p/echo/"); resp.StatusCode != http.StatusOK {
			t.Fatalf("echo re-enabled: %d", resp.StatusCode)
		}
		_, page = admin.do(http.MethodGet, userPage, nil)
		if !strings.Contains(picker(page), "echo.helper") || strings.Contains(page, "inactive:") {
			t.Fatalf("after re-enabling: picker %s", picker(page))
		}
	})
}

// createUser is a user of tenant f without roles, with an API token.
func (e *env) createUser(f tenantFix, local string) (identity.User, string) {
	e.t.Helper()
	u, err := e.ids.CreateUser(e.ctx, f.tenant.ID, local+"@"+f.tenant.Slug+".example.org", local, testPassword, false)
	e.must(err)
	tok, _, err := identitytest.Session(e.ctx, e.ids, f.tenant.ID, u.ID, testPassword)
	e.must(err)
	return u, tok
}
