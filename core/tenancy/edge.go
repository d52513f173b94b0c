package tenancy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
)

// Link puts child inside parent. Refused: a pair of kinds the graph does not
// allow (see AllowedChildren), the root unit on either end, a unit inside
// itself (FieldErrors); a link that exists, a school's second trust or hub, a
// link that would close a cycle (ErrConflict); a unit not in the tenant
// (ErrNotFound).
func (s *Service) Link(ctx context.Context, tenantID, parentID, childID uint) error {
	if parentID == childID {
		return invalid("child", "a unit cannot contain itself")
	}
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if _, err := lockTenant(tx, tenantID); err != nil {
			return err
		}
		parent, err := getUnit(tx, tenantID, parentID)
		if err != nil {
			return fmt.Errorf("parent: %w", err)
		}
		child, err := getUnit(tx, tenantID, childID)
		if err != nil {
			return fmt.Errorf("child: %w", err)
		}
		if err := checkLink(tx, tenantID, parent, child); err != nil {
			return err
		}
		e := Edge{TenantID: tenantID, ParentID: parentID, ChildID: childID}
		if err := tx.Create(&e).Error; err != nil {
			return dbErr(err, "insert edge")
		}
		if err := record(ctx, tx, tenantID, "orgunit.link", entityEdge, idString(e.ID), nil, e); err != nil {
			return err
		}
		return storage.BumpRevision(tx, storage.RevisionOrgGraph)
	})
	if err != nil {
		return fmt.Errorf("link unit %d into %d: %w", childID, parentID, err)
	}
	return nil
}

// checkLink applies the graph's rules to a new edge parent→child.
func checkLink(tx *gorm.DB, tenantID uint, parent, child Unit) error {
	if parent.IsRoot() {
		return invalid("parent", "nothing is linked to the organisation itself: it already contains every unit")
	}
	if parent.Archived() {
		return invalid("parent", "%s is archived: unarchive it before adding members", parent.Name)
	}
	if child.Archived() {
		return invalid("child", "%s is archived: unarchive it before adding it anywhere", child.Name)
	}
	if child.IsRoot() {
		return invalid("child", "the organisation itself cannot be put inside %s", parent.Kind.noun())
	}
	if !CanContain(parent.Kind, child.Kind) {
		allowed := AllowedChildren(parent.Kind)
		names := make([]string, len(allowed))
		for i, k := range allowed {
			names[i] = k.noun()
		}
		return invalid("child", "%s cannot contain %s (%s can contain %s)",
			parent.Kind.noun(), child.Kind.noun(), parent.Kind.noun(), strings.Join(names, ", "))
	}
	var n int64
	if err := tx.Model(&Edge{}).Where("tenant_id = ? AND parent_id = ? AND child_id = ?", tenantID, parent.ID, child.ID).
		Count(&n).Error; err != nil {
		return fmt.Errorf("check edge: %w", err)
	}
	if n > 0 {
		return conflict("child", "%s is already in %s", child.Name, parent.Name)
	}
	if singleParent(parent.Kind, child.Kind) {
		var cur Unit
		err := tx.Where("tenant_id = ? AND kind = ? AND id IN (SELECT parent_id FROM org_edges WHERE tenant_id = ? AND child_id = ?)",
			tenantID, parent.Kind, tenantID, child.ID).Take(&cur).Error
		switch {
		case err == nil:
			return conflict("parent", "%s is already in the %s %s; a school belongs to one %s at most, so remove it from %s first",
				child.Name, strings.ToLower(parent.Kind.Label()), cur.Name, strings.ToLower(parent.Kind.Label()), cur.Name)
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("check current %s: %w", parent.Kind, err)
		}
	}
	below, err := descendantIDs(tx, tenantID, child.ID)
	if err != nil {
		return err
	}
	if slices.Contains(below, parent.ID) {
		return conflict("child", "%s already contains %s, so %s cannot go inside it", child.Name, parent.Name, child.Name)
	}
	return nil
}

// Unlink removes child from parent; ErrNotFound if child is not directly in parent.
func (s *Service) Unlink(ctx context.Context, tenantID, parentID, childID uint) error {
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if _, err := lockTenant(tx, tenantID); err != nil {
			return err
		}
		var e Edge
		if err := tx.Where("tenant_id = ? AND parent_id = ? AND child_id = ?", tenantID, parentID, childID).Take(&e).Error; err != nil {
			return dbErr(err, "edge")
		}
		if err := tx.Where("id = ?", e.ID).Delete(&Edge{}).Error; err != nil {
			return fmt.Errorf("delete edge: %w", err)
		}
		if err := record(ctx, tx, tenantID, "orgunit.unlink", entityEdge, idString(e.ID), e, nil); err != nil {
			return err
		}
		return storage.BumpRevision(tx, storage.RevisionOrgGraph)
	})
	if err != nil {
		return fmt.Errorf("unlink unit %d from %d: %w", childID, parentID, err)
	}
	return nil
}

// Parents returns the units that directly contain the unit, by name (the
// root, which contains everything implicitly, is not listed).
func (s *Service) Parents(ctx context.Context, tenantID, id uint) ([]Unit, error) {
	return s.neighbours(ctx, tenantID, id, "parent_id", "child_id")
}

// Children returns the units the unit directly contains, by name (for the
// root: none; use Descendants or Search for everything).
func (s *Service) Children(ctx context.Context, tenantID, id uint) ([]Unit, error) {
	return s.neighbours(ctx, tenantID, id, "child_id", "parent_id")
}

func (s *Service) neighbours(ctx context.Context, tenantID, id uint, want, have string) ([]Unit, error) {
	db := s.read(ctx, tenantID)
	if _, err := getUnit(db, tenantID, id); err != nil {
		return nil, err
	}
	out := []Unit{}
	err := db.Where("tenant_id = ? AND id IN (SELECT "+want+" FROM org_edges WHERE tenant_id = ? AND "+have+" = ?)", tenantID, tenantID, id).
		Order("LOWER(name), name, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("load neighbours of unit %d: %w", id, err)
	}
	return out, nil
}

// Edges returns every edge of the tenant, oldest first (for graph caches).
func (s *Service) Edges(ctx context.Context, tenantID uint) ([]Edge, error) {
	out := []Edge{}
	if err := s.read(ctx, tenantID).Where("tenant_id = ?", tenantID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("load edges of tenant %d: %w", tenantID, err)
	}
	return out, nil
}
