package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
)

const testPassword = "correct-horse-battery"

// world is a running server over a real database with two tenants.
type world struct {
	t      *testing.T
	app    *app.App
	server *web.Server
	http   *httptest.Server
	url    string
	dbURL  string
	a, b   tenantFixture
}

// tenantFixture is one tenant's ids, reachable by host name.
type tenantFixture struct {
	tenant       tenancy.Tenant
	host         string
	root         tenancy.Unit
	trust, hub   tenancy.Unit
	trustSchool  tenancy.Unit
	hubSchool    tenancy.Unit
	otherSchool  tenancy.Unit
	adminID      uint
	hubMgrID     uint
	trustLeadID  uint
	teacherID    uint
	grantID      uint
	tokenID      uint
	pupilID      uint // a pupil of hubSchool
	token        string
	adminEmail   string
	hubMgrEmail  string
	trustEmail   string
	teacherEmail string
}

func testConfig(dbURL string) config.Config {
	cfg := config.Defaults()
	cfg.DatabaseURL = dbURL
	cfg.RedisURL = "embedded"
	cfg.LogLevel = "error"
	cfg.LoginLimit = 5
	cfg.PupilKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // PostgreSQL installs must set one
	return cfg
}

// startApp opens, migrates and starts an App on dbURL and the embedded Redis, and serves it.
func startApp(t *testing.T, dbURL string) (*app.App, *web.Server, *httptest.Server) {
	t.Helper()
	return startAppWith(t, dbURL, "embedded")
}

// startAppWith is startApp on the Redis named by redisURL.
func startAppWith(t *testing.T, dbURL, redisURL string) (*app.App, *web.Server, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	cfg := testConfig(dbURL)
	cfg.RedisURL = redisURL
	cfg.DataDir = t.TempDir()
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := a.Web()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return a, srv, hs
}

func newWorld(t *testing.T, d storage.Dialect) *world {
	t.Helper()
	return newWorldWith(t, storagetest.URL(t, d), "embedded")
}

func newWorldWith(t *testing.T, dbURL, redisURL string) *world {
	t.Helper()
	w := &world{t: t, dbURL: dbURL}
	w.app, w.server, w.http = startAppWith(t, w.dbURL, redisURL)
	w.url = w.http.URL
	w.a = w.seedTenant("alpha", "alpha.test", "100001")
	w.b = w.seedTenant("beta", "beta.test", "200001")
	return w
}

func (w *world) seedTenant(slug, host, urnBase string) tenantFixture {
	t := w.t
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	ts, id, az := w.app.Tenancy, w.app.Identity, w.app.Authz
	f := tenantFixture{host: host}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.tenant, err = ts.CreateTenant(ctx, slug, strings.ToUpper(slug[:1])+slug[1:]+" Org", []string{host, slug + ".localhost"})
	must(err)
	f.root, err = ts.RootUnit(ctx, f.tenant.ID)
	must(err)
	f.trust, err = ts.CreateUnit(ctx, f.tenant.ID, tenancy.UnitInput{Kind: tenancy.KindTrust, Name: slug + " Trust"})
	must(err)
	f.hub, err = ts.CreateUnit(ctx, f.tenant.ID, tenancy.UnitInput{Kind: tenancy.KindHub, Name: slug + " Hub"})
	must(err)
	school := func(name, urn string) tenancy.Unit {
		u, err := ts.CreateUnit(ctx, f.tenant.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: name, URN: urn, Phase: "primary"})
		must(err)
		return u
	}
	f.trustSchool = school(slug+" Trust Primary", urnBase[:5]+"1")
	f.hubSchool = school(slug+" Hub Primary", urnBase[:5]+"2")
	f.otherSchool = school(slug+" Lone Primary", urnBase[:5]+"3")
	must(ts.Link(ctx, f.tenant.ID, f.trust.ID, f.trustSchool.ID))
	must(ts.Link(ctx, f.tenant.ID, f.hub.ID, f.hubSchool.ID))
	user := func(local, role string, at tenancy.Unit) (uint, string) {
		email := local + "@" + slug + ".example.org"
		u, err := id.CreateUser(ctx, f.tenant.ID, email, local+" "+slug, testPassword, false)
		must(err)
		must(az.Grant(ctx, f.tenant.ID, u.ID, role, at.ID, nil))
		return u.ID, email
	}
	f.adminID, f.adminEmail = user("admin", authz.RoleTenantAdmin, f.root)
	f.hubMgrID, f.hubMgrEmail = user("hubmanager", authz.RoleHubManager, f.hub)
	f.trustLeadID, f.trustEmail = user("ceo", authz.RoleTrustLeader, f.trust)
	f.teacherID, f.teacherEmail = user("teacher", authz.RoleTeacher, f.otherSchool)
	gs, err := az.Grants(ctx, f.tenant.ID, f.teacherID)
	must(err)
	f.grantID = gs[0].ID
	pupil, err := w.app.Pupils.Create(ctx, pupils.SystemActor("test"), f.tenant.ID, f.hubSchool.ID, testRecord(slug, 1))
	must(err)
	f.pupilID = pupil.ID
	tok, at, err := id.CreateAPIToken(ctx, f.tenant.ID, f.adminID, "fixture", 0)
	must(err)
	f.token, f.tokenID = tok, at.ID
	return f
}

// client is a browser-like client bound to one tenant host, with cookies.
type client struct {
	w    *world
	t    *testing.T
	host string
	http *http.Client
	csrf string
}

func (w *world) client(host string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{w: w, t: w.t, host: host, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(method, path string, form url.Values, header http.Header) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.w.url+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Host = c.host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	return c.do(http.MethodGet, path, nil, nil)
}

// post sends a form with the page's CSRF token.
func (c *client) post(path string, form url.Values) (*http.Response, string) {
	if form == nil {
		form = url.Values{}
	}
	if c.csrf != "" && form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	return c.do(http.MethodPost, path, form, nil)
}

func (c *client) login(email string) {
	c.t.Helper()
	c.get("/login")
	resp, body := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d: %s", email, resp.StatusCode, body)
	}
	c.get("/") // pick up a CSRF token for later posts
}

// api calls the JSON API with a bearer token.
func (c *client) api(method, path, token string, body any) (*http.Response, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, c.w.url+path, r)
	req.Host = c.host
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}
