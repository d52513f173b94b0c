package store

import (
	"database/sql"
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

// cohortCounts is the statement of CohortStates' first part: each cohort's
// school, whether it is frozen and its current members (kept in
// cohort_counts, migration 12).
const cohortCounts = `SELECT c.school_id, CASE WHEN c.frozen_at IS NULL THEN 0 ELSE 1 END AS frozen, COALESCE(k.pupils, 0) AS pupils
FROM cohorts c LEFT JOIN cohort_counts k ON k.tenant_id = c.tenant_id AND k.cohort_id = c.id
WHERE c.tenant_id = ? AND c.year_id = ? AND c.school_id IN ?`

// snapshotCounts is the statement of its second part: each snapshot and
// how many of the current members of its school's cohort have a value at
// it (kept in snapshot_counts, migration 12).
const snapshotCounts = `SELECT s.id, s.school_id, s.seq, s.label, s.taken_on, COALESCE(k.entered, 0) AS entered
FROM snapshots s LEFT JOIN snapshot_counts k ON k.tenant_id = s.tenant_id AND k.snapshot_id = s.id
WHERE s.tenant_id = ? AND s.year_id = ? AND s.school_id IN ?
ORDER BY s.school_id, s.seq`

// CohortStates returns, by school, the state of the schools' target
// cohorts in the year (schools with no cohort are left out). Two
// statements whatever the number of schools, each reading the counts kept
// at write time: one row per cohort and per snapshot, and no pupil id.
func (s *Store) CohortStates(yearID uint64, schoolIDs []uint64) (map[uint64]CohortState, error) {
	out := map[uint64]CohortState{}
	if len(schoolIDs) == 0 {
		return out, nil
	}
	rows, err := s.raw().Raw(cohortCounts, s.tenant, yearID, schoolIDs).Rows()
	if err != nil {
		return nil, fmt.Errorf("cohorts of %d schools: %w", len(schoolIDs), err)
	}
	err = scanRows(rows, func() error {
		var school uint64
		var frozen, pupils int
		if err := rows.Scan(&school, &frozen, &pupils); err != nil {
			return err
		}
		out[school] = CohortState{Started: true, Frozen: frozen == 1, Pupils: pupils}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cohorts of %d schools: %w", len(schoolIDs), err)
	}
	if len(out) == 0 {
		return out, nil
	}
	if rows, err = s.raw().Raw(snapshotCounts, s.tenant, yearID, schoolIDs).Rows(); err != nil {
		return nil, fmt.Errorf("data entered at the snapshots of %d schools: %w", len(schoolIDs), err)
	}
	err = scanRows(rows, func() error {
		var school uint64
		var e SnapshotEntry
		if err := rows.Scan(&e.ID, &school, &e.Seq, &e.Label, &e.TakenOn, &e.Entered); err != nil {
			return err
		}
		if st, ok := out[school]; ok {
			st.Snapshots = append(st.Snapshots, e)
			out[school] = st
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data entered at the snapshots of %d schools: %w", len(schoolIDs), err)
	}
	return out, nil
}

// scanRows calls scan for each of rows and closes them.
func scanRows(rows *sql.Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	return rows.Err()
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
	// One statement: the open actions with their visit's school.
	type actionAt struct {
		Action
		VisitSchool uint64
	}
	var rows []actionAt
	err := s.raw().Raw(`SELECT a.*, v.school_id AS visit_school FROM visit_actions a
JOIN visits v ON v.tenant_id = a.tenant_id AND v.id = a.visit_id
WHERE a.tenant_id = ? AND a.done = ? AND v.year_id = ? AND v.school_id IN ? ORDER BY a.id`, s.tenant, false, yearID, schoolIDs).Scan(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("open actions at %d schools: %w", len(schoolIDs), err)
	}
	if len(rows) == 0 {
		return nil, schoolOf, nil
	}
	as := make([]Action, len(rows))
	for i, r := range rows {
		as[i] = r.Action
		schoolOf[r.ID] = r.VisitSchool
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

// movementCounts is YearMovement's statement: the sum of the movement
// kept (snapshot_counts, migration 12) at each school's latest snapshot
// after the baseline holding any data point (a saved grid, even of empty
// rows). The movement kept at a snapshot is that of the pupils with a row
// at both it and the baseline who are current members of the school's
// cohort, so a school whose baseline holds no row counts none.
const movementCounts = `SELECT COALESCE(SUM(k.gap_pupils), 0), COALESCE(SUM(k.gap_closed), 0),
  COALESCE(SUM(k.attitude_pupils), 0), COALESCE(SUM(k.attitude_raised), 0)
FROM snapshots s JOIN snapshot_counts k ON k.tenant_id = s.tenant_id AND k.snapshot_id = s.id
WHERE s.tenant_id = ? AND s.year_id = ? AND s.school_id IN ? AND s.seq <> 0 AND k.data_rows > 0
  AND NOT EXISTS (SELECT 1 FROM snapshots l JOIN snapshot_counts lk ON lk.tenant_id = l.tenant_id AND lk.snapshot_id = l.id
    WHERE l.tenant_id = s.tenant_id AND l.year_id = s.year_id AND l.school_id = s.school_id AND l.seq > s.seq AND lk.data_rows > 0)`

// YearMovement counts the movement of the current target pupils of the
// schools in the year, in one statement reading a row per snapshot: four
// numbers reach Go.
func (s *Store) YearMovement(yearID uint64, schoolIDs []uint64) (Movement, error) {
	var m Movement
	if len(schoolIDs) == 0 {
		return m, nil
	}
	err := s.raw().Raw(movementCounts, s.tenant, yearID, schoolIDs).Row().Scan(&m.GapPupils, &m.GapClosed, &m.AttitudePupils, &m.AttitudeRaised)
	if err != nil {
		return m, fmt.Errorf("movement of %d schools' target pupils: %w", len(schoolIDs), err)
	}
	return m, nil
}

// YearCounts are the headline counts of a year (home.Figures): its
// clusters, the schools taking part (accepted places in them) and
// withdrawn, the current target pupils of those taking part and how many
// of their cohorts are frozen, the clusters' workshops and those held by a
// day, their trials by decision, and their pupils' movement.
type YearCounts struct {
	Clusters, Schools, Withdrawn int
	Pupils, Baselines            int
	Workshops, Held              int
	// Decisions counts the trials of the schools taking part by decision
	// ("" not decided yet).
	Decisions map[string]int
	Movement  Movement
}

// placedIn is the condition that participant p's cluster is of its year.
const placedIn = `EXISTS (SELECT 1 FROM clusters c WHERE c.tenant_id = p.tenant_id AND c.id = p.cluster_id AND c.year_id = p.year_id)`

// yearCounts counts, in one statement, what needs no list of schools; the
// schools taking part are a subquery.
const yearCounts = `SELECT
  (SELECT COUNT(*) FROM clusters c WHERE c.tenant_id = @t AND c.year_id = @y) AS clusters,
  (SELECT COUNT(*) FROM participants p WHERE p.tenant_id = @t AND p.year_id = @y AND p.status = @withdrawn AND ` + placedIn + `) AS withdrawn,
  (SELECT COALESCE(SUM(k.pupils), 0) FROM cohorts c JOIN cohort_counts k ON k.tenant_id = c.tenant_id AND k.cohort_id = c.id
     WHERE c.tenant_id = @t AND c.year_id = @y AND c.school_id IN @schools) AS pupils,
  (SELECT COUNT(*) FROM cohorts c WHERE c.tenant_id = @t AND c.year_id = @y AND c.school_id IN @schools AND c.frozen_at IS NOT NULL) AS baselines,
  (SELECT COUNT(*) FROM workshops w JOIN clusters c ON c.tenant_id = w.tenant_id AND c.id = w.cluster_id WHERE w.tenant_id = @t AND c.year_id = @y) AS workshops,
  (SELECT COUNT(*) FROM workshops w JOIN clusters c ON c.tenant_id = w.tenant_id AND c.id = w.cluster_id
     WHERE w.tenant_id = @t AND c.year_id = @y AND w.held_on <> '' AND w.held_on <= @today) AS held`

// YearFigures counts the year's headline figures as of today (a
// YYYY-MM-DD day): four statements, and only counts and the ids of the
// schools taking part reach Go.
func (s *Store) YearFigures(yearID uint64, today string) (YearCounts, error) {
	out := YearCounts{Decisions: map[string]int{}}
	// A school accepted in two clusters counts twice, as a place.
	var accepted []uint64
	err := s.raw().Raw(`SELECT p.school_id FROM participants p WHERE p.tenant_id = ? AND p.year_id = ? AND p.status = ? AND `+placedIn,
		s.tenant, yearID, StatusAccepted).Scan(&accepted).Error
	if err != nil {
		return out, fmt.Errorf("schools taking part in year %d: %w", yearID, err)
	}
	out.Schools = len(accepted)
	args := map[string]any{"t": s.tenant, "y": yearID, "withdrawn": StatusWithdrawn, "schools": nonEmpty(accepted), "today": today}
	err = s.raw().Raw(yearCounts, args).Row().Scan(&out.Clusters, &out.Withdrawn, &out.Pupils, &out.Baselines, &out.Workshops, &out.Held)
	if err != nil {
		return out, fmt.Errorf("counts of year %d: %w", yearID, err)
	}
	if len(accepted) == 0 {
		return out, nil
	}
	rows, err := s.raw().Raw(`SELECT decision, COUNT(*) FROM trials WHERE tenant_id = ? AND year_id = ? AND school_id IN ? GROUP BY decision`,
		s.tenant, yearID, accepted).Rows()
	if err != nil {
		return out, fmt.Errorf("trials of year %d: %w", yearID, err)
	}
	err = scanRows(rows, func() error {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return err
		}
		out.Decisions[d] = n
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("trials of year %d: %w", yearID, err)
	}
	out.Movement, err = s.YearMovement(yearID, accepted)
	return out, err
}

// nonEmpty is ids, or a list matching no id (0 is never a row's id) where
// an empty IN list would not be valid SQL.
func nonEmpty(ids []uint64) []uint64 {
	if len(ids) == 0 {
		return []uint64{0}
	}
	return ids
}
