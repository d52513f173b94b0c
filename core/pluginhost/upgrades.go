package pluginhost

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
)

// ErrPending: the new build waits for an operator's confirmation (its
// manifest adds permissions, roles or default grants, or widens a route);
// nothing changed yet.
var ErrPending = errors.New("awaits an operator's confirmation")

// PendingUpgrade is a new build of a plugin waiting for an operator to
// confirm or discard it (table plugin_upgrades; at most one per plugin).
// Until then the installed build keeps running and the new build's
// permissions, roles and default grants reach nobody.
type PendingUpgrade struct {
	ID       uint   `gorm:"primaryKey" json:"id"`
	PluginID string `json:"plugin_id"`
	// FromSHA256 is the build it would replace.
	FromSHA256   string `gorm:"column:from_sha256" json:"from_sha256"`
	Name         string `json:"name"`
	Version      string `json:"version"`
	Protocol     int    `json:"protocol"`
	BinaryPath   string `json:"binary_path"`
	SHA256       string `gorm:"column:sha256" json:"sha256"`
	ManifestJSON string `json:"-"`
	DiffJSON     string `json:"-"`
	// Action is the audit action the replacement is: plugin.upgrade,
	// plugin.reinstall or plugin.downgrade.
	Action        string    `json:"action"`
	ProposedBy    *uint     `json:"proposed_by,omitempty"`
	ProposedLabel string    `json:"proposed_label"`
	CreatedAt     time.Time `json:"created_at"`
}

// TableName maps PendingUpgrade onto the core schema.
func (PendingUpgrade) TableName() string { return "plugin_upgrades" }

// Diff decodes what the upgrade would change.
func (u PendingUpgrade) Diff() (ManifestDiff, error) {
	var d ManifestDiff
	if err := json.Unmarshal([]byte(u.DiffJSON), &d); err != nil {
		return d, fmt.Errorf("diff of pending upgrade %d: %w", u.ID, err)
	}
	return d, nil
}

// build is the registry row the upgrade makes once confirmed.
func (u PendingUpgrade) build(now time.Time) Plugin {
	return Plugin{ID: u.PluginID, Name: u.Name, Version: u.Version, Protocol: u.Protocol, BinaryPath: u.BinaryPath,
		SHA256: u.SHA256, ManifestJSON: u.ManifestJSON, State: StateInstalled, InstalledAt: now, UpdatedAt: now}
}

// auditPending is what the audit log keeps of a pending upgrade.
type auditPending struct {
	ID       uint          `json:"pending_upgrade"`
	Plugin   auditPlugin   `json:"plugin"`
	Proposed string        `json:"proposed_by"`
	Diff     *ManifestDiff `json:"diff,omitempty"`
}

func (u PendingUpgrade) audit() auditPending {
	a := auditPending{ID: u.ID, Proposed: u.ProposedLabel,
		Plugin: auditPlugin{ID: u.PluginID, Name: u.Name, Version: u.Version, SHA256: u.SHA256, Path: u.BinaryPath}}
	if d, err := u.Diff(); err == nil {
		a.Diff = &d
	}
	return a
}

// pendingIsError turns an outcome left pending into ErrPending, for the
// callers of Install and Upgrade, which expect the build to be applied.
func pendingIsError(o Outcome, err error) (Plugin, error) {
	if err == nil && o.Pending != nil {
		return o.Plugin, fmt.Errorf("plugin %s %s: %w (pending upgrade %d: confirm it with `upwards plugin confirm %d` or on /admin/plugins)",
			o.Pending.PluginID, o.Pending.Version, ErrPending, o.Pending.ID, o.Pending.ID)
	}
	return o.Plugin, err
}

// propose records next as the pending upgrade of old's plugin inside tx,
// replacing an older pending one, and audits plugin.upgrade.propose with
// who proposed it.
func propose(ctx context.Context, tx *gorm.DB, old, next Plugin, action string, diff ManifestDiff) (*PendingUpgrade, error) {
	dj, err := json.Marshal(diff)
	if err != nil {
		return nil, fmt.Errorf("encode the diff of plugin %s: %w", next.ID, err)
	}
	if err := tx.Where("plugin_id = ?", next.ID).Delete(&PendingUpgrade{}).Error; err != nil {
		return nil, fmt.Errorf("replace the pending upgrade of plugin %s: %w", next.ID, err)
	}
	actor := audit.ActorFrom(ctx)
	u := &PendingUpgrade{PluginID: next.ID, FromSHA256: old.SHA256, Name: next.Name, Version: next.Version, Protocol: next.Protocol,
		BinaryPath: next.BinaryPath, SHA256: next.SHA256, ManifestJSON: next.ManifestJSON, DiffJSON: string(dj), Action: action,
		ProposedBy: actor.UserID, ProposedLabel: actor.Label, CreatedAt: time.Now().UTC()}
	if err := tx.Create(u).Error; err != nil {
		return nil, fmt.Errorf("record the pending upgrade of plugin %s: %w", next.ID, err)
	}
	return u, audit.Record(ctx, tx, audit.Change{TenantID: InstallTenantID, Action: "plugin.upgrade.propose",
		EntityType: "plugin", EntityID: next.ID, Before: old.audit(), After: u.audit()})
}

// PendingUpgrades lists the upgrades waiting for an operator, by plugin id.
func (r *Registry) PendingUpgrades(ctx context.Context) ([]PendingUpgrade, error) {
	var out []PendingUpgrade
	if err := r.db.WithContext(ctx).Order("plugin_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list pending plugin upgrades: %w", err)
	}
	return out, nil
}

// PendingUpgrade returns the pending upgrade id, or ErrNotFound.
func (r *Registry) PendingUpgrade(ctx context.Context, id uint) (PendingUpgrade, error) {
	return loadPending(r.db.WithContext(ctx), id)
}

func loadPending(tx *gorm.DB, id uint) (PendingUpgrade, error) {
	var u PendingUpgrade
	err := tx.Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, fmt.Errorf("pending upgrade %d: %w (it was confirmed, discarded or replaced by a newer one)", id, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("load pending upgrade %d: %w", id, err)
	}
	return u, nil
}

// ConfirmUpgrade applies the pending upgrade id: the registry then runs its
// build, whose permissions, roles and default grants take effect, and the
// confirmation is audited plugin.upgrade.confirm. It is refused (ErrRefused)
// when the file at its path is no longer the build proposed, when the plugin
// was replaced by another build meanwhile, or when its manifest no longer
// passes this core's checks; ErrNotFound when there is no such upgrade.
func (r *Registry) ConfirmUpgrade(ctx context.Context, id uint) (Outcome, error) {
	defer r.cache.invalidate()
	u, err := r.PendingUpgrade(ctx, id)
	if err != nil {
		return Outcome{}, err
	}
	sum, err := fileSHA256(u.BinaryPath)
	if err != nil {
		return Outcome{}, fmt.Errorf("pending upgrade %d of plugin %s: %w", id, u.PluginID, err)
	}
	if hex.EncodeToString(sum) != u.SHA256 {
		return Outcome{}, fmt.Errorf("pending upgrade %d of plugin %s: %w: the file %s changed since it was proposed; propose it again with `upwards plugin upgrade %s`",
			id, u.PluginID, ErrRefused, u.BinaryPath, u.BinaryPath)
	}
	next := u.build(time.Now().UTC())
	m, err := next.Manifest()
	if err != nil {
		return Outcome{}, err
	}
	if err := r.validate(m); err != nil {
		return Outcome{}, fmt.Errorf("pending upgrade %d of plugin %s: %w", id, u.PluginID, err)
	}
	out := Outcome{Action: u.Action}
	err = r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := loadPending(tx, id)
		if err != nil {
			return err
		}
		old, found, err := r.lockPlugin(tx, u.PluginID)
		switch {
		case err != nil:
			return err
		case !found:
			return fmt.Errorf("plugin %s: %w", u.PluginID, ErrNotFound)
		case old.SHA256 != cur.FromSHA256:
			return fmt.Errorf("pending upgrade %d of plugin %s: %w: the plugin was replaced since it was proposed (now %s %s); propose it again",
				id, u.PluginID, ErrRefused, old.Version, old.ShortSHA())
		}
		oldM, err := old.Manifest()
		if err != nil {
			return err
		}
		out.Previous, out.Diff = &old, DiffManifests(oldM, m)
		out.Plugin, err = applyBuild(ctx, tx, old, next, u.Action, out.Diff, &cur)
		return err
	})
	if err != nil {
		return Outcome{}, err
	}
	return out, nil
}

// DiscardUpgrade drops the pending upgrade id, audited
// plugin.upgrade.discard; the installed build stays. ErrNotFound when there
// is no such upgrade.
func (r *Registry) DiscardUpgrade(ctx context.Context, id uint) (PendingUpgrade, error) {
	defer r.cache.invalidate()
	var u PendingUpgrade
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if u, err = loadPending(tx, id); err != nil {
			return err
		}
		if err := tx.Delete(&u).Error; err != nil {
			return fmt.Errorf("discard pending upgrade %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: InstallTenantID, Action: "plugin.upgrade.discard",
			EntityType: "plugin", EntityID: u.PluginID, Before: u.audit()})
	})
	return u, err
}
