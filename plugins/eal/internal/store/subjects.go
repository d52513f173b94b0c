package store

import "fmt"

// PersonRecords are what the plugin holds about a person: as a delegate
// (with attendance and self-assessments), a facilitator (with the
// sessions logged), a school's named lead.
type PersonRecords struct {
	Delegates    []Delegate       `json:"delegates,omitempty"`
	Attendance   []Attendance     `json:"attendance,omitempty"`
	Assessments  []SelfAssessment `json:"self_assessments,omitempty"`
	Facilitators []Facilitator    `json:"facilitator_training,omitempty"`
	Sessions     []Session        `json:"sessions_logged,omitempty"`
	LeadOf       []uint64         `json:"lead_of_trial_schools,omitempty"`
}

// Empty reports whether nothing is held.
func (r PersonRecords) Empty() bool {
	return len(r.Delegates)+len(r.Facilitators)+len(r.LeadOf) == 0
}

// PersonRecords gathers a person's records.
func (s *Store) PersonRecords(personID uint64) (PersonRecords, error) {
	var r PersonRecords
	var err error
	if r.Delegates, err = s.DelegatesOf(personID); err != nil {
		return r, err
	}
	dIDs := make([]uint64, len(r.Delegates))
	for i, d := range r.Delegates {
		dIDs[i] = d.ID
	}
	if r.Attendance, err = s.Attendances(dIDs...); err != nil {
		return r, err
	}
	if r.Assessments, err = s.Assessments(dIDs...); err != nil {
		return r, err
	}
	if err = s.q().Where("person_id = ?", personID).Order("id").Find(&r.Facilitators).Error; err != nil {
		return r, fmt.Errorf("facilitator records: %w", err)
	}
	fIDs := make([]uint64, len(r.Facilitators))
	for i, f := range r.Facilitators {
		fIDs[i] = f.ID
	}
	if err = s.q().Where("facilitator_id IN ?", ids(fIDs)).Order("id").Find(&r.Sessions).Error; err != nil {
		return r, fmt.Errorf("sessions logged: %w", err)
	}
	if err = s.q().Model(&TrialSchool{}).Where("lead_person_id = ?", personID).Order("id").Pluck("id", &r.LeadOf).Error; err != nil {
		return r, fmt.Errorf("schools led: %w", err)
	}
	return r, nil
}

// ErasePerson deletes a person's delegate records (attendance and
// self-assessments with them) and facilitator records; the sessions they
// logged and the schools they led are kept without them (anonymised).
// It returns how many records it erased and anonymised.
func (s *Store) ErasePerson(personID uint64) (erased, anonymised int64, err error) {
	r, err := s.PersonRecords(personID)
	if err != nil {
		return 0, 0, err
	}
	dIDs := make([]uint64, len(r.Delegates))
	for i, d := range r.Delegates {
		dIDs[i] = d.ID
	}
	for _, del := range []struct {
		model any
		where string
		args  any
	}{{&Attendance{}, "delegate_id IN ?", ids(dIDs)}, {&SelfAssessment{}, "delegate_id IN ?", ids(dIDs)},
		{&Delegate{}, "person_id = ?", personID}} {
		res := s.q().Where(del.where, del.args).Delete(del.model)
		if res.Error != nil {
			return erased, anonymised, fmt.Errorf("erase person: %w", res.Error)
		}
		erased += res.RowsAffected
	}
	// Sessions stay (the centre's delivery) without their facilitator.
	for _, f := range r.Facilitators {
		res := s.q().Model(&Session{}).Where("facilitator_id = ?", f.ID).Update("facilitator_id", 0)
		if res.Error != nil {
			return erased, anonymised, fmt.Errorf("anonymise sessions: %w", res.Error)
		}
		anonymised += res.RowsAffected
	}
	res := s.q().Where("person_id = ?", personID).Delete(&Facilitator{})
	if res.Error != nil {
		return erased, anonymised, fmt.Errorf("erase facilitator records: %w", res.Error)
	}
	erased += res.RowsAffected
	res = s.q().Model(&TrialSchool{}).Where("lead_person_id = ?", personID).Update("lead_person_id", 0)
	if res.Error != nil {
		return erased, anonymised, fmt.Errorf("anonymise schools led: %w", res.Error)
	}
	anonymised += res.RowsAffected
	return erased, anonymised, nil
}

// PupilRecords are what the plugin holds about a pupil.
type PupilRecords struct {
	Trials []TrialPupil `json:"trial_pupils,omitempty"`
	Points []PupilPoint `json:"assessments,omitempty"`
}

// PupilRecords gathers a pupil's records, by the core's pupil id.
func (s *Store) PupilRecords(pupilID uint64) (PupilRecords, error) {
	var r PupilRecords
	if err := s.q().Where("pupil_id = ?", pupilID).Order("id").Find(&r.Trials).Error; err != nil {
		return r, fmt.Errorf("pupil records: %w", err)
	}
	pIDs := make([]uint64, len(r.Trials))
	for i, p := range r.Trials {
		pIDs[i] = p.ID
	}
	var err error
	r.Points, err = s.Points(pIDs...)
	return r, err
}

// ErasePupil deletes a pupil's trial records. Exports made before keep
// their pseudonymised rows: they are frozen, and hold no identifier.
func (s *Store) ErasePupil(pupilID uint64) (int64, error) {
	r, err := s.PupilRecords(pupilID)
	if err != nil {
		return 0, err
	}
	pIDs := make([]uint64, len(r.Trials))
	for i, p := range r.Trials {
		pIDs[i] = p.ID
	}
	a := s.q().Where("trial_pupil_id IN ?", ids(pIDs)).Delete(&PupilPoint{})
	if a.Error != nil {
		return 0, fmt.Errorf("erase pupil: %w", a.Error)
	}
	b := s.q().Where("pupil_id = ?", pupilID).Delete(&TrialPupil{})
	if b.Error != nil {
		return a.RowsAffected, fmt.Errorf("erase pupil: %w", b.Error)
	}
	return a.RowsAffected + b.RowsAffected, nil
}
