package tenancy

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// Recursive walks of the graph. UNION (not UNION ALL) drops rows already
// seen, so the walk ends even on a graph that somehow holds a cycle.
const (
	ancestorsSQL = `WITH RECURSIVE up(id) AS (
	SELECT id FROM org_units WHERE tenant_id = ? AND id = ?
	UNION
	SELECT e.parent_id FROM org_edges e JOIN up ON e.child_id = up.id WHERE e.tenant_id = ?
) SELECT id FROM up`
	// downCTE is the walk down from a unit (arguments: tenant, unit,
	// tenant), to which a query appends what it selects from down.
	downCTE = `WITH RECURSIVE down(id) AS (
	SELECT id FROM org_units WHERE tenant_id = ? AND id = ?
	UNION
	SELECT e.child_id FROM org_edges e JOIN down ON e.parent_id = down.id WHERE e.tenant_id = ?
) `
	descendantsSQL = downCTE + `SELECT id FROM down`
)

func walk(db *gorm.DB, query string, tenantID, id uint) ([]uint, error) {
	var ids []uint
	if err := db.Raw(query, tenantID, id, tenantID).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("walk graph from unit %d: %w", id, err)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// descendantIDs walks down from id through edges (not the root's implicit reach).
func descendantIDs(db *gorm.DB, tenantID, id uint) ([]uint, error) {
	return walk(db, descendantsSQL, tenantID, id)
}

// AncestorsOrSelf returns, sorted, the unit, every unit containing it
// directly or through others, and the tenant's root: the units where a role
// reaches this one. ErrNotFound if the unit is not the tenant's.
func (s *Service) AncestorsOrSelf(ctx context.Context, tenantID, id uint) ([]uint, error) {
	db := s.read(ctx, tenantID)
	ids, err := walk(db, ancestorsSQL, tenantID, id)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, notFound("unit %d in tenant %d", id, tenantID)
	}
	root, err := rootUnit(db, tenantID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ids, root.ID) {
		ids = append(ids, root.ID)
		slices.Sort(ids)
	}
	return ids, nil
}

// Descendants returns, sorted, the unit and every unit inside it directly or
// through others; for the root, every unit of the tenant. ErrNotFound if the
// unit is not the tenant's.
func (s *Service) Descendants(ctx context.Context, tenantID, id uint) ([]uint, error) {
	db := s.read(ctx, tenantID)
	u, err := getUnit(db, tenantID, id)
	if err != nil {
		return nil, err
	}
	if u.IsRoot() {
		var ids []uint
		if err := db.Model(&Unit{}).Where("tenant_id = ?", tenantID).Order("id").Pluck("id", &ids).Error; err != nil {
			return nil, fmt.Errorf("list units of tenant %d: %w", tenantID, err)
		}
		return ids, nil
	}
	return descendantIDs(db, tenantID, id)
}

// schoolsBelowSQL is the walk down joined to the units: the schools, not
// archived, beneath a unit through edges, in one statement. CROSS JOIN
// makes SQLite read the walk first and each unit by its key, as its
// documentation of CROSS JOIN promises (PostgreSQL plans it as any join):
// left to choose, SQLite 3.54 reads every school of the tenant and keeps
// those in the walk (0.22 ms against 0.13 ms for a hub's ten schools on
// the demo; 0.89 ms against 0.63 ms without statistics).
const schoolsBelowSQL = downCTE + `SELECT u.* FROM down CROSS JOIN org_units u
WHERE u.id = down.id AND u.tenant_id = ? AND u.kind = ? AND u.archived_at IS NULL`

// SchoolsBelow returns the schools beneath unit id through the graph's
// edges (the unit itself if it is one), not archived, sorted by name: in
// one statement what Descendants and UnitsByID give in three (a home page
// lists a hub's or trust's schools). A unit of another tenant, or none,
// has none.
func (s *Service) SchoolsBelow(ctx context.Context, tenantID, id uint) ([]Unit, error) {
	var out []Unit
	if err := s.read(ctx, tenantID).Raw(schoolsBelowSQL, tenantID, id, tenantID, tenantID, KindSchool).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("schools below unit %d of tenant %d: %w", id, tenantID, err)
	}
	slices.SortFunc(out, func(a, b Unit) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
