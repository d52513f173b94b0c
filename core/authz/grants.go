package authz

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
)

// Grant is one role granted to a user at an org unit (table role_grants).
type Grant struct {
	ID        uint      `gorm:"primaryKey" json:"id"`
	TenantID  uint      `json:"tenant_id"`
	UserID    uint      `json:"user_id"`
	Role      string    `json:"role"`
	UnitID    uint      `json:"unit_id"`
	CreatedBy *uint     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Active is false for a grant of a role of a plugin the tenant does not
	// enable (kept, granting nothing); filled in by Grants and GrantsAt.
	Active bool `gorm:"-" json:"active"`
}

// TableName maps Grant onto the core schema.
func (Grant) TableName() string { return "role_grants" }

// auditGrant is what the audit log keeps of a grant: the row, without
// Active (a property of the moment, not of the grant).
type auditGrant struct {
	ID        uint      `json:"id"`
	TenantID  uint      `json:"tenant_id"`
	UserID    uint      `json:"user_id"`
	Role      string    `json:"role"`
	UnitID    uint      `json:"unit_id"`
	CreatedBy *uint     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func (g Grant) audit() auditGrant {
	return auditGrant{ID: g.ID, TenantID: g.TenantID, UserID: g.UserID, Role: g.Role, UnitID: g.UnitID, CreatedBy: g.CreatedBy, CreatedAt: g.CreatedAt}
}

// Grant gives the user role at unitID (and so beneath it). role is a core
// role or a role of a plugin the tenant enables (GrantableRoles); any other
// is a *ValidationError saying why (a plugin's role names the plugin). A
// user or unit not in the tenant is ErrNotFound; a grant that already exists
// is ErrConflict. by is the granting user, if any. The grant, its audit entry
// and the authz revision bump commit together.
func (e *Enforcer) Grant(ctx context.Context, tenantID, userID uint, role string, unitID uint, by *uint) error {
	if err := e.checkGrantable(ctx, tenantID, role); err != nil {
		return err
	}
	var rev int64
	err := e.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		var err error
		rev, err = e.grantIn(ctx, tx, tenantID, userID, role, unitID, by)
		return err
	})
	if err != nil {
		return fmt.Errorf("grant %s to user %d at unit %d: %w", role, userID, unitID, err)
	}
	e.changedHere(tenantID, rev)
	return nil
}

// grantIn inserts and audits one grant in tx and returns the authz revision
// it bumped to.
func (e *Enforcer) grantIn(ctx context.Context, tx *gorm.DB, tenantID, userID uint, role string, unitID uint, by *uint) (int64, error) {
	g := Grant{TenantID: tenantID, UserID: userID, Role: role, UnitID: unitID, CreatedBy: by}
	if err := inTenant(tx, "users", tenantID, userID); err != nil {
		return 0, fmt.Errorf("user %d: %w", userID, err)
	}
	if err := inTenant(tx, "org_units", tenantID, unitID); err != nil {
		return 0, fmt.Errorf("unit %d: %w", unitID, err)
	}
	if err := tx.Create(&g).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return 0, ErrConflict
		}
		return 0, fmt.Errorf("insert: %w", err)
	}
	return recordChange(ctx, tx, audit.Change{TenantID: tenantID, Action: "role.grant",
		EntityType: "role_grant", EntityID: strconv.FormatUint(uint64(g.ID), 10), After: g.audit()})
}

// GrantsIn makes several grants inside the caller's transaction tx (so
// they commit or roll back with its other writes), checked and audited as
// Grant's. Call the returned commit after tx commits, so this process sees
// the new grants at once.
func (e *Enforcer) GrantsIn(ctx context.Context, tx *gorm.DB, tenantID uint, gs []Grant) (commit func(), err error) {
	var rev int64
	for _, g := range gs {
		if err := e.checkGrantable(ctx, tenantID, g.Role); err != nil {
			return nil, err
		}
		if rev, err = e.grantIn(ctx, tx, tenantID, g.UserID, g.Role, g.UnitID, g.CreatedBy); err != nil {
			return nil, fmt.Errorf("grant %s to user %d at unit %d: %w", g.Role, g.UserID, g.UnitID, err)
		}
	}
	return func() {
		if rev != 0 {
			e.changedHere(tenantID, rev)
		}
	}, nil
}

// Revoke removes the grant grantID of the tenant (ErrNotFound if there is none).
func (e *Enforcer) Revoke(ctx context.Context, tenantID, grantID uint) error {
	var rev int64
	err := e.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		var g Grant
		err := tx.Where("id = ? AND tenant_id = ?", grantID, tenantID).Take(&g).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		if err := tx.Delete(&g).Error; err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		rev, err = recordChange(ctx, tx, audit.Change{TenantID: tenantID, Action: "role.revoke",
			EntityType: "role_grant", EntityID: strconv.FormatUint(uint64(g.ID), 10), Before: g.audit()})
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke grant %d: %w", grantID, err)
	}
	e.changedHere(tenantID, rev)
	return nil
}

// recordChange audits ch and bumps the authz revision inside tx, returning
// the new revision.
func recordChange(ctx context.Context, tx *gorm.DB, ch audit.Change) (int64, error) {
	if err := audit.Record(ctx, tx, ch); err != nil {
		return 0, err
	}
	if err := storage.BumpRevision(tx, storage.RevisionAuthz); err != nil {
		return 0, err
	}
	return storage.CurrentRevision(ctx, tx, storage.RevisionAuthz)
}

func inTenant(tx *gorm.DB, table string, tenantID, id uint) error {
	var n int64
	if err := tx.Table(table).Where("id = ? AND tenant_id = ?", id, tenantID).Count(&n).Error; err != nil {
		return fmt.Errorf("look up %s: %w", table, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Grants returns the user's grants in the tenant, oldest first, active or
// not (Grant.Active).
func (e *Enforcer) Grants(ctx context.Context, tenantID, userID uint) ([]Grant, error) {
	var out []Grant
	err := e.db.For(ctx, tenantID).Where("tenant_id = ? AND user_id = ?", tenantID, userID).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("grants of user %d: %w", userID, err)
	}
	return e.markActive(ctx, tenantID, out)
}

// markActive sets Active on each grant from the tenant's permission state.
func (e *Enforcer) markActive(ctx context.Context, tenantID uint, gs []Grant) ([]Grant, error) {
	if len(gs) == 0 {
		return gs, nil
	}
	st, err := e.state(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for i := range gs {
		gs[i].Active = st.data.plugins.activeGrant(gs[i])
	}
	return gs, nil
}

// CachedGrants is the user's active grants (Grants less those of roles of
// plugins the tenant does not enable), answered from the tenant's permission
// state in memory (as fresh as the checks themselves), for hot paths.
func (e *Enforcer) CachedGrants(ctx context.Context, tenantID, userID uint) ([]Grant, error) {
	st, err := e.state(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return append([]Grant(nil), st.data.byUser[userID]...), nil
}

// GrantsAt returns the grants made at the unit itself (not those inherited
// from above it), oldest first, active or not (Grant.Active).
func (e *Enforcer) GrantsAt(ctx context.Context, tenantID, unitID uint) ([]Grant, error) {
	var out []Grant
	err := e.db.For(ctx, tenantID).Where("tenant_id = ? AND unit_id = ?", tenantID, unitID).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("grants at unit %d: %w", unitID, err)
	}
	return e.markActive(ctx, tenantID, out)
}
