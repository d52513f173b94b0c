package store

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/pseudonym"
)

// Pseudonyms labels every pupil who was ever in the year's cohort of a
// school of the cluster (see package pseudonym): schools in the order
// they joined the cluster (accepted or since withdrawn), pupils in the
// order they first joined their school's cohort. Three queries.
func (s *Store) Pseudonyms(clusterID uint64) (pseudonym.Labels, error) {
	var parts []Participant
	if err := s.q().Select("school_id", "year_id").Where("cluster_id = ? AND status IN ?", clusterID, []string{StatusAccepted, StatusWithdrawn}).
		Order("id").Find(&parts).Error; err != nil {
		return pseudonym.Labels{}, fmt.Errorf("schools of cluster %d for pseudonyms: %w", clusterID, err)
	}
	if len(parts) == 0 {
		return pseudonym.Labels{}, nil
	}
	schools := make([]uint64, len(parts))
	for i, p := range parts {
		schools[i] = p.SchoolID
	}
	var cohorts []Cohort
	if err := s.q().Select("id", "school_id").Where("year_id = ? AND school_id IN ?", parts[0].YearID, schools).Find(&cohorts).Error; err != nil {
		return pseudonym.Labels{}, fmt.Errorf("cohorts of cluster %d for pseudonyms: %w", clusterID, err)
	}
	schoolOf := map[uint64]uint64{}
	cids := make([]uint64, len(cohorts))
	for i, c := range cohorts {
		cids[i], schoolOf[c.ID] = c.ID, c.SchoolID
	}
	var members []CohortMember
	if len(cids) > 0 {
		if err := s.q().Select("cohort_id", "pupil_id").Where("cohort_id IN ?", cids).Order("id").Find(&members).Error; err != nil {
			return pseudonym.Labels{}, fmt.Errorf("cohort members of cluster %d for pseudonyms: %w", clusterID, err)
		}
	}
	keys := make([]pseudonym.Key, len(members))
	for i, m := range members {
		keys[i] = pseudonym.Key{School: schoolOf[m.CohortID], Pupil: m.PupilID}
	}
	return pseudonym.Assign(schools, keys), nil
}

// SchoolPseudonyms labels the pupils of a school's cohort in the year as
// its cluster's pages do; empty when the school is in no cluster that year.
func (s *Store) SchoolPseudonyms(yearID, schoolID uint64) (pseudonym.Labels, error) {
	var p Participant
	err := s.q().Select("cluster_id").Where("year_id = ? AND school_id = ? AND status IN ?", yearID, schoolID, []string{StatusAccepted, StatusWithdrawn}).
		Order("id").Limit(1).Find(&p).Error
	if err != nil {
		return pseudonym.Labels{}, fmt.Errorf("cluster of school %d for pseudonyms: %w", schoolID, err)
	}
	if p.ClusterID == 0 {
		return pseudonym.Labels{}, nil
	}
	return s.Pseudonyms(p.ClusterID)
}
