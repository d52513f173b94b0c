package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// SetDays dates a centre's course days (rules.Days of them, in order);
// every date is required.
func (s *Store) SetDays(centreID uint64, dates []string) (before, after []CentreDay, err error) {
	if before, err = s.Days(centreID); err != nil {
		return
	}
	var errs []error
	var prev string
	for i := 0; i < rules.Days; i++ {
		d := ""
		if i < len(dates) {
			d = strings.TrimSpace(dates[i])
		}
		field := fmt.Sprintf("day%d", i+1)
		if _, perr := rules.ParseDate(d); perr != nil {
			errs = append(errs, invalid(field, "%s", perr.Error()))
			continue
		}
		if prev != "" && d <= prev {
			errs = append(errs, invalid(field, "comes after the day before it"))
		}
		prev = d
		after = append(after, CentreDay{TenantID: s.tenant, CentreID: centreID, Day: i + 1, HeldOn: d})
	}
	if err = joinErrs(errs); err != nil {
		return before, nil, err
	}
	for i := range after {
		if err = s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "centre_id"}, {Name: "day"}},
			DoUpdates: clause.AssignmentColumns([]string{"held_on"})}).Create(&after[i]).Error; err != nil {
			return before, nil, fmt.Errorf("date day %d: %w", i+1, err)
		}
	}
	return before, after, nil
}

// Days lists the dated days of the given centres.
func (s *Store) Days(centreIDs ...uint64) ([]CentreDay, error) {
	var ds []CentreDay
	if err := s.q().Where("centre_id IN ?", ids(centreIDs)).Order("centre_id, day").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("list course days: %w", err)
	}
	return ds, nil
}

// SetAttendance records who of the given delegates attended a day (the
// others did not).
func (s *Store) SetAttendance(day int, delegates []uint64, present map[uint64]bool) ([]Attendance, error) {
	if err := rules.CheckDay(day); err != nil {
		return nil, invalid("day", "%s", err.Error())
	}
	out := make([]Attendance, 0, len(delegates))
	for _, d := range delegates {
		a := Attendance{TenantID: s.tenant, DelegateID: d, Day: day, Present: present[d]}
		if err := s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "delegate_id"}, {Name: "day"}},
			DoUpdates: clause.AssignmentColumns([]string{"present"})}).Create(&a).Error; err != nil {
			return nil, fmt.Errorf("attendance of delegate %d: %w", d, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Attendances lists the attendance of the given delegates.
func (s *Store) Attendances(delegateIDs ...uint64) ([]Attendance, error) {
	var as []Attendance
	if err := s.q().Where("delegate_id IN ?", ids(delegateIDs)).Order("delegate_id, day").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("list attendance: %w", err)
	}
	return as, nil
}

// LogSession records (or corrects) a facilitator's log of a course day.
func (s *Store) LogSession(centreID uint64, day int, facilitatorID uint64, fidelity int, notes string, now time.Time) (Session, error) {
	var errs []error
	if err := rules.CheckDay(day); err != nil {
		errs = append(errs, invalid("day", "%s", err.Error()))
	}
	if err := rules.CheckRating(fidelity); err != nil {
		errs = append(errs, invalid("fidelity", "%s", err.Error()))
	}
	notes, err := text("notes", notes, 2000, false)
	if err != nil {
		errs = append(errs, err)
	}
	if err := joinErrs(errs); err != nil {
		return Session{}, err
	}
	v := Session{TenantID: s.tenant, CentreID: centreID, Day: day, FacilitatorID: facilitatorID, Fidelity: fidelity, Notes: notes, LoggedAt: now}
	if err := s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "centre_id"}, {Name: "day"}, {Name: "facilitator_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"fidelity", "notes", "logged_at"})}).Create(&v).Error; err != nil {
		return Session{}, fmt.Errorf("log session: %w", err)
	}
	return v, nil
}

// Sessions lists the session logs of the given centres.
func (s *Store) Sessions(centreIDs ...uint64) ([]Session, error) {
	var vs []Session
	if err := s.q().Where("centre_id IN ?", ids(centreIDs)).Order("centre_id, day, facilitator_id").Find(&vs).Error; err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return vs, nil
}

// SaveAssessment records a delegate's self-assessment before or after the
// course: one answer per rules.Items, in order. The answers before the
// course are given once; after the course, once the course is attended.
func (s *Store) SaveAssessment(delegateID uint64, kind rules.Assessment, answers []int, now time.Time) (SelfAssessment, error) {
	if kind != rules.Pre && kind != rules.Post {
		return SelfAssessment{}, invalid("kind", "before or after the course")
	}
	var errs []error
	for i, it := range rules.Items {
		if i >= len(answers) {
			errs = append(errs, invalid(it.Key, "choose an answer"))
			continue
		}
		if err := rules.CheckRating(answers[i]); err != nil {
			errs = append(errs, invalid(it.Key, "%s", err.Error()))
		}
	}
	if err := joinErrs(errs); err != nil {
		return SelfAssessment{}, err
	}
	a := SelfAssessment{TenantID: s.tenant, DelegateID: delegateID, Kind: string(kind), Language: answers[0], Demands: answers[1],
		Learners: answers[2], Confidence: answers[3], AnsweredAt: now}
	return a, s.create(&a, "this self-assessment")
}

// Assessments lists the self-assessments of the given delegates.
func (s *Store) Assessments(delegateIDs ...uint64) ([]SelfAssessment, error) {
	var as []SelfAssessment
	if err := s.q().Where("delegate_id IN ?", ids(delegateIDs)).Order("delegate_id, kind DESC").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("list self-assessments: %w", err)
	}
	return as, nil
}

// Answers are an assessment's answers in the order of rules.Items.
func (a SelfAssessment) Answers() []int {
	return []int{a.Language, a.Demands, a.Learners, a.Confidence}
}
