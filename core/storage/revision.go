package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Revision keys: a process that caches derived state (the Casbin policy, the
// org-unit graph) reloads it when the revision it loaded is no longer current,
// so every node of a scaled-out install sees a change made on any other.
const (
	RevisionAuthz    = "authz"
	RevisionOrgGraph = "org_graph"
)

type revision struct {
	Key   string `gorm:"primaryKey"`
	Value int64
}

func (revision) TableName() string { return "revisions" }

// BumpRevision increments revision key inside tx (call it in the transaction
// that makes the change).
func BumpRevision(tx *gorm.DB, key string) error {
	if err := bump(tx, key); err != nil {
		return fmt.Errorf("bump revision %s: %w", key, err)
	}
	return nil
}

// bump increments the revisions keys in one statement (an upsert).
func bump(tx *gorm.DB, keys ...string) error {
	rows := make([]revision, len(keys))
	for i, k := range keys {
		rows[i] = revision{Key: k, Value: 1}
	}
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.Assignments(map[string]any{"value": gorm.Expr("revisions.value + 1")}),
	}).Create(&rows).Error
}

// CurrentRevision returns revision key's value (0 if never bumped).
func CurrentRevision(ctx context.Context, db *gorm.DB, key string) (int64, error) {
	var r revision
	err := db.WithContext(ctx).Where("key = ?", key).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read revision %s: %w", key, err)
	}
	return r.Value, nil
}

// TenantChangesKey is the revision key of one tenant's changes made by the
// core: bumped (NoteTenantChange) after any work that may have changed what
// the core holds for the tenant (a form or API write of a signed-in person
// to a core page), so caches of answers derived from the tenant's data can
// tell they are out of date on every node. It is a signal, not a log: it
// says that something changed, never what.
func TenantChangesKey(tenantID uint) string {
	return "tenant_changes:" + strconv.FormatUint(uint64(tenantID), 10)
}

// PluginChangesKey is the revision key of the changes one plugin made in one
// tenant (a write through its pages, a job, an event): a cache of that
// plugin's answers reads it with TenantChangesKey, and another plugin's
// writes leave it alone.
func PluginChangesKey(tenantID uint, pluginID string) string {
	return TenantChangesKey(tenantID) + ":" + pluginID
}

// UserChangesKey is the revision key of the changes one person made in one
// tenant through the core (a form or API write of theirs to a core page, a
// pupil import they committed), or, given a plugin's id, through that
// plugin (a write through its pages, a job they started), bumped with
// TenantChangesKey or PluginChangesKey: a cache that may serve another
// person's change one visit late still shows a person their own changes at
// once.
func UserChangesKey(tenantID, userID uint, pluginID string) string {
	k := "user_changes:" + strconv.FormatUint(uint64(tenantID), 10) + ":" + strconv.FormatUint(uint64(userID), 10)
	if pluginID != "" {
		k += ":" + pluginID
	}
	return k
}

// TenantUnitsKey is the revision key of the edits to one tenant's units
// (a name or other field updated, a unit archived or unarchived), bumped in
// the transaction that makes them; a unit created, linked or moved bumps
// RevisionOrgGraph instead. A cache of what people see of the units (the
// home page's places) reads it, and is not emptied by other changes.
func TenantUnitsKey(tenantID uint) string {
	return "tenant_units:" + strconv.FormatUint(uint64(tenantID), 10)
}

// TenantErasuresKey is the revision key of the erasures of personal data in
// one tenant (a pupil erased on request or by the retention sweep): a cache
// of answers derived from the tenant's data never serves an answer read
// before it, however it treats other changes.
func TenantErasuresKey(tenantID uint) string {
	return "tenant_erasures:" + strconv.FormatUint(uint64(tenantID), 10)
}

// NoteTenantChange bumps the revision keys (TenantChangesKey,
// PluginChangesKey, UserChangesKey, TenantErasuresKey) in one statement of
// its own: call it after the change has committed, so a reader that sees
// the new revision also sees the change. The keys are bumped in sorted
// order, so two callers bumping the same keys never wait on each other
// in a cycle (PostgreSQL locks the rows as it goes).
func NoteTenantChange(ctx context.Context, db *gorm.DB, keys ...string) error {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	if len(keys) == 0 {
		return nil
	}
	if err := bump(db.WithContext(ctx), keys...); err != nil {
		return fmt.Errorf("bump revisions %v: %w", keys, err)
	}
	return nil
}

// Revisions reads several revision keys in one statement; a key never
// bumped reads 0.
func Revisions(ctx context.Context, db *gorm.DB, keys ...string) (map[string]int64, error) {
	var rows []revision
	if err := db.WithContext(ctx).Where("key IN ?", keys).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read revisions %v: %w", keys, err)
	}
	out := make(map[string]int64, len(keys))
	for _, k := range keys {
		out[k] = 0
	}
	for _, r := range rows {
		out[r.Key] = r.Value
	}
	return out, nil
}
