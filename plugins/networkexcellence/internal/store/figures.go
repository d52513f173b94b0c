package store

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
)

// DayFigures are a period's Leadership Development Days: how many were
// hosted, the pairs booked on them, their ratings, and the host schools.
type DayFigures struct {
	LDDs   int
	Pairs  int
	Scores []int
	Hosts  []uint64
}

// LDDFigures counts the LDDs held from from (inclusive) to to (exclusive,
// and not after today).
func (s *Store) LDDFigures(from, to, today string) (DayFigures, error) {
	var f DayFigures
	if today < to {
		to = today + "~" // today included
	}
	var ds []Day
	if err := s.q().Select("id", "school_id").Where("kind = ? AND cancelled = ? AND date >= ? AND date < ?", KindLDD, false, from, to).
		Find(&ds).Error; err != nil {
		return f, fmt.Errorf("days from %s: %w", from, err)
	}
	f.LDDs = len(ds)
	if len(ds) == 0 {
		return f, nil
	}
	ids := make([]uint64, len(ds))
	seen := map[uint64]bool{}
	for i, d := range ds {
		ids[i] = d.ID
		if !seen[d.SchoolID] {
			seen[d.SchoolID] = true
			f.Hosts = append(f.Hosts, d.SchoolID)
		}
	}
	var n int64
	if err := s.q().Model(&Booking{}).Where("day_id IN ? AND state = ?", ids, booking.Booked).Count(&n).Error; err != nil {
		return f, fmt.Errorf("pairs booked: %w", err)
	}
	f.Pairs = int(n)
	if err := s.q().Model(&Rating{}).Where("day_id IN ?", ids).Order("id").Pluck("score", &f.Scores).Error; err != nil {
		return f, fmt.Errorf("ratings: %w", err)
	}
	return f, nil
}

// AoEsAccreditedBetween counts the AoEs accredited from from to to (exclusive).
func (s *Store) AoEsAccreditedBetween(from, to string) (int, error) {
	var n int64
	if err := s.q().Model(&AoE{}).Where("state = ? AND accredited_on >= ? AND accredited_on < ?", AoEAccredited, from, to).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("areas accredited: %w", err)
	}
	return int(n), nil
}
