package store

import (
	"errors"
	"fmt"
	"time"
)

// Newsletter records the termly digest mailed to a school's team, so that
// each school gets each term's digest once.
type Newsletter struct {
	ID       uint64    `gorm:"primaryKey" json:"-"`
	TenantID uint64    `gorm:"not null" json:"-"`
	YearID   uint64    `gorm:"not null" json:"year_id"`
	Term     string    `gorm:"size:16;not null" json:"term"`
	SchoolID uint64    `gorm:"not null" json:"school_id"`
	SentAt   time.Time `json:"sent_at"`
}

// TableName is the table of newsletters sent.
func (Newsletter) TableName() string { return "newsletters" }

// NewsletterSent reports whether the school's team got the term's digest.
func (s *Store) NewsletterSent(yearID uint64, term string, schoolID uint64) (bool, error) {
	var n int64
	if err := s.q().Model(&Newsletter{}).Where("year_id = ? AND term = ? AND school_id = ?", yearID, term, schoolID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("check newsletter: %w", err)
	}
	return n > 0, nil
}

// LastNewsletter is when any of the schools last got a digest (zero: never).
func (s *Store) LastNewsletter(schoolIDs ...uint64) (time.Time, error) {
	var ns []Newsletter
	if len(schoolIDs) == 0 {
		return time.Time{}, nil
	}
	if err := s.q().Where("school_id IN ?", schoolIDs).Order("sent_at DESC").Limit(1).Find(&ns).Error; err != nil {
		return time.Time{}, fmt.Errorf("last newsletter: %w", err)
	}
	if len(ns) == 0 {
		return time.Time{}, nil
	}
	return ns[0].SentAt, nil
}

// MarkNewsletter records the term's digest of a school; a second mark is a
// conflict (another run sent it).
func (s *Store) MarkNewsletter(yearID uint64, term string, schoolID uint64, at time.Time) error {
	err := s.create(&Newsletter{TenantID: s.tenant, YearID: yearID, Term: term, SchoolID: schoolID, SentAt: at.UTC()}, "the newsletter")
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("mark newsletter: %w", err)
	}
	return err
}

// ResourcesSince lists the resources of the workshops added after since, oldest first.
func (s *Store) ResourcesSince(workshopIDs []uint64, since time.Time) ([]Resource, error) {
	if len(workshopIDs) == 0 {
		return nil, nil
	}
	var rs []Resource
	if err := s.q().Where("workshop_id IN ? AND created_at > ?", workshopIDs, since).Order("id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("new resources: %w", err)
	}
	return rs, nil
}
