package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// CaseStudy is a school's structured case study of its programme year:
// the challenge, the response, the outcome. The school's leaders write it;
// the school report shows it.
type CaseStudy struct {
	ID        uint64    `gorm:"primaryKey" json:"-"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	YearID    uint64    `gorm:"not null" json:"year_id"`
	SchoolID  uint64    `gorm:"not null" json:"school_id"`
	Challenge string    `gorm:"size:8000;not null;default:''" json:"challenge"`
	Response  string    `gorm:"size:8000;not null;default:''" json:"response"`
	Outcome   string    `gorm:"size:8000;not null;default:''" json:"outcome"`
	UpdatedBy uint64    `gorm:"not null;default:0" json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName is the table of case studies.
func (CaseStudy) TableName() string { return "case_studies" }

// Empty reports whether nothing is written yet.
func (c *CaseStudy) Empty() bool {
	return c == nil || (c.Challenge == "" && c.Response == "" && c.Outcome == "")
}

// CaseStudyOf returns the school's case study of the year (nil: none yet).
func (s *Store) CaseStudyOf(yearID, schoolID uint64) (*CaseStudy, error) {
	var c CaseStudy
	err := s.q().Where("year_id = ? AND school_id = ?", yearID, schoolID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("case study of school %d: %w", schoolID, err)
	}
	return &c, nil
}

// SaveCaseStudy writes the school's case study of the year.
func (s *Store) SaveCaseStudy(yearID, schoolID uint64, challenge, response, outcome string, by uint64) (*CaseStudy, error) {
	var err error
	if challenge, err = text("challenge", challenge, 8000, false); err != nil {
		return nil, err
	}
	if response, err = text("response", response, 8000, false); err != nil {
		return nil, err
	}
	if outcome, err = text("outcome", outcome, 8000, false); err != nil {
		return nil, err
	}
	c := &CaseStudy{TenantID: s.tenant, YearID: yearID, SchoolID: schoolID, Challenge: challenge, Response: response, Outcome: outcome, UpdatedBy: by, UpdatedAt: now()}
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.Year(yearID); err != nil {
			return err
		}
		old, err := tx.CaseStudyOf(yearID, schoolID)
		if err != nil {
			return err
		}
		if old != nil {
			c.ID = old.ID
			return tx.db.Save(c).Error
		}
		return tx.create(c, "the case study")
	})
	if err != nil {
		return nil, fmt.Errorf("save case study: %w", err)
	}
	return c, nil
}
