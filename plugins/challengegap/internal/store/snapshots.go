package store

import (
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// BaselineLabel names the baseline snapshot.
const BaselineLabel = "Baseline"

// Snapshots lists a school's snapshots in a year, baseline first.
func (s *Store) Snapshots(yearID, schoolID uint64) ([]Snapshot, error) {
	var out []Snapshot
	if err := s.q().Where("year_id = ? AND school_id = ?", yearID, schoolID).Order("seq").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("snapshots of school %d: %w", schoolID, err)
	}
	return out, nil
}

// Snapshot returns snapshot id of the school.
func (s *Store) Snapshot(schoolID, snapshotID uint64) (*Snapshot, error) {
	var sn Snapshot
	if err := s.first(&sn, snapshotID); err != nil || sn.SchoolID != schoolID {
		return nil, fmt.Errorf("snapshot %d: %w", snapshotID, ErrNotFound)
	}
	return &sn, nil
}

// addSnapshot adds the next snapshot of the school's year.
func (s *Store) addSnapshot(yearID, schoolID uint64, label, takenOn string) (*Snapshot, error) {
	label, err := text("label", label, 100, true)
	if err != nil {
		return nil, err
	}
	if _, err := rules.ParseDate(takenOn); err != nil {
		return nil, invalid("taken_on", "%s", err.Error())
	}
	if err := s.checkInYear(yearID, takenOn); err != nil {
		return nil, err
	}
	existing, err := s.Snapshots(yearID, schoolID)
	if err != nil {
		return nil, err
	}
	for _, sn := range existing {
		if sn.Label == label {
			return nil, conflict("the school already has the snapshot %s", label)
		}
		if sn.TakenOn > takenOn {
			return nil, invalid("taken_on", "a snapshot comes after the previous one (%s on %s)", sn.Label, sn.TakenOn)
		}
	}
	sn := &Snapshot{TenantID: s.tenant, YearID: yearID, SchoolID: schoolID, Seq: len(existing), Label: label, TakenOn: takenOn}
	if err := s.create(sn, "the snapshot"); err != nil {
		return nil, err
	}
	return sn, nil
}

// AddSnapshot adds a termly snapshot after the baseline (the cohort must be frozen).
func (s *Store) AddSnapshot(yearID, schoolID uint64, label, takenOn string) (*Snapshot, error) {
	var out *Snapshot
	err := s.Tx(func(tx *Store) error {
		c, err := tx.CohortOf(yearID, schoolID, false)
		if err != nil {
			return err
		}
		if !c.Frozen() {
			return invalid("snapshot", "take the baseline first")
		}
		out, err = tx.addSnapshot(yearID, schoolID, label, takenOn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add snapshot: %w", err)
	}
	return out, nil
}

// PointInput is what a grid row gives for one pupil; GapMonths is worked
// out by the caller, which knows the pupil's date of birth.
type PointInput struct {
	PupilID   uint64
	Values    rules.DataPoint
	GapMonths *int
}

// RowError is a problem of one pupil's row of a grid.
type RowError struct {
	PupilID  uint64
	Problems []rules.Problem
}

// GridError lists the rows of a grid that cannot be stored; nothing was saved.
type GridError struct{ Rows []RowError }

func (e *GridError) Error() string {
	return fmt.Sprintf("%d rows have errors: nothing was saved", len(e.Rows))
}

// SaveDataPoints stores the rows of a snapshot's grid, all or nothing:
// every pupil must be in the school's cohort, and every row pass
// rules.CheckDataPoint (a *GridError lists the rows that do not).
func (s *Store) SaveDataPoints(schoolID, snapshotID uint64, rows []PointInput, by uint64) error {
	return s.Tx(func(tx *Store) error {
		sn, err := tx.Snapshot(schoolID, snapshotID)
		if err != nil {
			return err
		}
		c, err := tx.CohortOf(sn.YearID, schoolID, false)
		if err != nil {
			return err
		}
		if c == nil {
			return invalid("pupils", "the school has no target cohort")
		}
		ms, err := tx.CohortMembers(c.ID, false)
		if err != nil {
			return err
		}
		inCohort := map[uint64]bool{}
		for _, m := range ms {
			inCohort[m.PupilID] = true
		}
		var bad []RowError
		for _, r := range rows {
			if !inCohort[r.PupilID] {
				return invalid("pupils", "only pupils of the target cohort have data points")
			}
			if ps := rules.CheckDataPoint(r.Values); len(ps) > 0 {
				bad = append(bad, RowError{PupilID: r.PupilID, Problems: ps})
			}
		}
		if len(bad) > 0 {
			return &GridError{Rows: bad}
		}
		if len(rows) == 0 {
			return nil
		}
		now := time.Now().UTC()
		out := make([]DataPoint, len(rows))
		for i, r := range rows {
			v := r.Values
			out[i] = DataPoint{TenantID: s.tenant, SnapshotID: snapshotID, PupilID: r.PupilID, Reading: string(v.Reading), Writing: string(v.Writing),
				Maths: string(v.Maths), AgeEquivalent: v.AgeEquivalent, GapMonths: r.GapMonths, Attitude: v.Attitude, Aspiration: v.Aspiration,
				Attendance: v.Attendance, UpdatedBy: by, UpdatedAt: now}
		}
		return tx.db.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "tenant_id"}, {Name: "snapshot_id"}, {Name: "pupil_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"reading", "writing", "maths", "age_equivalent", "gap_months", "attitude",
				"aspiration", "attendance", "updated_by", "updated_at"}),
		}).Create(&out).Error
	})
}

// DataPoints returns a snapshot's data points by pupil.
func (s *Store) DataPoints(snapshotID uint64) (map[uint64]DataPoint, error) {
	var rows []DataPoint
	if err := s.q().Where("snapshot_id = ?", snapshotID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("data points of snapshot %d: %w", snapshotID, err)
	}
	out := make(map[uint64]DataPoint, len(rows))
	for _, r := range rows {
		out[r.PupilID] = r
	}
	return out, nil
}
