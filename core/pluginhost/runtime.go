package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/mail"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Deps is what the runtime needs from the core, wired by core/app.
type Deps struct {
	DB *storage.DB
	// DatabaseURL is the core's database URL: on PostgreSQL a plugin gets it
	// with its own role and search_path.
	DatabaseURL string
	// DataDir holds DATA_DIR/plugins/<id>/ (SQLite file, plugin files).
	DataDir     string
	CoreVersion string
	Tenancy     *tenancy.Service
	Identity    *identity.Service
	Authz       *authz.Enforcer
	// Jobs enqueues plugin jobs (Host.Enqueue, schedule fan-out); nil refuses them.
	Jobs *jobs.Client
	// Mail queues Host.SendMail; nil refuses it.
	Mail *mail.Outbox
	// Pupils answers Host.GetPupils; nil refuses it.
	Pupils *pupils.Service
	// AuditKey (32 bytes or more) signs the audit seal of every call's actor
	// and checks it when the plugin delivers its audit outbox
	// (Host.DeliverAudit). It must be the same on every node and survive
	// restarts: core/app derives it from the pupil key (AuditKeyLabel).
	AuditKey []byte
	Log      *slog.Logger
}

// AuditKeyLabel is the label under which core/app derives Deps.AuditKey
// from the install's master key (sealed.DeriveKey).
const AuditKeyLabel = "upwards plugin audit seal v1"

// Options tune the runtime; zero values take the defaults.
type Options struct {
	// HealthInterval is how often a running plugin's CheckHealth is called (10s).
	HealthInterval time.Duration
	// SyncInterval is how often the registry is re-read for upgrades and
	// tenants that changed through another process (5s).
	SyncInterval time.Duration
	// CallTimeout bounds one HandleHTTP call (30s).
	CallTimeout time.Duration
	// ExtensionTimeout bounds the wait for a plugin's contributions to the
	// core's pages (school panels, to-dos, figures): a plugin that has not
	// answered by then is shown as unavailable (400ms).
	ExtensionTimeout time.Duration
	// ExtensionCacheTTL is the longest a plugin's contributions are kept
	// for the same viewer and page while nothing in the tenant changes
	// (extcache.go): 2m; negative turns the cache off.
	ExtensionCacheTTL time.Duration
	// TokenTTL is the lifetime of an actor token of a request (5m); a job's
	// token lives as long as the job's timeout plus a minute if that is longer.
	TokenTTL time.Duration
	// MigrateTimeout bounds a plugin's storage migration (10m).
	MigrateTimeout time.Duration
	// BackoffMin and BackoffMax bound the wait before restarting a crashed
	// plugin, doubling with each failure in BreakerWindow (100ms, 30s).
	BackoffMin, BackoffMax time.Duration
	// BreakerFailures failures within BreakerWindow open the circuit for
	// BreakerOpen: no start is tried meanwhile (5, 1m, 30s).
	BreakerFailures int
	BreakerWindow   time.Duration
	BreakerOpen     time.Duration
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.HealthInterval, 10*time.Second)
	def(&o.SyncInterval, 5*time.Second)
	def(&o.CallTimeout, 30*time.Second)
	def(&o.TokenTTL, 5*time.Minute)
	def(&o.ExtensionTimeout, 400*time.Millisecond)
	if o.ExtensionCacheTTL == 0 {
		o.ExtensionCacheTTL = 2 * time.Minute
	}
	def(&o.MigrateTimeout, 10*time.Minute)
	def(&o.BackoffMin, 100*time.Millisecond)
	def(&o.BackoffMax, 30*time.Second)
	def(&o.BreakerWindow, time.Minute)
	def(&o.BreakerOpen, 30*time.Second)
	if o.BreakerFailures <= 0 {
		o.BreakerFailures = 5
	}
	return o
}

// Runtime runs the registered plugins of one node: it launches them on
// first use, supervises them, serves their Host calls, proxies their HTTP
// routes and runs their jobs. It implements web.PluginRouter.
type Runtime struct {
	deps   Deps
	opts   Options
	reg    *Registry
	log    *slog.Logger
	tokens *tokenStore
	// answers keeps plugins' contributions (extcache.go); nil when off.
	answers *answerCache
	// refreshWait bounds how long a stale contribution's refresh waits for
	// the page that found it to be served (refreshLater).
	refreshWait time.Duration

	mu        sync.Mutex
	insts     map[string]*instance
	manifests map[string]*pluginv1.Manifest // by sha256
	routers   map[string]*routeSet          // by sha256
	policies  map[string]string             // plugin id → sha256 whose lines are applied
	jobsReg   *jobs.Registry
	jobTypes  map[string]bool

	stop    chan struct{}
	done    chan struct{}
	bg      sync.WaitGroup // restarts, health checks and syncs under way
	syncing atomic.Bool
	started bool
	closed  bool

	// hostCalls counts the Host calls served (all plugins), for benchmarks.
	hostCalls atomic.Uint64

	// extMu guards extTimes: what each plugin's contributions took, for
	// benchmarks.
	extMu    sync.Mutex
	extTimes map[string]ExtensionTime
}

// ExtensionTime is what asking one plugin for its contributions to core
// pages has taken since the runtime started: how many times it was asked,
// the time of the whole (the core's permission and link checks included)
// and of the plugin's calls alone.
type ExtensionTime struct {
	// Asked counts the pages the plugin contributed to and the stale
	// answers asked afresh in the background; Cached the pages whose
	// answers came from the cache (extcache.go), without a call, and
	// Stale those of them whose answer was stale (others had changed the
	// tenant since) and was asked afresh in the background.
	Asked, Cached, Stale int64
	Total, Call          time.Duration
}

// ExtensionTimes is each plugin's ExtensionTime (benchmarks read it before
// and after their pages).
func (rt *Runtime) ExtensionTimes() map[string]ExtensionTime {
	rt.extMu.Lock()
	defer rt.extMu.Unlock()
	return maps.Clone(rt.extTimes)
}

// observeExtension adds one contribution's times to the plugin's.
func (rt *Runtime) observeExtension(pluginID string, total, call time.Duration, cached, stale bool) {
	rt.extMu.Lock()
	defer rt.extMu.Unlock()
	if rt.extTimes == nil {
		rt.extTimes = map[string]ExtensionTime{}
	}
	e := rt.extTimes[pluginID]
	e.Asked++
	if cached {
		e.Cached++
	}
	if stale {
		e.Stale++
	}
	e.Total += total
	e.Call += call
	rt.extTimes[pluginID] = e
}

// HostCalls is how many Host calls the runtime has served since it started
// (benchmarks read it before and after a page).
func (rt *Runtime) HostCalls() uint64 { return rt.hostCalls.Load() }

var _ web.PluginRouter = (*Runtime)(nil)

// New returns a runtime; Start begins supervising.
func New(deps Deps, opts Options) (*Runtime, error) {
	if deps.DB == nil || deps.Tenancy == nil || deps.Identity == nil || deps.Authz == nil {
		return nil, errors.New("pluginhost: New needs the database, tenancy, identity and authz")
	}
	if len(deps.AuditKey) < 32 {
		return nil, errors.New("pluginhost: New needs an audit seal key of 32 bytes or more (Deps.AuditKey)")
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	log := deps.Log.With("component", "pluginhost")
	opts = opts.withDefaults()
	return &Runtime{
		deps: deps, opts: opts, log: log, tokens: newTokenStore(), answers: newAnswerCache(opts.ExtensionCacheTTL), refreshWait: refreshWait,
		reg:   NewRegistry(deps.DB, RegistryOptions{CoreVersion: deps.CoreVersion, Logger: deps.Log}),
		insts: map[string]*instance{}, manifests: map[string]*pluginv1.Manifest{}, routers: map[string]*routeSet{},
		policies: map[string]string{}, jobTypes: map[string]bool{},
		stop: make(chan struct{}), done: make(chan struct{}),
	}, nil
}

// Registry returns the registry the runtime reads.
func (rt *Runtime) Registry() *Registry { return rt.reg }

// Start starts the supervisor and applies the registry (permission lines
// of enabled plugins); an error of the latter is returned but the runtime
// runs. Plugin processes start on first use.
func (rt *Runtime) Start(ctx context.Context) error {
	rt.mu.Lock()
	if rt.started {
		rt.mu.Unlock()
		return errors.New("pluginhost: already started")
	}
	rt.started = true
	rt.mu.Unlock()
	go rt.supervise()
	return rt.Sync(ctx)
}

// Close stops the supervisor and every plugin process.
func (rt *Runtime) Close() error {
	rt.mu.Lock()
	if rt.closed {
		rt.mu.Unlock()
		return nil
	}
	rt.closed = true
	started := rt.started
	insts := make([]*instance, 0, len(rt.insts))
	for _, in := range rt.insts {
		insts = append(insts, in)
	}
	rt.mu.Unlock()
	close(rt.stop)
	if started {
		<-rt.done
	}
	var wg sync.WaitGroup
	for _, in := range insts {
		wg.Add(1)
		go func() { defer wg.Done(); in.shutdown("the core is shutting down") }()
	}
	wg.Wait()
	rt.bg.Wait()
	return nil
}

func (rt *Runtime) isClosed() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.closed
}

// Install registers a binary (see Registry.Install) and applies it at once.
func (rt *Runtime) Install(ctx context.Context, path string, force bool) (Plugin, error) {
	return pendingIsError(rt.InstallWith(ctx, path, InstallOptions{Force: force}))
}

// Upgrade replaces a registered plugin's binary (see Registry.Upgrade). A
// running process is swapped blue/green: the new build starts beside it and
// takes the new calls, and the old one stops once its calls end; every node
// does the same when it sees the change (Sync, or its next request).
func (rt *Runtime) Upgrade(ctx context.Context, path string, force bool) (Plugin, error) {
	return pendingIsError(rt.InstallWith(ctx, path, InstallOptions{Force: force, Upgrade: true}))
}

// InstallWith registers a binary (see Registry.InstallWith) and, unless it
// was left pending, applies it at once on this node.
func (rt *Runtime) InstallWith(ctx context.Context, path string, opts InstallOptions) (Outcome, error) {
	o, err := rt.reg.InstallWith(ctx, path, opts)
	if err != nil || o.Pending != nil {
		return o, err
	}
	return o, rt.applied(ctx)
}

// ConfirmUpgrade applies a pending upgrade (see Registry.ConfirmUpgrade) at
// once on this node.
func (rt *Runtime) ConfirmUpgrade(ctx context.Context, id uint) (Outcome, error) {
	o, err := rt.reg.ConfirmUpgrade(ctx, id)
	if err != nil {
		return o, err
	}
	return o, rt.applied(ctx)
}

// DiscardUpgrade drops a pending upgrade (see Registry.DiscardUpgrade).
func (rt *Runtime) DiscardUpgrade(ctx context.Context, id uint) (PendingUpgrade, error) {
	return rt.reg.DiscardUpgrade(ctx, id)
}

// applied brings this node in line with a registry change it made: the
// processes and permission lines (Sync) and the permission state of every
// tenant (other nodes see the authz revision the registry bumped).
func (rt *Runtime) applied(ctx context.Context) error {
	err := rt.Sync(ctx)
	rt.deps.Authz.Reload()
	return err
}

// DevReinstall registers a dev-loop build (see Registry.DevReinstall) and
// applies it at once; other processes switch to it on their next request.
func (rt *Runtime) DevReinstall(ctx context.Context, path string) (Plugin, error) {
	p, err := rt.reg.DevReinstall(ctx, path)
	if err != nil {
		return p, err
	}
	return p, rt.Sync(ctx)
}

// Enable lets a tenant use a plugin, applies it at once and sends the plugin
// "tenant.enabled" if it subscribes (a failure to deliver is logged; the
// enablement stands).
func (rt *Runtime) Enable(ctx context.Context, id string, tenantID uint) error {
	already, err := rt.reg.IsEnabled(ctx, id, tenantID)
	if err != nil {
		return err
	}
	if err := rt.reg.Enable(ctx, id, tenantID); err != nil {
		return err
	}
	if err := rt.applied(ctx); err != nil {
		return err
	}
	if already {
		return nil
	}
	if err := rt.notify(ctx, id, tenantID, EventTenantEnabled, 0); err != nil {
		rt.log.WarnContext(ctx, "plugin event not delivered", "plugin", id, "event", EventTenantEnabled, "error", err.Error())
	}
	return nil
}

// Disable sends the plugin "tenant.disabled" if it subscribes (while its Host
// calls for the tenant still work), then stops the tenant using it.
func (rt *Runtime) Disable(ctx context.Context, id string, tenantID uint) error {
	if ok, err := rt.reg.IsEnabled(ctx, id, tenantID); err == nil && ok {
		if err := rt.notify(ctx, id, tenantID, EventTenantDisabled, 0); err != nil {
			rt.log.WarnContext(ctx, "plugin event not delivered", "plugin", id, "event", EventTenantDisabled, "error", err.Error())
		}
	}
	if err := rt.reg.Disable(ctx, id, tenantID); err != nil {
		return err
	}
	return rt.applied(ctx)
}

// Sync brings this node in line with the registry: a plugin upgraded (and
// still enabled) is swapped blue/green in the background (the new build
// starts beside the old, takes the new calls, and the old stops once its
// calls end); processes of plugins failed, removed or enabled by no tenant stop; the permission
// lines of plugins some tenant enables are applied (and removed from the
// others); handlers of new plugin jobs are registered. Other processes'
// changes (the CLI) are seen within Options.SyncInterval.
func (rt *Runtime) Sync(ctx context.Context) error {
	plugins, err := rt.reg.List(ctx)
	if err != nil {
		return err
	}
	enabled, err := rt.reg.enablements(ctx)
	if err != nil {
		return err
	}
	byID := map[string]Plugin{}
	var errs []error
	for _, p := range plugins {
		byID[p.ID] = p
		m, err := rt.manifest(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(enabled[p.ID]) > 0 && p.State != StateFailed {
			errs = append(errs, rt.ensurePolicies(ctx, p, m))
		} else {
			rt.dropPolicies(p.ID)
		}
		errs = append(errs, rt.registerPluginJobs(p.ID, m))
	}
	rt.mu.Lock()
	for id := range rt.policies {
		if _, ok := byID[id]; !ok {
			delete(rt.policies, id)
			rt.deps.Authz.RemovePolicies(id)
		}
	}
	var stale []*instance
	var swap []Plugin
	for id, in := range rt.insts {
		p, ok := byID[id]
		cur := in.current()
		switch {
		case !ok:
			stale = append(stale, in)
		case cur != "" && cur != p.SHA256 && p.State != StateFailed && len(enabled[id]) > 0:
			swap = append(swap, p)
		case cur != "" && cur != p.SHA256:
			stale = append(stale, in)
		case p.State == StateFailed:
			stale = append(stale, in)
		case len(enabled[id]) == 0 && !in.pinned():
			stale = append(stale, in)
		}
	}
	rt.mu.Unlock()
	for _, in := range stale {
		in.shutdown("stopped: the registry changed (upgraded, failed, removed or enabled by no tenant)")
	}
	for _, p := range swap {
		rt.background(func() {
			// Blue/green: start the new build beside the old, move the
			// traffic, then stop the old once its calls end (acquire, drain).
			ctx, cancel := context.WithTimeout(context.Background(), rt.opts.MigrateTimeout)
			defer cancel()
			if _, _, err := rt.acquire(ctx, p); err != nil {
				rt.log.Warn("plugin upgrade: swap to the new build failed", "plugin", p.ID, "error", err.Error())
			}
		})
	}
	return errors.Join(errs...)
}

// manifest returns the decoded manifest of p, cached by checksum.
func (rt *Runtime) manifest(p Plugin) (*pluginv1.Manifest, error) {
	rt.mu.Lock()
	m, ok := rt.manifests[p.SHA256]
	rt.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := p.Manifest()
	if err != nil {
		return nil, err
	}
	rt.mu.Lock()
	rt.manifests[p.SHA256] = m
	rt.mu.Unlock()
	return m, nil
}

// instance returns the runtime state of plugin id, creating it.
func (rt *Runtime) instance(id string) *instance {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	in, ok := rt.insts[id]
	if !ok {
		in = &instance{id: id, rt: rt, state: stateStopped}
		rt.insts[id] = in
	}
	return in
}

func (rt *Runtime) instances() []*instance {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := make([]*instance, 0, len(rt.insts))
	for _, in := range rt.insts {
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// Status is one plugin as the operators' page shows it.
type Status struct {
	Plugin
	// Runtime state on this node: stopped, starting, running, degraded,
	// unhealthy, restarting, circuit_open, checksum_mismatch or failed.
	Runtime   string
	PID       int
	Restarts  int
	LastError string
	// Mismatch is set when the plugin is not started on this node because
	// the file at its registered path is not the build installed.
	Mismatch *ChecksumMismatch
	Calls    int64
	// Latency of HandleHTTP and RunJob calls: moving average and the
	// percentiles of the last 512 calls.
	LatencyAvg, LatencyP50, LatencyP99 time.Duration
	// Tenants enabling the plugin.
	Tenants []uint
}

// Statuses lists every registered plugin with its state on this node.
func (rt *Runtime) Statuses(ctx context.Context) ([]Status, error) {
	plugins, err := rt.reg.List(ctx)
	if err != nil {
		return nil, err
	}
	enabled, err := rt.reg.enablements(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(plugins))
	for _, p := range plugins {
		s := Status{Plugin: p, Runtime: stateStopped, Tenants: enabled[p.ID]}
		rt.mu.Lock()
		in := rt.insts[p.ID]
		rt.mu.Unlock()
		if in != nil {
			in.fill(&s)
		}
		if p.State == StateFailed {
			s.Runtime = stateFailed
			if s.LastError == "" {
				s.LastError = p.LastError
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// UnavailableError says a plugin cannot serve now.
type UnavailableError struct {
	PluginID, Name string
	// Failed is true when the plugin is marked failed and needs an operator.
	Failed bool
	// Checksum is true when the file at the registered path is not the
	// build installed: it is not started, and needs an operator (upgrade to
	// the new build, or restore the installed file).
	Checksum bool
	// RetryAfter estimates when a new attempt may succeed (0 when only an
	// operator can make it succeed).
	RetryAfter time.Duration
	Cause      error
}

// NeedsOperator reports whether only an operator can make the plugin serve
// again: waiting does not help.
func (e *UnavailableError) NeedsOperator() bool { return e.Failed || e.Checksum }

func (e *UnavailableError) Error() string {
	switch {
	case e.Failed:
		return fmt.Sprintf("plugin %s is failed: %v", e.PluginID, e.Cause)
	case e.Checksum:
		return fmt.Sprintf("plugin %s is not started until an operator acts: %v", e.PluginID, e.Cause)
	}
	return fmt.Sprintf("plugin %s is unavailable: %v", e.PluginID, e.Cause)
}

func (e *UnavailableError) Unwrap() error { return e.Cause }
