package cli_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// The plugin runtime's "done when": a plugin scaffolded outside the
// repository, built, installed and enabled for one tenant shows its page in
// that tenant's navigation and in no other.
func TestScaffoldedPluginShowsInOneTenantOnly(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "mentoring")
	db := storagetest.URL(t, storage.SQLite)
	mustRun := func(args ...string) string {
		t.Helper()
		out, err := run(t, db, "", args...)
		if err != nil {
			t.Fatalf("upwards %v: %v\n%s", args, err, out)
		}
		return out
	}
	mustRun("plugin", "new", "mentoring", "--module", "example.org/mentoring", "--dir", dir, "--upwards-path", repo)
	bin := filepath.Join(dir, "mentoring")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the scaffolded plugin offline: %v\n%s", err, out)
	}
	mustRun("tenant", "create", "alpha", "Alpha Org", "--host", "alpha.test")
	mustRun("tenant", "create", "beta", "Beta Org", "--host", "beta.test")
	if out := mustRun("plugin", "install", bin); !strings.Contains(out, "mentoring") {
		t.Fatalf("install: %s", out)
	}
	mustRun("plugin", "enable", "mentoring", "--tenant", "alpha")

	ctx, a, hs := startedApp(t, db, t.TempDir())
	get := func(host, token, path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Host = host
		identitytest.SetSession(req, token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		slug, host string
		enabled    bool
	}{{"alpha", "alpha.test", true}, {"beta", "beta.test", false}} {
		tn, err := a.Tenancy.TenantBySlug(ctx, tc.slug)
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.Identity.CreateUser(ctx, tn.ID, "admin@"+tc.host, "Admin", "correct-horse-battery", false)
		if err != nil {
			t.Fatal(err)
		}
		root, _ := a.Tenancy.RootUnit(ctx, tn.ID)
		if err := a.Authz.Grant(ctx, tn.ID, u.ID, authz.RoleTenantAdmin, root.ID, nil); err != nil {
			t.Fatal(err)
		}
		tok, _, err := identitytest.Session(ctx, a.Identity, tn.ID, u.ID, "correct-horse-battery")
		if err != nil {
			t.Fatal(err)
		}
		status, dash := get(tc.host, tok, "/")
		inNav := strings.Contains(dash, `href="/p/mentoring/`)
		if status != 200 || inNav != tc.enabled {
			t.Errorf("%s: dashboard %d, plugin in navigation = %v, want %v", tc.slug, status, inNav, tc.enabled)
		}
		status, page := get(tc.host, tok, "/p/mentoring/")
		want := http.StatusNotFound
		if tc.enabled {
			want = http.StatusOK
		}
		if status != want {
			t.Errorf("%s: plugin page %d, want %d", tc.slug, status, want)
		}
		if tc.enabled && (!strings.Contains(page, "</html>") || !strings.Contains(page, "Alpha Org")) {
			t.Errorf("the plugin page is not inside the core's shell:\n%.400s", page)
		}
	}
}
