package store

import (
	"fmt"
	"sort"
)

// The queries of the core's home and school pages (package home): each
// answers for many schools or clusters at once, in one statement, so that
// a panel for fifty schools costs a dozen statements, not one per school.

// PlacesOf returns the places of the schools in the year that are not
// declined (interested, accepted or withdrawn), oldest first.
func (s *Store) PlacesOf(yearID uint64, schoolIDs []uint64) ([]Participant, error) {
	var out []Participant
	if len(schoolIDs) == 0 {
		return out, nil
	}
	err := s.q().Where("year_id = ? AND school_id IN ? AND status <> ?", yearID, schoolIDs, StatusDeclined).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("places of %d schools: %w", len(schoolIDs), err)
	}
	return out, nil
}

// ClustersByID returns the clusters with these ids, by id.
func (s *Store) ClustersByID(ids []uint64) (map[uint64]Cluster, error) {
	out := map[uint64]Cluster{}
	if len(ids) == 0 {
		return out, nil
	}
	var cs []Cluster
	if err := s.q().Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("clusters %v: %w", ids, err)
	}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// TriosOf returns the trios of the clusters.
func (s *Store) TriosOf(clusterIDs []uint64) ([]Trio, error) {
	var out []Trio
	if len(clusterIDs) == 0 {
		return out, nil
	}
	if err := s.q().Where("cluster_id IN ?", clusterIDs).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("trios of %d clusters: %w", len(clusterIDs), err)
	}
	return out, nil
}

// WorkshopsOf returns the workshops of the clusters, by cluster, in number order.
func (s *Store) WorkshopsOf(clusterIDs []uint64) (map[uint64][]Workshop, error) {
	out := map[uint64][]Workshop{}
	if len(clusterIDs) == 0 {
		return out, nil
	}
	var ws []Workshop
	if err := s.q().Where("cluster_id IN ?", clusterIDs).Order("cluster_id, number").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("workshops of %d clusters: %w", len(clusterIDs), err)
	}
	for _, w := range ws {
		out[w.ClusterID] = append(out[w.ClusterID], w)
	}
	return out, nil
}

// WorkshopsWithAttendance returns those of the workshops for which
// attendance was recorded (anyone ticked present or absent).
func (s *Store) WorkshopsWithAttendance(workshopIDs []uint64) (map[uint64]bool, error) {
	out := map[uint64]bool{}
	if len(workshopIDs) == 0 {
		return out, nil
	}
	var ids []uint64
	if err := s.q().Model(&Attendance{}).Where("workshop_id IN ?", workshopIDs).Distinct().Pluck("workshop_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("attendance of %d workshops: %w", len(workshopIDs), err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// SnapshotEntry is one snapshot of a school and how many of the cohort's
// current pupils have values entered at it.
type SnapshotEntry struct {
	ID      uint64
	Seq     int
	Label   string
	TakenOn string
	Entered int
}

// CohortState is where a school's target cohort stands in a year: whether
// it was started and frozen (the baseline taken), its current pupils, and
// its snapshots, baseline first.
type CohortState struct {
	Started   bool
	Frozen    bool
	Pupils    int
	Snapshots []SnapshotEntry
}

// hasValue is the condition of a data point holding at least one value:
// the grid saves a row for every pupil, empty or not.
const hasValue = "(reading <> '' OR writing <> '' OR maths <> '' OR age_equivalent IS NOT NULL OR attitude IS NOT NULL OR aspiration IS NOT NULL OR attendance IS NOT NULL)"

// CohortStates returns, by school, the state of the schools' target
// cohorts in the year (schools with no cohort are left out). Four
// statements whatever the number of schools; no pupil id leaves it.
func (s *Store) CohortStates(yearID uint64, schoolIDs []uint64) (map[uint64]CohortState, error) {
	out := map[uint64]CohortState{}
	if len(schoolIDs) == 0 {
		return out, nil
	}
	var cohorts []Cohort
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Find(&cohorts).Error; err != nil {
		return nil, fmt.Errorf("cohorts of %d schools: %w", len(schoolIDs), err)
	}
	if len(cohorts) == 0 {
		return out, nil
	}
	schoolOf := map[uint64]uint64{}
	cids := make([]uint64, len(cohorts))
	for i, c := range cohorts {
		cids[i] = c.ID
		schoolOf[c.ID] = c.SchoolID
		out[c.SchoolID] = CohortState{Started: true, Frozen: c.Frozen()}
	}
	var members []CohortMember
	if err := s.q().Select("cohort_id", "pupil_id").Where("cohort_id IN ? AND removed_at IS NULL", cids).Find(&members).Error; err != nil {
		return nil, fmt.Errorf("cohort members of %d schools: %w", len(schoolIDs), err)
	}
	type key struct{ school, pupil uint64 }
	current := map[key]bool{}
	for _, m := range members {
		school := schoolOf[m.CohortID]
		current[key{school, m.PupilID}] = true
		st := out[school]
		st.Pupils++
		out[school] = st
	}
	var sns []Snapshot
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("school_id, seq").Find(&sns).Error; err != nil {
		return nil, fmt.Errorf("snapshots of %d schools: %w", len(schoolIDs), err)
	}
	if len(sns) == 0 {
		return out, nil
	}
	snIDs := make([]uint64, len(sns))
	bySnap := map[uint64]Snapshot{}
	for i, sn := range sns {
		snIDs[i] = sn.ID
		bySnap[sn.ID] = sn
	}
	var filled []DataPoint
	if err := s.q().Select("snapshot_id", "pupil_id").Where("snapshot_id IN ?", snIDs).Where(hasValue).Find(&filled).Error; err != nil {
		return nil, fmt.Errorf("data entered at %d snapshots: %w", len(snIDs), err)
	}
	entered := map[uint64]int{}
	for _, p := range filled {
		if current[key{bySnap[p.SnapshotID].SchoolID, p.PupilID}] {
			entered[p.SnapshotID]++
		}
	}
	for _, sn := range sns {
		st, ok := out[sn.SchoolID]
		if !ok {
			continue
		}
		st.Snapshots = append(st.Snapshots, SnapshotEntry{ID: sn.ID, Seq: sn.Seq, Label: sn.Label, TakenOn: sn.TakenOn, Entered: entered[sn.ID]})
		out[sn.SchoolID] = st
	}
	return out, nil
}

// TrialsOf returns the trials of the schools in the year.
func (s *Store) TrialsOf(yearID uint64, schoolIDs []uint64) ([]Trial, error) {
	var out []Trial
	if len(schoolIDs) == 0 {
		return out, nil
	}
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("trials of %d schools: %w", len(schoolIDs), err)
	}
	return out, nil
}

// TeamsOf returns the team memberships of person in the year.
func (s *Store) TeamsOf(yearID, personID uint64) ([]TeamMember, error) {
	var out []TeamMember
	if personID == 0 {
		return out, nil
	}
	if err := s.q().Where("year_id = ? AND person_id = ?", yearID, personID).Order("school_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("teams of person %d: %w", personID, err)
	}
	return out, nil
}

// ClustersOfYearLedBy returns the year's clusters whose lead or programme
// lead is person.
func (s *Store) ClustersOfYearLedBy(yearID, personID uint64) ([]Cluster, error) {
	var out []Cluster
	if personID == 0 {
		return out, nil
	}
	err := s.q().Where("year_id = ? AND (lead_person_id = ? OR programme_lead_person_id = ?)", yearID, personID, personID).Order("name, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("clusters led by %d: %w", personID, err)
	}
	return out, nil
}

// OpenRoundsUnanswered returns the open survey rounds of the year that
// person has not answered.
func (s *Store) OpenRoundsUnanswered(yearID, personID uint64) ([]SurveyRound, error) {
	var out []SurveyRound
	err := s.q().Where("year_id = ? AND open = ?", yearID, true).
		Where("NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.round_id = survey_rounds.id AND r.person_id = ? AND r.tenant_id = survey_rounds.tenant_id)", personID).
		Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("open survey rounds for %d: %w", personID, err)
	}
	return out, nil
}

// OpenActions returns the actions not done agreed at the year's visits to
// the schools, with the school of each (by action id), by due date (those
// without one last).
func (s *Store) OpenActions(yearID uint64, schoolIDs []uint64) ([]Action, map[uint64]uint64, error) {
	schoolOf := map[uint64]uint64{}
	if len(schoolIDs) == 0 {
		return nil, schoolOf, nil
	}
	var vs []Visit
	if err := s.q().Select("id", "school_id").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Find(&vs).Error; err != nil {
		return nil, nil, fmt.Errorf("visits to %d schools: %w", len(schoolIDs), err)
	}
	if len(vs) == 0 {
		return nil, schoolOf, nil
	}
	visitSchool := map[uint64]uint64{}
	vids := make([]uint64, len(vs))
	for i, v := range vs {
		vids[i] = v.ID
		visitSchool[v.ID] = v.SchoolID
	}
	var as []Action
	if err := s.q().Where("visit_id IN ? AND done = ?", vids, false).Order("id").Find(&as).Error; err != nil {
		return nil, nil, fmt.Errorf("open actions: %w", err)
	}
	for _, a := range as {
		schoolOf[a.ID] = visitSchool[a.VisitID]
	}
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i].DueOn, as[j].DueOn
		if (a == "") != (b == "") {
			return b == ""
		}
		return a < b
	})
	return as, schoolOf, nil
}

// Movement is how the target pupils of the schools moved from the
// baseline to each school's latest snapshot holding data: of the pupils
// with the gap at both, how many closed part of it; of those with
// attitude at both, how many rose.
type Movement struct {
	GapPupils, GapClosed           int
	AttitudePupils, AttitudeRaised int
}

// YearMovement counts the movement of the current target pupils of the
// schools in the year (four statements).
func (s *Store) YearMovement(yearID uint64, schoolIDs []uint64) (Movement, error) {
	var m Movement
	if len(schoolIDs) == 0 {
		return m, nil
	}
	var sns []Snapshot
	err := s.q().Select("id", "school_id", "seq").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).
		Where("EXISTS (SELECT 1 FROM data_points d WHERE d.tenant_id = snapshots.tenant_id AND d.snapshot_id = snapshots.id)").Find(&sns).Error
	if err != nil {
		return m, fmt.Errorf("snapshots with data: %w", err)
	}
	base, latest := map[uint64]Snapshot{}, map[uint64]Snapshot{}
	for _, sn := range sns {
		if sn.Seq == 0 {
			base[sn.SchoolID] = sn
		} else if l, ok := latest[sn.SchoolID]; !ok || sn.Seq > l.Seq {
			latest[sn.SchoolID] = sn
		}
	}
	var ids []uint64
	from, to := map[uint64]uint64{}, map[uint64]uint64{} // snapshot id: school
	for school, b := range base {
		if l, ok := latest[school]; ok {
			ids = append(ids, b.ID, l.ID)
			from[b.ID], to[l.ID] = school, school
		}
	}
	if len(ids) == 0 {
		return m, nil
	}
	var cohorts []Cohort
	if err := s.q().Select("id", "school_id").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Find(&cohorts).Error; err != nil {
		return m, fmt.Errorf("cohorts: %w", err)
	}
	schoolOf := map[uint64]uint64{}
	cids := make([]uint64, len(cohorts))
	for i, c := range cohorts {
		cids[i], schoolOf[c.ID] = c.ID, c.SchoolID
	}
	var members []CohortMember
	if len(cids) > 0 {
		if err := s.q().Select("cohort_id", "pupil_id").Where("cohort_id IN ? AND removed_at IS NULL", cids).Find(&members).Error; err != nil {
			return m, fmt.Errorf("current target pupils: %w", err)
		}
	}
	type key struct{ school, pupil uint64 }
	current := map[key]bool{}
	for _, mb := range members {
		current[key{schoolOf[mb.CohortID], mb.PupilID}] = true
	}
	points, err := s.pointValues(ids)
	if err != nil {
		return m, err
	}
	before, after := map[key]*DataPoint{}, map[key]*DataPoint{}
	for i := range points {
		p := &points[i]
		if school, ok := from[p.SnapshotID]; ok {
			before[key{school, p.PupilID}] = p
		}
		if school, ok := to[p.SnapshotID]; ok {
			after[key{school, p.PupilID}] = p
		}
	}
	for k, a := range after {
		b := before[k]
		if b == nil || !current[k] {
			continue
		}
		if a.GapMonths != nil && b.GapMonths != nil {
			m.GapPupils++
			if *a.GapMonths > *b.GapMonths {
				m.GapClosed++
			}
		}
		if a.Attitude != nil && b.Attitude != nil {
			m.AttitudePupils++
			if *a.Attitude > *b.Attitude {
				m.AttitudeRaised++
			}
		}
	}
	return m, nil
}
