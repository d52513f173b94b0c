// Package app wires Upwards together: configuration → storage → tenancy,
// identity, permissions → jobs and mail → the web server. Every command of
// the upwards binary starts from an App.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/mail"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
)

// BaseVersion is the release this source tree builds: the last tag's
// version on a release branch, the next release's on main.
const BaseVersion = "0.4.0"

// Version is the build's version, always a semantic version so that a
// plugin's min_core_version is checked against it: `make build` sets
// "0.4.0-dev+<short commit>" for an untagged build and "0.4.0" for the tag
// v0.4.0 (scripts/version.sh, through -ldflags "-X …/core/app.Version=…");
// a plain `go build` is BaseVersion + "-dev".
var Version = BaseVersion + "-dev"

// TaskPurgeSessions is the job that deletes expired sessions and old login attempts.
const TaskPurgeSessions = "core:identity:purge"

// TaskRefreshStatistics is the hourly job that keeps SQLite's query planner
// statistics up to date (storage.DB.RefreshStatistics; nothing on
// PostgreSQL).
const TaskRefreshStatistics = "core:storage:statistics"

// App is one process's wired components.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *storage.DB
	Tenancy  *tenancy.Service
	Identity *identity.Service
	Authz    *authz.Enforcer
	Redis    *jobs.Redis
	Jobs     *jobs.Registry
	Client   *jobs.Client
	Outbox   *mail.Outbox
	Pupils   *pupils.Service
	Metrics  *prometheus.Registry
	// Plugins runs the programme plugins (set by Start).
	Plugins *pluginhost.Runtime
	// Privacy carries out subject export, erasure and retention (set by Start).
	Privacy *privacy.Service
	// Imports runs pupil imports as jobs.
	Imports *importer.Queue
	// OIDC signs staff in through their tenant's OpenID Connect providers
	// (client secrets sealed with the pupil key's box).
	OIDC *identity.OIDC
	// AuditKey signs and checks plugins' audit seals: derived from the pupil
	// key, so every node and every restart agree (pluginhost.Deps.AuditKey).
	AuditKey []byte
}

// NewLogger returns the structured logger the configuration asks for.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// Open connects to the database and Redis and builds the services. It does
// not migrate; call Migrate (serve does, under the migration lock).
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{Config: cfg, Log: log, Metrics: prometheus.NewRegistry()}
	a.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := checkDatabasePlace(cfg); err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	a.DB = db
	a.Tenancy = tenancy.NewService(db)
	box, key, err := openPupilBox(ctx, cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	if a.Identity, err = newIdentity(a, db, key); err != nil {
		db.Close()
		return nil, err
	}
	if a.AuditKey, err = sealed.DeriveKey(key, pluginhost.AuditKeyLabel); err != nil {
		db.Close()
		return nil, fmt.Errorf("plugin audit key: %w", err)
	}
	a.Pupils = pupils.NewService(db, box)
	a.Imports = importer.NewQueue(db, a.Pupils, box)
	a.OIDC = identity.NewOIDC(a.Identity, box, identity.OIDCOptions{})
	return a, nil
}

// Migrate applies pending core migrations under the migration lock.
func (a *App) Migrate(ctx context.Context) ([]int, error) {
	m, err := storage.NewMigrator(a.DB, storage.CoreMigrations())
	if err != nil {
		return nil, err
	}
	applied, err := m.Up(ctx)
	if err != nil {
		return applied, err
	}
	// New tables and indexes have no statistics yet.
	return applied, a.DB.RefreshStatistics(ctx)
}

// Migrator returns the core migrator.
func (a *App) Migrator() (*storage.Migrator, error) {
	return storage.NewMigrator(a.DB, storage.CoreMigrations())
}

// Start builds what needs a migrated schema and Redis: permissions, the job
// client and registry, and the mail outbox.
func (a *App) Start(ctx context.Context) error {
	m, err := a.Migrator()
	if err != nil {
		return err
	}
	if n, err := m.Pending(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("the database has %d pending migrations: run `upwards migrate up` (or serve with --migrate-on-start)", n)
	}
	if err := a.LoadPermissions(ctx); err != nil {
		return err
	}
	r, err := jobs.OpenRedis(ctx, a.Config.RedisURL)
	if err != nil {
		return fmt.Errorf("connect to redis: %w", err)
	}
	a.Redis = r
	a.Jobs = jobs.NewRegistry()
	a.Client = jobs.NewClient(r, a.Jobs)
	a.Outbox = mail.NewOutbox(a.DB, a.Client)
	sender, err := mail.NewSender(a.Config.SMTPURL, a.Config.DataDir)
	if err != nil {
		return fmt.Errorf("mail sender: %w", err)
	}
	if err := mail.Register(a.Jobs, a.Outbox, sender, a.Config.MailFrom); err != nil {
		return err
	}
	if err := a.Imports.Register(a.Jobs, a.Client, a.Authz, a.Log); err != nil {
		return err
	}
	a.Jobs.Handle(TaskPurgeSessions, func(ctx context.Context, _ []byte) error {
		n, err := a.Identity.PurgeExpired(ctx)
		if err == nil {
			a.Log.InfoContext(ctx, "purged expired sessions and login attempts", "rows", n)
		}
		return err
	})
	if err := a.Jobs.Schedule("@hourly", TaskPurgeSessions, nil); err != nil {
		return err
	}
	// Statistics gathered by an earlier run may be missing (an install made
	// before this was done) or out of date; a failure only costs speed.
	if err := a.DB.RefreshStatistics(ctx); err != nil {
		a.Log.WarnContext(ctx, "query planner statistics not refreshed", "error", err.Error())
	}
	a.Jobs.Handle(TaskRefreshStatistics, func(ctx context.Context, _ []byte) error { return a.DB.RefreshStatistics(ctx) })
	if err := a.Jobs.Schedule("@hourly", TaskRefreshStatistics, nil); err != nil {
		return err
	}
	if err := a.startPlugins(ctx); err != nil {
		return err
	}
	return a.startPrivacy()
}

// startPlugins builds the plugin runtime and registers the plugins' jobs
// (before any worker starts). A plugin's broken registration is logged, not
// fatal: the core and the other plugins still run.
func (a *App) startPlugins(ctx context.Context) error {
	p, err := pluginhost.New(pluginhost.Deps{DB: a.DB, DatabaseURL: a.Config.DatabaseURL, DataDir: a.Config.DataDir,
		CoreVersion: Version, Tenancy: a.Tenancy, Identity: a.Identity, Authz: a.Authz, Jobs: a.Client, Mail: a.Outbox, Pupils: a.Pupils, AuditKey: a.AuditKey, Log: a.Log},
		pluginhost.Options{HealthInterval: a.Config.PluginHealthInterval, CallTimeout: a.Config.PluginCallTimeout,
			ExtensionTimeout:  a.Config.PluginPanelTimeout,
			ExtensionCacheTTL: panelCache(a.Config.PluginPanelCache),
			BackoffMin:        a.Config.PluginBackoffMin, BackoffMax: a.Config.PluginBackoffMax, BreakerFailures: a.Config.PluginBreakerFailures})
	if err != nil {
		return err
	}
	if err := p.RegisterJobs(ctx, a.Jobs); err != nil {
		a.Log.ErrorContext(ctx, "plugin jobs not registered", "error", err.Error())
	}
	if err := p.Start(ctx); err != nil {
		a.Log.ErrorContext(ctx, "plugin registry not applied", "error", err.Error())
	}
	a.Plugins = p
	return nil
}

// LoadPermissions builds the Casbin enforcer over the migrated schema.
func (a *App) LoadPermissions(ctx context.Context) error {
	if a.Authz != nil {
		return nil
	}
	// The plugin registry tells the enforcer which plugins each tenant
	// enables and the roles they declare (grantable only there).
	plugins := pluginhost.NewRegistry(a.DB, pluginhost.RegistryOptions{CoreVersion: Version, Logger: a.Log})
	enf, err := authz.New(ctx, a.DB, a.Tenancy, authz.Options{RefreshInterval: time.Second, Plugins: plugins})
	if err != nil {
		return fmt.Errorf("load permissions: %w", err)
	}
	a.Authz = enf
	a.Pupils.SetAccess(enf, a.Tenancy)
	return nil
}

// Web builds the HTTP server over the started App.
func (a *App) Web() (*web.Server, error) { return web.New(a.WebDeps()) }

// WebDeps are the dependencies Web gives the HTTP server (a benchmark
// builds a second server from them, e.g. without the plugins' panels).
func (a *App) WebDeps() web.Deps {
	d := web.Deps{Config: a.Config, Log: a.Log, DB: a.DB, Tenancy: a.Tenancy, Identity: a.Identity,
		Authz: a.Authz, Redis: a.Redis, Jobs: a.Client, Mail: a.Outbox, Pupils: a.Pupils, Version: Version, Metrics: a.Metrics}
	if a.Plugins != nil {
		d.Plugins = a.Plugins
	}
	d.Privacy = a.Privacy
	d.Imports = a.Imports
	d.OIDC = a.OIDC
	return d
}

// Worker returns a job worker (server and scheduler) over the started App.
func (a *App) Worker() *jobs.Worker {
	return jobs.NewWorker(a.Redis, a.Jobs, jobs.Options{RedisURL: a.Config.RedisURL, Concurrency: a.Config.WorkerConcurrency, Logger: a.Log})
}

// Close releases the database and Redis.
func (a *App) Close() error {
	var errs []error
	if a.Plugins != nil {
		errs = append(errs, a.Plugins.Close())
	}
	if a.Client != nil {
		errs = append(errs, a.Client.Close())
	}
	if a.Redis != nil {
		errs = append(errs, a.Redis.Close())
	}
	if a.DB != nil {
		errs = append(errs, a.DB.Close())
	}
	return errors.Join(errs...)
}

// panelCache maps the configured reuse of plugins' contributions onto the
// runtime's option, where 0 means the default and a negative value off.
func panelCache(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
