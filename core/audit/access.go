package audit

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Access describes one read of pupil-level data: who (the actor in ctx),
// which pupils, through which route or job, in which tenant.
type Access struct {
	TenantID uint
	// Action names what was done, e.g. "pupil.read", "pupil.export", "plugin.challengegap.pupils".
	Action string
	// Via is the route ("GET /pupils/:id") or job ("plugin:challengegap:reminder") that read the data.
	Via string
	// PupilIDs are the pupils whose data was read (ids only, never names or UPNs).
	PupilIDs []uint
}

// RecordAccess appends an entry for a read of pupil-level data, in db's
// transaction when it is one, and indexes it under each pupil so that
// AccessesOfPupil finds it. A read that cannot be recorded must not be
// served: callers return the error.
func RecordAccess(ctx context.Context, db *gorm.DB, a Access) error {
	if len(a.PupilIDs) == 0 {
		return nil
	}
	err := Record(ctx, db, Change{TenantID: a.TenantID, Action: a.Action, EntityType: "pupil",
		EntityID: fmt.Sprintf("%d pupils", len(a.PupilIDs)), After: map[string]any{"via": a.Via, "pupil_ids": a.PupilIDs},
		PupilIDs: a.PupilIDs})
	if err != nil {
		return fmt.Errorf("record pupil access: %w", err)
	}
	return nil
}
