package pupils

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/pupils/upn"
)

// Audit actions of changes to pupil records.
const (
	ActionCreate = "pupil.create"
	ActionUpdate = "pupil.update"
	ActionLeft   = "pupil.left"
)

// FieldLeftOn is the field MarkLeft changes.
const FieldLeftOn = "left_on"

// changeEntry is the audit entry of a change: the names of the fields that
// changed, never their values (see the package documentation).
type changeEntry struct {
	Fields       []string `json:"fields"`
	Via          string   `json:"via,omitempty"`
	SchoolID     uint     `json:"school_id,omitempty"`
	FromSchoolID uint     `json:"from_school_id,omitempty"`
}

func (s *Service) recordChange(ctx context.Context, tx *gorm.DB, a Actor, tenantID, id uint, action string, e changeEntry) error {
	e.Via = a.Via
	return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: action, EntityType: "pupil",
		EntityID: strconv.FormatUint(uint64(id), 10), After: e, PupilIDs: []uint{id}})
}

// writable checks the actor may change pupils at school: ErrNotFound when it
// cannot even read there, ErrForbidden when it reads but may not write.
func (s *Service) writable(ctx context.Context, a Actor, tenantID, schoolID uint, what string) error {
	ok, err := s.can(ctx, a, tenantID, authz.PermPupilWrite, schoolID)
	if err != nil || ok {
		return err
	}
	read, err := s.can(ctx, a, tenantID, authz.PermPupilRead, schoolID)
	if err != nil {
		return err
	}
	if read {
		return fmt.Errorf("%s: %w", what, ErrForbidden)
	}
	return fmt.Errorf("%s: %w", what, ErrNotFound)
}

// upnTaken is the error for a UPN another pupil of the tenant has.
func upnTaken() error {
	return fmt.Errorf("%w: %w", ErrConflict, FieldErrors{{Field: FieldUPN, Message: "another pupil of this organisation already has this UPN"}})
}

// upnFree checks that no pupil of the tenant but except has the UPN hash.
func upnFree(ctx context.Context, tx *gorm.DB, tenantID uint, hash string, except uint) error {
	var n int64
	if err := tx.WithContext(ctx).Model(&Pupil{}).Where("tenant_id = ? AND upn_hash = ? AND id <> ?", tenantID, hash, except).Count(&n).Error; err != nil {
		return fmt.Errorf("check UPN is free: %w", err)
	}
	if n > 0 {
		return upnTaken()
	}
	return nil
}

// dbWriteErr turns a unique-index violation (a UPN taken concurrently) into
// the conflict error, without the database's message (which may quote values).
func dbWriteErr(err error, what string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return upnTaken()
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Create adds a pupil at school schoolID from r (see ValidateRecord), if the
// actor holds core.pupil.write there. The UPN must be free in the tenant.
// The audit entry names the fields set, not their values.
func (s *Service) Create(ctx context.Context, a Actor, tenantID, schoolID uint, r Record) (Pupil, error) {
	if err := s.school(ctx, tenantID, schoolID); err != nil {
		return Pupil{}, err
	}
	if err := s.writable(ctx, a, tenantID, schoolID, fmt.Sprintf("school %d", schoolID)); err != nil {
		return Pupil{}, err
	}
	if errs := ValidateRecordAt(r, s.now()); errs != nil {
		return Pupil{}, errs
	}
	r = r.Normalize()
	p := Pupil{TenantID: tenantID, SchoolID: schoolID, UPNHash: s.HashUPN(r.UPN), UPNSealed: s.SealUPN(r.UPN)}
	r.Apply(&p)
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if err := upnFree(ctx, tx, tenantID, p.UPNHash, 0); err != nil {
			return err
		}
		if err := tx.Create(&p).Error; err != nil {
			return dbWriteErr(err, "create pupil")
		}
		return s.recordChange(ctx, tx, a, tenantID, p.ID, ActionCreate, changeEntry{Fields: recordFields(), SchoolID: schoolID})
	})
	if err != nil {
		return Pupil{}, err
	}
	return p, nil
}

// recordFields names every field of a record, as a create sets them all.
func recordFields() []string {
	return []string{FieldUPN, FieldGivenName, FieldFamilyName, FieldDateOfBirth, FieldYearGroup, FieldGender,
		"pupil_premium", "fsm", "fsm_ever6", FieldEALProficiency, FieldSEN, "looked_after"}
}

// changedFields names the fields of the record that differ, in form order.
func changedFields(old, new Record, upnChanged bool) []string {
	var out []string
	add := func(changed bool, field string) {
		if changed {
			out = append(out, field)
		}
	}
	add(upnChanged, FieldUPN)
	add(old.GivenName != new.GivenName, FieldGivenName)
	add(old.FamilyName != new.FamilyName, FieldFamilyName)
	add(old.DateOfBirth != new.DateOfBirth, FieldDateOfBirth)
	add(old.YearGroup != new.YearGroup, FieldYearGroup)
	add(old.Gender != new.Gender, FieldGender)
	add(old.PupilPremium != new.PupilPremium, "pupil_premium")
	add(old.FSM != new.FSM, "fsm")
	add(old.FSMEver6 != new.FSMEver6, "fsm_ever6")
	add(old.EALProficiency != new.EALProficiency, FieldEALProficiency)
	add(old.SEN != new.SEN, FieldSEN)
	add(old.LookedAfter != new.LookedAfter, "looked_after")
	return out
}

// Update changes pupil id to r and, when schoolID is neither 0 nor its
// school, moves it there. An empty r.UPN keeps the UPN. The actor must hold
// core.pupil.write at the pupil's school (ErrNotFound outside its reach,
// ErrForbidden where it only reads) and, for a move, at the new school (a
// field error on school_id otherwise). The audit entry names the changed
// fields, not their values; a call that changes nothing writes nothing and
// records a read instead (the pupil is returned).
func (s *Service) Update(ctx context.Context, a Actor, tenantID, id, schoolID uint, r Record) (Pupil, error) {
	cur, err := s.readable(ctx, a, tenantID, id, authz.PermPupilRead)
	if err != nil {
		return Pupil{}, err
	}
	if err := s.writable(ctx, a, tenantID, cur.SchoolID, fmt.Sprintf("pupil %d", id)); err != nil {
		return Pupil{}, err
	}
	moved := schoolID != 0 && schoolID != cur.SchoolID
	var errs FieldErrors
	if moved {
		ok := s.school(ctx, tenantID, schoolID) == nil
		if ok {
			if ok, err = s.can(ctx, a, tenantID, authz.PermPupilWrite, schoolID); err != nil {
				return Pupil{}, err
			}
		}
		if !ok {
			errs.Add(FieldSchool, "choose a school whose pupil records you keep")
		}
	}
	curUPN, err := s.OpenUPN(cur)
	if err != nil {
		return Pupil{}, fmt.Errorf("open UPN of pupil %d: %w", id, err)
	}
	keepUPN := upn.Normalize(r.UPN) == ""
	if keepUPN {
		r.UPN = curUPN
	}
	errs = append(errs, ValidateRecordAt(r, s.now())...)
	if len(errs) > 0 {
		return Pupil{}, errs
	}
	r = r.Normalize()
	hash := s.HashUPN(r.UPN)
	fields := changedFields(RecordOf(cur, curUPN), r, hash != cur.UPNHash)
	if moved {
		fields = append(fields, FieldSchool)
	}
	if len(fields) == 0 {
		if err := s.recordRead(ctx, a, tenantID, ActionRead, []Pupil{cur}); err != nil {
			return Pupil{}, err
		}
		return cur, nil
	}
	next := cur
	r.Apply(&next)
	if hash != cur.UPNHash {
		next.UPNHash, next.UPNSealed = hash, s.SealUPN(r.UPN)
	}
	entry := changeEntry{Fields: fields, SchoolID: cur.SchoolID}
	if moved {
		next.SchoolID = schoolID
		entry.SchoolID, entry.FromSchoolID = schoolID, cur.SchoolID
	}
	err = s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if hash != cur.UPNHash {
			if err := upnFree(ctx, tx, tenantID, hash, id); err != nil {
				return err
			}
		}
		res := tx.Model(&Pupil{}).Where("tenant_id = ? AND id = ?", tenantID, id).Updates(map[string]any{
			"school_id": next.SchoolID, "upn_hash": next.UPNHash, "upn_sealed": next.UPNSealed,
			"given_name": next.GivenName, "family_name": next.FamilyName, "date_of_birth": next.DateOfBirth,
			"year_group": next.YearGroup, "gender": next.Gender, "pupil_premium": next.PupilPremium, "fsm": next.FSM,
			"fsm_ever6": next.FSMEver6, "eal_proficiency": next.EALProficiency, "sen": next.SEN,
			"looked_after": next.LookedAfter, "updated_at": time.Now().UTC().Truncate(time.Microsecond),
		})
		if res.Error != nil {
			return dbWriteErr(res.Error, fmt.Sprintf("update pupil %d", id))
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("pupil %d: %w", id, ErrNotFound)
		}
		return s.recordChange(ctx, tx, a, tenantID, id, ActionUpdate, entry)
	})
	if err != nil {
		return Pupil{}, err
	}
	return s.load(ctx, s.read(ctx, tenantID), tenantID, id)
}

// MarkLeft records that pupil id left its school on day on (today when
// zero): not in the future, nor before the pupil was born. Retention of a
// pupil's data counts from that day. The actor must hold core.pupil.write
// at the pupil's school.
func (s *Service) MarkLeft(ctx context.Context, a Actor, tenantID, id uint, on time.Time) (Pupil, error) {
	cur, err := s.readable(ctx, a, tenantID, id, authz.PermPupilRead)
	if err != nil {
		return Pupil{}, err
	}
	if err := s.writable(ctx, a, tenantID, cur.SchoolID, fmt.Sprintf("pupil %d", id)); err != nil {
		return Pupil{}, err
	}
	today := s.now().UTC()
	if on.IsZero() {
		on = today
	}
	day := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	if day.After(today) {
		return Pupil{}, FieldErrors{{Field: FieldLeftOn, Message: "the day a pupil left cannot be in the future"}}
	}
	if dob, err := time.Parse(time.DateOnly, cur.DateOfBirth); err == nil && day.Before(dob) {
		return Pupil{}, FieldErrors{{Field: FieldLeftOn, Message: "the day a pupil left cannot be before their date of birth"}}
	}
	if cur.LeftOn != nil && cur.LeftOn.Equal(day) {
		return cur, nil
	}
	err = s.write(ctx, tenantID, func(tx *gorm.DB) error {
		res := tx.Model(&Pupil{}).Where("tenant_id = ? AND id = ?", tenantID, id).
			Updates(map[string]any{"left_on": day, "updated_at": time.Now().UTC().Truncate(time.Microsecond)})
		if res.Error != nil {
			return fmt.Errorf("mark pupil %d as left: %w", id, res.Error)
		}
		return s.recordChange(ctx, tx, a, tenantID, id, ActionLeft, changeEntry{Fields: []string{FieldLeftOn}, SchoolID: cur.SchoolID})
	})
	if err != nil {
		return Pupil{}, err
	}
	return s.load(ctx, s.read(ctx, tenantID), tenantID, id)
}

// RevealUPN returns the UPN of pupil id, recording that it was shown. Only
// those who keep the school's pupil records (core.pupil.write) may see a UPN:
// readers get ErrForbidden, others ErrNotFound.
func (s *Service) RevealUPN(ctx context.Context, a Actor, tenantID, id uint) (string, error) {
	p, err := s.readable(ctx, a, tenantID, id, authz.PermPupilRead)
	if err != nil {
		return "", err
	}
	if err := s.writable(ctx, a, tenantID, p.SchoolID, fmt.Sprintf("pupil %d", id)); err != nil {
		return "", err
	}
	u, err := s.OpenUPN(p)
	if err != nil {
		return "", fmt.Errorf("open UPN of pupil %d: %w", id, err)
	}
	if err := s.recordRead(ctx, a, tenantID, ActionRevealUPN, []Pupil{p}); err != nil {
		return "", err
	}
	return u, nil
}

// Writable checks that the actor may change pupil id: nil, ErrNotFound (no
// such pupil in the tenant, or outside the actor's reach) or ErrForbidden
// (the actor only reads there). It returns no pupil data and records
// nothing, so a form can answer 404 before it reads its fields.
func (s *Service) Writable(ctx context.Context, a Actor, tenantID, id uint) error {
	p, err := s.readable(ctx, a, tenantID, id, authz.PermPupilRead)
	if err != nil {
		return err
	}
	return s.writable(ctx, a, tenantID, p.SchoolID, fmt.Sprintf("pupil %d", id))
}

// CreateMany adds the pupils rs at school schoolID in one transaction, for
// the demo and tests (files of pupils go through the importer, which
// upserts). Every record is validated first: any error returns the index of
// the first bad record and writes nothing. One audit entry names the fields
// set and the new pupils' ids.
func (s *Service) CreateMany(ctx context.Context, a Actor, tenantID, schoolID uint, rs []Record) ([]Pupil, error) {
	if err := s.school(ctx, tenantID, schoolID); err != nil {
		return nil, err
	}
	if err := s.writable(ctx, a, tenantID, schoolID, fmt.Sprintf("school %d", schoolID)); err != nil {
		return nil, err
	}
	today := s.now()
	ps := make([]Pupil, len(rs))
	seen := make(map[string]bool, len(rs))
	for i, r := range rs {
		if errs := ValidateRecordAt(r, today); errs != nil {
			return nil, fmt.Errorf("record %d: %w", i+1, errs)
		}
		r = r.Normalize()
		p := Pupil{TenantID: tenantID, SchoolID: schoolID, UPNHash: s.HashUPN(r.UPN), UPNSealed: s.SealUPN(r.UPN)}
		if seen[p.UPNHash] {
			return nil, fmt.Errorf("record %d: %w", i+1, upnTaken())
		}
		seen[p.UPNHash] = true
		r.Apply(&p)
		ps[i] = p
	}
	if len(ps) == 0 {
		return ps, nil
	}
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if err := tx.CreateInBatches(&ps, 500).Error; err != nil {
			return dbWriteErr(err, "create pupils")
		}
		ids := make([]uint, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: ActionCreate, EntityType: "pupil",
			EntityID: fmt.Sprintf("%d pupils", len(ps)), After: map[string]any{"fields": recordFields(),
				"school_id": schoolID, "via": a.Via}, PupilIDs: ids})
	})
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// ActionRejoin is the audit action of ReturnToRoll.
const ActionRejoin = "pupil.rejoin"

// ReturnToRoll clears the day pupil id left (a mistake, or a pupil who came
// back). The actor must hold core.pupil.write at the pupil's school.
func (s *Service) ReturnToRoll(ctx context.Context, a Actor, tenantID, id uint) (Pupil, error) {
	cur, err := s.readable(ctx, a, tenantID, id, authz.PermPupilRead)
	if err != nil {
		return Pupil{}, err
	}
	if err := s.writable(ctx, a, tenantID, cur.SchoolID, fmt.Sprintf("pupil %d", id)); err != nil {
		return Pupil{}, err
	}
	if cur.LeftOn == nil {
		return cur, nil
	}
	err = s.write(ctx, tenantID, func(tx *gorm.DB) error {
		res := tx.Model(&Pupil{}).Where("tenant_id = ? AND id = ?", tenantID, id).
			Updates(map[string]any{"left_on": nil, "updated_at": time.Now().UTC().Truncate(time.Microsecond)})
		if res.Error != nil {
			return fmt.Errorf("return pupil %d to the roll: %w", id, res.Error)
		}
		return s.recordChange(ctx, tx, a, tenantID, id, ActionRejoin, changeEntry{Fields: []string{FieldLeftOn}, SchoolID: cur.SchoolID})
	})
	if err != nil {
		return Pupil{}, err
	}
	return s.load(ctx, s.read(ctx, tenantID), tenantID, id)
}
