package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// AddSchool records a school's interest in a trial, at a centre, with its
// code (S001 … in the order recruited).
func (s *Store) AddSchool(trialID, schoolID, centreID uint64, phase, interestOn string, now time.Time) (TrialSchool, error) {
	if _, err := rules.ParseDate(interestOn); err != nil {
		return TrialSchool{}, invalid("interest_on", "%s", err.Error())
	}
	var c Centre
	if err := s.first(&c, centreID, "centre"); err != nil || c.TrialID != trialID {
		return TrialSchool{}, invalid("centre", "choose one of the trial's delivery centres")
	}
	var n int64
	if err := s.q().Model(&TrialSchool{}).Where("trial_id = ?", trialID).Count(&n).Error; err != nil {
		return TrialSchool{}, fmt.Errorf("count schools: %w", err)
	}
	ts := TrialSchool{TenantID: s.tenant, TrialID: trialID, SchoolID: schoolID, CentreID: centreID, Code: fmt.Sprintf("S%03d", n+1),
		Phase: phase, InterestOn: strings.TrimSpace(interestOn), CreatedAt: now}
	return ts, s.create(&ts, "the school in this trial")
}

// TrialSchools lists a trial's schools in the order recruited.
func (s *Store) TrialSchools(trialID uint64) ([]TrialSchool, error) {
	var ts []TrialSchool
	if err := s.q().Where("trial_id = ?", trialID).Order("id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("list trial schools: %w", err)
	}
	return ts, nil
}

// TrialSchool loads a school's place in a trial by the school's unit id.
func (s *Store) TrialSchool(trialID, schoolID uint64) (TrialSchool, error) {
	var ts []TrialSchool
	if err := s.q().Where("trial_id = ? AND school_id = ?", trialID, schoolID).Limit(1).Find(&ts).Error; err != nil {
		return TrialSchool{}, fmt.Errorf("school %d in trial %d: %w", schoolID, trialID, err)
	}
	if len(ts) == 0 {
		return TrialSchool{}, fmt.Errorf("school %d in trial %d: %w", schoolID, trialID, ErrNotFound)
	}
	return ts[0], nil
}

// SchoolsOfTrials lists the trial schools of a school in every trial (to
// tell whether it takes part in another).
func (s *Store) SchoolsOfTrials(schoolID uint64) ([]TrialSchool, error) {
	var ts []TrialSchool
	if err := s.q().Where("school_id = ?", schoolID).Order("id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("trials of school %d: %w", schoolID, err)
	}
	return ts, nil
}

// update writes fields of a trial school and returns it before and after.
func (s *Store) update(id uint64, fields map[string]any, apply func(*TrialSchool)) (before, after TrialSchool, err error) {
	if err = s.first(&before, id, "trial school"); err != nil {
		return
	}
	after = before
	apply(&after)
	if err = s.q().Model(&TrialSchool{}).Where("id = ?", id).Updates(fields).Error; err != nil {
		err = fmt.Errorf("update trial school %d: %w", id, err)
	}
	return
}

// CheckEligibility records the facts of the eligibility check and its
// outcome under the criteria. A school already randomised is not checked
// again.
func (s *Store) CheckEligibility(id uint64, c rules.Criteria, f rules.SchoolFacts, on string) (before, after TrialSchool, err error) {
	if err = s.first(&before, id, "trial school"); err != nil {
		return
	}
	if before.WaveID != nil {
		return before, after, conflict("the school is in a frozen list: its eligibility was settled before")
	}
	var errs []error
	for _, p := range []struct {
		field string
		v     *float64
	}{{"eal_percent", f.EALPercent}, {"fsm_percent", f.FSMPercent}} {
		if p.v == nil {
			errs = append(errs, invalid(p.field, "enter the share as a percentage from 0 to 100"))
		} else if err := rules.CheckPercent(*p.v); err != nil {
			errs = append(errs, invalid(p.field, "%s", err.Error()))
		}
	}
	if err := joinErrs(errs); err != nil {
		return before, after, err
	}
	f.Phase = before.Phase
	why := c.Check(f)
	eligible := len(why) == 0
	reasons := strings.Join(why, "\n")
	return s.update(id, map[string]any{"eligible": eligible, "ineligible_reasons": reasons, "eal_percent": *f.EALPercent,
		"fsm_percent": *f.FSMPercent, "in_other_trial": f.InOtherTrial, "checked_on": on}, func(t *TrialSchool) {
		t.Eligible, t.IneligibleReasons, t.EALPercent, t.FSMPercent, t.InOtherTrial, t.CheckedOn = &eligible, reasons, f.EALPercent, f.FSMPercent, f.InOtherTrial, on
	})
}

// RecordAgreement records the signed agreement and the school's named
// lead; the school must be eligible.
func (s *Store) RecordAgreement(id uint64, signedOn string, leadPersonID uint64) (before, after TrialSchool, err error) {
	if err = s.first(&before, id, "trial school"); err != nil {
		return
	}
	var errs []error
	if before.Eligible == nil || !*before.Eligible {
		errs = append(errs, invalid("agreement_on", "check the school's eligibility first: only an eligible school signs the agreement"))
	}
	if _, perr := rules.ParseDate(signedOn); perr != nil {
		errs = append(errs, invalid("agreement_on", "%s", perr.Error()))
	}
	if leadPersonID == 0 {
		errs = append(errs, invalid("lead", "choose the school's named lead"))
	}
	if err = joinErrs(errs); err != nil {
		return
	}
	signedOn = strings.TrimSpace(signedOn)
	return s.update(id, map[string]any{"agreement_on": signedOn, "lead_person_id": leadPersonID}, func(t *TrialSchool) {
		t.AgreementOn, t.LeadPersonID = signedOn, leadPersonID
	})
}

// Withdraw records a school's withdrawal, its stage and reason (one of
// rules.WithdrawalReasons) and a note kept out of every export.
func (s *Store) Withdraw(id uint64, on, stage, reason, note string) (before, after TrialSchool, err error) {
	if err = s.first(&before, id, "trial school"); err != nil {
		return
	}
	if before.Withdrawn() {
		return before, after, conflict("the school withdrew on %s", before.WithdrawnOn)
	}
	var errs []error
	if _, perr := rules.ParseDate(on); perr != nil {
		errs = append(errs, invalid("withdrawn_on", "%s", perr.Error()))
	}
	if _, ok := rules.ParsePhase(stage); !ok {
		errs = append(errs, invalid("stage", "choose the stage of the trial it withdrew at"))
	}
	if !slices.Contains(rules.WithdrawalReasons, reason) {
		errs = append(errs, invalid("reason", "choose a reason from the list"))
	}
	if note, err = text("note", note, 500, false); err != nil {
		errs = append(errs, err)
	}
	if err = joinErrs(errs); err != nil {
		return
	}
	on = strings.TrimSpace(on)
	return s.update(id, map[string]any{"withdrawn_on": on, "withdrawn_stage": stage, "withdrawn_reason": reason, "withdrawn_note": note},
		func(t *TrialSchool) {
			t.WithdrawnOn, t.WithdrawnStage, t.WithdrawnReason, t.WithdrawnNote = on, stage, reason, note
		})
}

// OfferWaitlist records that a control school was offered the course
// after the trial.
func (s *Store) OfferWaitlist(id uint64, on string) (before, after TrialSchool, err error) {
	if err = s.first(&before, id, "trial school"); err != nil {
		return
	}
	if before.Arm != ArmControl {
		return before, after, conflict("only a school allocated to control is offered the course after the trial")
	}
	if _, perr := rules.ParseDate(on); perr != nil {
		return before, after, invalid("offered_on", "%s", perr.Error())
	}
	on = strings.TrimSpace(on)
	return s.update(id, map[string]any{"waitlist_offered_on": on}, func(t *TrialSchool) { t.WaitlistOfferedOn = on })
}

// AddDelegate names a teacher of a trial school as a delegate.
func (s *Store) AddDelegate(trialSchoolID, personID uint64, subject string, now time.Time) (Delegate, error) {
	if personID == 0 {
		return Delegate{}, invalid("person", "choose the teacher")
	}
	if !slices.Contains(rules.Subjects, subject) {
		return Delegate{}, invalid("subject", "choose the subject they teach from the list")
	}
	d := Delegate{TenantID: s.tenant, TrialSchoolID: trialSchoolID, PersonID: personID, Subject: subject, CreatedAt: now}
	return d, s.create(&d, "this delegate")
}

// Delegates lists the delegates of the given trial schools.
func (s *Store) Delegates(trialSchoolIDs ...uint64) ([]Delegate, error) {
	var ds []Delegate
	if err := s.q().Where("trial_school_id IN ?", ids(trialSchoolIDs)).Order("id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("list delegates: %w", err)
	}
	return ds, nil
}

// DelegatesOf lists the delegate records of a person.
func (s *Store) DelegatesOf(personID uint64) ([]Delegate, error) {
	var ds []Delegate
	if err := s.q().Where("person_id = ?", personID).Order("id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("delegate records: %w", err)
	}
	return ds, nil
}

// Delegate loads a delegate.
func (s *Store) Delegate(id uint64) (Delegate, error) {
	var d Delegate
	return d, s.first(&d, id, "delegate")
}

// TrialSchoolByID loads a trial school by its own id.
func (s *Store) TrialSchoolByID(id uint64) (TrialSchool, error) {
	var ts TrialSchool
	return ts, s.first(&ts, id, "trial school")
}
