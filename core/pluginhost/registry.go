package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/Masterminds/semver/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Registry states of a plugin.
const (
	// StateInstalled: registered and launchable.
	StateInstalled = "installed"
	// StateFailed: its storage migration failed; it is not launched until a
	// new build is installed (upgrade, or install --force).
	StateFailed = "failed"
)

// Errors of the registry.
var (
	// ErrNotFound: no such plugin (or tenant).
	ErrNotFound = errors.New("not found")
	// ErrRefused: the install or upgrade is refused; the message says why.
	ErrRefused = errors.New("refused")
)

// Plugin is one registered plugin (table plugins).
type Plugin struct {
	ID           string    `gorm:"primaryKey" json:"id"`
	Name         string    `json:"name"`
	Version      string    `json:"version"`
	Protocol     int       `json:"protocol"`
	BinaryPath   string    `json:"binary_path"`
	SHA256       string    `gorm:"column:sha256" json:"sha256"`
	ManifestJSON string    `json:"-"`
	State        string    `json:"state"`
	LastError    string    `json:"last_error,omitempty"`
	DBPassword   string    `gorm:"column:db_password" json:"-"`
	InstalledAt  time.Time `json:"installed_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// UpgradeDiff is the JSON of the ManifestDiff the build brought,
	// compared with the one it replaced; empty after a first install.
	UpgradeDiff string `json:"-"`
}

// TableName maps Plugin onto the core schema.
func (Plugin) TableName() string { return "plugins" }

// Manifest decodes the manifest recorded at install.
func (p Plugin) Manifest() (*pluginv1.Manifest, error) {
	m := &pluginv1.Manifest{}
	if err := protojson.Unmarshal([]byte(p.ManifestJSON), m); err != nil {
		return nil, fmt.Errorf("manifest of plugin %s: %w", p.ID, err)
	}
	return m, nil
}

// ShortSHA is the first 12 hex digits of the binary's checksum.
func (p Plugin) ShortSHA() string {
	if len(p.SHA256) > 12 {
		return p.SHA256[:12]
	}
	return p.SHA256
}

// pluginTenant records that a tenant enables a plugin (table plugin_tenants).
type pluginTenant struct {
	PluginID  string `gorm:"primaryKey"`
	TenantID  uint   `gorm:"primaryKey;autoIncrement:false"`
	EnabledAt time.Time
}

func (pluginTenant) TableName() string { return "plugin_tenants" }

// RegistryOptions configure a Registry.
type RegistryOptions struct {
	// CoreVersion is checked against a manifest's min_core_version when it
	// is a semantic version (a "dev" build accepts any).
	CoreVersion string
	// Logger receives go-plugin's logs while a binary is inspected.
	Logger *slog.Logger
}

// Registry records installed plugins and which tenants enable them. It
// launches a binary only to read its manifest at install; running plugins
// is the Runtime's job.
type Registry struct {
	db    *storage.DB
	opts  RegistryOptions
	log   *slog.Logger
	cache registryCache
	// roleCache keeps the roles of each build's manifest, by checksum.
	roleCache sync.Map
}

// NewRegistry returns the registry on db (migrated to version 10 or later: plugins.upgrade_diff).
func NewRegistry(db *storage.DB, opts RegistryOptions) *Registry {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Registry{db: db, opts: opts, log: opts.Logger.With("component", "pluginhost")}
}

// Install registers the plugin binary at path: it launches it once to read
// its manifest, validates the manifest, and records its id, version and
// SHA-256. A plugin whose id is already registered is replaced when the new
// version is higher; the same version, or a downgrade, is refused unless
// force. A replacement whose manifest adds permissions, roles or default
// grants, or widens a route, is not applied: it waits for an operator as a
// pending upgrade, and the error is ErrPending (InstallWith says more).
func (r *Registry) Install(ctx context.Context, path string, force bool) (Plugin, error) {
	return pendingIsError(r.InstallWith(ctx, path, InstallOptions{Force: force}))
}

// Upgrade is Install for a plugin that must already be registered.
func (r *Registry) Upgrade(ctx context.Context, path string, force bool) (Plugin, error) {
	return pendingIsError(r.InstallWith(ctx, path, InstallOptions{Force: force, Upgrade: true}))
}

// DevReinstall registers a build of a plugin under development (`upwards
// plugin dev`): as Install, its manifest is checked and its checksum
// recorded, but a build of the same version replaces the registered one
// without force and without the confirmation an upgrade that adds
// permissions asks for. It is audited as plugin.dev.install or
// plugin.dev.reinstall. It is meant for an embedded single-machine install
// only; the CLI refuses any other.
func (r *Registry) DevReinstall(ctx context.Context, path string) (Plugin, error) {
	return pendingIsError(r.InstallWith(ctx, path, InstallOptions{Dev: true}))
}

// auditPlugin is what the audit log keeps of a plugin.
type auditPlugin struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	Path    string `json:"binary_path,omitempty"`
	// Diff is what the build changed compared with the one it replaced.
	Diff *ManifestDiff `json:"diff,omitempty"`
}

func (p Plugin) audit() auditPlugin {
	return auditPlugin{ID: p.ID, Name: p.Name, Version: p.Version, SHA256: p.SHA256, Path: p.BinaryPath}
}

// InstallTenantID is the tenant id of install-wide audit entries (plugin
// install and upgrade concern every tenant); /admin/plugins lists them.
const InstallTenantID = 0

// InstallOptions tune InstallWith.
type InstallOptions struct {
	// Force lifts the version rule: reinstall the same version, or install
	// an older one (a downgrade). It does not lift the confirmation.
	Force bool
	// Upgrade requires the plugin to be registered already.
	Upgrade bool
	// Confirmed applies a replacement at once even when its diff needs an
	// operator's confirmation (ManifestDiff.NeedsConfirmation): the operator
	// saw the diff and said yes (`upwards plugin upgrade PATH --yes`), or the
	// build affects nobody else (the demo install, a dev loop rebuilding a
	// plugin in an embedded install). Without it such a replacement becomes a
	// pending upgrade and changes nothing until ConfirmUpgrade.
	Confirmed bool
	// Dev is a dev-loop build (DevReinstall): any version replaces the
	// registered one, at once, audited as plugin.dev.install or
	// plugin.dev.reinstall.
	Dev bool
}

// Outcome says what InstallWith did.
type Outcome struct {
	// Plugin is the plugin as registered now: the new build, or the
	// installed one, unchanged, when Pending is set.
	Plugin Plugin
	// Previous is the build replaced (or that a pending upgrade would
	// replace); nil after a first install.
	Previous *Plugin
	// Action is the audit action of the change: plugin.install,
	// plugin.upgrade, plugin.reinstall or plugin.downgrade.
	Action string
	// Diff compares the new build's manifest with the installed one's; it
	// is empty after a first install.
	Diff ManifestDiff
	// Pending is the upgrade waiting for an operator, when the replacement
	// needs a confirmation it was not given.
	Pending *PendingUpgrade
}

// InstallWith registers the plugin binary at path (see Install) and says
// what it did. A first install is applied at once, its grants reaching
// nobody until a tenant enables it. A replacement is compared with the
// installed build (DiffManifests): applied at once when it needs no
// confirmation or opts.Confirmed, otherwise recorded as the plugin's pending
// upgrade (replacing an older pending one), audited plugin.upgrade.propose,
// with nothing else changed.
func (r *Registry) InstallWith(ctx context.Context, path string, opts InstallOptions) (Outcome, error) {
	defer r.cache.invalidate()
	next, m, err := r.inspectBuild(ctx, path)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Plugin: next}
	err = r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, found, err := r.lockPlugin(tx, next.ID)
		switch {
		case err != nil:
			return err
		case !found && opts.Upgrade:
			return fmt.Errorf("plugin %s is not installed (use install): %w", next.ID, ErrNotFound)
		case !found:
			out.Action = "plugin.install"
			if opts.Dev {
				out.Action = "plugin.dev.install"
			}
			if err := tx.Create(&next).Error; err != nil {
				return fmt.Errorf("record plugin %s: %w", next.ID, err)
			}
			if err := storage.BumpRevision(tx, storage.RevisionAuthz); err != nil { // new roles to list
				return err
			}
			return audit.Record(ctx, tx, audit.Change{TenantID: InstallTenantID, Action: out.Action,
				EntityType: "plugin", EntityID: next.ID, After: next.audit()})
		}
		out.Previous = &old
		out.Action = "plugin.dev.reinstall"
		if !opts.Dev {
			if out.Action, err = compareVersions(old, next, opts.Force); err != nil {
				return err
			}
		}
		oldM, err := old.Manifest()
		if err != nil {
			return err
		}
		out.Diff = DiffManifests(oldM, m)
		if out.Diff.NeedsConfirmation() && !opts.Confirmed && !opts.Dev {
			out.Plugin = old
			out.Pending, err = propose(ctx, tx, old, next, out.Action, out.Diff)
			return err
		}
		out.Plugin, err = applyBuild(ctx, tx, old, next, out.Action, out.Diff, nil)
		return err
	})
	if err != nil {
		return Outcome{}, err
	}
	return out, nil
}

// inspectBuild launches the binary at path once to read its manifest,
// validates it against this core and returns the registry row it would
// make, with the decoded manifest.
func (r *Registry) inspectBuild(ctx context.Context, path string) (Plugin, *pluginv1.Manifest, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Plugin{}, nil, fmt.Errorf("plugin binary %s: %w", path, err)
	}
	sum, err := fileSHA256(abs)
	if err != nil {
		return Plugin{}, nil, fmt.Errorf("plugin binary %s: %w", abs, err)
	}
	m, proto, err := inspect(ctx, abs, sum, newHCLog(r.log, "inspect"))
	if err != nil {
		return Plugin{}, nil, err
	}
	if err := r.validate(m); err != nil {
		return Plugin{}, nil, fmt.Errorf("install %s: %w", abs, err)
	}
	if int(m.GetProtocol()) != proto {
		return Plugin{}, nil, fmt.Errorf("install %s: %w: its manifest says contract version %d but it negotiated version %d",
			abs, ErrRefused, m.GetProtocol(), proto)
	}
	mj, err := protojson.Marshal(m)
	if err != nil {
		return Plugin{}, nil, fmt.Errorf("install %s: encode manifest: %w", abs, err)
	}
	now := time.Now().UTC()
	return Plugin{ID: m.GetId(), Name: m.GetName(), Version: strings.TrimPrefix(m.GetVersion(), "v"), Protocol: proto,
		BinaryPath: abs, SHA256: hex.EncodeToString(sum), ManifestJSON: string(mj), State: StateInstalled,
		InstalledAt: now, UpdatedAt: now}, m, nil
}

// validate checks a manifest against this core's version, permissions and roles.
func (r *Registry) validate(m *pluginv1.Manifest) error {
	return contract.ValidateManifest(m, r.opts.CoreVersion, corePermissions(), roleNames())
}

// lockPlugin loads plugin id inside tx, locking its row on PostgreSQL.
func (r *Registry) lockPlugin(tx *gorm.DB, id string) (Plugin, bool, error) {
	var p Plugin
	q := tx
	if r.db.Dialect == storage.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&p).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return Plugin{}, false, nil
	case err != nil:
		return Plugin{}, false, fmt.Errorf("load plugin %s: %w", id, err)
	}
	return p, true, nil
}

// applyBuild replaces build old with next inside tx, records the diff the
// new build brings, drops any pending upgrade of the plugin (it was meant
// for the build replaced now), bumps the authz revision (its roles may have
// changed) and audits action. confirmed is the pending upgrade being
// confirmed, if any.
func applyBuild(ctx context.Context, tx *gorm.DB, old, next Plugin, action string, diff ManifestDiff, confirmed *PendingUpgrade) (Plugin, error) {
	dj, err := json.Marshal(diff)
	if err != nil {
		return Plugin{}, fmt.Errorf("encode the diff of plugin %s: %w", next.ID, err)
	}
	next.InstalledAt, next.DBPassword, next.UpgradeDiff = old.InstalledAt, old.DBPassword, string(dj)
	if err := tx.Model(&Plugin{}).Where("id = ?", next.ID).Updates(map[string]any{
		"name": next.Name, "version": next.Version, "protocol": next.Protocol, "binary_path": next.BinaryPath,
		"sha256": next.SHA256, "manifest_json": next.ManifestJSON, "state": StateInstalled, "last_error": "",
		"upgrade_diff": next.UpgradeDiff, "updated_at": next.UpdatedAt,
	}).Error; err != nil {
		return Plugin{}, fmt.Errorf("update plugin %s: %w", next.ID, err)
	}
	var stale []PendingUpgrade
	if err := tx.Where("plugin_id = ?", next.ID).Find(&stale).Error; err != nil {
		return Plugin{}, fmt.Errorf("pending upgrades of plugin %s: %w", next.ID, err)
	}
	for _, u := range stale {
		if err := tx.Delete(&u).Error; err != nil {
			return Plugin{}, fmt.Errorf("drop pending upgrade %d: %w", u.ID, err)
		}
		if confirmed != nil && u.ID == confirmed.ID {
			continue
		}
		if err := audit.Record(ctx, tx, audit.Change{TenantID: InstallTenantID, Action: "plugin.upgrade.discard", EntityType: "plugin",
			EntityID: next.ID, Before: u.audit(), After: map[string]string{"reason": "superseded by " + next.Version + " (" + next.ShortSHA() + ")"}}); err != nil {
			return Plugin{}, err
		}
	}
	if err := storage.BumpRevision(tx, storage.RevisionAuthz); err != nil {
		return Plugin{}, err
	}
	after := next.audit()
	after.Diff = &diff
	if confirmed != nil {
		action = "plugin.upgrade.confirm"
	}
	return next, audit.Record(ctx, tx, audit.Change{TenantID: InstallTenantID, Action: action,
		EntityType: "plugin", EntityID: next.ID, Before: old.audit(), After: after})
}

// compareVersions decides whether next may replace old and names the audit action.
func compareVersions(old, next Plugin, force bool) (string, error) {
	ov, oerr := semver.NewVersion(old.Version)
	nv, nerr := semver.NewVersion(next.Version)
	if oerr != nil || nerr != nil {
		return "", fmt.Errorf("plugin %s: compare versions %q and %q: %w", next.ID, old.Version, next.Version, ErrRefused)
	}
	switch {
	case nv.GreaterThan(ov):
		return "plugin.upgrade", nil
	case nv.Equal(ov):
		if !force {
			return "", fmt.Errorf("plugin %s %s is already installed: %w (install a higher version, or reinstall with --force)",
				next.ID, old.Version, ErrRefused)
		}
		return "plugin.reinstall", nil
	default:
		if !force {
			return "", fmt.Errorf("plugin %s: downgrade from %s to %s %w (use --force to downgrade; its storage must still work with the older version)",
				next.ID, old.Version, next.Version, ErrRefused)
		}
		return "plugin.downgrade", nil
	}
}

func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// corePermissions are the core permissions a plugin route may require
// (every Casbin permission and "authenticated"; never "public": plugin
// routes are for signed-in users).
func corePermissions() []string {
	var out []string
	for _, p := range authz.Permissions() {
		if p.Name != authz.PermPublic {
			out = append(out, p.Name)
		}
	}
	return out
}

func roleNames() []string {
	var out []string
	for _, r := range authz.Roles() {
		out = append(out, r.Name)
	}
	return out
}

// List returns every registered plugin, by id.
func (r *Registry) List(ctx context.Context) ([]Plugin, error) {
	var out []Plugin
	if err := r.db.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list plugins: %w", err)
	}
	return out, nil
}

// Get returns the plugin id, or ErrNotFound.
func (r *Registry) Get(ctx context.Context, id string) (Plugin, error) {
	var p Plugin
	err := r.db.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Plugin{}, fmt.Errorf("plugin %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Plugin{}, fmt.Errorf("load plugin %s: %w", id, err)
	}
	return p, nil
}

// Enable lets tenantID use plugin id. Enabling it again changes nothing.
func (r *Registry) Enable(ctx context.Context, id string, tenantID uint) error {
	defer r.cache.invalidate()
	return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := r.lookup(tx, id, tenantID)
		if err != nil {
			return err
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&pluginTenant{PluginID: id, TenantID: tenantID, EnabledAt: time.Now().UTC()})
		if res.Error != nil {
			return fmt.Errorf("enable plugin %s for tenant %d: %w", id, tenantID, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		if err := storage.BumpRevision(tx, storage.RevisionAuthz); err != nil { // its roles and lines now hold in the tenant
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "plugin.enable", EntityType: "plugin",
			EntityID: id, After: map[string]string{"plugin": id, "version": p.Version}})
	})
}

// Disable stops tenantID from using plugin id; its data stays in the
// plugin's storage. Disabling a plugin not enabled changes nothing.
func (r *Registry) Disable(ctx context.Context, id string, tenantID uint) error {
	defer r.cache.invalidate()
	return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := r.lookup(tx, id, tenantID)
		if err != nil {
			return err
		}
		res := tx.Where("plugin_id = ? AND tenant_id = ?", id, tenantID).Delete(&pluginTenant{})
		if res.Error != nil {
			return fmt.Errorf("disable plugin %s for tenant %d: %w", id, tenantID, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		if err := storage.BumpRevision(tx, storage.RevisionAuthz); err != nil { // its roles' grants stop granting
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "plugin.disable", EntityType: "plugin",
			EntityID: id, Before: map[string]string{"plugin": id, "version": p.Version}})
	})
}

func (r *Registry) lookup(tx *gorm.DB, id string, tenantID uint) (Plugin, error) {
	var p Plugin
	if err := tx.Where("id = ?", id).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return p, fmt.Errorf("plugin %q: %w", id, ErrNotFound)
		}
		return p, fmt.Errorf("load plugin %s: %w", id, err)
	}
	var n int64
	if err := tx.Table("tenants").Where("id = ?", tenantID).Count(&n).Error; err != nil {
		return p, fmt.Errorf("load tenant %d: %w", tenantID, err)
	}
	if n == 0 {
		return p, fmt.Errorf("tenant %d: %w", tenantID, ErrNotFound)
	}
	return p, nil
}

// Enabled lists the ids of the plugins tenantID enables, sorted.
func (r *Registry) Enabled(ctx context.Context, tenantID uint) ([]string, error) {
	var ids []string
	err := r.db.WithContext(ctx).Model(&pluginTenant{}).Where("tenant_id = ?", tenantID).Order("plugin_id").Pluck("plugin_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("plugins of tenant %d: %w", tenantID, err)
	}
	return ids, nil
}

// EnabledTenants lists the tenants that enable plugin id, ascending.
func (r *Registry) EnabledTenants(ctx context.Context, id string) ([]uint, error) {
	var ids []uint
	err := r.db.WithContext(ctx).Model(&pluginTenant{}).Where("plugin_id = ?", id).Order("tenant_id").Pluck("tenant_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("tenants of plugin %s: %w", id, err)
	}
	return ids, nil
}

// IsEnabled reports whether tenantID enables plugin id.
func (r *Registry) IsEnabled(ctx context.Context, id string, tenantID uint) (bool, error) {
	var n int64
	err := r.db.WithContext(ctx).Model(&pluginTenant{}).Where("plugin_id = ? AND tenant_id = ?", id, tenantID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("is plugin %s enabled for tenant %d: %w", id, tenantID, err)
	}
	return n > 0, nil
}

// enablements maps each plugin id to the tenants enabling it.
func (r *Registry) enablements(ctx context.Context) (map[string][]uint, error) {
	var rows []pluginTenant
	if err := r.db.WithContext(ctx).Order("plugin_id, tenant_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list plugin tenants: %w", err)
	}
	out := map[string][]uint{}
	for _, row := range rows {
		out[row.PluginID] = append(out[row.PluginID], row.TenantID)
	}
	return out, nil
}

// markFailed records that the build sha of plugin id failed (its storage
// migration); a newer install has replaced it if the checksum differs, and
// then nothing changes.
func (r *Registry) markFailed(ctx context.Context, id, sha string, cause error) error {
	defer r.cache.invalidate()
	err := r.db.WithContext(ctx).Model(&Plugin{}).Where("id = ? AND sha256 = ?", id, sha).
		Updates(map[string]any{"state": StateFailed, "last_error": truncate(cause.Error(), 2000), "updated_at": time.Now().UTC()}).Error
	if err != nil {
		return fmt.Errorf("mark plugin %s failed: %w", id, err)
	}
	return nil
}

// setDBPassword stores the password of the plugin's PostgreSQL role.
func (r *Registry) setDBPassword(ctx context.Context, id, password string) error {
	defer r.cache.invalidate()
	err := r.db.WithContext(ctx).Model(&Plugin{}).Where("id = ?", id).Update("db_password", password).Error
	if err != nil {
		return fmt.Errorf("store database password of plugin %s: %w", id, err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
