package store

import "fmt"

// IsProgrammeLead reports whether person is the recorded programme lead of
// a cluster of the year (of any year when yearID is 0).
func (s *Store) IsProgrammeLead(personID, yearID uint64) (bool, error) {
	if personID == 0 {
		return false, nil
	}
	q := s.q().Model(&Cluster{}).Where("programme_lead_person_id = ?", personID)
	if yearID != 0 {
		q = q.Where("year_id = ?", yearID)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return false, fmt.Errorf("clusters with programme lead %d: %w", personID, err)
	}
	return n > 0, nil
}
