package store

import "fmt"

// PupilPoints is a cohort pupil's data points at two snapshots (nil: none).
type PupilPoints struct {
	SchoolID uint64
	PupilID  uint64
	From, To *DataPoint
}

// CohortPoints returns, for the cohorts of schools in the year, every
// current member's data points at the snapshots numbered fromSeq and toSeq
// (snapshots of different schools align by their order), by school, in
// cohort order. It makes four queries whatever the number of schools and
// reads only the columns it uses: the data points carry their snapshot,
// pupil and values, not who saved them when (ID, TenantID, UpdatedBy and
// UpdatedAt are zero). Pages that draw a cluster's hundred pupils spent
// most of their time reading the rest.
func (s *Store) CohortPoints(yearID uint64, schoolIDs []uint64, fromSeq, toSeq int) (map[uint64][]PupilPoints, error) {
	out := map[uint64][]PupilPoints{}
	if len(schoolIDs) == 0 {
		return out, nil
	}
	var cohorts []Cohort
	if err := s.q().Select("id", "school_id").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Find(&cohorts).Error; err != nil {
		return nil, fmt.Errorf("cohorts of the cluster: %w", err)
	}
	if len(cohorts) == 0 {
		return out, nil
	}
	schoolOf := map[uint64]uint64{}
	cids := make([]uint64, len(cohorts))
	for i, c := range cohorts {
		cids[i] = c.ID
		schoolOf[c.ID] = c.SchoolID
	}
	var members []CohortMember
	if err := s.q().Select("cohort_id", "pupil_id").Where("cohort_id IN ? AND removed_at IS NULL", cids).Order("id").Find(&members).Error; err != nil {
		return nil, fmt.Errorf("cohort members of the cluster: %w", err)
	}
	var sns []Snapshot
	if err := s.q().Select("id", "school_id", "seq").Where("year_id = ? AND school_id IN ? AND seq IN ?", yearID, schoolIDs, []int{fromSeq, toSeq}).Find(&sns).Error; err != nil {
		return nil, fmt.Errorf("snapshots of the cluster: %w", err)
	}
	type key struct{ school, pupil uint64 }
	from, to := map[key]*DataPoint{}, map[key]*DataPoint{}
	if len(sns) > 0 {
		snIDs := make([]uint64, len(sns))
		bySnap := map[uint64]Snapshot{}
		for i, sn := range sns {
			snIDs[i] = sn.ID
			bySnap[sn.ID] = sn
		}
		points, err := s.pointValues(snIDs)
		if err != nil {
			return nil, err
		}
		for i := range points {
			p := &points[i]
			sn := bySnap[p.SnapshotID]
			k := key{sn.SchoolID, p.PupilID}
			if sn.Seq == fromSeq {
				from[k] = p
			}
			if sn.Seq == toSeq {
				to[k] = p
			}
		}
	}
	for _, m := range members {
		school := schoolOf[m.CohortID]
		k := key{school, m.PupilID}
		out[school] = append(out[school], PupilPoints{SchoolID: school, PupilID: m.PupilID, From: from[k], To: to[k]})
	}
	return out, nil
}

// pointValues reads the values of the snapshots' data points (not who
// saved them when), scanning the rows itself: a cluster's matrix reads a
// couple of hundred, and gorm's reflection over each was a good part of
// the page's time.
func (s *Store) pointValues(snapshotIDs []uint64) ([]DataPoint, error) {
	rows, err := s.q().Model(&DataPoint{}).
		Select("snapshot_id", "pupil_id", "reading", "writing", "maths", "age_equivalent", "gap_months", "attitude", "aspiration", "attendance").
		Where("snapshot_id IN ?", snapshotIDs).Rows()
	if err != nil {
		return nil, fmt.Errorf("data points of the cluster: %w", err)
	}
	defer rows.Close()
	var out []DataPoint
	for rows.Next() {
		var p DataPoint
		if err := rows.Scan(&p.SnapshotID, &p.PupilID, &p.Reading, &p.Writing, &p.Maths, &p.AgeEquivalent, &p.GapMonths, &p.Attitude, &p.Aspiration, &p.Attendance); err != nil {
			return nil, fmt.Errorf("data points of the cluster: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data points of the cluster: %w", err)
	}
	return out, nil
}

// SnapshotLabels returns, for each snapshot number taken by any of the
// schools in the year, the label of the first school's snapshot with it.
func (s *Store) SnapshotLabels(yearID uint64, schoolIDs []uint64) ([]string, error) {
	if len(schoolIDs) == 0 {
		return nil, nil
	}
	var sns []Snapshot
	if err := s.q().Select("school_id", "seq", "label").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("seq, school_id").Find(&sns).Error; err != nil {
		return nil, fmt.Errorf("snapshots of the cluster: %w", err)
	}
	var out []string
	for _, sn := range sns {
		if sn.Seq == len(out) {
			out = append(out, sn.Label)
		}
	}
	return out, nil
}

// StrategiesReceived lists, by school and pupil, the titles of the
// strategies the schools trial with their cohort pupils in the year.
func (s *Store) StrategiesReceived(yearID uint64, schoolIDs []uint64) (map[uint64]map[uint64][]string, error) {
	out := map[uint64]map[uint64][]string{}
	if len(schoolIDs) == 0 {
		return out, nil
	}
	var trials []Trial
	if err := s.q().Select("id", "school_id", "strategy_id").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("id").Find(&trials).Error; err != nil {
		return nil, fmt.Errorf("trials of the cluster: %w", err)
	}
	if len(trials) == 0 {
		return out, nil
	}
	ids, strategyIDs := make([]uint64, len(trials)), make([]uint64, 0, len(trials))
	for i, t := range trials {
		ids[i] = t.ID
		strategyIDs = append(strategyIDs, t.StrategyID)
	}
	var rows []TrialPupil
	if err := s.q().Select("trial_id", "pupil_id").Where("trial_id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("pupils of the cluster's trials: %w", err)
	}
	receiving := map[uint64][]uint64{}
	for _, r := range rows {
		receiving[r.TrialID] = append(receiving[r.TrialID], r.PupilID)
	}
	var sts []Strategy
	if err := s.q().Select("id", "title").Where("id IN ?", dedupe(strategyIDs)).Find(&sts).Error; err != nil {
		return nil, fmt.Errorf("strategies of the cluster's trials: %w", err)
	}
	title := map[uint64]string{}
	for _, st := range sts {
		title[st.ID] = st.Title
	}
	for _, t := range trials {
		for _, pid := range receiving[t.ID] {
			if out[t.SchoolID] == nil {
				out[t.SchoolID] = map[uint64][]string{}
			}
			out[t.SchoolID][pid] = append(out[t.SchoolID][pid], title[t.StrategyID])
		}
	}
	return out, nil
}
