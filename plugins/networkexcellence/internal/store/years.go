package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// Years returns the tenant's membership years, newest first.
func (s *Store) Years() ([]Year, error) {
	var ys []Year
	if err := s.q().Order("starts_on DESC").Find(&ys).Error; err != nil {
		return nil, fmt.Errorf("list years: %w", err)
	}
	return ys, nil
}

// Year returns the year with id.
func (s *Store) Year(id uint64) (*Year, error) {
	var y Year
	if err := s.first(&y, id, "year"); err != nil {
		return nil, err
	}
	return &y, nil
}

// YearByLabel returns the year labelled label ("2025-26"), or ErrNotFound.
func (s *Store) YearByLabel(label string) (*Year, error) {
	var y Year
	err := s.q().Where("label = ?", label).Take(&y).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("year %s: %w", label, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load year %s: %w", label, err)
	}
	return &y, nil
}

// CurrentYear is the year whose school weeks have begun by today, the
// latest such; before any has begun, the earliest year; nil with none.
func (s *Store) CurrentYear(today time.Time) (*Year, error) {
	var y Year
	err := s.q().Where("starts_on <= ?", today.Format(time.DateOnly)).Order("starts_on DESC").Take(&y).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = s.q().Order("starts_on").Take(&y).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load the current year: %w", err)
	}
	return &y, nil
}

// CreateYear adds the membership year labelled label ("2025-26") with its
// 38 school weeks (rules.SchoolWeeks, in loc).
func (s *Store) CreateYear(label string, loc *time.Location, at time.Time) (*Year, error) {
	start, err := rules.ParseYearLabel(label)
	if err != nil {
		return nil, Invalid("label", "%s", upper(err.Error()))
	}
	weeks := rules.SchoolWeeks(start, loc)
	y := Year{TenantID: s.tenant, Label: rules.YearLabel(start), StartsOn: weeks[0].Monday.Format(time.DateOnly),
		EndsOn: fmt.Sprintf("%d-08-31", start+1), CreatedAt: at}
	if err := s.create(&y, "the year "+y.Label); err != nil {
		return nil, err
	}
	rows := make([]SchoolWeek, len(weeks))
	for i, w := range weeks {
		rows[i] = SchoolWeek{TenantID: s.tenant, YearID: y.ID, Week: w.Number, StartsOn: w.Monday.Format(time.DateOnly), Term: w.Term}
	}
	if err := s.db.Create(&rows).Error; err != nil {
		return nil, fmt.Errorf("create the weeks of %s: %w", y.Label, err)
	}
	return &y, nil
}

// Weeks returns a year's school weeks in order.
func (s *Store) Weeks(yearID uint64) ([]SchoolWeek, error) {
	var ws []SchoolWeek
	if err := s.q().Where("year_id = ?", yearID).Order("week").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("weeks of year %d: %w", yearID, err)
	}
	return ws, nil
}

// PreviousYear is the year before y, or nil.
func (s *Store) PreviousYear(y *Year) (*Year, error) {
	var p Year
	err := s.q().Where("starts_on < ?", y.StartsOn).Order("starts_on DESC").Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the year before %s: %w", y.Label, err)
	}
	return &p, nil
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]&^0x20) + s[1:]
}
