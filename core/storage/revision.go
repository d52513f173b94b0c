package storage

import (
	"context"
	"errors"
	"fmt"
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
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.Assignments(map[string]any{"value": gorm.Expr("revisions.value + 1")}),
	}).Create(&revision{Key: key, Value: 1}).Error
	if err != nil {
		return fmt.Errorf("bump revision %s: %w", key, err)
	}
	return nil
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

// NoteTenantChange bumps the revision key (TenantChangesKey or
// PluginChangesKey) in a statement of its own: call it after the change has
// committed, so a reader that sees the new revision also sees the change.
func NoteTenantChange(ctx context.Context, db *gorm.DB, key string) error {
	return BumpRevision(db.WithContext(ctx), key)
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
