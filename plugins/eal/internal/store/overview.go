package store

import (
	"fmt"
	"strings"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// The queries of the core's home and school pages (the plugin's school
// panels, to-dos and headline figures): each reads one kind of record for
// many schools, trials or centres at once, never one per school.

// TrialSchoolsOfSchools lists the trial schools of the given schools (core
// unit ids) in every trial, in the order recruited.
func (s *Store) TrialSchoolsOfSchools(schoolIDs ...uint64) ([]TrialSchool, error) {
	var ts []TrialSchool
	if err := s.q().Where("school_id IN ?", ids(schoolIDs)).Order("trial_id, id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("trial schools of schools: %w", err)
	}
	return ts, nil
}

// schoolStateColumns are the columns of trial_schools that say where a
// school stands.
const schoolStateColumns = "id, trial_id, school_id, centre_id, eligible, agreement_on, wave_id, arm, withdrawn_on"

// TrialSchoolStates lists the schools of the given trials, by trial and
// in the order recruited, with only the columns that say where each
// stands: ID, TrialID, SchoolID, CentreID, Eligible, AgreementOn, WaveID,
// Arm and WithdrawnOn (the others are left zero). The to-dos and the
// figures read no more of a school; a school's panel reads it whole
// (TrialSchoolsOfSchools).
func (s *Store) TrialSchoolStates(trialIDs ...uint64) ([]TrialSchool, error) {
	var ts []TrialSchool
	if err := s.q().Select(schoolStateColumns).
		Where("trial_id IN ?", ids(trialIDs)).Order("trial_id, id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("trial schools' states: %w", err)
	}
	return ts, nil
}

// DelegatesAt lists the delegates of the given trial schools, by id, with
// only their ID and TrialSchoolID.
func (s *Store) DelegatesAt(trialSchoolIDs ...uint64) ([]Delegate, error) {
	var ds []Delegate
	if err := s.q().Select("id, trial_school_id").Where("trial_school_id IN ?", ids(trialSchoolIDs)).Order("id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("delegates of trial schools: %w", err)
	}
	return ds, nil
}

// AttendanceAt lists the attendance of the delegates of the given trial
// schools, by delegate and day, with only DelegateID, Day and Present (the
// delegates are picked in SQL, not passed as ids).
func (s *Store) AttendanceAt(trialSchoolIDs ...uint64) ([]Attendance, error) {
	var as []Attendance
	of := s.q().Model(&Delegate{}).Select("id").Where("trial_school_id IN ?", ids(trialSchoolIDs))
	if err := s.q().Select("delegate_id, day, present").Where("delegate_id IN (?)", of).
		Order("delegate_id, day").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("attendance at trial schools: %w", err)
	}
	return as, nil
}

// TrialsByID loads the given trials.
func (s *Store) TrialsByID(trialIDs ...uint64) ([]Trial, error) {
	var ts []Trial
	if err := s.q().Where("id IN ?", ids(trialIDs)).Order("id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("load trials: %w", err)
	}
	return ts, nil
}

// WavesOfTrials lists the waves of the given trials, by trial and number,
// with only what says where each stands: ID, TrialID, Number, State,
// AllocatedAt and RevealedAt (not its lists, seed or commitment).
func (s *Store) WavesOfTrials(trialIDs ...uint64) ([]Wave, error) {
	var ws []Wave
	if err := s.q().Select("id, trial_id, number, state, allocated_at, revealed_at").
		Where("trial_id IN ?", ids(trialIDs)).Order("trial_id, number").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("list waves: %w", err)
	}
	return ws, nil
}

// CentresByID loads the given centres: their ID, TrialID, UnitID and
// Name only.
func (s *Store) CentresByID(centreIDs ...uint64) ([]Centre, error) {
	var cs []Centre
	if err := s.q().Select("id, trial_id, unit_id, name").Where("id IN ?", ids(centreIDs)).Order("id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("load centres: %w", err)
	}
	return cs, nil
}

// FacilitatorsOf lists a person's facilitator records (one per centre
// they are trained at).
func (s *Store) FacilitatorsOf(personID uint64) ([]Facilitator, error) {
	var fs []Facilitator
	if err := s.q().Where("person_id = ?", personID).Order("id").Find(&fs).Error; err != nil {
		return nil, fmt.Errorf("facilitator records: %w", err)
	}
	return fs, nil
}

// SchoolCount is a trial school's pupils as counts: every pupil, those
// whose parent objected, and, of the others, those with a score at each
// point.
type SchoolCount struct {
	Pupils, Objected int
	Scored           map[rules.Point]int
}

// Counted is the pupils not objecting: those whose scores are collected.
func (c SchoolCount) Counted() int { return c.Pupils - c.Objected }

// PupilCount is the count as the trial's pages read it.
func (c SchoolCount) PupilCount() PupilCount {
	return PupilCount{Pupils: c.Pupils, Objected: c.Objected, Baseline: c.Scored[rules.PointBaseline]}
}

// SchoolCounts counts the pupils of the given trial schools: one read
// of school_counts (migration 2), which triggers keep in step with every
// pupil and score written; a few rows a school, whatever its number of
// pupils. A school with no pupil is left out.
func (s *Store) SchoolCounts(trialSchoolIDs ...uint64) (map[uint64]SchoolCount, error) {
	var rows []struct {
		TrialSchoolID uint64
		What          string
		N             int
	}
	err := s.q().Table("school_counts").Select("trial_school_id, what, n").
		Where("trial_school_id IN ? AND n <> 0", ids(trialSchoolIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count pupils: %w", err)
	}
	out := make(map[uint64]SchoolCount, len(trialSchoolIDs))
	for _, r := range rows {
		if r.What == "pupils" {
			out[r.TrialSchoolID] = SchoolCount{Pupils: r.N, Scored: map[rules.Point]int{}}
		}
	}
	for _, r := range rows {
		c, ok := out[r.TrialSchoolID]
		switch {
		case !ok:
		case r.What == "objected":
			c.Objected = r.N
			out[r.TrialSchoolID] = c
		case strings.HasPrefix(r.What, "scored:"):
			c.Scored[rules.Point(strings.TrimPrefix(r.What, "scored:"))] = r.N
		}
	}
	return out, nil
}
