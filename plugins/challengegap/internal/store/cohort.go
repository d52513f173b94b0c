package store

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// CohortOf returns the school's cohort for the year; with create, an empty
// one is made when there is none; without, a missing cohort is nil.
func (s *Store) CohortOf(yearID, schoolID uint64, create bool) (*Cohort, error) {
	var c Cohort
	err := s.q().Where("year_id = ? AND school_id = ?", yearID, schoolID).Take(&c).Error
	switch {
	case err == nil:
		return &c, nil
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, fmt.Errorf("cohort of school %d: %w", schoolID, err)
	case !create:
		return nil, nil
	}
	if _, err := s.Year(yearID); err != nil {
		return nil, err
	}
	c = Cohort{TenantID: s.tenant, YearID: yearID, SchoolID: schoolID}
	if err := s.create(&c, "the cohort"); err != nil {
		return nil, fmt.Errorf("create cohort of school %d: %w", schoolID, err)
	}
	return &c, nil
}

// CohortMembers lists a cohort's pupils (with removed ones when asked), oldest first.
func (s *Store) CohortMembers(cohortID uint64, withRemoved bool) ([]CohortMember, error) {
	q := s.q().Where("cohort_id = ?", cohortID)
	if !withRemoved {
		q = q.Where("removed_at IS NULL")
	}
	var ms []CohortMember
	if err := q.Order("id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("cohort %d: %w", cohortID, err)
	}
	return ms, nil
}

// needReason checks the reason a change needs: required once the cohort is frozen.
func needReason(c *Cohort, reason string) (string, error) {
	reason, err := text("reason", reason, 1000, c.Frozen())
	if err != nil && c.Frozen() {
		var v *ValidationError
		if errors.As(err, &v) && v.Message == "is required" {
			return "", invalid("reason", "the baseline was taken: say why the cohort changes")
		}
	}
	return reason, err
}

// AddToCohort adds pupils (the core's ids, already checked to be the
// school's) to the school's cohort for the year. A pupil already in it is
// left as it is; a removed one comes back. Once the baseline is taken every
// change needs a reason; every change is recorded.
func (s *Store) AddToCohort(yearID, schoolID uint64, pupilIDs []uint64, by uint64, reason string) (added int, err error) {
	if len(pupilIDs) == 0 {
		return 0, invalid("pupils", "choose at least one pupil")
	}
	err = s.Tx(func(tx *Store) error {
		c, err := tx.CohortOf(yearID, schoolID, true)
		if err != nil {
			return err
		}
		if reason, err = needReason(c, reason); err != nil {
			return err
		}
		all, err := tx.CohortMembers(c.ID, true)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		for _, pid := range dedupe(pupilIDs) {
			i := slices.IndexFunc(all, func(m CohortMember) bool { return m.PupilID == pid })
			switch {
			case i >= 0 && all[i].RemovedAt == nil:
				continue
			case i >= 0:
				err = tx.q().Model(&CohortMember{}).Where("id = ?", all[i].ID).Updates(map[string]any{"removed_at": nil, "added_by": by, "added_at": now}).Error
			default:
				err = tx.db.Create(&CohortMember{TenantID: s.tenant, CohortID: c.ID, PupilID: pid, AddedBy: by, AddedAt: now}).Error
			}
			if err != nil {
				return err
			}
			if err := tx.db.Create(&CohortChange{TenantID: s.tenant, CohortID: c.ID, PupilID: pid, Change: ChangeAdded, Reason: reason, AfterBase: c.Frozen(), By: by, At: now}).Error; err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("add to cohort: %w", err)
	}
	return added, nil
}

func dedupe(ids []uint64) []uint64 {
	out := make([]uint64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// cohortMember loads member memberID of the school's cohort in the year.
func (s *Store) cohortMember(yearID, schoolID, memberID uint64) (*Cohort, *CohortMember, error) {
	c, err := s.CohortOf(yearID, schoolID, false)
	if err != nil {
		return nil, nil, err
	}
	var m CohortMember
	if c == nil || s.first(&m, memberID) != nil || m.CohortID != c.ID {
		return nil, nil, fmt.Errorf("cohort member %d: %w", memberID, ErrNotFound)
	}
	return c, &m, nil
}

// RemoveFromCohort takes a pupil out of the cohort (the row stays, marked
// removed), with the reason the frozen cohort needs.
func (s *Store) RemoveFromCohort(yearID, schoolID, memberID, by uint64, reason string) (*CohortMember, error) {
	var out *CohortMember
	err := s.Tx(func(tx *Store) error {
		c, m, err := tx.cohortMember(yearID, schoolID, memberID)
		if err != nil {
			return err
		}
		if m.RemovedAt != nil {
			return conflict("the pupil was already taken out of the cohort")
		}
		if reason, err = needReason(c, reason); err != nil {
			return err
		}
		now := time.Now().UTC()
		m.RemovedAt = &now
		out = m
		if err := tx.q().Model(&CohortMember{}).Where("id = ?", m.ID).Update("removed_at", now).Error; err != nil {
			return err
		}
		return tx.db.Create(&CohortChange{TenantID: s.tenant, CohortID: c.ID, PupilID: m.PupilID, Change: ChangeRemoved, Reason: reason, AfterBase: c.Frozen(), By: by, At: now}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("remove from cohort: %w", err)
	}
	return out, nil
}

// SetOtherIntervention records whether a cohort pupil receives another intervention.
func (s *Store) SetOtherIntervention(yearID, schoolID, memberID uint64, on bool) (*CohortMember, error) {
	_, m, err := s.cohortMember(yearID, schoolID, memberID)
	if err != nil {
		return nil, err
	}
	if err := s.q().Model(&CohortMember{}).Where("id = ?", m.ID).Update("other_intervention", on).Error; err != nil {
		return nil, fmt.Errorf("set other intervention: %w", err)
	}
	m.OtherIntervention = on
	return m, nil
}

// FreezeCohort takes the baseline on the day takenOn: it freezes the
// cohort (from now on every change needs a reason) and adds the baseline
// snapshot. An empty cohort cannot be frozen, nor one frozen already.
func (s *Store) FreezeCohort(yearID, schoolID, by uint64, takenOn string) (*Cohort, error) {
	var out *Cohort
	err := s.Tx(func(tx *Store) error {
		c, err := tx.CohortOf(yearID, schoolID, false)
		if err != nil {
			return err
		}
		if c == nil {
			return invalid("pupils", "choose the cohort's pupils before taking the baseline")
		}
		if c.Frozen() {
			return conflict("the baseline was already taken on %s", c.FrozenAt.Format(time.DateOnly))
		}
		ms, err := tx.CohortMembers(c.ID, false)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return invalid("pupils", "choose the cohort's pupils before taking the baseline")
		}
		now := time.Now().UTC()
		c.FrozenAt, c.FrozenBy = &now, by
		out = c
		res := tx.q().Model(&Cohort{}).Where("id = ? AND frozen_at IS NULL", c.ID).Updates(map[string]any{"frozen_at": now, "frozen_by": by})
		if res.Error == nil && res.RowsAffected == 0 {
			return conflict("the baseline was already taken")
		}
		if res.Error != nil {
			return res.Error
		}
		_, err = tx.addSnapshot(yearID, schoolID, BaselineLabel, takenOn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("freeze cohort: %w", err)
	}
	return out, nil
}

// CohortChanges lists a cohort's changes, oldest first.
func (s *Store) CohortChanges(cohortID uint64) ([]CohortChange, error) {
	var cs []CohortChange
	if err := s.q().Where("cohort_id = ?", cohortID).Order("id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("cohort changes: %w", err)
	}
	return cs, nil
}

// PupilRecords is everything the plugin holds about one pupil.
type PupilRecords struct {
	Points  []DataPoint    `json:"data_points"`
	Cohorts []CohortMember `json:"cohort_memberships"`
	Changes []CohortChange `json:"cohort_changes"`
	Trials  []TrialPupil   `json:"strategies_received"`
}

// PupilRecords gathers what the plugin holds about a pupil, for a subject-access request.
func (s *Store) PupilRecords(pupilID uint64) (*PupilRecords, error) {
	out := &PupilRecords{Points: []DataPoint{}, Cohorts: []CohortMember{}, Changes: []CohortChange{}, Trials: []TrialPupil{}}
	if err := s.q().Where("pupil_id = ?", pupilID).Order("id").Find(&out.Points).Error; err != nil {
		return nil, fmt.Errorf("export data points: %w", err)
	}
	if err := s.q().Where("pupil_id = ?", pupilID).Order("id").Find(&out.Cohorts).Error; err != nil {
		return nil, fmt.Errorf("export cohort memberships: %w", err)
	}
	if err := s.q().Where("pupil_id = ?", pupilID).Order("id").Find(&out.Changes).Error; err != nil {
		return nil, fmt.Errorf("export cohort changes: %w", err)
	}
	if err := s.q().Where("pupil_id = ?", pupilID).Order("id").Find(&out.Trials).Error; err != nil {
		return nil, fmt.Errorf("export strategies received: %w", err)
	}
	return out, nil
}

// ErasePupil removes every record of the pupil: data points, cohort
// memberships and changes, and the strategies recorded as received.
func (s *Store) ErasePupil(pupilID uint64) (erased int64, err error) {
	err = s.Tx(func(tx *Store) error {
		res := tx.q().Where("pupil_id = ?", pupilID).Delete(&DataPoint{})
		if res.Error != nil {
			return res.Error
		}
		erased += res.RowsAffected
		res = tx.q().Where("pupil_id = ?", pupilID).Delete(&TrialPupil{})
		if res.Error != nil {
			return res.Error
		}
		erased += res.RowsAffected
		res = tx.q().Where("pupil_id = ?", pupilID).Delete(&CohortChange{})
		if res.Error != nil {
			return res.Error
		}
		erased += res.RowsAffected
		res = tx.q().Where("pupil_id = ?", pupilID).Delete(&CohortMember{})
		if res.Error != nil {
			return res.Error
		}
		erased += res.RowsAffected
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("erase pupil: %w", err)
	}
	return erased, nil
}
