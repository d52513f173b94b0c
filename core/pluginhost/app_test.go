package pluginhost_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// core/app wires the runtime: Start builds it and registers plugin jobs,
// Web mounts /p/ and /admin/plugins, Close stops the plugin processes.
func TestAppWiresThePluginRuntime(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = storagetest.URL(t, storage.SQLite), t.TempDir(), "error"
	cfg.PluginCallTimeout, cfg.PluginHealthInterval, cfg.PluginBreakerFailures = 7*time.Second, 3*time.Second, 2
	cfg.PluginBackoffMin, cfg.PluginBackoffMax = 50*time.Millisecond, 5*time.Second
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Installed before the process starts, as `upwards plugin install` would.
	reg := pluginhost.NewRegistry(a.DB, pluginhost.RegistryOptions{CoreVersion: app.Version})
	if _, err := reg.Install(ctx, pluginhost.BuiltPlugin("echo"), false); err != nil {
		t.Fatal(err)
	}
	tn, err := a.Tenancy.CreateTenant(ctx, "solo", "Solo Org", []string{"solo.test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Enable(ctx, "echo", tn.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Plugins == nil || !strings.Contains(strings.Join(a.Jobs.Types(), " "), "plugin:echo:record") {
		t.Fatalf("plugin jobs not registered: %v", a.Jobs.Types())
	}
	if o := pluginhost.OptionsOf(a.Plugins); o.CallTimeout != 7*time.Second || o.HealthInterval != 3*time.Second ||
		o.BreakerFailures != 2 || o.BackoffMin != 50*time.Millisecond || o.BackoffMax != 5*time.Second {
		t.Fatalf("the runtime ignores the plugin settings: %+v", o)
	}
	u, err := a.Identity.CreateUser(ctx, tn.ID, "admin@solo.example.org", "Admin", "correct-horse-battery", false)
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
	srv, err := a.Web()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/p/echo/", nil)
	req.Host = "solo.test"
	identitytest.SetSession(req, tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Echo 1.0.0 for admin@solo.example.org") || !strings.Contains(string(body), `href="/p/echo/"`) {
		t.Fatalf("plugin page through the app: %d %.500s", resp.StatusCode, body)
	}
	sts, err := a.Plugins.Statuses(ctx)
	if err != nil || len(sts) != 1 || sts[0].PID == 0 {
		t.Fatalf("statuses: %+v %v", sts, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(sts[0].PID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("the plugin process %d outlives Close: %v", sts[0].PID, err)
	}
}
