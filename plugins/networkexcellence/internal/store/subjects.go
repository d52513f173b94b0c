package store

import (
	"fmt"
	"strings"
)

// PersonRecords is everything the plugin holds about a person.
type PersonRecords struct {
	Reviewer    *Reviewer         `json:"reviewer,omitempty"`
	Attendance  []Attendance      `json:"training_attendance,omitempty"`
	Seats       []Seat            `json:"review_seats,omitempty"`
	Unavailable []UnavailableWeek `json:"unavailable_weeks,omitempty"`
	Feedback    []Feedback        `json:"feedback_given,omitempty"`
	Reports     []Report          `json:"reports_submitted_agreed_or_published,omitempty"`
	Pins        []Pin             `json:"allocation_decisions_made,omitempty"`
	News        []News            `json:"news_written,omitempty"`
	Connects    []Connect         `json:"directory_messages_sent,omitempty"`
	Bookings    []Booking         `json:"day_bookings,omitempty"`
	Ratings     []Rating          `json:"day_ratings,omitempty"`
}

// Empty reports whether nothing is held.
func (p PersonRecords) Empty() bool {
	return p.Reviewer == nil && len(p.Feedback)+len(p.Reports)+len(p.Pins)+len(p.News)+len(p.Connects)+len(p.Bookings)+len(p.Ratings) == 0
}

// PersonRecordsOf gathers what the plugin holds about a core person.
func (s *Store) PersonRecordsOf(personID uint64) (PersonRecords, error) {
	var out PersonRecords
	r, err := s.ReviewerByPerson(personID)
	if err != nil {
		return out, err
	}
	if r != nil {
		out.Reviewer = r
		if out.Attendance, err = s.AttendanceOf(r.ID); err != nil {
			return out, err
		}
		if out.Seats, err = s.SeatsOfReviewer(r.ID); err != nil {
			return out, err
		}
		if err := s.q().Where("reviewer_id = ?", r.ID).Order("year_id, week").Find(&out.Unavailable).Error; err != nil {
			return out, fmt.Errorf("unavailable weeks: %w", err)
		}
	}
	for _, q := range []struct {
		dst   any
		where string
	}{
		{&out.Feedback, "person_id = ?"},
		{&out.Reports, "submitted_by = ? OR agreed_by = ? OR published_by = ?"},
		{&out.Pins, "created_by = ?"},
		{&out.News, "created_by = ?"},
		{&out.Connects, "from_person = ?"},
		{&out.Bookings, "person1 = ? OR person2 = ? OR booked_by = ?"},
		{&out.Ratings, "person_id = ?"},
	} {
		args := []any{personID}
		if n := strings.Count(q.where, "?"); n > 1 {
			args = []any{personID, personID, personID}[:n]
		}
		if err := s.q().Where(q.where, args...).Order("id").Find(q.dst).Error; err != nil {
			return out, fmt.Errorf("records of person %d: %w", personID, err)
		}
	}
	return out, nil
}

// anonymousPerson marks a feedback row whose author was erased: not a
// person id, and unique per row so the one-feedback-per-person rule holds.
const anonymousPerson = uint64(1) << 62

// ErasePerson removes what the plugin holds about a person, keeping the
// programme's figures: the register entry is anonymised (name, person,
// school) and made inactive, keeping the seats it took for the schools'
// histories; feedback keeps its scores without its author or comment; the
// person's id is taken off reports, plans, pins, runs and news; the mail
// log forgets them. It returns the rows deleted and anonymised; a second
// call changes nothing.
func (s *Store) ErasePerson(personID uint64) (deleted, anonymised int64, err error) {
	if personID == 0 {
		return 0, 0, nil
	}
	res := s.q().Where("person_id = ?", personID).Delete(&Sent{})
	if res.Error != nil {
		return 0, 0, fmt.Errorf("erase sent mail: %w", res.Error)
	}
	deleted += res.RowsAffected
	r, err := s.ReviewerByPerson(personID)
	if err != nil {
		return deleted, 0, err
	}
	if r != nil {
		res := s.q().Model(&Reviewer{}).Where("id = ?", r.ID).Updates(map[string]any{"person_id": 0,
			"name": fmt.Sprintf("Erased reviewer %d", r.ID), "active": false, "accredited_on": ""})
		if res.Error != nil {
			return deleted, 0, fmt.Errorf("anonymise reviewer %d: %w", r.ID, res.Error)
		}
		anonymised += res.RowsAffected
		res = s.q().Where("reviewer_id = ?", r.ID).Delete(&UnavailableWeek{})
		if res.Error != nil {
			return deleted, anonymised, fmt.Errorf("erase unavailable weeks: %w", res.Error)
		}
		deleted += res.RowsAffected
	}
	var fs []Feedback
	if err := s.q().Where("person_id = ?", personID).Find(&fs).Error; err != nil {
		return deleted, anonymised, fmt.Errorf("feedback: %w", err)
	}
	for _, f := range fs {
		if err := s.q().Model(&Feedback{}).Where("id = ?", f.ID).Updates(map[string]any{"person_id": anonymousPerson | f.ID, "comment": ""}).Error; err != nil {
			return deleted, anonymised, fmt.Errorf("anonymise feedback %d: %w", f.ID, err)
		}
		anonymised++
	}
	for _, u := range []struct {
		model any
		col   string
	}{
		{&Report{}, "submitted_by"}, {&Report{}, "agreed_by"}, {&Report{}, "published_by"}, {&Plan{}, "updated_by"},
		{&Pin{}, "created_by"}, {&Run{}, "created_by"}, {&Run{}, "published_by"}, {&News{}, "created_by"},
	} {
		res := s.q().Model(u.model).Where(u.col+" = ?", personID).Update(u.col, 0)
		if res.Error != nil {
			return deleted, anonymised, fmt.Errorf("erase %s: %w", u.col, res.Error)
		}
		anonymised += res.RowsAffected
	}
	n, err := s.eraseDirectory(personID)
	return deleted, anonymised + n, err
}

// eraseDirectory anonymises the Directory part's records of a person: the
// connect messages they sent keep that a message went, not its text; their
// bookings keep the place, not their name; their ratings keep the score,
// not its author or comment; their id is taken off profiles, days, AoEs and
// bookings they made.
func (s *Store) eraseDirectory(personID uint64) (int64, error) {
	var n int64
	res := s.q().Model(&Connect{}).Where("from_person = ?", personID).Updates(map[string]any{"from_person": 0, "subject": "(erased)", "message": "(erased)"})
	if res.Error != nil {
		return n, fmt.Errorf("erase connect messages: %w", res.Error)
	}
	n += res.RowsAffected
	for i, col := range []string{"person1", "person2"} {
		var bs []Booking
		if err := s.q().Where(col+" = ?", personID).Find(&bs).Error; err != nil {
			return n, fmt.Errorf("bookings: %w", err)
		}
		for _, b := range bs {
			name := []string{"name1", "name2"}[i]
			if err := s.q().Model(&Booking{}).Where("id = ?", b.ID).Updates(map[string]any{col: anonymousPerson | uint64(i)<<40 | b.ID, name: "Erased person"}).Error; err != nil {
				return n, fmt.Errorf("anonymise booking %d: %w", b.ID, err)
			}
			n++
		}
	}
	var rs []Rating
	if err := s.q().Where("person_id = ?", personID).Find(&rs).Error; err != nil {
		return n, fmt.Errorf("ratings: %w", err)
	}
	for _, r := range rs {
		if err := s.q().Model(&Rating{}).Where("id = ?", r.ID).Updates(map[string]any{"person_id": anonymousPerson | r.ID, "comment": ""}).Error; err != nil {
			return n, fmt.Errorf("anonymise rating %d: %w", r.ID, err)
		}
		n++
	}
	for _, u := range []struct {
		model any
		col   string
	}{{&Connect{}, "to_person"}, {&Profile{}, "contact_id"}, {&Day{}, "created_by"}, {&AoE{}, "decided_by"}, {&Booking{}, "booked_by"}} {
		res := s.q().Model(u.model).Where(u.col+" = ?", personID).Update(u.col, 0)
		if res.Error != nil {
			return n, fmt.Errorf("erase %s: %w", u.col, res.Error)
		}
		n += res.RowsAffected
	}
	return n, nil
}
