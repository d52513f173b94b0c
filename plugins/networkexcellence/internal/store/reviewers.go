package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Training kinds: the reviewer training every reviewer needs before a first
// review, the Lead Reviewer training, and the Advanced Reviewers' coaching
// training.
const (
	TrainReviewer = "reviewer"
	TrainLead     = "lead"
	TrainAdvanced = "advanced"
)

// TrainingKindLabel names a training kind.
func TrainingKindLabel(k string) string {
	switch k {
	case TrainReviewer:
		return "Reviewer training"
	case TrainLead:
		return "Lead Reviewer training"
	case TrainAdvanced:
		return "Advanced Reviewer coaching training"
	}
	return k
}

// Reviewers returns the register by name.
func (s *Store) Reviewers() ([]Reviewer, error) {
	var rs []Reviewer
	if err := s.q().Order("name, id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("reviewers: %w", err)
	}
	return rs, nil
}

// ReviewersByID returns the reviewers with these ids, by id.
func (s *Store) ReviewersByID(ids []uint64) (map[uint64]Reviewer, error) {
	out := map[uint64]Reviewer{}
	if len(ids) == 0 {
		return out, nil
	}
	var rs []Reviewer
	for start := 0; start < len(ids); start += 1000 {
		var part []Reviewer
		if err := s.q().Where("id IN ?", ids[start:min(len(ids), start+1000)]).Find(&part).Error; err != nil {
			return nil, fmt.Errorf("reviewers: %w", err)
		}
		rs = append(rs, part...)
	}
	for _, r := range rs {
		out[r.ID] = r
	}
	return out, nil
}

// Reviewer returns the register entry with id.
func (s *Store) Reviewer(id uint64) (*Reviewer, error) {
	var r Reviewer
	if err := s.first(&r, id, "reviewer"); err != nil {
		return nil, err
	}
	return &r, nil
}

// ReviewerByPerson returns the register entry of the core person, or nil.
func (s *Store) ReviewerByPerson(personID uint64) (*Reviewer, error) {
	if personID == 0 {
		return nil, nil
	}
	var r Reviewer
	err := s.q().Where("person_id = ?", personID).Order("id").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reviewer of person %d: %w", personID, err)
	}
	return &r, nil
}

// ReviewerInput is the register's form.
type ReviewerInput struct {
	PersonID                                  uint64
	Name                                      string
	SchoolID                                  uint64
	Lead, OfstedExperienced, Advanced, Active string // checkboxes
	AccreditedOn, MaxReviews                  string
}

// checkReviewer reads the form; advancedTrained says whether the reviewer
// attended the Advanced Reviewers' training.
func (s *Store) checkReviewer(in ReviewerInput, advancedTrained bool) (Reviewer, error) {
	var errs Errors
	r := Reviewer{PersonID: in.PersonID, Name: text(&errs, "name", in.Name, 200, true), SchoolID: in.SchoolID,
		Lead: checked(in.Lead), OfstedExperienced: checked(in.OfstedExperienced), Advanced: checked(in.Advanced),
		Active: checked(in.Active), AccreditedOn: date(&errs, "accredited_on", in.AccreditedOn, false),
		MaxReviews: number(&errs, "max_reviews", in.MaxReviews, 0, 38)}
	if r.Lead && !r.OfstedExperienced {
		errs.Add("lead", "A Lead Reviewer is Ofsted-experienced: tick that too, or leave Lead Reviewer unticked")
	}
	if r.Advanced && !advancedTrained {
		errs.Add("advanced", "An Advanced Reviewer has attended the coaching training first: record the attendance, then tick this")
	}
	return r, errs.OrNil()
}

// CreateReviewer adds a person to the register. A person with an account is
// on it once.
func (s *Store) CreateReviewer(in ReviewerInput, at time.Time) (*Reviewer, error) {
	r, err := s.checkReviewer(in, false)
	if err != nil {
		return nil, err
	}
	if r.PersonID != 0 {
		if old, err := s.ReviewerByPerson(r.PersonID); err != nil {
			return nil, err
		} else if old != nil {
			return nil, conflict("%s is on the register already", old.Name)
		}
	}
	r.TenantID, r.CreatedAt, r.UpdatedAt = s.tenant, at, at
	if err := s.create(&r, "the reviewer"); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateReviewer changes a register entry; it returns it before and after.
func (s *Store) UpdateReviewer(id uint64, in ReviewerInput, at time.Time) (before, after *Reviewer, err error) {
	old, err := s.Reviewer(id)
	if err != nil {
		return nil, nil, err
	}
	adv, err := s.attendedKinds(id)
	if err != nil {
		return nil, nil, err
	}
	in.PersonID = old.PersonID
	r, err := s.checkReviewer(in, adv[TrainAdvanced])
	if err != nil {
		return nil, nil, err
	}
	r.ID, r.TenantID, r.CreatedAt, r.UpdatedAt = old.ID, s.tenant, old.CreatedAt, at
	if err := s.q().Model(&Reviewer{}).Where("id = ?", id).Updates(map[string]any{"name": r.Name, "school_id": r.SchoolID,
		"lead": r.Lead, "ofsted_experienced": r.OfstedExperienced, "advanced": r.Advanced, "accredited_on": r.AccreditedOn,
		"max_reviews": r.MaxReviews, "active": r.Active, "updated_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("update reviewer %d: %w", id, err)
	}
	return old, &r, nil
}

// Trainings returns the sessions, latest first.
func (s *Store) Trainings() ([]Training, error) {
	var ts []Training
	if err := s.q().Order("held_on DESC, id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("trainings: %w", err)
	}
	return ts, nil
}

// Training returns the session with id.
func (s *Store) Training(id uint64) (*Training, error) {
	var t Training
	if err := s.first(&t, id, "training"); err != nil {
		return nil, err
	}
	return &t, nil
}

// TrainingInput is the form of a session.
type TrainingInput struct{ HeldOn, Kind, Venue, Capacity string }

// CreateTraining adds a session.
func (s *Store) CreateTraining(in TrainingInput, at time.Time) (*Training, error) {
	var errs Errors
	t := Training{TenantID: s.tenant, HeldOn: date(&errs, "held_on", in.HeldOn, true), Kind: oneOf(&errs, "kind", in.Kind, TrainReviewer, TrainLead, TrainAdvanced),
		Venue: text(&errs, "venue", in.Venue, 200, false), Capacity: number(&errs, "capacity", in.Capacity, 1, 200), CreatedAt: at}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.create(&t, "the session"); err != nil {
		return nil, err
	}
	return &t, nil
}

// Attendees returns a session's bookings.
func (s *Store) Attendees(trainingID uint64) ([]Attendance, error) {
	var as []Attendance
	if err := s.q().Where("training_id = ?", trainingID).Order("id").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("attendees of %d: %w", trainingID, err)
	}
	return as, nil
}

// AttendanceOf returns a reviewer's bookings.
func (s *Store) AttendanceOf(reviewerID uint64) ([]Attendance, error) {
	var as []Attendance
	if err := s.q().Where("reviewer_id = ?", reviewerID).Order("id").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("attendance of %d: %w", reviewerID, err)
	}
	return as, nil
}

// Book puts a reviewer on a session, within its capacity.
func (s *Store) Book(trainingID, reviewerID uint64) (*Attendance, error) {
	t, err := s.Training(trainingID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Reviewer(reviewerID); err != nil {
		return nil, Invalid("reviewer", "Choose a reviewer on the register")
	}
	var n int64
	if err := s.q().Model(&Attendance{}).Where("training_id = ?", trainingID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("count bookings: %w", err)
	}
	if int(n) >= t.Capacity {
		return nil, conflict("the session is full (%d places): add another session", t.Capacity)
	}
	a := Attendance{TenantID: s.tenant, TrainingID: trainingID, ReviewerID: reviewerID}
	if err := s.create(&a, "the booking of this reviewer"); err != nil {
		return nil, err
	}
	return &a, nil
}

// SetAttended records who attended a session: every booking in attended
// did, the others did not. It returns the bookings after.
func (s *Store) SetAttended(trainingID uint64, attended map[uint64]bool) ([]Attendance, error) {
	as, err := s.Attendees(trainingID)
	if err != nil {
		return nil, err
	}
	for i, a := range as {
		if a.Attended != attended[a.ReviewerID] {
			as[i].Attended = attended[a.ReviewerID]
			if err := s.q().Model(&Attendance{}).Where("id = ?", a.ID).Update("attended", as[i].Attended).Error; err != nil {
				return nil, fmt.Errorf("attendance %d: %w", a.ID, err)
			}
		}
	}
	return as, nil
}

// attendedKinds says which kinds of training a reviewer attended.
func (s *Store) attendedKinds(reviewerID uint64) (map[string]bool, error) {
	var kinds []string
	err := s.q().Model(&Training{}).Where("id IN (?)", s.q().Model(&Attendance{}).Select("training_id").
		Where("reviewer_id = ? AND attended = ?", reviewerID, true)).Distinct().Pluck("kind", &kinds).Error
	if err != nil {
		return nil, fmt.Errorf("trainings of reviewer %d: %w", reviewerID, err)
	}
	out := map[string]bool{}
	for _, k := range kinds {
		out[k] = true
	}
	return out, nil
}

// Trained returns the reviewers who attended a reviewer or Lead Reviewer
// training session on or before the date: trained before a first review.
func (s *Store) Trained(onOrBefore string) (map[uint64]bool, error) {
	var attended []Attendance
	if err := s.q().Where("attended = ?", true).Find(&attended).Error; err != nil {
		return nil, fmt.Errorf("attendance: %w", err)
	}
	var ts []Training
	if err := s.q().Where("kind IN ? AND held_on <= ?", []string{TrainReviewer, TrainLead}, onOrBefore).Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("trainings: %w", err)
	}
	ok := map[uint64]bool{}
	for _, t := range ts {
		ok[t.ID] = true
	}
	out := map[uint64]bool{}
	for _, a := range attended {
		if ok[a.TrainingID] {
			out[a.ReviewerID] = true
		}
	}
	return out, nil
}

// Unavailable returns a year's unavailable weeks by reviewer.
func (s *Store) Unavailable(yearID uint64) (map[uint64][]int, error) {
	var us []UnavailableWeek
	if err := s.q().Where("year_id = ?", yearID).Order("reviewer_id, week").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("unavailable weeks: %w", err)
	}
	out := map[uint64][]int{}
	for _, u := range us {
		out[u.ReviewerID] = append(out[u.ReviewerID], u.Week)
	}
	return out, nil
}

// SetUnavailable replaces a reviewer's unavailable weeks in a year; weeks
// outside 1..38 are refused. It returns the weeks before.
func (s *Store) SetUnavailable(yearID, reviewerID uint64, weeks []int) ([]int, error) {
	for _, w := range weeks {
		if w < 1 || w > 38 {
			return nil, Invalid("weeks", "Choose weeks of the school year")
		}
	}
	before, err := s.Unavailable(yearID)
	if err != nil {
		return nil, err
	}
	if err := s.q().Where("year_id = ? AND reviewer_id = ?", yearID, reviewerID).Delete(&UnavailableWeek{}).Error; err != nil {
		return nil, fmt.Errorf("clear unavailable weeks: %w", err)
	}
	if len(weeks) > 0 {
		rows := make([]UnavailableWeek, len(weeks))
		for i, w := range weeks {
			rows[i] = UnavailableWeek{TenantID: s.tenant, YearID: yearID, ReviewerID: reviewerID, Week: w}
		}
		if err := s.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
			return nil, fmt.Errorf("save unavailable weeks: %w", err)
		}
	}
	return before[reviewerID], nil
}

// AttendanceCounts returns, for every session, how many are booked and how
// many attended (one query).
func (s *Store) AttendanceCounts() (booked, attended map[uint64]int, err error) {
	var as []Attendance
	if err := s.q().Select("training_id", "attended").Find(&as).Error; err != nil {
		return nil, nil, fmt.Errorf("attendance: %w", err)
	}
	booked, attended = map[uint64]int{}, map[uint64]int{}
	for _, a := range as {
		booked[a.TrainingID]++
		if a.Attended {
			attended[a.TrainingID]++
		}
	}
	return booked, attended, nil
}
