package tenancy

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
)

// UnitInput is what a user submits to create or edit a unit. Strings are
// trimmed; Phase and OfstedGrade accept labels and aliases (see ParsePhase,
// ParseOfsted). Only Name applies to kinds other than school; the school
// fields must then be empty.
type UnitInput struct {
	Kind         Kind
	Name         string
	URN          string
	Phase        string
	OfstedGrade  string
	PupilsOnRoll *int
	Latitude     *float64
	Longitude    *float64
}

// maxPupilsOnRoll bounds a school's pupils on roll.
const maxPupilsOnRoll = 10000

// buildUnit checks in for a unit of kind and returns the unit's fields.
func buildUnit(kind Kind, in UnitInput) (Unit, FieldErrors) {
	var errs FieldErrors
	u := Unit{Kind: kind, Name: strings.TrimSpace(in.Name)}
	if msg := checkName(u.Name); msg != "" {
		errs.Add("name", "%s", msg)
	}
	urn := strings.TrimSpace(in.URN)
	phase := strings.TrimSpace(in.Phase)
	ofsted := strings.TrimSpace(in.OfstedGrade)
	if kind != KindSchool {
		noun := kind.noun()
		if urn != "" {
			errs.Add("urn", "only a school has a URN, not %s", noun)
		}
		if phase != "" {
			errs.Add("phase", "only a school has a phase, not %s", noun)
		}
		if ofsted != "" {
			errs.Add("ofsted_grade", "only a school has an Ofsted grade, not %s", noun)
		}
		if in.PupilsOnRoll != nil {
			errs.Add("pupils_on_roll", "only a school has pupils on roll, not %s", noun)
		}
		if in.Latitude != nil || in.Longitude != nil {
			errs.Add("latitude", "only a school has a location, not %s", noun)
		}
		return u, errs
	}
	if err := ValidateURN(urn); err != nil {
		errs = append(errs, *err.(*ValidationError))
	} else {
		u.URN = &urn
	}
	if p, err := ParsePhase(phase); err != nil {
		errs = append(errs, *err.(*ValidationError))
	} else {
		u.Phase = p
	}
	if g, err := ParseOfsted(ofsted); err != nil {
		errs = append(errs, *err.(*ValidationError))
	} else {
		u.OfstedGrade = g
	}
	if n := in.PupilsOnRoll; n != nil {
		if *n < 0 || *n > maxPupilsOnRoll {
			errs.Add("pupils_on_roll", "pupils on roll is between 0 and %d", maxPupilsOnRoll)
		} else {
			v := *n
			u.PupilsOnRoll = &v
		}
	}
	switch lat, lng := in.Latitude, in.Longitude; {
	case lat == nil && lng == nil:
	case lat == nil:
		errs.Add("latitude", "give the latitude too, or neither")
	case lng == nil:
		errs.Add("longitude", "give the longitude too, or neither")
	default:
		ok := true
		if math.IsNaN(*lat) || *lat < -90 || *lat > 90 {
			errs.Add("latitude", "a latitude is between -90 and 90")
			ok = false
		}
		if math.IsNaN(*lng) || *lng < -180 || *lng > 180 {
			errs.Add("longitude", "a longitude is between -180 and 180")
			ok = false
		}
		if ok {
			a, b := *lat, *lng
			u.Latitude, u.Longitude = &a, &b
		}
	}
	return u, errs
}

// urnFree returns a conflict naming the URN if another unit of the tenant has it.
func urnFree(tx *gorm.DB, tenantID uint, urn string, except uint) error {
	var other Unit
	err := tx.Where("tenant_id = ? AND urn = ? AND id <> ?", tenantID, urn, except).Take(&other).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check URN %s: %w", urn, err)
	}
	return conflict("urn", "URN %s is already used by %s", urn, other.Name)
}

func getUnit(db *gorm.DB, tenantID, id uint) (Unit, error) {
	var u Unit
	if err := db.Where("tenant_id = ? AND id = ?", tenantID, id).Take(&u).Error; err != nil {
		return Unit{}, dbErr(err, "unit %d in tenant %d", id, tenantID)
	}
	return u, nil
}

// CreateUnit creates a unit of in.Kind (any kind but KindTenant). A URN taken
// in the tenant gives ErrConflict (also a *ValidationError on "urn").
func (s *Service) CreateUnit(ctx context.Context, tenantID uint, in UnitInput) (Unit, error) {
	if in.Kind == KindTenant {
		return Unit{}, invalid("kind", "the organisation's root unit comes with the tenant; choose another kind")
	}
	if !in.Kind.creatable() {
		_, err := ParseKind(string(in.Kind))
		return Unit{}, FieldErrors{*err.(*ValidationError)}
	}
	u, errs := buildUnit(in.Kind, in)
	if len(errs) > 0 {
		return Unit{}, errs
	}
	u.TenantID = tenantID
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if _, err := lockTenant(tx, tenantID); err != nil {
			return err
		}
		if u.URN != nil {
			if err := urnFree(tx, tenantID, *u.URN, 0); err != nil {
				return err
			}
		}
		if err := tx.Create(&u).Error; err != nil {
			return dbErr(err, "insert unit")
		}
		if err := record(ctx, tx, tenantID, "orgunit.create", entityUnit, idString(u.ID), nil, u); err != nil {
			return err
		}
		// The root's reach (every unit) has grown.
		return storage.BumpRevision(tx, storage.RevisionOrgGraph)
	})
	if err != nil {
		return Unit{}, fmt.Errorf("create %s %q: %w", in.Kind, u.Name, err)
	}
	return u, nil
}

// UpdateUnit replaces the unit's editable fields with in. The kind cannot
// change (in.Kind may be empty or the unit's kind); the root unit is not
// editable. An edit that changes nothing records nothing.
func (s *Service) UpdateUnit(ctx context.Context, tenantID, id uint, in UnitInput) (Unit, error) {
	var after Unit
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if _, err := lockTenant(tx, tenantID); err != nil {
			return err
		}
		before, err := getUnit(tx, tenantID, id)
		if err != nil {
			return err
		}
		if before.IsRoot() {
			return invalid("kind", "the organisation's root unit cannot be edited")
		}
		if in.Kind != "" && in.Kind != before.Kind {
			return invalid("kind", "%s cannot become %s", before.Kind.noun(), in.Kind.noun())
		}
		u, errs := buildUnit(before.Kind, in)
		if len(errs) > 0 {
			return errs
		}
		if sameFields(before, u) {
			after = before
			return nil
		}
		if u.URN != nil {
			if err := urnFree(tx, tenantID, *u.URN, id); err != nil {
				return err
			}
		}
		err = tx.Model(&Unit{}).Where("tenant_id = ? AND id = ?", tenantID, id).Updates(map[string]any{
			"name": u.Name, "urn": u.URN, "phase": u.Phase, "ofsted_grade": u.OfstedGrade,
			"pupils_on_roll": u.PupilsOnRoll, "latitude": u.Latitude, "longitude": u.Longitude,
		}).Error
		if err != nil {
			return dbErr(err, "update unit")
		}
		if after, err = getUnit(tx, tenantID, id); err != nil {
			return err
		}
		if err := storage.BumpRevision(tx, storage.TenantUnitsKey(tenantID)); err != nil {
			return err
		}
		return record(ctx, tx, tenantID, "orgunit.update", entityUnit, idString(id), before, after)
	})
	if err != nil {
		return Unit{}, fmt.Errorf("update unit %d: %w", id, err)
	}
	return after, nil
}

func sameFields(a, b Unit) bool {
	return a.Name == b.Name && eqPtr(a.URN, b.URN) && a.Phase == b.Phase && a.OfstedGrade == b.OfstedGrade &&
		eqPtr(a.PupilsOnRoll, b.PupilsOnRoll) && eqPtr(a.Latitude, b.Latitude) && eqPtr(a.Longitude, b.Longitude)
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// GetUnit returns a unit of the tenant; ErrNotFound if it is not the tenant's.
func (s *Service) GetUnit(ctx context.Context, tenantID, id uint) (Unit, error) {
	return getUnit(s.read(ctx, tenantID), tenantID, id)
}

// UnitByURN returns the tenant's school with this URN, or ErrNotFound.
func (s *Service) UnitByURN(ctx context.Context, tenantID uint, urn string) (Unit, error) {
	urn = strings.TrimSpace(urn)
	if err := ValidateURN(urn); err != nil {
		return Unit{}, fmt.Errorf("school with URN %s: %w", quote(urn), err)
	}
	var u Unit
	if err := s.read(ctx, tenantID).Where("tenant_id = ? AND urn = ?", tenantID, urn).Take(&u).Error; err != nil {
		return Unit{}, dbErr(err, "school with URN %s in tenant %d", urn, tenantID)
	}
	return u, nil
}

// UnitByRef finds a unit of the tenant by a reference a person types: six
// digits are tried as a school's URN first, then any number as a unit id.
// Anything else is a validation error on field "unit"; a reference that
// names no unit of the tenant is ErrNotFound.
func (s *Service) UnitByRef(ctx context.Context, tenantID uint, ref string) (Unit, error) {
	ref = strings.TrimSpace(ref)
	if ValidateURN(ref) == nil {
		u, err := s.UnitByURN(ctx, tenantID, ref)
		if err == nil || !errors.Is(err, ErrNotFound) {
			return u, err
		}
	}
	id, err := strconv.ParseUint(ref, 10, 64)
	if err != nil || id == 0 {
		return Unit{}, invalid("unit", "%q is neither a unit id nor a URN of this organisation", ref)
	}
	return s.GetUnit(ctx, tenantID, uint(id))
}

// RootUnit returns the tenant's root unit, or ErrNotFound if there is no such tenant.
func (s *Service) RootUnit(ctx context.Context, tenantID uint) (Unit, error) {
	return rootUnit(s.read(ctx, tenantID), tenantID)
}

func rootUnit(db *gorm.DB, tenantID uint) (Unit, error) {
	var u Unit
	if err := db.Where("tenant_id = ? AND kind = ?", tenantID, KindTenant).Take(&u).Error; err != nil {
		return Unit{}, dbErr(err, "root unit of tenant %d", tenantID)
	}
	return u, nil
}
