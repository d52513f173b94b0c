package tenancy

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
)

// Archived reports whether the unit is archived (see ArchiveUnit).
func (u Unit) Archived() bool { return u.ArchivedAt != nil }

// ArchiveUnit archives a unit that leaves the organisation (a school that
// leaves the partnership or its trust): the unit, its links and everything
// recorded about it are kept, but Search, CountByKind and the pickers leave
// it out and Link refuses it, so no new work starts there. The root unit
// cannot be archived; archiving an archived unit changes nothing and
// reports changed=false. Audited as orgunit.archive.
func (s *Service) ArchiveUnit(ctx context.Context, tenantID, id uint) (u Unit, changed bool, err error) {
	return s.setArchived(ctx, tenantID, id, true)
}

// UnarchiveUnit undoes ArchiveUnit (audited as orgunit.unarchive); a unit
// that is not archived is left alone and reports changed=false.
func (s *Service) UnarchiveUnit(ctx context.Context, tenantID, id uint) (u Unit, changed bool, err error) {
	return s.setArchived(ctx, tenantID, id, false)
}

func (s *Service) setArchived(ctx context.Context, tenantID, id uint, archive bool) (Unit, bool, error) {
	var after Unit
	changed := false
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if _, err := lockTenant(tx, tenantID); err != nil {
			return err
		}
		before, err := getUnit(tx, tenantID, id)
		if err != nil {
			return err
		}
		if before.IsRoot() {
			return invalid("unit", "the organisation itself cannot be archived")
		}
		if before.Archived() == archive {
			after = before
			return nil
		}
		var at *time.Time
		action := "orgunit.unarchive"
		if archive {
			now := time.Now().UTC().Truncate(time.Second)
			at, action = &now, "orgunit.archive"
		}
		if err := tx.Model(&Unit{}).Where("tenant_id = ? AND id = ?", tenantID, id).Update("archived_at", at).Error; err != nil {
			return dbErr(err, "set archived_at of unit %d", id)
		}
		if after, err = getUnit(tx, tenantID, id); err != nil {
			return err
		}
		changed = true
		if err := storage.BumpRevision(tx, storage.TenantUnitsKey(tenantID)); err != nil {
			return err
		}
		return record(ctx, tx, tenantID, action, entityUnit, idString(id), before, after)
	})
	verb := "unarchive"
	if archive {
		verb = "archive"
	}
	if err != nil {
		return Unit{}, false, fmt.Errorf("%s unit %d: %w", verb, id, err)
	}
	return after, changed, nil
}
