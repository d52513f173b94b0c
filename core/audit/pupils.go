package audit

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// AccessesOfPupil returns every event of a tenant that names the pupil —
// each read of their data through RecordAccess and each change recorded with
// their id — oldest first, with who, when, through what and which other
// pupils. It answers "who saw this pupil" for a subject-access request with
// one indexed query on audit_event_pupils (tenant_id, pupil_id).
func AccessesOfPupil(ctx context.Context, db *gorm.DB, tenantID, pupilID uint) ([]Event, error) {
	var out []Event
	err := db.WithContext(ctx).Model(&Event{}).
		Where("tenant_id = ? AND id IN (?)", tenantID, pupilEvents(db, tenantID, pupilID)).
		Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list accesses of pupil %d: %w", pupilID, err)
	}
	if err := attachPupils(ctx, db, out); err != nil {
		return nil, err
	}
	return out, nil
}

// pupilEvents is the subquery of the ids of a tenant's events naming a pupil.
func pupilEvents(db *gorm.DB, tenantID, pupilID uint) *gorm.DB {
	return db.Session(&gorm.Session{NewDB: true}).Model(&eventPupil{}).Select("event_id").
		Where("tenant_id = ? AND pupil_id = ?", tenantID, pupilID)
}

// attachPupils fills each event's PupilIDs.
func attachPupils(ctx context.Context, db *gorm.DB, evs []Event) error {
	for start := 0; start < len(evs); start += verifyBatch {
		part := evs[start:min(start+verifyBatch, len(evs))]
		pupils, _, err := pupilsOfEvents(db.WithContext(ctx), part)
		if err != nil {
			return err
		}
		for i := range part {
			part[i].PupilIDs = pupils[part[i].ID]
		}
	}
	return nil
}
