package store

import "fmt"

// Light reads for the year board: only the columns it counts with, so a
// year of the real network's size (1,700 seats, 1,500 feedback) loads fast.

// SeatsForBoard returns the active seats of a year's reviews: review,
// reviewer and seat kind only.
func (s *Store) SeatsForBoard(yearID uint64) ([]Seat, error) {
	var out []Seat
	err := s.q().Select("review_id", "reviewer_id", "seat").
		Where("withdrawn = ? AND review_id IN (?)", false, s.q().Model(&Review{}).Select("id").Where("year_id = ?", yearID)).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("seats of year %d: %w", yearID, err)
	}
	return out, nil
}

// ReportStatesOfYear returns the state of each report of a year's reviews, by review.
func (s *Store) ReportStatesOfYear(yearID uint64) (map[uint64]Report, error) {
	var rs []Report
	err := s.q().Select("review_id", "state").Where("review_id IN (?)", s.q().Model(&Review{}).Select("id").Where("year_id = ?", yearID)).Find(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("reports of year %d: %w", yearID, err)
	}
	out := make(map[uint64]Report, len(rs))
	for _, r := range rs {
		out[r.ReviewID] = r
	}
	return out, nil
}

// ScoresOfYear returns the feedback on a year's reviews: role and scores only.
func (s *Store) ScoresOfYear(yearID uint64) ([]Feedback, error) {
	var out []Feedback
	err := s.q().Select("role", "overall", "cpd").Where("review_id IN (?)", s.q().Model(&Review{}).Select("id").Where("year_id = ?", yearID)).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("feedback of year %d: %w", yearID, err)
	}
	return out, nil
}

// ReviewerSchools returns every reviewer's name and school, by id.
func (s *Store) ReviewerSchools() (map[uint64]Reviewer, error) {
	var rs []Reviewer
	if err := s.q().Select("id", "name", "school_id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("reviewers: %w", err)
	}
	out := make(map[uint64]Reviewer, len(rs))
	for _, r := range rs {
		out[r.ID] = r
	}
	return out, nil
}

// MemberNames returns a year's members' names by school, and how many there are.
func (s *Store) MemberNames(yearID uint64) (map[uint64]string, error) {
	var ms []Member
	if err := s.q().Select("school_id", "name").Where("year_id = ?", yearID).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("members of year %d: %w", yearID, err)
	}
	out := make(map[uint64]string, len(ms))
	for _, m := range ms {
		out[m.SchoolID] = m.Name
	}
	return out, nil
}
