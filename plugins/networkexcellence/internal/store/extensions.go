package store

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// Queries of the extension points (school panels, to-dos, figures): each
// answers for many schools, hubs or days at once, so that a panel of 50
// schools is a few queries.

// DaysOf returns the days of a kind, not cancelled, hosted by these schools
// or held by these hubs, from from (inclusive) to to (exclusive, "" for no
// end), by date.
func (s *Store) DaysOf(kind string, schools, hubs []uint64, from, to string) ([]Day, error) {
	if len(schools) == 0 && len(hubs) == 0 {
		return nil, nil
	}
	q := s.q().Where("kind = ? AND cancelled = ? AND date >= ?", kind, false, from)
	if to != "" {
		q = q.Where("date < ?", to)
	}
	switch {
	case len(schools) > 0 && len(hubs) > 0:
		q = q.Where("(school_id IN ? OR hub_id IN ?)", schools, hubs)
	case len(schools) > 0:
		q = q.Where("school_id IN ?", schools)
	default:
		q = q.Where("hub_id IN ?", hubs)
	}
	var ds []Day
	if err := q.Order("date, id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("days of schools and hubs: %w", err)
	}
	return ds, nil
}

// DaysByID returns the days with these ids, by id.
func (s *Store) DaysByID(ids []uint64) (map[uint64]Day, error) {
	out := map[uint64]Day{}
	if len(ids) == 0 {
		return out, nil
	}
	var ds []Day
	if err := s.q().Where("id IN ?", ids).Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("days: %w", err)
	}
	for _, d := range ds {
		out[d.ID] = d
	}
	return out, nil
}

// BookedCounts counts each day's bookings that hold a place (pairs on an
// LDD, people on a meeting or event), by day.
func (s *Store) BookedCounts(dayIDs []uint64) (map[uint64]int, error) {
	out := map[uint64]int{}
	if len(dayIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		DayID uint64
		N     int
	}
	if err := s.q().Model(&Booking{}).Select("day_id, count(*) AS n").Where("day_id IN ? AND state = ?", dayIDs, booking.Booked).
		Group("day_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("bookings of days: %w", err)
	}
	for _, r := range rows {
		out[r.DayID] = r.N
	}
	return out, nil
}

// RatedBy returns which of these days the person has rated.
func (s *Store) RatedBy(person uint64, dayIDs []uint64) (map[uint64]bool, error) {
	out := map[uint64]bool{}
	if len(dayIDs) == 0 {
		return out, nil
	}
	var ids []uint64
	if err := s.q().Model(&Rating{}).Where("person_id = ? AND day_id IN ?", person, dayIDs).Pluck("day_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("ratings of person: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// AoEsToDecide counts the Areas of Excellence put forward that the central
// team has not decided: those recorded as put forward, and those put
// forward in published reports not yet recorded (PutForward records them
// when the central team opens its page). It writes nothing.
func (s *Store) AoEsToDecide() (int, error) {
	var recorded, fresh int64
	if err := s.q().Model(&AoE{}).Where("state = ?", AoEPutForward).Count(&recorded).Error; err != nil {
		return 0, fmt.Errorf("areas put forward: %w", err)
	}
	err := s.db.Table("report_items AS i").
		Joins("JOIN reports r ON r.id = i.report_id AND r.tenant_id = i.tenant_id").
		Where("i.tenant_id = ? AND i.kind = ? AND i.put_forward = ? AND r.state = ?", s.tenant, rules.AoE, true, rules.Published).
		Where("NOT EXISTS (SELECT 1 FROM aoes a WHERE a.tenant_id = i.tenant_id AND a.report_item_id = i.id)").
		Count(&fresh).Error
	if err != nil {
		return 0, fmt.Errorf("areas put forward: %w", err)
	}
	return int(recorded + fresh), nil
}
