package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// TrialInput is a trial's name, registration and schedule as a form gives
// them.
type TrialInput struct {
	Name, RegistrationID string
	Schedule             rules.Schedule
}

// check validates the input, reporting every problem at once.
func (in *TrialInput) check() error {
	var errs []error
	var err error
	if in.Name, err = text("name", in.Name, 120, true); err != nil {
		errs = append(errs, err)
	}
	if in.RegistrationID, err = text("registration_id", in.RegistrationID, 60, true); err != nil {
		errs = append(errs, err)
	}
	bad := in.Schedule.Check()
	for i, p := range rules.Phases {
		if msg, ok := bad[p]; ok {
			errs = append(errs, invalid("phase_"+string(p), "%s", msg))
		} else {
			in.Schedule[i] = strings.TrimSpace(in.Schedule[i])
		}
	}
	return joinErrs(errs)
}

// joinErrs is nil for none, the error for one, and the errors joined (each
// *ValidationError findable with errors.As) for more.
func joinErrs(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return Errors(errs)
}

// Errors are several problems of one form; errors.As finds each.
type Errors []error

func (e Errors) Error() string {
	s := make([]string, len(e))
	for i, x := range e {
		s[i] = x.Error()
	}
	return strings.Join(s, "; ")
}

// Unwrap gives the problems to errors.Is and errors.As.
func (e Errors) Unwrap() []error { return e }

// Schedule is the trial's phases' start days.
func (t Trial) Schedule() rules.Schedule {
	return rules.Schedule{t.RecruitmentOn, t.BaselineOn, t.RandomisationOn, t.DeliveryOn, t.FollowUpOn, t.OutcomesOn}
}

func (t *Trial) setSchedule(s rules.Schedule) {
	t.RecruitmentOn, t.BaselineOn, t.RandomisationOn, t.DeliveryOn, t.FollowUpOn, t.OutcomesOn = s[0], s[1], s[2], s[3], s[4], s[5]
}

// DSA returns the optional export columns the data-sharing agreement lists.
func (t Trial) DSA() []string {
	var out []string
	for _, c := range strings.Split(t.DSAColumns, "\n") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// CreateTrial adds a trial. secret keys its pseudonyms (32 random bytes);
// dsa are the export columns the agreement lists at first.
func (s *Store) CreateTrial(in TrialInput, secret []byte, dsa []string, now time.Time) (Trial, error) {
	if err := in.check(); err != nil {
		return Trial{}, err
	}
	if len(secret) < 32 {
		return Trial{}, fmt.Errorf("a trial's secret is 32 bytes or more")
	}
	t := Trial{TenantID: s.tenant, Name: in.Name, RegistrationID: in.RegistrationID, Secret: secret,
		DSAColumns: strings.Join(dsa, "\n"), CreatedAt: now}
	t.setSchedule(in.Schedule)
	return t, s.create(&t, "trial")
}

// Trials lists the tenant's trials, newest first.
func (s *Store) Trials() ([]Trial, error) {
	var ts []Trial
	if err := s.q().Order("id DESC").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("list trials: %w", err)
	}
	return ts, nil
}

// Trial loads a trial.
func (s *Store) Trial(id uint64) (Trial, error) {
	var t Trial
	return t, s.first(&t, id, "trial")
}

// UpdateTrial changes a trial's name, registration and schedule.
func (s *Store) UpdateTrial(id uint64, in TrialInput) (before, after Trial, err error) {
	if before, err = s.Trial(id); err != nil {
		return
	}
	if err = in.check(); err != nil {
		return
	}
	after = before
	after.Name, after.RegistrationID = in.Name, in.RegistrationID
	after.setSchedule(in.Schedule)
	err = s.q().Model(&Trial{}).Where("id = ?", id).Updates(map[string]any{"name": after.Name, "registration_id": after.RegistrationID,
		"recruitment_on": after.RecruitmentOn, "baseline_on": after.BaselineOn, "randomisation_on": after.RandomisationOn,
		"delivery_on": after.DeliveryOn, "follow_up_on": after.FollowUpOn, "outcomes_on": after.OutcomesOn}).Error
	return
}

// SetDSA records the export columns the data-sharing agreement lists;
// known are the columns there are (any other is refused).
func (s *Store) SetDSA(id uint64, cols, known []string) (before, after Trial, err error) {
	if before, err = s.Trial(id); err != nil {
		return
	}
	for _, c := range cols {
		if !slices.Contains(known, c) {
			return before, after, invalid("columns", "%q is not a column of the export", c)
		}
	}
	slices.Sort(cols)
	after = before
	after.DSAColumns = strings.Join(slices.Compact(cols), "\n")
	err = s.q().Model(&Trial{}).Where("id = ?", id).Update("dsa_columns", after.DSAColumns).Error
	return
}

// AddCentre adds a delivery-centre unit to a trial, with its code (C01 …
// in the order added).
func (s *Store) AddCentre(trialID, unitID uint64, name string, hostSchoolID uint64, now time.Time) (Centre, error) {
	if _, err := s.Trial(trialID); err != nil {
		return Centre{}, err
	}
	var n int64
	if err := s.q().Model(&Centre{}).Where("trial_id = ?", trialID).Count(&n).Error; err != nil {
		return Centre{}, fmt.Errorf("count centres: %w", err)
	}
	c := Centre{TenantID: s.tenant, TrialID: trialID, UnitID: unitID, Code: fmt.Sprintf("C%02d", n+1), Name: name,
		HostSchoolID: hostSchoolID, CreatedAt: now}
	return c, s.create(&c, "the centre in this trial")
}

// Centres lists a trial's centres in the order added.
func (s *Store) Centres(trialID uint64) ([]Centre, error) {
	var cs []Centre
	if err := s.q().Where("trial_id = ?", trialID).Order("id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("list centres: %w", err)
	}
	return cs, nil
}

// CentreByUnit loads the trial's centre of a delivery-centre unit.
func (s *Store) CentreByUnit(trialID, unitID uint64) (Centre, error) {
	var cs []Centre
	if err := s.q().Where("trial_id = ? AND unit_id = ?", trialID, unitID).Limit(1).Find(&cs).Error; err != nil {
		return Centre{}, fmt.Errorf("centre of unit %d: %w", unitID, err)
	}
	if len(cs) == 0 {
		return Centre{}, fmt.Errorf("centre of unit %d in trial %d: %w", unitID, trialID, ErrNotFound)
	}
	return cs[0], nil
}

// AddFacilitator records a person's training to facilitate at a centre.
func (s *Store) AddFacilitator(centreID, personID uint64, trainedOn string, now time.Time) (Facilitator, error) {
	if personID == 0 {
		return Facilitator{}, invalid("person", "choose the person trained")
	}
	if _, err := rules.ParseDate(trainedOn); err != nil {
		return Facilitator{}, invalid("trained_on", "%s", err.Error())
	}
	f := Facilitator{TenantID: s.tenant, CentreID: centreID, PersonID: personID, TrainedOn: strings.TrimSpace(trainedOn), CreatedAt: now}
	return f, s.create(&f, "this facilitator's training at the centre")
}

// Facilitators lists the facilitators of the given centres.
func (s *Store) Facilitators(centreIDs ...uint64) ([]Facilitator, error) {
	var fs []Facilitator
	if err := s.q().Where("centre_id IN ?", ids(centreIDs)).Order("id").Find(&fs).Error; err != nil {
		return nil, fmt.Errorf("list facilitators: %w", err)
	}
	return fs, nil
}

// ids is never empty, so that "IN ?" is valid SQL.
func ids(xs []uint64) []uint64 {
	if len(xs) == 0 {
		return []uint64{0}
	}
	return xs
}
