package store

import (
	"fmt"
	"time"
)

// Bulk writes for the demo's data (internal/demo), in batches and without
// the per-record checks of the forms: the caller builds valid records.

// InsertReviewers adds register entries, setting their ids.
func (s *Store) InsertReviewers(rs []Reviewer) error {
	for i := range rs {
		rs[i].TenantID = s.tenant
	}
	if len(rs) == 0 {
		return nil
	}
	if err := s.db.CreateInBatches(&rs, 300).Error; err != nil {
		return fmt.Errorf("insert reviewers: %w", err)
	}
	return nil
}

// InsertTrainings adds sessions with their attendance (each Attendance's
// TrainingID is the index of its session in ts, replaced by its id).
func (s *Store) InsertTrainings(ts []Training, as []Attendance) error {
	for i := range ts {
		ts[i].TenantID = s.tenant
	}
	if len(ts) > 0 {
		if err := s.db.CreateInBatches(&ts, 100).Error; err != nil {
			return fmt.Errorf("insert trainings: %w", err)
		}
	}
	for i := range as {
		as[i].TenantID, as[i].TrainingID = s.tenant, ts[as[i].TrainingID].ID
	}
	if len(as) > 0 {
		if err := s.db.CreateInBatches(&as, 500).Error; err != nil {
			return fmt.Errorf("insert attendance: %w", err)
		}
	}
	return nil
}

// InsertUnavailable adds unavailable weeks.
func (s *Store) InsertUnavailable(us []UnavailableWeek) error {
	for i := range us {
		us[i].TenantID = s.tenant
	}
	if len(us) == 0 {
		return nil
	}
	if err := s.db.CreateInBatches(&us, 500).Error; err != nil {
		return fmt.Errorf("insert unavailable weeks: %w", err)
	}
	return nil
}

// ReportWithItems is a report and its items, for InsertReports.
type ReportWithItems struct {
	Report   Report
	Items    []ReportItem
	Progress []EBIProgress
}

// InsertReports adds reports with their items and judgements.
func (s *Store) InsertReports(rs []ReportWithItems) error {
	if len(rs) == 0 {
		return nil
	}
	reps := make([]Report, len(rs))
	for i := range rs {
		reps[i] = rs[i].Report
		reps[i].TenantID = s.tenant
	}
	if err := s.db.CreateInBatches(&reps, 300).Error; err != nil {
		return fmt.Errorf("insert reports: %w", err)
	}
	var items []ReportItem
	var prog []EBIProgress
	for i := range rs {
		for _, it := range rs[i].Items {
			it.TenantID, it.ReportID = s.tenant, reps[i].ID
			items = append(items, it)
		}
		for _, p := range rs[i].Progress {
			p.TenantID, p.ReportID = s.tenant, reps[i].ID
			prog = append(prog, p)
		}
	}
	if len(items) > 0 {
		if err := s.db.CreateInBatches(&items, 500).Error; err != nil {
			return fmt.Errorf("insert report items: %w", err)
		}
	}
	if len(prog) > 0 {
		if err := s.db.CreateInBatches(&prog, 500).Error; err != nil {
			return fmt.Errorf("insert EBI progress: %w", err)
		}
	}
	return nil
}

// InsertFeedback adds feedback.
func (s *Store) InsertFeedback(fs []Feedback) error {
	for i := range fs {
		fs[i].TenantID = s.tenant
	}
	if len(fs) == 0 {
		return nil
	}
	if err := s.db.CreateInBatches(&fs, 500).Error; err != nil {
		return fmt.Errorf("insert feedback: %w", err)
	}
	return nil
}

// InsertNews adds news.
func (s *Store) InsertNews(ns []News) error {
	for i := range ns {
		ns[i].TenantID = s.tenant
	}
	if len(ns) == 0 {
		return nil
	}
	if err := s.db.Create(&ns).Error; err != nil {
		return fmt.Errorf("insert news: %w", err)
	}
	return nil
}

// SetReviewDate moves a review (of the demo) to a week and day, keeping
// its length.
func (s *Store) SetReviewDate(id uint64, week int, startsOn string, at time.Time) error {
	if err := s.q().Model(&Review{}).Where("id = ?", id).Updates(map[string]any{"week": week, "starts_on": startsOn, "updated_at": at}).Error; err != nil {
		return fmt.Errorf("move review %d: %w", id, err)
	}
	return nil
}
