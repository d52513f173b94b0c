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

// SchoolCounts counts the pupils of the given trial schools in two
// queries, whatever their number, each counting in the database from the
// indexes of migration 2: every school's pupils and objections, then the
// scores at each point of the pupils not objecting. A school with no
// pupil is left out.
func (s *Store) SchoolCounts(trialSchoolIDs ...uint64) (map[uint64]SchoolCount, error) {
	var pupils []struct {
		TrialSchoolID    uint64
		Pupils, Objected int
	}
	err := s.q().Model(&TrialPupil{}).
		Select("trial_school_id, COUNT(*) AS pupils, SUM(CASE WHEN objected_on <> '' THEN 1 ELSE 0 END) AS objected").
		Where("trial_school_id IN ?", ids(trialSchoolIDs)).Group("trial_school_id").Scan(&pupils).Error
	if err != nil {
		return nil, fmt.Errorf("count pupils: %w", err)
	}
	out := make(map[uint64]SchoolCount, len(pupils))
	for _, p := range pupils {
		out[p.TrialSchoolID] = SchoolCount{Pupils: p.Pupils, Objected: p.Objected, Scored: map[rules.Point]int{}}
	}
	if len(out) == 0 {
		return out, nil
	}
	var scored []struct {
		TrialSchoolID uint64
		Point         string
		N             int
	}
	// From the school's pupils to their points, in this order on every
	// database: CROSS JOIN is an inner join that SQLite never reorders
	// (without it, SQLite, knowing nothing of the tables' sizes, reads the
	// tenant's every point first). Both tables are filtered on the tenant
	// by name: a bare tenant_id would be ambiguous.
	err = s.db.Model(&TrialPupil{}).
		Select("trial_pupils.trial_school_id, pupil_points.point, COUNT(*) AS n").
		Joins("CROSS JOIN pupil_points").
		Where("pupil_points.trial_pupil_id = trial_pupils.id").
		Where("trial_pupils.tenant_id = ? AND pupil_points.tenant_id = ?", s.tenant, s.tenant).
		Where("trial_pupils.trial_school_id IN ? AND trial_pupils.objected_on = '' AND pupil_points.score IS NOT NULL", ids(trialSchoolIDs)).
		Group("trial_pupils.trial_school_id, pupil_points.point").Scan(&scored).Error
	if err != nil {
		return nil, fmt.Errorf("count scores: %w", err)
	}
	for _, x := range scored {
		out[x.TrialSchoolID].Scored[rules.Point(x.Point)] = x.N
	}
	return out, nil
}
