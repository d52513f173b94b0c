package storage

import (
	"context"
	"errors"
	"fmt"

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
