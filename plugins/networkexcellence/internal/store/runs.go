package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Pin kinds.
const (
	PinSeat   = "pin"    // the reviewer takes this seat of the review, whatever it costs
	PinForbid = "forbid" // the reviewer never sits at the review
)

// Run states.
const (
	RunProposal   = "proposal"   // solved, not yet published
	RunPublished  = "published"  // its seats are the teams
	RunSuperseded = "superseded" // a later run was made before this one was published
)

// PinsOf returns the pins and forbidden pairs on a year's reviews.
func (s *Store) PinsOf(yearID uint64) ([]Pin, error) {
	var ps []Pin
	if err := s.q().Where("review_id IN (?)", s.q().Model(&Review{}).Select("id").Where("year_id = ?", yearID)).Order("id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("pins of year %d: %w", yearID, err)
	}
	return ps, nil
}

// Pin returns the pin with id.
func (s *Store) Pin(id uint64) (*Pin, error) {
	var p Pin
	if err := s.first(&p, id, "pin"); err != nil {
		return nil, err
	}
	return &p, nil
}

// SetPin pins a reviewer to a seat of a review (kind PinSeat, seat lead or
// team) or forbids the pair (PinForbid, with why), replacing any earlier
// decision on the pair. It returns the pin after.
func (s *Store) SetPin(reviewID, reviewerID uint64, kind, seat, why string, by uint64, at time.Time) (*Pin, error) {
	var errs Errors
	kind = oneOf(&errs, "kind", kind, PinSeat, PinForbid)
	if kind == PinSeat {
		seat = oneOf(&errs, "seat", seat, LeadSeat, TeamSeat)
	} else {
		seat = ""
	}
	why = text(&errs, "why", why, 500, kind == PinForbid)
	rv, err := s.Review(reviewID)
	if err != nil {
		errs.Add("review", "Choose a review of the year")
	}
	r, err := s.Reviewer(reviewerID)
	if err != nil {
		errs.Add("reviewer", "Choose a reviewer on the register")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	switch {
	case rv.Cancelled:
		return nil, conflict("the review is cancelled")
	case kind == PinSeat && seat == LeadSeat && !r.Lead:
		return nil, Invalid("seat", "Only a Lead Reviewer takes a lead seat: pin %s to a team seat", r.Name)
	case kind == PinSeat && r.SchoolID != 0 && r.SchoolID == rv.SchoolID:
		return nil, Invalid("reviewer", "A reviewer never reviews their own school")
	}
	if err := s.q().Where("review_id = ? AND reviewer_id = ?", reviewID, reviewerID).Delete(&Pin{}).Error; err != nil {
		return nil, fmt.Errorf("replace pin: %w", err)
	}
	p := Pin{TenantID: s.tenant, ReviewID: reviewID, ReviewerID: reviewerID, Kind: kind, Seat: seat, Why: why, CreatedBy: by, CreatedAt: at}
	if err := s.create(&p, "the decision on this pair"); err != nil {
		return nil, err
	}
	return &p, nil
}

// DeletePin removes a pin or forbidden pair.
func (s *Store) DeletePin(id uint64) (*Pin, error) {
	p, err := s.Pin(id)
	if err != nil {
		return nil, err
	}
	if err := s.q().Where("id = ?", id).Delete(&Pin{}).Error; err != nil {
		return nil, fmt.Errorf("delete pin %d: %w", id, err)
	}
	return p, nil
}

// SaveRun records a solved run with its seats and unfilled seats, as a
// proposal; earlier proposals of the year are superseded.
func (s *Store) SaveRun(run *Run, seats []RunSeat, unfilled []RunUnfilled) error {
	if err := s.q().Model(&Run{}).Where("year_id = ? AND state = ?", run.YearID, RunProposal).Update("state", RunSuperseded).Error; err != nil {
		return fmt.Errorf("supersede proposals: %w", err)
	}
	run.TenantID, run.State = s.tenant, RunProposal
	if err := s.create(run, "the run"); err != nil {
		return err
	}
	for i := range seats {
		seats[i].TenantID, seats[i].RunID = s.tenant, run.ID
	}
	for i := range unfilled {
		unfilled[i].TenantID, unfilled[i].RunID = s.tenant, run.ID
	}
	if len(seats) > 0 {
		if err := s.db.CreateInBatches(&seats, 500).Error; err != nil {
			return fmt.Errorf("save the run's seats: %w", err)
		}
	}
	if len(unfilled) > 0 {
		if err := s.db.CreateInBatches(&unfilled, 500).Error; err != nil {
			return fmt.Errorf("save the run's unfilled seats: %w", err)
		}
	}
	return nil
}

// Runs returns a year's runs, newest first.
func (s *Store) Runs(yearID uint64) ([]Run, error) {
	var rs []Run
	if err := s.q().Where("year_id = ?", yearID).Order("id DESC").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("runs of year %d: %w", yearID, err)
	}
	return rs, nil
}

// Run returns the run with id.
func (s *Store) Run(id uint64) (*Run, error) {
	var r Run
	if err := s.first(&r, id, "run"); err != nil {
		return nil, err
	}
	return &r, nil
}

// RunSeats returns a run's proposed seats.
func (s *Store) RunSeats(runID uint64) ([]RunSeat, error) {
	var out []RunSeat
	if err := s.q().Where("run_id = ?", runID).Order("review_id, seat, reviewer_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("seats of run %d: %w", runID, err)
	}
	return out, nil
}

// RunUnfilledOf returns a run's unfilled seats.
func (s *Store) RunUnfilledOf(runID uint64) ([]RunUnfilled, error) {
	var out []RunUnfilled
	if err := s.q().Where("run_id = ?", runID).Order("review_id, seat").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("unfilled seats of run %d: %w", runID, err)
	}
	return out, nil
}

// Published is what publishing a run changed.
type Published struct {
	Run            *Run
	Added, Removed []Seat
}

// PublishRun makes a proposal's seats the teams of the reviews it covers
// (those with a seat or an unfilled seat in it): seats it keeps stay as
// they are, seats it drops are deleted (the run keeps the record), seats it
// adds are made. A proposal is published only while the seats are as it
// found them: no later run, and no seat withdrawn since it was made.
func (s *Store) PublishRun(runID, by uint64, at time.Time) (*Published, error) {
	run, err := s.Run(runID)
	if err != nil {
		return nil, err
	}
	if run.State != RunProposal {
		return nil, conflict("the run is %s: only the latest proposal can be published; run the allocation again", run.State)
	}
	var later Seat
	err = s.q().Where("withdrawn_at > ? AND review_id IN (?)", run.CreatedAt, s.q().Model(&Review{}).Select("id").Where("year_id = ?", run.YearID)).Take(&later).Error
	if err == nil {
		return nil, conflict("a reviewer withdrew after this run was made: run the allocation again so that it sees the withdrawal")
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("withdrawals since run %d: %w", runID, err)
	}
	proposed, err := s.RunSeats(runID)
	if err != nil {
		return nil, err
	}
	unfilled, err := s.RunUnfilledOf(runID)
	if err != nil {
		return nil, err
	}
	covered := map[uint64]bool{}
	for _, x := range proposed {
		covered[x.ReviewID] = true
	}
	for _, u := range unfilled {
		covered[u.ReviewID] = true
	}
	ids := make([]uint64, 0, len(covered))
	for id := range covered {
		ids = append(ids, id)
	}
	current, err := s.SeatsOf(ids)
	if err != nil {
		return nil, err
	}
	type key struct {
		review, reviewer uint64
		seat             string
	}
	want := map[key]bool{}
	for _, x := range proposed {
		want[key{x.ReviewID, x.ReviewerID, x.Seat}] = true
	}
	out := &Published{Run: run}
	have := map[key]bool{}
	for _, x := range current {
		if x.Withdrawn {
			continue
		}
		k := key{x.ReviewID, x.ReviewerID, x.Seat}
		if want[k] {
			have[k] = true
			continue
		}
		out.Removed = append(out.Removed, x)
		if err := s.q().Where("id = ?", x.ID).Delete(&Seat{}).Error; err != nil {
			return nil, fmt.Errorf("drop seat %d: %w", x.ID, err)
		}
	}
	for _, x := range proposed {
		if have[key{x.ReviewID, x.ReviewerID, x.Seat}] {
			continue
		}
		out.Added = append(out.Added, Seat{TenantID: s.tenant, ReviewID: x.ReviewID, ReviewerID: x.ReviewerID, Seat: x.Seat, RunID: run.ID, CreatedAt: at})
	}
	if len(out.Added) > 0 {
		if err := s.db.CreateInBatches(&out.Added, 500).Error; err != nil {
			return nil, fmt.Errorf("add the run's seats: %w", err)
		}
	}
	if err := s.q().Model(&Run{}).Where("id = ?", run.ID).Updates(map[string]any{"state": RunPublished, "published_at": at, "published_by": by}).Error; err != nil {
		return nil, fmt.Errorf("publish run %d: %w", run.ID, err)
	}
	run.State, run.PublishedAt, run.PublishedBy = RunPublished, &at, by
	return out, nil
}
