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
	"slices"
	"strings"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

// DemoPlugin is the programme plugin both demo tenants run: the trust runs
// Challenge the Gap alone.
const DemoPlugin = "challengegap"

// demoPlugin is one programme plugin of the demo install: its id, the demo
// tenants that enable it, and what to print once its demo data is built.
type demoPlugin struct {
	ID, Name string
	Tenants  []string
	Try      string
	// Grants are the plugin's roles of demo accounts, granted once the
	// plugin is enabled and before its demo_seed runs (which may look for
	// them).
	Grants []demo.PluginGrant
}

// DemoPlugins lists the programme plugins the demo installs, in order: the
// partnership runs every programme; the trust runs Challenge the Gap alone.
// A plugin whose binary is missing from the plugins directory is left out
// with a note.
var DemoPlugins = []demoPlugin{
	{ID: DemoPlugin, Name: "Challenge the Gap", Tenants: []string{demo.PartnershipSlug, demo.TrustSlug},
		Try: "central@partnership.example.org (programme lead of every cluster), ceo@northstar.example.org (the trust's),\n" +
			"  head@northstar.example.org (leads the trust's cluster) or teacher@northstar.example.org (on its team)"},
	{ID: "networkexcellence", Name: "Network of Excellence", Tenants: []string{demo.PartnershipSlug},
		Try: "central@partnership.example.org (the year board, the allocation), lead.reviewer@partnership.example.org\n" +
			"  (Your reviews: this week's report to write), headteacher@partnership.example.org (the host: agree it),\n" +
			"  hub.manager@partnership.example.org (reads it, and keeps the hub's plan) or head.otherhub@partnership.example.org (sees none of it)"},
	{ID: "gettingahead", Name: "Getting Ahead London", Tenants: []string{demo.PartnershipSlug},
		Grants: []demo.PluginGrant{
			{Email: demo.GALManager, Role: "gettingahead.programme_manager", Unit: demo.GALCohort},
			{Email: demo.GALCoach, Role: "gettingahead.coach", Unit: demo.GALCoachSchool},
			{Email: demo.GALParticipant, Role: "gettingahead.participant", Unit: demo.GALParticipantSchool},
			// The head of a school in three programmes coaches from this
			// year's cohort: the plugin's demo makes her a new coach, still
			// to rank.
			{Email: demo.ThreeHead, Role: "gettingahead.coach", Unit: demo.ThreeHeadSchool},
		},
		Try: demo.GALManager + " (runs the match of this year's cohort; 2017-18's report), " + demo.GALCoach + " (a coach),\n" +
			"  " + demo.GALParticipant + " (a participant), " + demo.GALHead + " (the participant's headteacher, who sees what is shared)\n" +
			"  or " + demo.ThreeHead + " (a head who coaches from this year: her ranking to do)"},
	{ID: "eal", Name: "EAL in the mainstream classroom", Tenants: []string{demo.PartnershipSlug}, Grants: demo.EALGrants,
		Try: demo.EALTrialManager + " (randomises the second wave), " + demo.EALCentreLead + " (attendance),\n" +
			"  " + demo.EALDelegate + " (self-assessments), " + demo.EALFacilitator + " (session logs) or " + demo.EALEvaluator + " (pseudonymised data)"},
}

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

// seedDemoPlugins installs (or, when the binary changed, reinstalls) each
// plugin of DemoPlugins from dir, enables it for its demo tenants and runs
// its demo_seed job in each as the tenant's admin. The core never writes
// into a plugin's storage: the plugin builds its demo data itself, through
// its own store and the Host API. The seed runs as the admin user (not the
// tenant's system actor, to which the Host gives no pupils) and must do
// nothing once the tenant has its data. A missing binary is a note, not an
// error: the core demo still runs.
func seedDemoPlugins(ctx context.Context, a *app.App, dir string, out io.Writer) error {
	if a.Plugins == nil {
		return errors.New("demo plugins: the plugin runtime is not started")
	}
	installed := 0
	for _, dp := range DemoPlugins {
		ok, err := seedDemoPlugin(ctx, a, dir, dp, out)
		if err != nil {
			return err
		}
		if ok {
			installed++
		}
	}
	if err := analyze(ctx, a); err != nil {
		return err
	}
	if installed == len(DemoPlugins) {
		fmt.Fprintf(out, "See every programme together on the home page: %s (headteacher of %s, in three programmes:\n"+
			"  what to do next in each, and each one's panel on her school's page), central@partnership.example.org (every\n"+
			"  programme's figures in Programmes at a glance) or ceo@northstar.example.org (the trust: Challenge the Gap only).\n",
			demo.ThreeHead, demo.ThreeHeadSchool)
	}
	return nil
}

// seedDemoPlugin installs, enables and seeds one demo plugin; false when its
// binary is missing.
func seedDemoPlugin(ctx context.Context, a *app.App, dir string, dp demoPlugin, out io.Writer) (bool, error) {
	path := filepath.Join(dir, dp.ID)
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(out, "  note: %s not found (run make build): the demo runs without %s.\n", path, dp.Name)
		return false, nil
	}
	start := time.Now()
	sum, err := fileSum(path)
	if err != nil {
		return false, err
	}
	p, err := a.Plugins.Registry().Get(ctx, dp.ID)
	switch {
	case errors.Is(err, pluginhost.ErrNotFound):
		_, err = a.Plugins.Install(ctx, path, false)
	case err == nil && p.SHA256 != sum:
		// The demo's own build replaces the one installed, whatever it adds:
		// a demo install has no one else to confirm it.
		_, err = a.Plugins.InstallWith(ctx, path, pluginhost.InstallOptions{Force: true, Upgrade: true, Confirmed: true})
	}
	if err != nil {
		return false, fmt.Errorf("demo plugin %s: %w", dp.ID, err)
	}
	for _, slug := range dp.Tenants {
		t, err := a.Tenancy.TenantBySlug(ctx, slug)
		if err != nil {
			return false, fmt.Errorf("demo tenant %s: %w", slug, err)
		}
		on, err := a.Plugins.Registry().IsEnabled(ctx, dp.ID, t.ID)
		if err != nil {
			return false, err
		}
		if !on {
			if err := a.Plugins.Enable(ctx, dp.ID, t.ID); err != nil {
				return false, fmt.Errorf("enable %s for %s: %w", dp.ID, slug, err)
			}
		}
		if err := grantDemoRoles(ctx, a, t.ID, dp.Grants); err != nil {
			return false, fmt.Errorf("demo roles of %s for %s: %w", dp.ID, slug, err)
		}
		admin, err := a.Identity.UserByEmail(ctx, t.ID, demo.Admins[slug])
		if err != nil {
			return false, fmt.Errorf("demo admin of %s: %w", slug, err)
		}
		if err := a.Plugins.RunJob(ctx, dp.ID, demoSeedJob, t.ID, admin.ID, nil); err != nil {
			return false, fmt.Errorf("demo data of %s for %s: %w", dp.ID, slug, err)
		}
	}
	fmt.Fprintf(out, "%s is installed and enabled for %s, with its demo data (%.1f s).\n", dp.Name, tenantsPhrase(dp.Tenants), time.Since(start).Seconds())
	if dp.Try != "" {
		fmt.Fprintf(out, "  Try %s.\n", dp.Try)
	}
	return true, nil
}

// grantDemoRoles grants each demo account its plugin role at the tenant's
// root or at the unit of the grant's name, unless it holds it already.
func grantDemoRoles(ctx context.Context, a *app.App, tenantID uint, grants []demo.PluginGrant) error {
	for _, g := range grants {
		u, err := a.Identity.UserByEmail(ctx, tenantID, g.Email)
		if err != nil {
			return fmt.Errorf("demo account %s: %w", g.Email, err)
		}
		unit, err := demoUnit(ctx, a, tenantID, g.Unit)
		if err != nil {
			return err
		}
		held, err := a.Authz.Grants(ctx, tenantID, u.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(held, func(h authz.Grant) bool { return h.Role == g.Role && h.UnitID == unit }) {
			continue
		}
		if err := a.Authz.Grant(ctx, tenantID, u.ID, g.Role, unit, nil); err != nil {
			return fmt.Errorf("grant %s to %s: %w", g.Role, g.Email, err)
		}
	}
	return nil
}

// demoUnit is the tenant's root ("") or its unit named name.
func demoUnit(ctx context.Context, a *app.App, tenantID uint, name string) (uint, error) {
	if name == "" {
		root, err := a.Tenancy.RootUnit(ctx, tenantID)
		return root.ID, err
	}
	found, _, err := a.Tenancy.Search(ctx, tenantID, tenancy.SearchQuery{Text: name, Limit: 10})
	if err != nil {
		return 0, err
	}
	for _, u := range found {
		if u.Name == name {
			return u.ID, nil
		}
	}
	return 0, fmt.Errorf("demo unit %q: not found", name)
}

// tenantsPhrase names the demo tenants a plugin is enabled for.
func tenantsPhrase(slugs []string) string {
	if len(slugs) == 2 {
		return "both demo tenants"
	}
	return "the " + strings.Join(slugs, " and ") + " tenant"
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

// analyze has PostgreSQL gather the statistics of every table after the
// demo's bulk load. Without them the planner takes each freshly filled
// table for nearly empty until autovacuum's first analyze (a minute or
// more later) and may pick a nested loop over thousands of rows: a Network
// of Excellence year board took 470 ms instead of 45 ms on a demo queried
// right after its build. ANALYZE skips, with a warning, the tables the
// role may not analyze. On SQLite the core's statistics are refreshed
// (storage.DB.RefreshStatistics; each plugin refreshes its own after its
// demo_seed job, as the SDK does after every job).
func analyze(ctx context.Context, a *app.App) error {
	if a.DB.Dialect != storage.Postgres {
		return a.DB.RefreshStatistics(ctx)
	}
	if err := a.DB.Core(ctx).Exec("ANALYZE").Error; err != nil {
		return fmt.Errorf("analyze the demo's tables: %w", err)
	}
	return nil
}
