package authz

import (
	"context"
	"fmt"
)

// HolderFilter narrows the people who hold grants (see Holders).
type HolderFilter struct {
	// Role, if set, keeps grants of this role only.
	Role string
	// UnitIDs, if not nil, keeps grants made at these units only (an
	// empty, non-nil slice matches nothing).
	UnitIDs []uint
}

// Holders returns the ids of the tenant's users holding a grant that f
// keeps, ascending, active or not.
func (e *Enforcer) Holders(ctx context.Context, tenantID uint, f HolderFilter) ([]uint, error) {
	out := []uint{}
	if f.UnitIDs != nil && len(f.UnitIDs) == 0 {
		return out, nil
	}
	q := e.db.For(ctx, tenantID).Model(&Grant{}).Where("tenant_id = ?", tenantID)
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	if f.UnitIDs != nil {
		q = q.Where("unit_id IN ?", f.UnitIDs)
	}
	if err := q.Distinct("user_id").Order("user_id").Pluck("user_id", &out).Error; err != nil {
		return nil, fmt.Errorf("holders of grants in tenant %d: %w", tenantID, err)
	}
	return out, nil
}

// GrantsOfUsers returns the grants of each of the users, oldest first,
// active or not (Grant.Active), in one query.
func (e *Enforcer) GrantsOfUsers(ctx context.Context, tenantID uint, userIDs []uint) (map[uint][]Grant, error) {
	out := map[uint][]Grant{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var gs []Grant
	if err := e.db.For(ctx, tenantID).Where("tenant_id = ? AND user_id IN ?", tenantID, userIDs).Order("id").Find(&gs).Error; err != nil {
		return nil, fmt.Errorf("grants of %d users: %w", len(userIDs), err)
	}
	gs, err := e.markActive(ctx, tenantID, gs)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		out[g.UserID] = append(out[g.UserID], g)
	}
	return out, nil
}
