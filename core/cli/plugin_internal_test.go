package cli

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// `upwards plugin` installs, lists, enables, disables and upgrades a real
// plugin binary; enable and disable send the plugin its tenant events.
func TestPluginCommands(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "echo")
	if out, err := exec.Command("go", "build", "-o", bin, "../pluginhost/internal/testplugins/echo").CombinedOutput(); err != nil {
		t.Fatalf("build the test plugin: %v\n%s", err, out)
	}
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { testPluginCommands(t, d, bin) })
	}
}

func testPluginCommands(t *testing.T, d storage.Dialect, bin string) {
	db := storagetest.URL(t, d)
	dataDir := t.TempDir()
	// events lists the tenant events echo recorded (it audits each one).
	events := func() []string {
		t.Helper()
		sdb, err := storage.Open(context.Background(), db, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer sdb.Close()
		var got []string
		if err := sdb.Model(&audit.Event{}).Where("action = ?", "echo.event").Order("id").Pluck("entity_id", &got).Error; err != nil {
			t.Fatal(err)
		}
		return got
	}
	run := func(args ...string) (string, error) {
		root := Root()
		root.AddCommand(pluginCmd())
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append([]string{"--database-url", db, "--data-dir", dataDir, "--log-level", "error", "--pupil-key", pluginTestPupilKey}, args...))
		err := root.ExecuteContext(context.Background())
		return out.String(), err
	}
	mustRun := func(want string, args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("upwards %v: %v\n%s", args, err, out)
		}
		return out
	}
	mustRun("Installed plugin echo 1.0.0 (Echo, contract v1, sha256 ", "plugin", "install", bin)
	mustRun("Created tenant", "tenant", "create", "northstar", "Northstar Learning Trust")
	mustRun("Enabled plugin echo for northstar.", "plugin", "enable", "echo", "--tenant", "northstar")
	if got := events(); !slices.Equal(got, []string{"tenant.enabled"}) {
		t.Fatalf("events after enable through the CLI: %v", got)
	}
	out := mustRun("echo", "plugin", "list")
	if !strings.Contains(out, "1.0.0") || !strings.Contains(out, "installed") || !strings.Contains(out, "northstar") || !strings.Contains(out, bin) {
		t.Fatalf("list: %s", out)
	}
	if out, err := run("plugin", "install", bin); err == nil || !strings.Contains(err.Error(), "already installed") {
		t.Fatalf("install again: %v %s", err, out)
	}
	mustRun("Replaced echo 1.0.0 with plugin echo 1.0.0", "plugin", "upgrade", bin, "--force")
	mustRun("Disabled plugin echo for northstar.", "plugin", "disable", "echo")
	if got := events(); !slices.Equal(got, []string{"tenant.enabled", "tenant.disabled"}) {
		t.Fatalf("events after disable through the CLI: %v", got)
	}
	if out := mustRun("echo", "plugin", "list"); strings.Contains(out, "northstar") {
		t.Fatalf("still enabled after disable: %s", out)
	}
	for _, args := range [][]string{{"plugin", "install", filepath.Join(dataDir, "missing")}, {"plugin", "enable", "nope"}, {"plugin", "upgrade", bin + "x"}} {
		if out, err := run(args...); err == nil {
			t.Errorf("upwards %v succeeded: %s", args, out)
		}
	}
}

// pluginTestPupilKey is a fixed 32-byte key (base64): PostgreSQL needs the pupil-key setting.
const pluginTestPupilKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
