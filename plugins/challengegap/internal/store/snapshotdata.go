package store

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// ShowDate shows a date held as YYYY-MM-DD as people read it: "Mon 2 Oct 2017".
func ShowDate(d string) string {
	t, err := rules.ParseDate(d)
	if err != nil {
		return d
	}
	return t.Format("Mon 2 Jan 2006")
}

// checkInYear refuses a snapshot's date outside the programme year.
func (s *Store) checkInYear(yearID uint64, takenOn string) error {
	y, err := s.Year(yearID)
	if err != nil {
		return err
	}
	if takenOn < y.StartsOn || takenOn > y.EndsOn {
		return invalid("taken_on", "%s is outside the programme year %s, which runs from %s to %s",
			ShowDate(takenOn), y.Label, ShowDate(y.StartsOn), ShowDate(y.EndsOn))
	}
	return nil
}

// filledSeqs returns, by school, the numbers of the schools' snapshots in
// the year that hold data (one data point at least).
func (s *Store) filledSeqs(yearID uint64, schoolIDs []uint64) (map[uint64]map[int]bool, error) {
	out := map[uint64]map[int]bool{}
	if len(schoolIDs) == 0 {
		return out, nil
	}
	var sns []Snapshot
	err := s.q().Select("school_id", "seq").Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).
		Where("EXISTS (SELECT 1 FROM data_points d WHERE d.tenant_id = snapshots.tenant_id AND d.snapshot_id = snapshots.id)").Find(&sns).Error
	if err != nil {
		return nil, fmt.Errorf("snapshots with data: %w", err)
	}
	for _, sn := range sns {
		if out[sn.SchoolID] == nil {
			out[sn.SchoolID] = map[int]bool{}
		}
		out[sn.SchoolID][sn.Seq] = true
	}
	return out, nil
}

// SharedSeq returns the latest snapshot number at which every school of
// schoolIDs that has data in the year has data: the snapshot a cluster's
// pages compare the baseline with by default, so that one school's empty
// (or not yet taken) snapshot blanks no other school. It is 0 when the
// schools share only the baseline, or hold no data.
func (s *Store) SharedSeq(yearID uint64, schoolIDs []uint64) (int, error) {
	filled, err := s.filledSeqs(yearID, schoolIDs)
	if err != nil {
		return 0, err
	}
	latest := 0
	for _, seqs := range filled {
		for seq := range seqs {
			latest = max(latest, seq)
		}
	}
	for seq := latest; seq > 0; seq-- {
		all := true
		for _, seqs := range filled {
			all = all && seqs[seq]
		}
		if all {
			return seq, nil
		}
	}
	return 0, nil
}

// LatestFilled returns the school's latest snapshot in the year holding
// data, taken before the date before when it is given (a withdrawn
// school's), nil when none does.
func (s *Store) LatestFilled(yearID, schoolID uint64, before string) (*Snapshot, error) {
	var sn Snapshot
	q := s.q().Where("year_id = ? AND school_id = ?", yearID, schoolID).
		Where("EXISTS (SELECT 1 FROM data_points d WHERE d.tenant_id = snapshots.tenant_id AND d.snapshot_id = snapshots.id)")
	if before != "" {
		q = q.Where("taken_on < ?", before)
	}
	err := q.Order("seq DESC").Limit(1).Find(&sn).Error
	if err != nil {
		return nil, fmt.Errorf("latest snapshot with data of school %d: %w", schoolID, err)
	}
	if sn.ID == 0 {
		return nil, nil
	}
	return &sn, nil
}

// DeleteEmptySnapshot deletes the school's latest termly snapshot when it
// holds no data: a snapshot added by mistake (or on the wrong date). The
// baseline stays (it froze the cohort), and a snapshot with data is kept.
func (s *Store) DeleteEmptySnapshot(schoolID, snapshotID uint64) (*Snapshot, error) {
	var gone *Snapshot
	err := s.Tx(func(tx *Store) error {
		sn, err := tx.Snapshot(schoolID, snapshotID)
		if err != nil {
			return err
		}
		if sn.Seq == 0 {
			return conflict("the baseline cannot be deleted: it froze the cohort")
		}
		var n int64
		if err := tx.q().Model(&DataPoint{}).Where("snapshot_id = ?", sn.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("data of snapshot %d: %w", sn.ID, err)
		}
		if n > 0 {
			return conflict("the snapshot %s holds data for %d pupils: clear its grid first", sn.Label, n)
		}
		var later int64
		if err := tx.q().Model(&Snapshot{}).Where("year_id = ? AND school_id = ? AND seq > ?", sn.YearID, schoolID, sn.Seq).Count(&later).Error; err != nil {
			return fmt.Errorf("snapshots after %d: %w", sn.ID, err)
		}
		if later > 0 {
			return conflict("only the latest snapshot can be deleted: later ones follow %s", sn.Label)
		}
		if err := tx.q().Delete(&Snapshot{}, sn.ID).Error; err != nil {
			return fmt.Errorf("delete snapshot %d: %w", sn.ID, err)
		}
		gone = sn
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete snapshot: %w", err)
	}
	return gone, nil
}
