package store

import "fmt"

// SnapshotCount is how many snapshots a school has taken in a year and how
// many of them hold data.
type SnapshotCount struct{ Taken, WithData int }

// SnapshotProgress returns, by school, the snapshots of the year and how
// many hold at least one pupil's values (two queries).
func (s *Store) SnapshotProgress(yearID uint64) (map[uint64]SnapshotCount, error) {
	var sns []Snapshot
	if err := s.q().Select("id", "school_id").Where("year_id = ?", yearID).Find(&sns).Error; err != nil {
		return nil, fmt.Errorf("snapshots of year %d: %w", yearID, err)
	}
	out := map[uint64]SnapshotCount{}
	if len(sns) == 0 {
		return out, nil
	}
	ids := make([]uint64, len(sns))
	for i, sn := range sns {
		ids[i] = sn.ID
	}
	var withData []uint64
	if err := s.q().Model(&DataPoint{}).Where("snapshot_id IN ?", ids).Distinct().Pluck("snapshot_id", &withData).Error; err != nil {
		return nil, fmt.Errorf("snapshots with data of year %d: %w", yearID, err)
	}
	has := map[uint64]bool{}
	for _, id := range withData {
		has[id] = true
	}
	for _, sn := range sns {
		c := out[sn.SchoolID]
		c.Taken++
		if has[sn.ID] {
			c.WithData++
		}
		out[sn.SchoolID] = c
	}
	return out, nil
}

// YearTrials returns every trial of the year, of every school (one query).
func (s *Store) YearTrials(yearID uint64) ([]Trial, error) {
	var out []Trial
	if err := s.q().Where("year_id = ?", yearID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("trials of year %d: %w", yearID, err)
	}
	return out, nil
}
