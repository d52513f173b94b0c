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
// cohort order. It makes four queries whatever the number of schools.
func (s *Store) CohortPoints(yearID uint64, schoolIDs []uint64, fromSeq, toSeq int) (map[uint64][]PupilPoints, error) {
	out := map[uint64][]PupilPoints{}
	if len(schoolIDs) == 0 {
		return out, nil
	}
	var cohorts []Cohort
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Find(&cohorts).Error; err != nil {
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
	if err := s.q().Where("cohort_id IN ? AND removed_at IS NULL", cids).Order("id").Find(&members).Error; err != nil {
		return nil, fmt.Errorf("cohort members of the cluster: %w", err)
	}
	var sns []Snapshot
	if err := s.q().Where("year_id = ? AND school_id IN ? AND seq IN ?", yearID, schoolIDs, []int{fromSeq, toSeq}).Find(&sns).Error; err != nil {
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
		var points []DataPoint
		if err := s.q().Where("snapshot_id IN ?", snIDs).Find(&points).Error; err != nil {
			return nil, fmt.Errorf("data points of the cluster: %w", err)
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

// SnapshotLabels returns, for each snapshot number taken by any of the
// schools in the year, the label of the first school's snapshot with it.
func (s *Store) SnapshotLabels(yearID uint64, schoolIDs []uint64) ([]string, error) {
	if len(schoolIDs) == 0 {
		return nil, nil
	}
	var sns []Snapshot
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("seq, school_id").Find(&sns).Error; err != nil {
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
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("id").Find(&trials).Error; err != nil {
		return nil, fmt.Errorf("trials of the cluster: %w", err)
	}
	if len(trials) == 0 {
		return out, nil
	}
	ids := make([]uint64, len(trials))
	for i, t := range trials {
		ids[i] = t.ID
	}
	receiving, err := s.TrialPupils(ids...)
	if err != nil {
		return nil, err
	}
	sts, err := s.Strategies()
	if err != nil {
		return nil, err
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
