package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
)

// DayInput is the form of a day on offer.
type DayInput struct {
	Date, ClosesOn, Title, Description string
	Capacity, Price, MemberPrice       string
	Terms                              []string
}

// capacities are the places a day of each kind may offer: an LDD hosts 3
// to 6 pairs; a meeting or an event up to 2,000 people.
func capacities(kind string) (int, int) {
	if kind == KindLDD {
		return 3, 6
	}
	return 1, 2000
}

// OfferDay checks and records a day: an LDD hosted by school, a meeting of
// hub, or a partnership event (both 0). The date is after today; booking
// closes on or before it; the members' price is no more than the price.
func (s *Store) OfferDay(kind string, school, hub uint64, in DayInput, by uint64, today string, at time.Time) (*Day, error) {
	var errs Errors
	lo, hi := capacities(kind)
	d := Day{TenantID: s.tenant, Kind: kind, SchoolID: school, HubID: hub, CreatedBy: by, CreatedAt: at, UpdatedAt: at,
		Date: date(&errs, "date", in.Date, true), ClosesOn: date(&errs, "closes_on", in.ClosesOn, false),
		Title: text(&errs, "title", in.Title, 200, true), Description: text(&errs, "description", in.Description, 4000, kind == KindLDD),
		Capacity:   number(&errs, "capacity", in.Capacity, lo, hi),
		PricePence: pounds(&errs, "price", in.Price), MemberPence: pounds(&errs, "member_price", in.MemberPrice)}
	if d.Date != "" && d.Date <= today {
		errs.Add("date", "Choose a date after today")
	}
	if d.ClosesOn != "" && d.Date != "" && d.ClosesOn >= d.Date {
		errs.Add("closes_on", "Close booking before the day")
	}
	if !errs.Has("member_price") && !errs.Has("price") && d.MemberPence > d.PricePence {
		errs.Add("member_price", "The members' price is the price less their discount: no more than the price")
	}
	terms := s.termIDs(&errs, "terms", in.Terms)
	if kind == KindLDD && len(terms) == 0 && !errs.Has("terms") {
		errs.Add("terms", "Tag the day with at least one term of the taxonomy")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.create(&d, "the day"); err != nil {
		return nil, err
	}
	for _, t := range terms {
		if err := s.db.Create(&DayTerm{TenantID: s.tenant, DayID: d.ID, TermID: t}).Error; err != nil {
			return nil, fmt.Errorf("tag day %d: %w", d.ID, err)
		}
	}
	return &d, nil
}

// Day loads a day.
func (s *Store) Day(id uint64) (*Day, error) {
	var d Day
	return &d, s.first(&d, id, "day")
}

// DayQuery selects days: of a kind, a host school, a hub, from a date.
type DayQuery struct {
	Kind     string
	SchoolID uint64
	HubID    uint64
	From, To string
	Term     uint64
}

// Days returns the days the query selects, by date.
func (s *Store) Days(q DayQuery) ([]Day, error) {
	db := s.q()
	if q.Kind != "" {
		db = db.Where("kind = ?", q.Kind)
	}
	if q.SchoolID != 0 {
		db = db.Where("school_id = ?", q.SchoolID)
	}
	if q.HubID != 0 {
		db = db.Where("hub_id = ?", q.HubID)
	}
	if q.From != "" {
		db = db.Where("date >= ?", q.From)
	}
	if q.To != "" {
		db = db.Where("date < ?", q.To)
	}
	if q.Term != 0 {
		db = db.Where("id IN (?)", s.db.Model(&DayTerm{}).Select("day_id").Where("tenant_id = ? AND term_id = ?", s.tenant, q.Term))
	}
	var ds []Day
	if err := db.Order("date, id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("days: %w", err)
	}
	return ds, nil
}

// DayTerms returns a day's terms.
func (s *Store) DayTerms(dayID uint64) ([]Term, error) {
	var ts []Term
	err := s.q().Where("id IN (?)", s.db.Model(&DayTerm{}).Select("term_id").Where("tenant_id = ? AND day_id = ?", s.tenant, dayID)).
		Order("label").Find(&ts).Error
	if err != nil {
		return nil, fmt.Errorf("terms of day %d: %w", dayID, err)
	}
	return ts, nil
}

// Bookings returns a day's bookings in the order they were made.
func (s *Store) Bookings(dayID uint64) ([]Booking, error) {
	var bs []Booking
	if err := s.q().Where("day_id = ?", dayID).Order("position, id").Find(&bs).Error; err != nil {
		return nil, fmt.Errorf("bookings of day %d: %w", dayID, err)
	}
	return bs, nil
}

// lockDay loads a day for a change of its bookings: on PostgreSQL the row
// is locked until the transaction ends, so two bookings of the last place
// are made one after the other (SQLite's transactions are serial already).
func (s *Store) lockDay(id uint64) (*Day, error) {
	var d Day
	q := s.q().Where("id = ?", id)
	if s.db.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&d).Error; err != nil {
		return nil, fmt.Errorf("day %d: %w", id, ErrNotFound)
	}
	return &d, nil
}

func ruleDay(d *Day) booking.Day {
	return booking.Day{HostSchool: d.SchoolID, Date: d.Date, ClosesOn: d.ClosesOn, Capacity: d.Capacity, Cancelled: d.Cancelled, PerPair: d.PerPair()}
}

func ruleBookings(bs []Booking) []booking.Booking {
	out := make([]booking.Booking, len(bs))
	for i, b := range bs {
		out[i] = booking.Booking{ID: b.ID, School: b.SchoolID, People: b.People(), State: b.State, Position: b.Position}
	}
	return out
}

// BookInput is a school's booking: its people (ids, with their names as
// the school's records give them) and whether to wait when the day is full.
type BookInput struct {
	People []uint64
	Names  []string
	Wait   bool
}

// BookDay books people of a school on a day by the booking rules; a refusal
// is an *Errors naming the field at fault (or "booking") with the reason.
// The booking is at the members' price.
func (s *Store) BookDay(dayID, school uint64, in BookInput, by uint64, today string, at time.Time) (*Booking, error) {
	d, err := s.lockDay(dayID)
	if err != nil {
		return nil, err
	}
	bs, err := s.Bookings(dayID)
	if err != nil {
		return nil, err
	}
	state, err := booking.Decide(ruleDay(d), booking.Request{School: school, People: in.People, Wait: in.Wait}, ruleBookings(bs), today)
	var ref *booking.Refusal
	if errors.As(err, &ref) {
		field := ref.Field
		if field == "" || field == "school" {
			field = "booking"
		}
		return nil, Invalid(field, "%s", ref.Message)
	}
	if err != nil {
		return nil, err
	}
	b := Booking{TenantID: s.tenant, DayID: dayID, SchoolID: school, Person1: in.People[0], State: state,
		Position: len(bs) + 1, PricePence: d.MemberPence, BookedBy: by, CreatedAt: at}
	if len(in.Names) > 0 {
		b.Name1 = in.Names[0]
	}
	if d.PerPair() {
		b.Person2 = in.People[1]
		if len(in.Names) > 1 {
			b.Name2 = in.Names[1]
		}
	}
	if err := s.create(&b, "the booking"); err != nil {
		return nil, err
	}
	return &b, nil
}

// Booking loads a booking.
func (s *Store) Booking(id uint64) (*Booking, error) {
	var b Booking
	return &b, s.first(&b, id, "booking")
}

// CancelBooking cancels a booking (before the day) and moves the waiting
// list up into the places now free; it returns the cancelled booking and
// the bookings moved up.
func (s *Store) CancelBooking(id uint64, today string, at time.Time) (*Booking, []Booking, error) {
	b, err := s.Booking(id)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.lockDay(b.DayID)
	if err != nil {
		return nil, nil, err
	}
	if b.State == booking.Cancelled {
		return nil, nil, conflict("the booking is cancelled already")
	}
	if d.Date <= today {
		return nil, nil, conflict("the day has passed or is today: a booking is cancelled before it")
	}
	if err := s.q().Model(&Booking{}).Where("id = ?", id).Updates(map[string]any{"state": booking.Cancelled, "cancelled_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("cancel booking %d: %w", id, err)
	}
	b.State, b.CancelledAt = booking.Cancelled, &at
	bs, err := s.Bookings(d.ID)
	if err != nil {
		return nil, nil, err
	}
	up := booking.Promote(d.Capacity, ruleBookings(bs))
	var moved []Booking
	for _, pid := range up {
		if err := s.q().Model(&Booking{}).Where("id = ?", pid).Update("state", booking.Booked).Error; err != nil {
			return nil, nil, fmt.Errorf("move booking %d up: %w", pid, err)
		}
		for _, x := range bs {
			if x.ID == pid {
				x.State = booking.Booked
				moved = append(moved, x)
			}
		}
	}
	return b, moved, nil
}

// SetAttendance records who of a day's bookings came (booking id → the
// first and second person's attendance), on or after the day.
func (s *Store) SetAttendance(dayID uint64, came map[uint64][2]bool, today string) error {
	d, err := s.Day(dayID)
	if err != nil {
		return err
	}
	if d.Date > today {
		return conflict("attendance is taken on or after the day (%s)", d.Date)
	}
	for id, c := range came {
		if err := s.q().Model(&Booking{}).Where("id = ? AND day_id = ? AND state = ?", id, dayID, booking.Booked).
			Updates(map[string]any{"attended1": c[0], "attended2": c[1]}).Error; err != nil {
			return fmt.Errorf("attendance of booking %d: %w", id, err)
		}
	}
	return nil
}

// RateInput is an attendee's rating form.
type RateInput struct{ Score, Comment string }

// Rate records (or changes) an attendee's rating of a day after it.
func (s *Store) Rate(dayID, person uint64, in RateInput, today string, at time.Time) (*Rating, error) {
	var errs Errors
	score := number(&errs, "score", in.Score, 1, 10)
	comment := text(&errs, "comment", in.Comment, 2000, false)
	if len(errs) > 0 {
		return nil, errs
	}
	d, err := s.Day(dayID)
	if err != nil {
		return nil, err
	}
	bs, err := s.Bookings(dayID)
	if err != nil {
		return nil, err
	}
	if err := booking.CanRate(ruleDay(d), person, ruleBookings(bs), today); err != nil {
		return nil, Invalid("score", "%s", err.Error())
	}
	r := Rating{TenantID: s.tenant, DayID: dayID, PersonID: person, Score: score, Comment: comment, CreatedAt: at}
	err = s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "tenant_id"}, {Name: "day_id"}, {Name: "person_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"score", "comment", "created_at"})}).Create(&r).Error
	if err != nil {
		return nil, fmt.Errorf("rate day %d: %w", dayID, err)
	}
	return &r, nil
}

// Ratings returns a day's ratings (dayID ≠ 0), or every rating of days of
// kind between from and to.
func (s *Store) Ratings(dayID uint64) ([]Rating, error) {
	var rs []Rating
	if err := s.q().Where("day_id = ?", dayID).Order("id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("ratings of day %d: %w", dayID, err)
	}
	return rs, nil
}

// BookingsOf returns the bookings naming person, with their days, newest day first.
func (s *Store) BookingsOf(person uint64) ([]Booking, error) {
	var bs []Booking
	if err := s.q().Where("(person1 = ? OR person2 = ?) AND state <> ?", person, person, booking.Cancelled).Order("day_id DESC").Find(&bs).Error; err != nil {
		return nil, fmt.Errorf("bookings of person: %w", err)
	}
	return bs, nil
}

// DayLabel names a kind of day for people.
func DayLabel(kind string) string {
	switch kind {
	case KindLDD:
		return "Leadership Development Day"
	case KindMeeting:
		return "Hub meeting"
	case KindEvent:
		return "Event"
	}
	return strings.ToUpper(kind)
}

// SaveNotes records a meeting's notes and actions (after it, or on the day).
func (s *Store) SaveNotes(dayID uint64, notes, today string, at time.Time) (*Day, *Day, error) {
	var errs Errors
	notes = text(&errs, "notes", notes, 8000, true)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	d, err := s.Day(dayID)
	if err != nil {
		return nil, nil, err
	}
	if d.Kind != KindMeeting {
		return nil, nil, conflict("only a hub meeting keeps notes")
	}
	before := *d
	if err := s.q().Model(&Day{}).Where("id = ?", dayID).Updates(map[string]any{"notes": notes, "updated_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("notes of day %d: %w", dayID, err)
	}
	d.Notes, d.UpdatedAt = notes, at
	return &before, d, nil
}
