package privacy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
)

// binDir holds the plugins TestMain builds: notes and notesb (the test
// plugin under two ids) and hello, the SDK's real example plugin.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "upwards-privacy-plugins-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	builds := map[string][]string{
		"notes":  {"./internal/testplugins/notes"},
		"notesb": {"-ldflags", "-X main.pluginID=notesb", "./internal/testplugins/notes"},
		"hello":  {"github.com/challengepartners/upwards/plugins/sdk/internal/example/hello"},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	for name, args := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := exec.Command("go", append([]string{"build", "-o", filepath.Join(dir, name)}, args...)...).CombinedOutput()
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("build %s: %v\n%s", name, err, out))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		fmt.Fprintln(os.Stderr, strings.Join(errs, "\n"))
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const testPassword = "correct-horse-battery"

// env is a core with the plugin runtime, a web server proxying the
// plugins, and the privacy service, over a real database.
type env struct {
	t       *testing.T
	ctx     context.Context
	dialect storage.Dialect
	dataDir string
	db      *storage.DB
	ten     *tenancy.Service
	ids     *identity.Service
	az      *authz.Enforcer
	pup     *pupils.Service
	rt      *pluginhost.Runtime
	svc     *privacy.Service
	http    *httptest.Server
	a, b    tenantFix
}

type tenantFix struct {
	tenant   tenancy.Tenant
	host     string
	school   tenancy.Unit
	admin    identity.User
	adminTok string
}

func quietLog() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

func newEnv(t *testing.T, d storage.Dialect) *env {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	e := &env{t: t, ctx: ctx, dialect: d, dataDir: t.TempDir()}
	dbURL := storagetest.URL(t, d)
	db, err := storage.Open(ctx, dbURL, nil)
	e.must(err)
	t.Cleanup(func() { _ = db.Close() })
	m, err := storage.NewMigrator(db, storage.CoreMigrations())
	e.must(err)
	_, err = m.Up(ctx)
	e.must(err)
	e.db = db
	e.ten = tenancy.NewService(db)
	e.ids = identity.NewService(db, identity.Options{Argon: identity.Params{Memory: 64, Time: 1, Threads: 1}})
	e.az, err = authz.New(ctx, db, e.ten, authz.Options{})
	e.must(err)
	key := make([]byte, sealed.KeySize)
	_, _ = rand.Read(key)
	box, err := sealed.New(key)
	e.must(err)
	e.pup = pupils.NewService(db, box)
	log := quietLog()
	e.rt, err = pluginhost.New(pluginhost.Deps{DB: db, DatabaseURL: dbURL, DataDir: e.dataDir, CoreVersion: "1.0.0",
		Tenancy: e.ten, Identity: e.ids, Authz: e.az, AuditKey: key, Log: log}, pluginhost.Options{})
	e.must(err)
	t.Cleanup(func() { _ = e.rt.Close() })
	e.must(e.rt.Start(ctx))
	e.svc = privacy.New(db, e.pup, e.ten, e.rt, log)
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = dbURL, e.dataDir, "error"
	srv, err := web.New(web.Deps{Config: cfg, Log: log, DB: db, Tenancy: e.ten, Identity: e.ids, Authz: e.az,
		Pupils: e.pup, Version: "test", Plugins: e.rt})
	e.must(err)
	e.http = httptest.NewServer(srv.Handler())
	t.Cleanup(e.http.Close)
	e.a = e.seed("alpha", "910")
	e.b = e.seed("beta", "920")
	return e
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) seed(slug, urn string) tenantFix {
	e.t.Helper()
	f := tenantFix{host: slug + ".test"}
	var err error
	f.tenant, err = e.ten.CreateTenant(e.ctx, slug, strings.ToUpper(slug[:1])+slug[1:]+" Org", []string{f.host})
	e.must(err)
	root, err := e.ten.RootUnit(e.ctx, f.tenant.ID)
	e.must(err)
	f.school, err = e.ten.CreateUnit(e.ctx, f.tenant.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: slug + " Primary", URN: urn + "001", Phase: "primary"})
	e.must(err)
	f.admin, err = e.ids.CreateUser(e.ctx, f.tenant.ID, "admin@"+slug+".example.org", "Admin "+slug, testPassword, false)
	e.must(err)
	e.must(e.az.Grant(e.ctx, f.tenant.ID, f.admin.ID, authz.RoleTenantAdmin, root.ID, nil))
	f.adminTok, _, err = identitytest.Session(e.ctx, e.ids, f.tenant.ID, f.admin.ID, testPassword)
	e.must(err)
	return f
}

var serial int

// pupil inserts a pupil of f's school with the pupils.Pupil model directly;
// leftDaysAgo < 0 means the pupil has not left.
func (e *env) pupil(f tenantFix, given, family string, leftDaysAgo int) (pupils.Pupil, string) {
	e.t.Helper()
	serial++
	u, err := upn.Build(201, 4000+serial, 15, serial)
	e.must(err)
	p := pupils.Pupil{TenantID: f.tenant.ID, SchoolID: f.school.ID, UPNHash: e.pup.HashUPN(u), UPNSealed: e.pup.SealUPN(u),
		GivenName: given, FamilyName: family, DateOfBirth: "2015-03-04", YearGroup: 4, Gender: "F", SEN: "N"}
	if leftDaysAgo >= 0 {
		d := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -leftDaysAgo)
		p.LeftOn = &d
	}
	e.must(e.db.Create(&p).Error)
	return p, u
}

// install installs a built plugin and enables it for the tenants.
func (e *env) install(name string, tenants ...tenantFix) {
	e.t.Helper()
	p, err := e.rt.Install(e.ctx, filepath.Join(binDir, name), false)
	e.must(err)
	for _, f := range tenants {
		e.must(e.rt.Enable(e.ctx, p.ID, f.tenant.ID))
	}
}

// note stores a note about a pupil in plugin id, through the core's proxy
// as f's admin.
func (e *env) note(f tenantFix, id string, pupilID uint, body string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.http.URL+"/p/"+id+"/notes",
		strings.NewReader(url.Values{"pupil_id": {fmt.Sprint(pupilID)}, "body": {body}}.Encode()))
	e.must(err)
	req.Host = f.host
	identitytest.SetSession(req, f.adminTok)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	e.must(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("POST /p/%s/notes: %d %s", id, resp.StatusCode, b)
	}
}

// breakPlugin makes plugin id's export or erase fail until mended.
func (e *env) breakPlugin(id, what string) (mend func()) {
	e.t.Helper()
	path := filepath.Join(e.dataDir, "plugins", id, "fail-"+what)
	e.must(os.MkdirAll(filepath.Dir(path), 0o750))
	e.must(os.WriteFile(path, nil, 0o600))
	return func() { e.must(os.Remove(path)) }
}

// pluginExport asks plugin id directly what it holds about a pupil.
func (e *env) pluginExport(id string, f tenantFix, pupilID uint) string {
	e.t.Helper()
	files, err := e.rt.ExportSubject(e.ctx, id, f.tenant.ID, 0, subject(pupilID))
	e.must(err)
	var b strings.Builder
	for _, fl := range files {
		b.Write(fl.GetContent())
	}
	return b.String()
}

func (e *env) pupilExists(f tenantFix, id uint) bool {
	var n int64
	e.must(e.db.Model(&pupils.Pupil{}).Where("tenant_id = ? AND id = ?", f.tenant.ID, id).Count(&n).Error)
	return n == 1
}

// events returns the tenant's audit events of action naming the pupil.
func (e *env) events(f tenantFix, pupilID uint, action string) []audit.Event {
	e.t.Helper()
	evs, err := audit.AccessesOfPupil(e.ctx, e.db.DB, f.tenant.ID, pupilID)
	e.must(err)
	var out []audit.Event
	for _, ev := range evs {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// unzip reads an archive into name → content.
func unzip(t *testing.T, a *privacy.Archive) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	if err := a.WriteZip(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func manifestOf(t *testing.T, files map[string]string) privacy.Manifest {
	t.Helper()
	var m privacy.Manifest
	if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil {
		t.Fatalf("manifest.json: %v\n%s", err, files["manifest.json"])
	}
	return m
}

func source(m privacy.Manifest, name string) (privacy.Outcome, bool) {
	for _, o := range m.Sources {
		if o.Source == name {
			return o, true
		}
	}
	return privacy.Outcome{}, false
}
