package store

import (
	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// Attainment is a data point's reading, writing and maths.
func (p *DataPoint) Attainment() evidence.Attainment {
	return evidence.Attainment{Reading: rules.ARE(p.Reading), Writing: rules.ARE(p.Writing), Maths: rules.ARE(p.Maths)}
}

// Impact works out the headline of a school's cohort in the year between
// its baseline and its latest snapshot, and returns their labels ("" when
// the school has no snapshot).
func (s *Store) Impact(yearID, schoolID uint64) (evidence.Impact, string, string, error) {
	sns, err := s.Snapshots(yearID, schoolID)
	if err != nil || len(sns) == 0 {
		return evidence.Impact{}, "", "", err
	}
	// The latest snapshot holding data: one added but not filled in (or
	// filled in for no pupil yet) does not blank the school's figures.
	last := sns[0]
	withdrawn, err := s.WithdrawnOn(yearID, schoolID)
	if err != nil {
		return evidence.Impact{}, "", "", err
	}
	if filled, err := s.LatestFilled(yearID, schoolID, withdrawn); err != nil {
		return evidence.Impact{}, "", "", err
	} else if filled != nil {
		last = *filled
	}
	points, err := s.CohortPoints(yearID, []uint64{schoolID}, 0, last.Seq)
	if err != nil {
		return evidence.Impact{}, "", "", err
	}
	ps := make([]evidence.Pupil, 0, len(points[schoolID]))
	for _, pp := range points[schoolID] {
		var p evidence.Pupil
		if pp.From != nil {
			p.GapFrom, p.AREFrom, p.AttendanceFrom = pp.From.GapMonths, pp.From.Attainment(), pp.From.Attendance
		}
		if pp.To != nil {
			p.GapTo, p.ARETo, p.AttendanceTo = pp.To.GapMonths, pp.To.Attainment(), pp.To.Attendance
		}
		ps = append(ps, p)
	}
	return evidence.Headline(ps), sns[0].Label, last.Label, nil
}
