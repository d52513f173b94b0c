package cli

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// `upwards plugin` installs, lists, enables, disables and upgrades a real
// plugin binary; enable and disable send the plugin its tenant events.
func TestPluginCommands(t *testing.T) {
	dir := t.TempDir()
	bin, bin3 := filepath.Join(dir, "echo"), filepath.Join(dir, "echo3")
	if out, err := exec.Command("go", "build", "-o", bin, "../pluginhost/internal/testplugins/echo").CombinedOutput(); err != nil {
		t.Fatalf("build the test plugin: %v\n%s", err, out)
	}
	// echo 3.0.0 adds a permission, a role and a route: it needs confirming.
	if out, err := exec.Command("go", "build", "-o", bin3, "-ldflags", "-X main.version=3.0.0 -X main.extra=1", "../pluginhost/internal/testplugins/echo").CombinedOutput(); err != nil {
		t.Fatalf("build the test plugin: %v\n%s", err, out)
	}
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { testPluginCommands(t, d, bin, bin3) })
	}
}

func testPluginCommands(t *testing.T, d storage.Dialect, bin, bin3 string) {
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

	// A plugin's declared role is granted from the CLI while the tenant enables it.
	mustRun("", "user", "create", "--email", "helper@example.org", "--name", "Hal Helper")
	mustRun("Granted echo.helper to helper@example.org", "user", "grant", "--email", "helper@example.org", "--role", "echo.helper")

	// An upgrade adding permissions prints its diff and waits; discard, or confirm.
	pendingID := regexp.MustCompile(`pending upgrade (\d+)`)
	propose := func() string {
		t.Helper()
		out, err := run("plugin", "upgrade", bin3)
		if !errors.Is(err, pluginhost.ErrPending) || !pendingID.MatchString(out) {
			t.Fatalf("upgrade adding permissions: %v\n%s", err, out)
		}
		for _, want := range []string{"Changes from 1.0.0 to 3.0.0:", "    + echo.extra.use: Use the extra page\n", "    + hub_manager → echo.extra.use\n",
			"    + echo.coach (Echo coach): Coaches with Echo.\n", "Not applied:", "echo 1.0.0 keeps running", "upwards plugin confirm "} {
			if !strings.Contains(out, want) {
				t.Errorf("upgrade output lacks %q:\n%s", want, out)
			}
		}
		return pendingID.FindStringSubmatch(out)[1]
	}
	id := propose()
	if out := mustRun("Pending upgrades", "plugin", "list"); !strings.Contains(out, "3.0.0") || !strings.Contains(out, "cli") {
		t.Fatalf("list with a pending upgrade: %s", out)
	}
	mustRun("Discarded pending upgrade "+id+" (plugin echo 3.0.0)", "plugin", "discard", id)
	if out := mustRun("echo", "plugin", "list"); strings.Contains(out, "Pending") || !strings.Contains(out, "1.0.0") {
		t.Fatalf("list after discarding: %s", out)
	}
	id = propose()
	mustRun("Replaced echo 1.0.0 with plugin echo 3.0.0", "plugin", "confirm", id)
	if out, err := run("plugin", "confirm", id); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("confirm twice: %v %s", err, out)
	}
	if out := mustRun("Replaced echo 3.0.0 with plugin echo 1.0.0", "plugin", "upgrade", bin, "--force"); !strings.Contains(out, "    - echo.extra.use") {
		t.Fatalf("a downgrade removing a permission applies at once, printing it: %s", out)
	}
	if out := mustRun("Replaced echo 1.0.0 with plugin echo 3.0.0", "plugin", "upgrade", bin3, "--yes"); !strings.Contains(out, "    + echo.extra.use") {
		t.Fatalf("upgrade --yes prints what it applies: %s", out)
	}
	mustRun("Disabled plugin echo for northstar.", "plugin", "disable", "echo")
	if out := mustRun("helper@example.org", "user", "list"); !regexp.MustCompile(`echo\.helper@\d+\(inactive\)`).MatchString(out) {
		t.Fatalf("user list does not show the disabled plugin's grant as inactive:\n%s", out)
	}
	if out, err := run("user", "grant", "--email", "helper@example.org", "--role", "echo.coach"); err == nil ||
		!strings.Contains(err.Error(), `"echo.coach" is a role of the plugin Echo (echo), which this organisation does not enable`) {
		t.Fatalf("grant a role of a disabled plugin: %v %s", err, out)
	}
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
