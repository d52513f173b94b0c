package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Seat kinds.
const (
	LeadSeat = "lead"
	TeamSeat = "team"
)

func (s *Store) activeSeats(reviewID uint64) (int, error) {
	var n int64
	if err := s.q().Model(&Seat{}).Where("review_id = ? AND withdrawn = ?", reviewID, false).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("seats of review %d: %w", reviewID, err)
	}
	return int(n), nil
}

// SeatsOf returns the seats (withdrawn included) of these reviews, lead first.
func (s *Store) SeatsOf(reviewIDs []uint64) ([]Seat, error) {
	var out []Seat
	for start := 0; start < len(reviewIDs); start += 1000 {
		var part []Seat
		if err := s.q().Where("review_id IN ?", reviewIDs[start:min(len(reviewIDs), start+1000)]).Order("review_id, seat, id").Find(&part).Error; err != nil {
			return nil, fmt.Errorf("seats: %w", err)
		}
		out = append(out, part...)
	}
	return out, nil
}

// SeatsOfYear returns the active seats of a year's reviews.
func (s *Store) SeatsOfYear(yearID uint64) ([]Seat, error) {
	var out []Seat
	err := s.q().Where("withdrawn = ? AND review_id IN (?)", false, s.q().Model(&Review{}).Select("id").Where("year_id = ?", yearID)).
		Order("review_id, seat, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("seats of year %d: %w", yearID, err)
	}
	return out, nil
}

// SeatsOfReviewer returns a reviewer's seats in every year (withdrawn included).
func (s *Store) SeatsOfReviewer(reviewerID uint64) ([]Seat, error) {
	var out []Seat
	if err := s.q().Where("reviewer_id = ?", reviewerID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("seats of reviewer %d: %w", reviewerID, err)
	}
	return out, nil
}

// Seat returns the seat with id.
func (s *Store) Seat(id uint64) (*Seat, error) {
	var x Seat
	if err := s.first(&x, id, "seat"); err != nil {
		return nil, err
	}
	return &x, nil
}

// SeatOf returns the actor's active seat at a review (via the register
// entry of personID), or nil.
func (s *Store) SeatOf(reviewID, personID uint64) (*Seat, error) {
	if personID == 0 {
		return nil, nil
	}
	var x Seat
	err := s.q().Where("review_id = ? AND withdrawn = ? AND reviewer_id IN (?)", reviewID, false,
		s.q().Model(&Reviewer{}).Select("id").Where("person_id = ?", personID)).Take(&x).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("seat of person %d at review %d: %w", personID, reviewID, err)
	}
	return &x, nil
}

// Withdraw takes a reviewer off a review's team, saying why, and forbids
// the pair, so that the next run does not seat them there again. The
// report must not be submitted yet. It returns the seat before.
func (s *Store) Withdraw(seatID uint64, why string, by uint64, at time.Time) (*Seat, error) {
	x, err := s.Seat(seatID)
	if err != nil {
		return nil, err
	}
	var errs Errors
	why = text(&errs, "why", why, 500, true)
	if len(errs) > 0 {
		return nil, errs
	}
	if x.Withdrawn {
		return nil, conflict("the reviewer has withdrawn already")
	}
	if rep, err := s.ReportOf(x.ReviewID); err != nil {
		return nil, err
	} else if rep != nil && rep.State != "draft" {
		return nil, conflict("the report is %s: the team can no longer change", lower(rep.State))
	}
	b := *x
	if err := s.q().Model(&Seat{}).Where("id = ?", seatID).Updates(map[string]any{"withdrawn": true, "withdraw_why": why, "withdrawn_at": at}).Error; err != nil {
		return nil, fmt.Errorf("withdraw seat %d: %w", seatID, err)
	}
	if _, err := s.SetPin(x.ReviewID, x.ReviewerID, PinForbid, "", "withdrew: "+why, by, at); err != nil {
		return nil, err
	}
	return &b, nil
}

// TeamMember is an active seat of a review's team with its reviewer.
type TeamMember struct {
	Seat     Seat
	Reviewer Reviewer
}

// Teams returns each review's active team, the lead first, then by seat id.
func (s *Store) Teams(reviewIDs []uint64) (map[uint64][]TeamMember, error) {
	seats, err := s.SeatsOf(reviewIDs)
	if err != nil {
		return nil, err
	}
	var pids []uint64
	for _, x := range seats {
		pids = append(pids, x.ReviewerID)
	}
	who, err := s.ReviewersByID(pids)
	if err != nil {
		return nil, err
	}
	out := map[uint64][]TeamMember{}
	for _, x := range seats { // ordered by review, seat kind ("lead" < "team"), id
		if !x.Withdrawn {
			out[x.ReviewID] = append(out[x.ReviewID], TeamMember{Seat: x, Reviewer: who[x.ReviewerID]})
		}
	}
	return out, nil
}
