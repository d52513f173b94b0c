// Package storeref keeps, for the tests only, the definitions the
// extension points counted by before they counted in SQL (issue 18): each
// loads the rows (as the plugin did up to 0.4.0) and counts them here.
// The tests check that store's SQL counts equal these, on hand-made data
// and on the demo, on SQLite and PostgreSQL. Nothing outside tests
// imports it.
package storeref

import (
	"fmt"
	"sort"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// YearCounts counts year y up to today as the figures did: the year
// board's reviews, seats, feedback and reviewers loaded, reciprocity by
// rules.CountReciprocity, the trained reviewers by store.Trained, the days
// held and their bookings and ratings loaded, the members' hubs.
func YearCounts(s *store.Store, y *store.Year, today string) (store.YearCounts, error) {
	var c store.YearCounts
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return c, err
	}
	seats, err := s.SeatsForBoard(y.ID)
	if err != nil {
		return c, err
	}
	feedback, err := s.ScoresOfYear(y.ID)
	if err != nil {
		return c, err
	}
	reviewers, err := s.ReviewerSchools()
	if err != nil {
		return c, err
	}
	byID := map[uint64]store.Review{}
	for _, rv := range reviews {
		if rv.Cancelled {
			continue
		}
		byID[rv.ID] = rv
		c.Reviews++
		if rv.StartsOn <= today {
			c.ReviewsDone++
		}
	}
	var seatDays []rules.SeatDays
	for _, x := range seats {
		if rv, ok := byID[x.ReviewID]; ok && rv.StartsOn <= today {
			seatDays = append(seatDays, rules.SeatDays{Host: rv.SchoolID, ReviewerSchool: reviewers[x.ReviewerID].SchoolID, Lead: x.Seat == store.LeadSeat, Days: rv.Days})
		}
	}
	for _, rc := range rules.CountReciprocity(seatDays) {
		if rc.Received > 0 {
			c.Hosted++
			if rc.Met() {
				c.Met++
			}
		}
	}
	for _, f := range feedback {
		c.Feedback++
		c.OverallSum += f.Overall
		c.CPDSum += f.CPD
	}
	trained, err := s.Trained(min(y.EndsOn, today))
	if err != nil {
		return c, err
	}
	c.Trained = len(trained)
	var aoes []store.AoE
	if err := s.DB().Where("tenant_id = ? AND state = ?", s.TenantID(), store.AoEAccredited).Find(&aoes).Error; err != nil {
		return c, fmt.Errorf("aoes: %w", err)
	}
	for _, a := range aoes {
		if a.AccreditedOn >= y.StartsOn && a.AccreditedOn < y.EndsOn+"~" {
			c.AoEsAccredited++
		}
	}
	hosts, err := lddCounts(s, y, today, &c)
	if err != nil {
		return c, err
	}
	ms, err := s.Members(y.ID)
	if err != nil {
		return c, err
	}
	hubOf, hubs, hosted := map[uint64]uint64{}, map[uint64]bool{}, map[uint64]bool{}
	for _, m := range ms {
		hubOf[m.SchoolID] = m.HubID
		if m.HubID != 0 {
			hubs[m.HubID] = true
		}
	}
	for _, h := range hosts {
		if hub := hubOf[h]; hub != 0 {
			hosted[hub] = true
		}
	}
	c.Hubs, c.HubsHosted = len(hubs), len(hosted)
	return c, nil
}

// lddCounts counts the year's Leadership Development Days up to today,
// the places booked on them and their ratings, and returns their hosts.
func lddCounts(s *store.Store, y *store.Year, today string, c *store.YearCounts) ([]uint64, error) {
	to := y.EndsOn + "~"
	if today < to {
		to = today + "~"
	}
	var days []store.Day
	if err := s.DB().Where("tenant_id = ?", s.TenantID()).Find(&days).Error; err != nil {
		return nil, fmt.Errorf("days: %w", err)
	}
	held := map[uint64]bool{}
	var hosts []uint64
	for _, d := range days {
		if d.Kind == store.KindLDD && !d.Cancelled && d.Date >= y.StartsOn && d.Date < to {
			held[d.ID] = true
			hosts = append(hosts, d.SchoolID)
			c.LDDs++
		}
	}
	var bookings []store.Booking
	if err := s.DB().Where("tenant_id = ?", s.TenantID()).Find(&bookings).Error; err != nil {
		return nil, fmt.Errorf("bookings: %w", err)
	}
	for _, b := range bookings {
		if held[b.DayID] && b.State == booking.Booked {
			c.Pairs++
		}
	}
	var ratings []store.Rating
	if err := s.DB().Where("tenant_id = ?", s.TenantID()).Find(&ratings).Error; err != nil {
		return nil, fmt.Errorf("ratings: %w", err)
	}
	for _, r := range ratings {
		if held[r.DayID] {
			c.Ratings++
			c.RatingSum += r.Score
		}
	}
	return hosts, nil
}

// Central is what the central team's to-dos counted: reports agreed, and
// those overdue (no report or a draft, due before today).
type Central struct{ Agreed, Overdue int }

// CentralCounts counts a year's reports as the central to-dos did, from
// every review of the year and the states of their reports; due is the
// report's due date of a review (the web's dueDate with the settings).
func CentralCounts(s *store.Store, yearID uint64, today string, due func(store.Review) string) (Central, error) {
	var c Central
	reviews, err := s.Reviews(yearID)
	if err != nil {
		return c, err
	}
	states, err := s.ReportStatesOfYear(yearID)
	if err != nil {
		return c, err
	}
	for _, rv := range reviews {
		if rv.Cancelled {
			continue
		}
		switch st := states[rv.ID].State; {
		case st == rules.Agreed:
			c.Agreed++
		case (st == "" || st == rules.Draft) && due(rv) < today:
			c.Overdue++
		}
	}
	return c, nil
}

// DaysToRate are the days the person was booked on from from to to, not
// cancelled, with whether they rated each, by date: their bookings loaded,
// then the days, then their ratings.
func DaysToRate(s *store.Store, person uint64, from, to string) ([]store.DayToRate, error) {
	bs, err := s.BookingsOf(person)
	if err != nil {
		return nil, err
	}
	ids := map[uint64]bool{}
	for _, b := range bs {
		if b.State == booking.Booked {
			ids[b.DayID] = true
		}
	}
	var out []store.DayToRate
	for id := range ids {
		d, err := s.Day(id)
		if err != nil {
			return nil, err
		}
		if d.Cancelled || d.Date > to || d.Date < from {
			continue
		}
		var n int64
		if err := s.DB().Model(&store.Rating{}).Where("tenant_id = ? AND day_id = ? AND person_id = ?", s.TenantID(), id, person).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("ratings: %w", err)
		}
		out = append(out, store.DayToRate{ID: d.ID, Kind: d.Kind, Title: d.Title, Date: d.Date, Rated: n > 0})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// PanelAoEs are the schools' accredited Areas of Excellence as the panel
// read them: store.AccreditedAoEs (every tag and term of the tenant
// loaded), with their terms' labels.
func PanelAoEs(s *store.Store, schools []uint64) ([]store.PanelAoE, error) {
	as, err := s.AccreditedAoEs(schools...)
	if err != nil {
		return nil, err
	}
	var out []store.PanelAoE
	for _, a := range as {
		x := store.PanelAoE{SchoolID: a.SchoolID, Title: a.Title, AccreditedOn: a.AccreditedOn}
		for _, t := range a.Terms {
			x.Terms = append(x.Terms, t.Label)
		}
		out = append(out, x)
	}
	return out, nil
}

// FilledSeats counts each review's seats not withdrawn from the loaded seats.
func FilledSeats(s *store.Store, reviewIDs []uint64) (map[uint64]int, error) {
	seats, err := s.SeatsOf(reviewIDs)
	if err != nil {
		return nil, err
	}
	out := map[uint64]int{}
	for _, x := range seats {
		if !x.Withdrawn {
			out[x.ReviewID]++
		}
	}
	return out, nil
}

// HubNamesOfMembers are the names of the schools' hubs in a year as the
// panel read them: the members loaded, then every hub of the tenant.
func HubNamesOfMembers(s *store.Store, yearID uint64, schools []uint64) (map[uint64]string, error) {
	ms, err := s.MembersWhere(yearID, 0, 0, schools...)
	if err != nil {
		return nil, err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return nil, err
	}
	out := map[uint64]string{}
	for _, m := range ms {
		if hubs[m.HubID] != "" {
			out[m.SchoolID] = hubs[m.HubID]
		}
	}
	return out, nil
}
