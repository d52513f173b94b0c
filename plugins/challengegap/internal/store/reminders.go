package store

import (
	"errors"
	"fmt"
	"time"
)

// Due is a school whose snapshot label is due and was not yet reminded.
type Due struct {
	YearID   uint64
	SchoolID uint64
	Label    string
	Members  []TeamMember
}

// YearOn returns the programme year running on day (its StartsOn to EndsOn), or nil.
func (s *Store) YearOn(day time.Time) (*Year, error) {
	d := day.Format(time.DateOnly)
	var ys []Year
	if err := s.q().Where("starts_on <= ? AND ends_on >= ?", d, d).Order("label DESC").Limit(1).Find(&ys).Error; err != nil {
		return nil, fmt.Errorf("year on %s: %w", d, err)
	}
	if len(ys) == 0 {
		return nil, nil
	}
	return &ys[0], nil
}

// DueSnapshots lists the schools of the year whose cohort is frozen, that
// have no snapshot labelled label and were not reminded of it, with their
// team members.
func (s *Store) DueSnapshots(yearID uint64, label string) ([]Due, error) {
	var cohorts []Cohort
	if err := s.q().Where("year_id = ? AND frozen_at IS NOT NULL", yearID).Order("school_id").Find(&cohorts).Error; err != nil {
		return nil, fmt.Errorf("frozen cohorts: %w", err)
	}
	var out []Due
	for _, c := range cohorts {
		var n int64
		if err := s.q().Model(&Snapshot{}).Where("year_id = ? AND school_id = ? AND label = ?", yearID, c.SchoolID, label).Count(&n).Error; err != nil {
			return nil, err
		}
		var r int64
		if err := s.q().Model(&Reminder{}).Where("year_id = ? AND school_id = ? AND label = ?", yearID, c.SchoolID, label).Count(&r).Error; err != nil {
			return nil, err
		}
		if n > 0 || r > 0 {
			continue
		}
		ms, err := s.Members(yearID, c.SchoolID)
		if err != nil {
			return nil, err
		}
		out = append(out, Due{YearID: yearID, SchoolID: c.SchoolID, Label: label, Members: ms})
	}
	return out, nil
}

// MarkReminded records the reminder of a school's snapshot; a second mark
// is a conflict (another run sent it).
func (s *Store) MarkReminded(yearID, schoolID uint64, label string) error {
	err := s.create(&Reminder{TenantID: s.tenant, YearID: yearID, SchoolID: schoolID, Label: label, SentAt: time.Now().UTC()}, "the reminder")
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("mark reminded: %w", err)
	}
	return err
}
