package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
)

func each(t *testing.T, fn func(t *testing.T, w *world)) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, newWorld(t, d)) })
	}
}

// Every route Echo serves declares exactly one permission, and the declared
// table names no route Echo does not serve.
func TestEveryRouteDeclaresOnePermission(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	declared := map[string]web.Route{}
	for _, r := range w.server.Routes() {
		declared[r.Method+" "+r.Path] = r
	}
	served := map[string]bool{}
	for _, r := range w.server.Echo().Routes() {
		key := r.Method + " " + r.Path
		served[key] = true
		d, ok := declared[key]
		if !ok {
			t.Errorf("route %s declares no permission", key)
			continue
		}
		if d.Permission == "" {
			t.Errorf("route %s has an empty permission", key)
		}
	}
	for key := range declared {
		if !served[key] {
			t.Errorf("declared route %s is not served", key)
		}
	}
	if len(served) < 30 {
		t.Fatalf("only %d routes served; the route table is not being walked", len(served))
	}
}

// The OpenAPI document describes exactly the API routes the server has.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	resp, doc := w.client(w.a.host).api(http.MethodGet, "/api/openapi.json", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("openapi.json status %d", resp.StatusCode)
	}
	if doc["openapi"] != "3.0.3" {
		t.Fatalf("not an OpenAPI 3 document: %v", doc["openapi"])
	}
	paths, _ := doc["paths"].(map[string]any)
	documented := map[string]bool{}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	apiRoutes := 0
	for _, r := range w.server.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		apiRoutes++
		key := r.Method + " " + strings.NewReplacer(":id", "{id}", ":uid", "{uid}", ":gid", "{gid}", ":child", "{child}", ":pid", "{pid}").Replace(r.Path)
		if !documented[key] {
			t.Errorf("API route %s is missing from openapi.json", key)
		}
		delete(documented, key)
	}
	for key := range documented {
		t.Errorf("openapi.json documents %s, which the server does not serve", key)
	}
	if apiRoutes < 10 {
		t.Fatalf("only %d API routes", apiRoutes)
	}
}

// A user of tenant A gets 404 for every id of tenant B on every core route.
func TestCrossTenantIDsAre404OnEveryRoute(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		b := w.b
		ids := map[string]string{
			":id":    fmt.Sprint(b.hubSchool.ID),
			":uid":   fmt.Sprint(b.adminID),
			":gid":   fmt.Sprint(b.grantID),
			":tid":   fmt.Sprint(b.tokenID),
			":child": fmt.Sprint(b.otherSchool.ID),
			":iid":   "1", // a pupil import (tenant B's school answers 404 whatever the id)
			":pid":   fmt.Sprint(b.pupilID),
			// No plugin is installed: every plugin route is absent.
			":plugin": "none",
		}
		page := w.client(w.a.host)
		page.login(w.a.adminEmail)
		apiClient := w.client(w.a.host)
		checked := 0
		for _, r := range w.server.Routes() {
			// Operator routes act on the install, not on a tenant (a pending
			// plugin upgrade); non-operators get 403 there (TestAdminPluginsPage).
			if !strings.Contains(r.Path, ":") || r.Permission == web.PermOperator {
				continue
			}
			path := r.Path
			for p, v := range ids {
				path = strings.ReplaceAll(path, p, v)
			}
			if strings.Contains(path, ":") {
				t.Fatalf("route %s has a parameter this test does not know; add it", r.Path)
			}
			var status int
			var body string
			if strings.HasPrefix(r.Path, "/api/") {
				var b any
				if r.Method != http.MethodGet && r.Method != http.MethodDelete {
					b = map[string]any{"name": "X", "child_id": w.b.otherSchool.ID, "role": "teacher"}
				}
				resp, out := apiClient.api(r.Method, path, w.a.token, b)
				status, body = resp.StatusCode, fmt.Sprint(out)
			} else {
				var resp *http.Response
				if r.Method == http.MethodGet {
					resp, body = page.get(path)
				} else {
					resp, body = page.post(path, url.Values{"name": {"X"}, "child": {fmt.Sprint(w.a.otherSchool.ID)}, "role": {"teacher"}})
				}
				status = resp.StatusCode
			}
			if status != http.StatusNotFound {
				t.Errorf("%s %s with tenant B's ids: status %d, want 404 (%.200s)", r.Method, path, status, body)
			}
			checked++
		}
		if checked < 12 {
			t.Fatalf("only %d routes with ids checked", checked)
		}
		// Nothing of B changed.
		u, err := w.app.Tenancy.GetUnit(context.Background(), b.tenant.ID, b.hubSchool.ID)
		if err != nil || u.Name != b.hubSchool.Name {
			t.Fatalf("tenant B's school changed: %+v %v", u, err)
		}
	})
}

// A role reaches the schools beneath the unit it is granted at, and no others.
func TestRoleReachThroughTheOrgGraph(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		a := w.a
		cases := []struct {
			email           string
			visible, hidden []tenancy.Unit
		}{
			{a.trustEmail, []tenancy.Unit{a.trust, a.trustSchool}, []tenancy.Unit{a.hubSchool, a.otherSchool, a.hub}},
			{a.hubMgrEmail, []tenancy.Unit{a.hub, a.hubSchool}, []tenancy.Unit{a.trustSchool, a.otherSchool}},
			{a.teacherEmail, []tenancy.Unit{a.otherSchool}, []tenancy.Unit{a.trustSchool, a.hubSchool, a.trust}},
			{a.adminEmail, []tenancy.Unit{a.trust, a.hub, a.trustSchool, a.hubSchool, a.otherSchool}, nil},
		}
		for _, tc := range cases {
			c := w.client(a.host)
			c.login(tc.email)
			for _, u := range tc.visible {
				if resp, body := c.get(fmt.Sprintf("/units/%d", u.ID)); resp.StatusCode != 200 || !strings.Contains(body, u.Name) {
					t.Errorf("%s should see %s: status %d", tc.email, u.Name, resp.StatusCode)
				}
			}
			for _, u := range tc.hidden {
				if resp, _ := c.get(fmt.Sprintf("/units/%d", u.ID)); resp.StatusCode != 404 {
					t.Errorf("%s should not see %s: status %d", tc.email, u.Name, resp.StatusCode)
				}
			}
			_, list := c.get("/units?kind=school")
			for _, u := range tc.hidden {
				if strings.Contains(list, u.Name) {
					t.Errorf("%s's school list shows %s", tc.email, u.Name)
				}
			}
		}
	})
}

// A page is sent whole, with its length, so that the browser has all of it
// when the handler returns (and the work the request's end starts cannot
// delay its last bytes).
func TestPagesAreSentWholeWithTheirLength(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		c := w.client(w.a.host)
		c.login(w.a.adminEmail)
		for _, path := range []string{"/", "/units?kind=school", fmt.Sprintf("/units/%d", w.a.hubSchool.ID)} {
			resp, body := c.get(path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			if resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) > 0 {
				t.Errorf("%s: Content-Length %d, transfer encoding %v, body of %d bytes", path, resp.ContentLength, resp.TransferEncoding, len(body))
			}
		}
	})
}

func TestCSRFTokenIsRequired(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		c := w.client(w.a.host)
		c.login(w.a.adminEmail)
		before, _, _ := w.app.Tenancy.Search(context.Background(), w.a.tenant.ID, tenancy.SearchQuery{Text: "Forged"})
		for _, token := range []string{"", "not-the-token"} {
			resp, body := c.do(http.MethodPost, "/units", url.Values{"_csrf": {token}, "kind": {"hub"}, "name": {"Forged Hub"}}, nil)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF") {
				t.Fatalf("post with csrf %q: status %d", token, resp.StatusCode)
			}
		}
		after, _, _ := w.app.Tenancy.Search(context.Background(), w.a.tenant.ID, tenancy.SearchQuery{Text: "Forged"})
		if len(after) != len(before) {
			t.Fatal("a forged form created a unit")
		}
		if resp, _ := c.post("/units", url.Values{"kind": {"hub"}, "name": {"Real Hub"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post with the right token: status %d", resp.StatusCode)
		}
		// The login form is protected too.
		anon := w.client(w.a.host)
		if resp, _ := anon.do(http.MethodPost, "/login", url.Values{"email": {w.a.adminEmail}, "password": {testPassword}}, nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("login without csrf: status %d", resp.StatusCode)
		}
	})
}

// A session created by one serve process is honoured by a second one on the same database.
func TestSessionWorksAcrossServeProcesses(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d)
			c := w.client(w.a.host)
			c.login(w.a.adminEmail)
			_, _, second := startApp(t, w.dbURL)
			// The client's jar keys cookies by the Host the requests named.
			u, _ := url.Parse("http://" + w.a.host + "/")
			cookies := c.http.Jar.Cookies(u)
			if len(cookies) == 0 {
				t.Fatal("the login left no cookies")
			}
			req, _ := http.NewRequest(http.MethodGet, second.URL+"/", nil)
			req.Host = w.a.host
			for _, ck := range cookies {
				req.AddCookie(ck)
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("second process answered %d to the first's session", resp.StatusCode)
			}
			// Logging out on the first process ends the session on the second.
			c.post("/logout", nil)
			resp, err = http.DefaultTransport.RoundTrip(req.Clone(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("after logout the second process answered %d, want a redirect to login", resp.StatusCode)
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.get("/login")
	for i := 0; i < 5; i++ { // login-limit is 5: five failures are allowed
		resp, _ := c.post("/login", url.Values{"email": {w.a.adminEmail}, "password": {"wrong-password-x"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failed login %d: status %d", i, resp.StatusCode)
		}
	}
	resp, body := c.post("/login", url.Values{"email": {w.a.adminEmail}, "password": {testPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many") {
		t.Fatalf("login after 5 failures, with the right password: status %d, want 429", resp.StatusCode)
	}
	// Another account on the same address is unaffected: a school's staff share one address.
	other := w.client(w.a.host)
	other.login(w.a.teacherEmail)
}

func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		c := w.client(w.a.host)
		count := func() int64 {
			_, n, err := w.app.Tenancy.Search(ctx, w.a.tenant.ID, tenancy.SearchQuery{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		auditCount := func() int64 {
			_, n, _ := audit.List(ctx, w.app.DB.DB, w.a.tenant.ID, audit.Filter{})
			return n
		}
		n0, a0 := count(), auditCount()
		cases := []struct {
			name   string
			method string
			path   string
			body   any
			status int
			says   string
		}{
			{"invalid URN", "POST", "/api/v1/units", map[string]any{"kind": "school", "name": "Bad URN School", "urn": "12345", "phase": "primary"}, 422, "URN"},
			{"duplicate URN", "POST", "/api/v1/units", map[string]any{"kind": "school", "name": "Copy", "urn": *w.a.hubSchool.URN, "phase": "primary"}, 409, *w.a.hubSchool.URN},
			{"unknown kind", "POST", "/api/v1/units", map[string]any{"kind": "galaxy", "name": "X"}, 422, "kind"},
			{"unknown unit", "GET", "/api/v1/units/999999", nil, 404, ""},
			{"link to unknown unit", "POST", fmt.Sprintf("/api/v1/units/%d/children", w.a.hub.ID), map[string]any{"child_id": 999999}, 404, ""},
			{"wrong kind of edge", "POST", fmt.Sprintf("/api/v1/units/%d/children", w.a.trustSchool.ID), map[string]any{"child_id": w.a.hub.ID}, 422, "school"},
			{"second trust", "POST", fmt.Sprintf("/api/v1/units/%d/children", w.a.trust.ID), map[string]any{"child_id": w.a.trustSchool.ID}, 409, ""},
			{"unknown role", "POST", fmt.Sprintf("/api/v1/users/%d/grants", w.a.teacherID), map[string]any{"role": "emperor"}, 422, "role"},
			{"malformed JSON", "POST", "/api/v1/units", "{not json", 400, ""},
		}
		for _, tc := range cases {
			resp, out := c.api(tc.method, tc.path, w.a.token, tc.body)
			if resp.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d (%v)", tc.name, resp.StatusCode, tc.status, out)
				continue
			}
			if msg, _ := out["error"].(string); msg == "" || (tc.says != "" && !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.says))) {
				t.Errorf("%s: message %q does not say %q", tc.name, msg, tc.says)
			}
		}
		// A cycle among clusters is refused.
		var clusters [3]tenancy.Unit
		for i := range clusters {
			resp, out := c.api("POST", "/api/v1/units", w.a.token, map[string]any{"kind": "cluster", "name": fmt.Sprintf("Cluster %d", i)})
			if resp.StatusCode != 201 {
				t.Fatalf("create cluster: %d %v", resp.StatusCode, out)
			}
			clusters[i].ID = uint(out["id"].(float64))
		}
		link := func(p, ch tenancy.Unit) int {
			resp, _ := c.api("POST", fmt.Sprintf("/api/v1/units/%d/children", p.ID), w.a.token, map[string]any{"child_id": ch.ID})
			return resp.StatusCode
		}
		if link(clusters[0], clusters[1]) != 204 || link(clusters[1], clusters[2]) != 204 {
			t.Fatal("cluster chain refused")
		}
		if s := link(clusters[2], clusters[0]); s != 422 && s != 409 {
			t.Fatalf("cycle: status %d, want 422 or 409", s)
		}
		if got := count(); got != n0+3 {
			t.Fatalf("units: %d, want %d (only the three clusters)", got, n0+3)
		}
		if got := auditCount(); got != a0+5 {
			t.Fatalf("audit entries: %d, want %d (3 creates + 2 links)", got, a0+5)
		}
	})
}

func TestAuditLogPageAndCSV(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		c := w.client(w.a.host)
		c.login(w.a.adminEmail)
		resp, _ := c.post(fmt.Sprintf("/units/%d", w.a.hubSchool.ID), url.Values{"name": {"Renamed Primary"}, "urn": {*w.a.hubSchool.URN}, "phase": {"primary"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: %d", resp.StatusCode)
		}
		_, body := c.get("/audit?action=orgunit.update")
		if !strings.Contains(body, "Renamed Primary") || !strings.Contains(body, w.a.adminEmail) {
			t.Fatalf("audit page lacks the change: %.500s", body)
		}
		resp, csv := c.get("/audit.csv")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "orgunit.update") {
			t.Fatalf("audit csv: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if strings.Contains(csv, "beta") {
			t.Fatal("tenant A's audit export holds tenant B's entries")
		}
		teacher := w.client(w.a.host)
		teacher.login(w.a.teacherEmail)
		if resp, _ := teacher.get("/audit"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("teacher opened the audit log: %d", resp.StatusCode)
		}
	})
}

func TestHealthReadinessMetrics(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client("anything.test")
	if resp, body := c.get("/healthz"); resp.StatusCode != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	if resp, body := c.get("/readyz"); resp.StatusCode != 200 || !strings.Contains(body, `"redis":"ok"`) || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("readyz %d %s", resp.StatusCode, body)
	}
	c.get("/login")
	if resp, body := c.get("/metrics"); resp.StatusCode != 200 || !strings.Contains(body, `upwards_http_requests_total{method="GET",route="/login",status="200"}`) {
		t.Fatalf("metrics %d lacks the login request", resp.StatusCode)
	}
	_ = w.app.Redis.Close()
	if resp, _ := c.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Redis down: %d", resp.StatusCode)
	}
}

func TestPagesRenderForAdmin(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	for _, p := range []string{"/", "/units", "/units?q=Hub", fmt.Sprintf("/units/%d", w.a.hubSchool.ID), "/users",
		fmt.Sprintf("/users/%d", w.a.teacherID), "/account", "/settings", "/audit"} {
		resp, body := c.get(p)
		if resp.StatusCode != 200 || !strings.Contains(body, "</html>") || !strings.Contains(body, "Alpha Org") {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
	}
	resp, body := c.get("/units?q=" + url.QueryEscape(*w.a.hubSchool.URN))
	if resp.StatusCode != 200 || !strings.Contains(body, w.a.hubSchool.Name) || strings.Contains(body, w.a.trustSchool.Name) {
		t.Fatalf("search by URN: %d", resp.StatusCode)
	}
	// Not logged in: pages redirect to login, the API answers 401.
	anon := w.client(w.a.host)
	if resp, _ := anon.get("/users"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous /users: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := anon.api("GET", "/api/v1/units", "upw_bogus", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bogus token: %d", resp.StatusCode)
	}
	// Settings: a bad value saves nothing.
	resp, _ = c.post("/settings", url.Values{"contact_email": {"not an email"}, "display_name": {"New name"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad settings: %d", resp.StatusCode)
	}
	if s, _ := w.app.Tenancy.Settings(context.Background(), w.a.tenant.ID); s["display_name"] != "" {
		t.Fatal("a refused settings form saved a value")
	}
}

// The tenant's time zone is shown (Europe/London when unset), edited and
// validated on the settings page: a name that is not an IANA zone saves
// nothing and says why.
func TestTimezoneSettingIsShownEditedAndValidated(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	if _, body := c.get("/settings"); !strings.Contains(body, `name="timezone" value="" placeholder="Europe/London"`) {
		t.Fatalf("the settings page lacks the time zone field:\n%s", body)
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "GMT +1"} {
		resp, body := c.post("/settings", url.Values{"timezone": {bad}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Time zone of schedules") || !strings.Contains(body, "not an IANA time zone name") {
			t.Errorf("time zone %q: %d\n%.2000s", bad, resp.StatusCode, body)
		}
	}
	if s, _ := w.app.Tenancy.Settings(context.Background(), w.a.tenant.ID); s["timezone"] != "" {
		t.Fatalf("a refused time zone was saved: %q", s["timezone"])
	}
	if resp, _ := c.post("/settings", url.Values{"timezone": {"America/New_York"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good time zone: %d", resp.StatusCode)
	}
	if _, body := c.get("/settings"); !strings.Contains(body, `name="timezone" value="America/New_York"`) {
		t.Fatalf("the saved time zone is not shown:\n%s", body)
	}
	// The service refuses a bad zone whoever calls it.
	if err := w.app.Tenancy.SetSetting(context.Background(), w.a.tenant.ID, "timezone", "Europe/Londn"); err == nil {
		t.Fatal("SetSetting accepted a misspelt time zone")
	}
}

// The job monitor is for install operators only, and refuses cross-site writes.
func TestJobMonitorIsForOperators(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	ctx := context.Background()
	if _, err := w.app.Identity.CreateUser(ctx, w.a.tenant.ID, "ops@alpha.example.org", "Ops", testPassword, true); err != nil {
		t.Fatal(err)
	}
	admin := w.client(w.a.host)
	admin.login(w.a.adminEmail)
	if resp, _ := admin.get("/admin/jobs"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("tenant admin (not an operator) opened the job monitor: %d", resp.StatusCode)
	}
	ops := w.client(w.a.host)
	ops.login("ops@alpha.example.org")
	resp, body := ops.get("/admin/jobs")
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(body), "<html") {
		t.Fatalf("operator job monitor: %d", resp.StatusCode)
	}
	if resp, body := ops.get("/admin/jobs/api/queues"); resp.StatusCode != 200 || !strings.Contains(body, "queues") {
		t.Fatalf("monitor API: %d %.200s", resp.StatusCode, body)
	}
	resp, _ = ops.do(http.MethodDelete, "/admin/jobs/api/queues/default", nil, http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site delete of a queue: %d", resp.StatusCode)
	}
}

// A tenant admin's test email goes through the outbox and a job to the mail log.
func TestTestMailReachesTheMailLog(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	worker := w.app.Worker()
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer worker.Shutdown()
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	c.get("/settings")
	if resp, _ := c.post("/settings/test-mail", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("test mail: %d", resp.StatusCode)
	}
	logPath := filepath.Join(w.app.Config.DataDir, "mail.log")
	deadline := time.Now().Add(15 * time.Second)
	for {
		b, _ := os.ReadFile(logPath)
		if strings.Contains(string(b), "Subject: Upwards test email") && strings.Contains(string(b), w.a.adminEmail) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the test email did not reach %s: %q", logPath, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	evs, _, _ := audit.List(context.Background(), w.app.DB.DB, w.a.tenant.ID, audit.Filter{Action: "mail.test"})
	if len(evs) != 1 {
		t.Fatalf("%d mail.test audit entries", len(evs))
	}
	teacher := w.client(w.a.host)
	teacher.login(w.a.teacherEmail)
	if resp, _ := teacher.post("/settings/test-mail", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("teacher sent a test mail: %d", resp.StatusCode)
	}
}
