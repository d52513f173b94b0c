package store

import (
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// Feedback roles.
const (
	FromHost = "host"
	FromLead = "lead"
	FromTeam = "team"
)

// FeedbackInput is the feedback form.
type FeedbackInput struct {
	Overall, CPD, Comment string
}

// AddFeedback records one person's feedback on a review, once: the host's
// leader or a member of its team (role), after the review's last day.
func (s *Store) AddFeedback(reviewID, personID uint64, role string, reviewerID uint64, in FeedbackInput, today string, at time.Time) (*Feedback, error) {
	rv, err := s.Review(reviewID)
	if err != nil {
		return nil, err
	}
	var errs Errors
	f := Feedback{TenantID: s.tenant, ReviewID: reviewID, PersonID: personID, Role: role, ReviewerID: reviewerID,
		Overall: number(&errs, "overall", in.Overall, 1, rules.OverallMax), CPD: number(&errs, "cpd", in.CPD, 1, rules.CPDMax),
		Comment: text(&errs, "comment", in.Comment, 2000, false), CreatedAt: at}
	if len(errs) > 0 {
		return nil, errs
	}
	if rv.Ends() > today {
		return nil, conflict("feedback opens after the review's last day")
	}
	if err := s.create(&f, "your feedback on this review"); err != nil {
		return nil, err
	}
	return &f, nil
}

// FeedbackOf returns the feedback on these reviews.
func (s *Store) FeedbackOf(reviewIDs []uint64) ([]Feedback, error) {
	var out []Feedback
	for start := 0; start < len(reviewIDs); start += 1000 {
		var part []Feedback
		if err := s.q().Where("review_id IN ?", reviewIDs[start:min(len(reviewIDs), start+1000)]).Order("id").Find(&part).Error; err != nil {
			return nil, fmt.Errorf("feedback: %w", err)
		}
		out = append(out, part...)
	}
	return out, nil
}

// FeedbackOfYear returns the feedback on a year's reviews.
func (s *Store) FeedbackOfYear(yearID uint64) ([]Feedback, error) {
	var out []Feedback
	if err := s.q().Where("review_id IN (?)", s.q().Model(&Review{}).Select("id").Where("year_id = ?", yearID)).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("feedback of year %d: %w", yearID, err)
	}
	return out, nil
}

// GivenBy returns the reviews a person has given feedback on.
func (s *Store) GivenBy(personID uint64) (map[uint64]bool, error) {
	var ids []uint64
	if err := s.q().Model(&Feedback{}).Where("person_id = ?", personID).Pluck("review_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("feedback of person %d: %w", personID, err)
	}
	out := map[uint64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
