package tenancy

import (
	"context"
	"fmt"
)

// UnitsByID returns the tenant's units with these ids (archived or not),
// by id; ids of no unit of the tenant are absent.
func (s *Service) UnitsByID(ctx context.Context, tenantID uint, ids []uint) (map[uint]Unit, error) {
	out := map[uint]Unit{}
	if len(ids) == 0 {
		return out, nil
	}
	var us []Unit
	if err := s.idIn(s.read(ctx, tenantID).Where("tenant_id = ?", tenantID), "id", ids).Find(&us).Error; err != nil {
		return nil, fmt.Errorf("%d units of tenant %d: %w", len(ids), tenantID, err)
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}
