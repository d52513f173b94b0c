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
// end), by date: their kind, host, hub, date, title, capacity and notes.
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
	// What the panels and to-dos word, not the description or prices.
	if err := q.Select("id", "kind", "school_id", "hub_id", "date", "title", "capacity", "notes", "cancelled").Order("date, id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("days of schools and hubs: %w", err)
	}
	return ds, nil
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

// AoEsToDecide counts the Areas of Excellence put forward that the central
// team has not decided: those recorded as put forward, and those put
// forward in published reports not yet recorded (PutForward records them
// when the central team opens its page). It writes nothing, and counts
// both in one statement.
func (s *Store) AoEsToDecide() (int, error) {
	var n int64
	err := s.rawDB().Raw(`SELECT
	(SELECT COUNT(*) FROM aoes WHERE tenant_id = @t AND state = @putForward)
	+ (SELECT COUNT(*) FROM report_items i JOIN reports r ON r.tenant_id = i.tenant_id AND r.id = i.report_id
		WHERE i.tenant_id = @t AND i.kind = @aoe AND i.put_forward = @yes AND r.state = @published
		AND NOT EXISTS (SELECT 1 FROM aoes a WHERE a.tenant_id = i.tenant_id AND a.report_item_id = i.id))`,
		map[string]any{"t": s.tenant, "putForward": AoEPutForward, "aoe": rules.AoE, "yes": true, "published": rules.Published}).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("areas put forward: %w", err)
	}
	return int(n), nil
}
