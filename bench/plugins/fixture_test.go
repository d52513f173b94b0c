package plugins_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

// Sizes of the seeded tenant: a hub and a trust of schools; the benchmark's
// user manages the hub, so she reaches the hub's schools only.
const (
	hubSchools   = 12
	trustSchools = 6
	tenantHost   = "bench.test"
)

// fixture is a migrated database with one tenant and a hub manager's token.
type fixture struct {
	ctx           context.Context
	cfg           config.Config
	tenant        uint
	user          uint
	token         string
	firstSchool   string // name of a school the user reaches
	outsideSchool string // name of one she does not
}

func newConfig(tb testing.TB) config.Config {
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = storagetest.URL(tb, storage.SQLite), tb.TempDir(), "error"
	return cfg
}

// openApp opens and starts an App over cfg, logging nowhere.
func openApp(ctx context.Context, cfg config.Config) (*app.App, error) {
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if err := a.Start(ctx); err != nil {
		_ = a.Close()
		return nil, fmt.Errorf("start: %w", err)
	}
	return a, nil
}

// seed migrates a fresh database and stores the tenant; no plugin yet.
func seed(tb testing.TB) *fixture {
	tb.Helper()
	f := &fixture{ctx: audit.WithActor(context.Background(), audit.Actor{Label: "bench"}), cfg: newConfig(tb)}
	a, err := app.Open(f.ctx, f.cfg, app.NewLogger(f.cfg, io.Discard))
	must(tb, err)
	defer a.Close()
	_, err = a.Migrate(f.ctx)
	must(tb, err)
	must(tb, a.LoadPermissions(f.ctx))
	tn, err := a.Tenancy.CreateTenant(f.ctx, "bench", "Bench Partnership", []string{tenantHost})
	must(tb, err)
	f.tenant = tn.ID
	unit := func(kind tenancy.Kind, name, urn string) tenancy.Unit {
		in := tenancy.UnitInput{Kind: kind, Name: name}
		if kind == tenancy.KindSchool {
			in.URN, in.Phase = urn, "primary"
		}
		u, err := a.Tenancy.CreateUnit(f.ctx, tn.ID, in)
		must(tb, err)
		return u
	}
	var first tenancy.Unit
	hub, trust := unit(tenancy.KindHub, "North Hub", ""), unit(tenancy.KindTrust, "River Trust", "")
	for i := range hubSchools + trustSchools {
		parent, name := hub, fmt.Sprintf("Hub School %02d", i+1)
		if i >= hubSchools {
			parent, name = trust, fmt.Sprintf("Trust School %02d", i+1)
		}
		s := unit(tenancy.KindSchool, name, fmt.Sprintf("%06d", 100000+i))
		must(tb, a.Tenancy.Link(f.ctx, tn.ID, parent.ID, s.ID))
		if i == 0 {
			f.firstSchool, first = name, s
		}
		f.outsideSchool = name
	}
	u, err := a.Identity.CreateUser(f.ctx, tn.ID, "hub.manager@bench.example.org", "Hub Manager", "correct-horse-battery", false)
	must(tb, err)
	f.user = u.ID
	must(tb, a.Authz.Grant(f.ctx, tn.ID, u.ID, authz.RoleHubManager, hub.ID, nil))
	// Teaching at one of the hub's schools lets her open the hello example
	// too (its page is for teachers up) without widening her reach.
	must(tb, a.Authz.Grant(f.ctx, tn.ID, u.ID, authz.RoleTeacher, first.ID, nil))
	f.token, _, err = identitytest.Session(f.ctx, a.Identity, tn.ID, u.ID, "correct-horse-battery")
	must(tb, err)
	return f
}

// installPlugins registers and enables the given binaries for the tenant,
// as `upwards plugin install` and `enable` would, with no core running.
func (f *fixture) installPlugins(tb testing.TB, bins ...string) {
	tb.Helper()
	a, err := app.Open(f.ctx, f.cfg, app.NewLogger(f.cfg, io.Discard))
	must(tb, err)
	defer a.Close()
	reg := pluginhost.NewRegistry(a.DB, pluginhost.RegistryOptions{CoreVersion: app.Version, Logger: slog.New(slog.DiscardHandler)})
	for _, bin := range bins {
		p, err := reg.Install(f.ctx, bin, false)
		must(tb, err)
		must(tb, reg.Enable(f.ctx, p.ID, f.tenant))
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
