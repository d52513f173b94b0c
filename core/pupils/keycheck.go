package pupils

import (
	"context"
	"fmt"

	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
)

// SealedValue is one value of the database sealed under the pupil key, to
// check that a key belongs with the database before anything is served.
type SealedValue struct{ sealed []byte }

// Opens reports whether box opens the value: whether box's key is the one
// the database's pupils were sealed with.
func (v *SealedValue) Opens(box *sealed.Box) bool {
	_, err := box.Open(v.sealed, UPNContext)
	return err == nil
}

// SealedSample returns one pupil's sealed UPN (of any tenant), or nil when
// the database has no pupil, or no pupils table yet (not migrated).
func SealedSample(ctx context.Context, db *storage.DB) (*SealedValue, error) {
	if !db.Migrator().HasTable(Pupil{}.TableName()) {
		return nil, nil
	}
	var rows [][]byte
	if err := db.Core(ctx).Model(&Pupil{}).Where("upn_sealed IS NOT NULL").Order("id").Limit(1).Pluck("upn_sealed", &rows).Error; err != nil {
		return nil, fmt.Errorf("read a sealed UPN: %w", err)
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return nil, nil
	}
	return &SealedValue{sealed: rows[0]}, nil
}
