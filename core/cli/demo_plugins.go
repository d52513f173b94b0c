package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/pluginhost"
)

// DemoPlugin is the programme plugin the demo install runs.
const DemoPlugin = "challengegap"

// demoSeedJob is the job a demo plugin declares to build its own demo data.
const demoSeedJob = "demo_seed"

// defaultPluginsDir is bin/plugins beside bin/upwards: where make build
// puts the plugin binaries.
func defaultPluginsDir() string {
	exe, err := os.Executable()
	if err != nil {
		return "plugins"
	}
	return filepath.Join(filepath.Dir(exe), "plugins")
}

// seedDemoPlugins installs (or, when the binary changed, reinstalls) the
// Challenge the Gap plugin from dir, enables it for both demo tenants and
// runs its demo_seed job in each as the tenant's admin. The core never
// writes into a plugin's storage: the plugin builds its demo data itself,
// through its own store and the Host API. The seed runs as the admin user
// (not the tenant's system actor, to which the Host gives no pupils) and
// does nothing once the tenant has a programme year. A missing binary is a
// note, not an error: the core demo still runs.
func seedDemoPlugins(ctx context.Context, a *app.App, dir string, out io.Writer) error {
	path := filepath.Join(dir, DemoPlugin)
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(out, "  note: %s not found (run make build): the demo runs without Challenge the Gap.\n", path)
		return nil
	}
	if a.Plugins == nil {
		return errors.New("demo plugins: the plugin runtime is not started")
	}
	start := time.Now()
	sum, err := fileSum(path)
	if err != nil {
		return err
	}
	p, err := a.Plugins.Registry().Get(ctx, DemoPlugin)
	switch {
	case errors.Is(err, pluginhost.ErrNotFound):
		_, err = a.Plugins.Install(ctx, path, false)
	case err == nil && p.SHA256 != sum:
		// The demo's own build replaces the one installed, whatever it adds:
		// a demo install has no one else to confirm it.
		_, err = a.Plugins.InstallWith(ctx, path, pluginhost.InstallOptions{Force: true, Upgrade: true, Confirmed: true})
	}
	if err != nil {
		return fmt.Errorf("demo plugin %s: %w", DemoPlugin, err)
	}
	for _, slug := range []string{demo.PartnershipSlug, demo.TrustSlug} {
		t, err := a.Tenancy.TenantBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("demo tenant %s: %w", slug, err)
		}
		on, err := a.Plugins.Registry().IsEnabled(ctx, DemoPlugin, t.ID)
		if err != nil {
			return err
		}
		if !on {
			if err := a.Plugins.Enable(ctx, DemoPlugin, t.ID); err != nil {
				return fmt.Errorf("enable %s for %s: %w", DemoPlugin, slug, err)
			}
		}
		admin, err := a.Identity.UserByEmail(ctx, t.ID, demo.Admins[slug])
		if err != nil {
			return fmt.Errorf("demo admin of %s: %w", slug, err)
		}
		if err := a.Plugins.RunJob(ctx, DemoPlugin, demoSeedJob, t.ID, admin.ID, nil); err != nil {
			return fmt.Errorf("demo data of %s for %s: %w", DemoPlugin, slug, err)
		}
	}
	fmt.Fprintf(out, "Challenge the Gap is installed and enabled for both demo tenants, with its demo data (%.1f s).\n", time.Since(start).Seconds())
	fmt.Fprintln(out, "  Try central@partnership.example.org (programme lead of every cluster), ceo@northstar.example.org (the trust's),\n"+
		"  head@northstar.example.org (leads the trust's cluster) or teacher@northstar.example.org (on its team).")
	return nil
}

// fileSum is the hex SHA-256 of the file at path, as the registry records it.
func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("plugin binary %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("plugin binary %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
