package store

import (
	"fmt"

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

// TrialsByID loads the given trials.
func (s *Store) TrialsByID(trialIDs ...uint64) ([]Trial, error) {
	var ts []Trial
	if err := s.q().Where("id IN ?", ids(trialIDs)).Order("id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("load trials: %w", err)
	}
	return ts, nil
}

// WavesOfTrials lists the waves of the given trials, by trial and number.
func (s *Store) WavesOfTrials(trialIDs ...uint64) ([]Wave, error) {
	var ws []Wave
	if err := s.q().Where("trial_id IN ?", ids(trialIDs)).Order("trial_id, number").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("list waves: %w", err)
	}
	return ws, nil
}

// CentresByID loads the given centres.
func (s *Store) CentresByID(centreIDs ...uint64) ([]Centre, error) {
	var cs []Centre
	if err := s.q().Where("id IN ?", ids(centreIDs)).Order("id").Find(&cs).Error; err != nil {
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

// SchoolCounts counts the pupils of the given trial schools: their
// pupils in one query, the scores of those not objecting in one more (a
// query per 10,000 pupils). No join: PostgreSQL's row-level security
// makes a join of the two tables slow.
func (s *Store) SchoolCounts(trialSchoolIDs ...uint64) (map[uint64]SchoolCount, error) {
	var pupils []struct {
		ID            uint64
		TrialSchoolID uint64
		ObjectedOn    string
	}
	err := s.q().Model(&TrialPupil{}).Select("id, trial_school_id, objected_on").
		Where("trial_school_id IN ?", ids(trialSchoolIDs)).Scan(&pupils).Error
	if err != nil {
		return nil, fmt.Errorf("count pupils: %w", err)
	}
	out := map[uint64]SchoolCount{}
	schoolOf := make(map[uint64]uint64, len(pupils))
	var counted []uint64
	for _, p := range pupils {
		c, ok := out[p.TrialSchoolID]
		if !ok {
			c = SchoolCount{Scored: map[rules.Point]int{}}
		}
		c.Pupils++
		if p.ObjectedOn != "" {
			c.Objected++
		} else {
			schoolOf[p.ID] = p.TrialSchoolID
			counted = append(counted, p.ID)
		}
		out[p.TrialSchoolID] = c
	}
	for len(counted) > 0 {
		part := counted[:min(len(counted), 10000)]
		counted = counted[len(part):]
		var scored []struct {
			TrialPupilID uint64
			Point        string
		}
		if err := s.q().Model(&PupilPoint{}).Select("trial_pupil_id, point").
			Where("trial_pupil_id IN ? AND score IS NOT NULL", part).Scan(&scored).Error; err != nil {
			return nil, fmt.Errorf("count scores: %w", err)
		}
		for _, x := range scored {
			out[schoolOf[x.TrialPupilID]].Scored[rules.Point(x.Point)]++
		}
	}
	return out, nil
}
