package pluginhost

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/jobs/jobstest"
	"github.com/challengepartners/upwards/core/mail"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
)

const testPassword = "correct-horse-battery"

// testAuditKey signs the audit seals of the test runtime.
var testAuditKey = []byte("pluginhost-test-audit-seal-key-32")

// env is a core wired as core/app wires it, with the plugin runtime and a
// web server, over a real database and the embedded Redis.
type env struct {
	t       *testing.T
	ctx     context.Context
	dialect storage.Dialect
	dbURL   string
	dataDir string
	db      *storage.DB
	ten     *tenancy.Service
	ids     *identity.Service
	az      *authz.Enforcer
	redis   *jobs.Redis
	jreg    *jobs.Registry
	jc      *jobs.Client
	outbox  *mail.Outbox
	pup     *pupils.Service
	rt      *Runtime
	srv     *web.Server
	http    *httptest.Server
	a, b    tenantFix
}

// tenantFix is one tenant: a trust with a school, a hub with a school, a
// lone school; a tenant admin (also an install operator), a hub manager and
// a teacher, each with an API token.
type tenantFix struct {
	tenant                             tenancy.Tenant
	host                               string
	root, trust, hub                   tenancy.Unit
	trustSchool, hubSchool, loneSchool tenancy.Unit
	admin, hubMgr, teacher             identity.User
	adminTok, hubMgrTok, teacherTok    string
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newEnv builds the core on dialect d with the runtime's options.
func newEnv(t *testing.T, d storage.Dialect, opts Options) *env {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	e := &env{t: t, ctx: ctx, dialect: d, dataDir: t.TempDir()}
	e.dbURL = storagetest.URL(t, d)
	db, err := storage.Open(ctx, e.dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	m, err := storage.NewMigrator(db, storage.CoreMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	e.db = db
	e.ten = tenancy.NewService(db)
	e.ids = identity.NewService(db, identity.Options{Argon: identity.Params{Memory: 64, Time: 1, Threads: 1}})
	// As core/app wires it: the registry says which plugins a tenant
	// enables and the roles they declare.
	if e.az, err = authz.New(ctx, db, e.ten, authz.Options{Plugins: NewRegistry(db, RegistryOptions{Logger: testLogger()})}); err != nil {
		t.Fatal(err)
	}
	e.redis = jobstest.Open(t, jobstest.Embedded)
	e.jreg = jobs.NewRegistry()
	e.jc = jobs.NewClient(e.redis, e.jreg)
	e.outbox = mail.NewOutbox(db, e.jc)
	sender, err := mail.NewSender("", e.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := mail.Register(e.jreg, e.outbox, sender, "upwards@example.org"); err != nil {
		t.Fatal(err)
	}
	box, err := sealed.New(make([]byte, sealed.KeySize))
	e.must(err)
	e.pup = pupils.NewService(db, box)
	e.pup.SetAccess(e.az, e.ten)
	log := testLogger()
	e.rt, err = New(Deps{DB: db, DatabaseURL: e.dbURL, DataDir: e.dataDir, CoreVersion: "1.0.0", Tenancy: e.ten,
		Identity: e.ids, Authz: e.az, Jobs: e.jc, Mail: e.outbox, Pupils: e.pup, AuditKey: testAuditKey, Log: log}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.rt.Close() })
	if err := e.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = e.dbURL, e.dataDir, "error"
	e.srv, err = web.New(web.Deps{Config: cfg, Log: log, DB: db, Tenancy: e.ten, Identity: e.ids, Authz: e.az,
		Redis: e.redis, Jobs: e.jc, Mail: e.outbox, Pupils: e.pup, Version: "test", Plugins: e.rt})
	if err != nil {
		t.Fatal(err)
	}
	e.http = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.http.Close)
	e.a = e.seed("alpha", "100")
	e.b = e.seed("beta", "200")
	return e
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) seed(slug, urn string) tenantFix {
	t, ctx := e.t, e.ctx
	t.Helper()
	f := tenantFix{host: slug + ".test"}
	var err error
	f.tenant, err = e.ten.CreateTenant(ctx, slug, strings.ToUpper(slug[:1])+slug[1:]+" Org", []string{f.host})
	e.must(err)
	f.root, err = e.ten.RootUnit(ctx, f.tenant.ID)
	e.must(err)
	unit := func(kind tenancy.Kind, name, urnSuffix string) tenancy.Unit {
		in := tenancy.UnitInput{Kind: kind, Name: slug + " " + name}
		if kind == tenancy.KindSchool {
			in.URN, in.Phase = urn+urnSuffix, "primary"
		}
		u, err := e.ten.CreateUnit(ctx, f.tenant.ID, in)
		e.must(err)
		return u
	}
	f.trust, f.hub = unit(tenancy.KindTrust, "Trust", ""), unit(tenancy.KindHub, "Hub", "")
	f.trustSchool = unit(tenancy.KindSchool, "Trust Primary", "001")
	f.hubSchool = unit(tenancy.KindSchool, "Hub Primary", "002")
	f.loneSchool = unit(tenancy.KindSchool, "Lone Primary", "003")
	e.must(e.ten.Link(ctx, f.tenant.ID, f.trust.ID, f.trustSchool.ID))
	e.must(e.ten.Link(ctx, f.tenant.ID, f.hub.ID, f.hubSchool.ID))
	user := func(local, role string, at tenancy.Unit, operator bool) (identity.User, string) {
		u, err := e.ids.CreateUser(ctx, f.tenant.ID, local+"@"+slug+".example.org", local+" "+slug, testPassword, operator)
		e.must(err)
		e.must(e.az.Grant(ctx, f.tenant.ID, u.ID, role, at.ID, nil))
		tok, _, err := identitytest.Session(ctx, e.ids, f.tenant.ID, u.ID, testPassword)
		e.must(err)
		return u, tok
	}
	f.admin, f.adminTok = user("admin", authz.RoleTenantAdmin, f.root, true)
	f.hubMgr, f.hubMgrTok = user("hubmanager", authz.RoleHubManager, f.hub, false)
	f.teacher, f.teacherTok = user("teacher", authz.RoleTeacher, f.loneSchool, false)
	return f
}

// install installs and enables test plugin name for the given tenants.
func (e *env) install(name string, tenants ...tenantFix) Plugin {
	e.t.Helper()
	p, err := e.rt.Install(e.ctx, binary(name), false)
	e.must(err)
	for _, f := range tenants {
		e.must(e.rt.Enable(e.ctx, p.ID, f.tenant.ID))
	}
	return p
}

// get fetches path on host with a bearer token.
func (e *env) get(host, token, path string) (*http.Response, string) {
	e.t.Helper()
	return e.do(http.MethodGet, host, token, path, nil, nil)
}

func (e *env) do(method, host, token, path string, body io.Reader, header http.Header) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, body)
	e.must(err)
	req.Host = host
	if token != "" {
		identitytest.SetSession(req, token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	e.must(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// getJSON fetches path and decodes a JSON answer.
func (e *env) getJSON(host, token, path string, v any) {
	e.t.Helper()
	resp, body := e.get(host, token, path)
	if resp.StatusCode/100 != 2 {
		e.t.Fatalf("GET %s: status %d: %.300s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		e.t.Fatalf("GET %s: %v: %.300s", path, err, body)
	}
}

// browser is a cookie-carrying client logged in through the login form.
type browser struct {
	e    *env
	host string
	c    *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (e *env) login(f tenantFix, email string) *browser {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{e: e, host: f.host, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	b.do(http.MethodGet, "/login", nil)
	resp, body := b.do(http.MethodPost, "/login", url.Values{"email": {email}, "password": {testPassword}, "_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %.300s", email, resp.StatusCode, body)
	}
	// Login issues a fresh CSRF token: read it from a signed-in page.
	b.do(http.MethodGet, "/", nil)
	return b
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.http.URL+path, body)
	b.e.must(err)
	req.Host = b.host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	b.e.must(err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(out)); m != nil {
		b.csrf = m[1]
	}
	return resp, string(out)
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// auditCount counts a tenant's audit entries of action.
func (e *env) auditCount(tenantID uint, action string) int {
	var n int64
	e.must(e.db.Model(&audit.Event{}).Where("tenant_id = ? AND action = ?", tenantID, action).Count(&n).Error)
	return int(n)
}
