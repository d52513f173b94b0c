package store

import "fmt"

// Years returns the tenant's membership years, newest first.
func (s *Store) Years() ([]Year, error) {
	var ys []Year
	if err := s.q().Order("starts_on DESC").Find(&ys).Error; err != nil {
		return nil, fmt.Errorf("list years: %w", err)
	}
	return ys, nil
}
