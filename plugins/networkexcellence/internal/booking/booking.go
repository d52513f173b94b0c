// Package booking holds the rules for booking a day hosted by a school (a
// Leadership Development Day, a hub meeting or a partnership event): who may
// book, when a booking is refused and why, the waiting list, and the
// ratings the day gets afterwards. It is pure: the store loads the day and
// its bookings, asks Decide, and writes what it says.
package booking

import (
	"fmt"
	"math"
	"sort"
)

// States of a booking.
const (
	Booked    = "booked"
	Waiting   = "waiting"
	Cancelled = "cancelled"
)

// Reason says why a booking is refused.
type Reason string

// The reasons a booking is refused.
const (
	Full       Reason = "full"
	OwnSchool  Reason = "own_school"
	DatePassed Reason = "date_passed"
	SamePerson Reason = "same_person"
	Closed     Reason = "closed"
	NoLeader   Reason = "no_leader"
)

// Refusal is a refused booking: its reason and a message for people,
// naming the field at fault where there is one.
type Refusal struct {
	Reason  Reason
	Field   string
	Message string
}

func (r *Refusal) Error() string { return r.Message }

// Day is what the rules need to know of a day on offer.
type Day struct {
	HostSchool uint64 // 0: hosted by the partnership (an event), no own-school rule
	Date       string // YYYY-MM-DD
	ClosesOn   string // YYYY-MM-DD, the last day bookings are taken; "" the day before Date
	Capacity   int    // places: pairs for an LDD, people for an event
	Cancelled  bool
	// PerPair: a booking is a pair of two leaders of one school (an LDD);
	// otherwise one person (a meeting or an event).
	PerPair bool
}

// Booking is one booking of a day, as the rules see it.
type Booking struct {
	ID       uint64
	School   uint64
	People   []uint64
	State    string
	Position int // the order it was made in (the waiting list's order)
}

// Request is a school's request to book people on a day.
type Request struct {
	School uint64
	People []uint64
	// Wait: join the waiting list when the day is full (otherwise refused).
	Wait bool
}

// Decide says whether req may book d, given the day's bookings so far and
// today's date: the new booking's state (Booked, or Waiting when the day
// is full and the school asked to wait), or a *Refusal saying why not.
// The checks run in the order people can act on them: the day itself
// (cancelled, passed, closed), the school (its own day), the people (named,
// twice in the request, already on the day), then the places.
func Decide(d Day, req Request, existing []Booking, today string) (string, error) {
	closes := d.ClosesOn
	if closes == "" {
		closes = dayBefore(d.Date)
	}
	switch {
	case d.Cancelled:
		return "", &Refusal{Closed, "", "The day was cancelled: it takes no bookings"}
	case d.Date <= today:
		return "", &Refusal{DatePassed, "", fmt.Sprintf("The day (%s) has passed or is today: book a later one", d.Date)}
	case closes < today:
		return "", &Refusal{Closed, "", fmt.Sprintf("Booking closed on %s: ask the host whether a place is still free", closes)}
	case d.HostSchool != 0 && req.School == d.HostSchool:
		return "", &Refusal{OwnSchool, "school", "A school cannot book its own day: it hosts it"}
	}
	want := 1
	if d.PerPair {
		want = 2
	}
	for i := 0; i < want; i++ {
		if i >= len(req.People) || req.People[i] == 0 {
			return "", &Refusal{NoLeader, leaderField(i, d.PerPair), fmt.Sprintf("Choose %s", leaderNoun(i, d.PerPair))}
		}
	}
	if d.PerPair && req.People[0] == req.People[1] {
		return "", &Refusal{SamePerson, "leader_2", "The same person is named twice: a pair is two different leaders"}
	}
	taken := 0
	for _, b := range existing {
		if b.State == Cancelled {
			continue
		}
		for i, p := range req.People[:want] {
			for _, q := range b.People {
				if p == q {
					return "", &Refusal{SamePerson, leaderField(i, d.PerPair), "That person is already booked on this day (or on its waiting list): choose someone else"}
				}
			}
		}
		if b.State == Booked {
			taken++
		}
	}
	if taken >= d.Capacity {
		if req.Wait {
			return Waiting, nil
		}
		return "", &Refusal{Full, "", fmt.Sprintf("The day is full: all %d places are booked. Join the waiting list to be booked when a place comes free", d.Capacity)}
	}
	return Booked, nil
}

func leaderField(i int, pair bool) string {
	if !pair {
		return "person"
	}
	return fmt.Sprintf("leader_%d", i+1)
}

func leaderNoun(i int, pair bool) string {
	if !pair {
		return "who is coming"
	}
	return []string{"the first leader", "the second leader"}[i]
}

// Promote returns the ids of the waiting bookings that move up to booked,
// in the waiting list's order, now that places may be free: as many as the
// day has free places.
func Promote(capacity int, bs []Booking) []uint64 {
	free := capacity
	var waiting []Booking
	for _, b := range bs {
		switch b.State {
		case Booked:
			free--
		case Waiting:
			waiting = append(waiting, b)
		}
	}
	sort.SliceStable(waiting, func(i, j int) bool { return waiting[i].Position < waiting[j].Position })
	var out []uint64
	for _, b := range waiting {
		if free <= 0 {
			break
		}
		out = append(out, b.ID)
		free--
	}
	return out
}

// Score is an attendee's rating of a day, 1 to 10.
type Score int

// CheckScore refuses a rating outside 1..10.
func CheckScore(n int) error {
	if n < 1 || n > 10 {
		return &Refusal{"", "score", "Rate the day from 1 to 10"}
	}
	return nil
}

// CanRate says whether a person may rate a day: after it, and only someone
// booked on it (not waiting, not cancelled).
func CanRate(d Day, person uint64, bs []Booking, today string) error {
	if d.Date > today {
		return &Refusal{DatePassed, "score", fmt.Sprintf("Rate the day after it, from %s", d.Date)}
	}
	for _, b := range bs {
		if b.State != Booked {
			continue
		}
		for _, p := range b.People {
			if p == person {
				return nil
			}
		}
	}
	return &Refusal{"", "score", "Only the day's attendees rate it"}
}

// Average is the mean of scores out of max, shown as the partnership
// shows it ("9.1/10"), with n; "no ratings yet" for none.
type Average struct {
	Mean float64
	N    int
	Max  int
}

// Mean averages scores out of max.
func Mean(scores []int, max int) Average {
	a := Average{N: len(scores), Max: max}
	if a.N == 0 {
		return a
	}
	sum := 0
	for _, s := range scores {
		sum += s
	}
	a.Mean = math.Round(float64(sum)/float64(a.N)*10) / 10
	return a
}

func (a Average) String() string {
	if a.N == 0 {
		return "no ratings yet"
	}
	return fmt.Sprintf("%.1f/%d", a.Mean, a.Max)
}

// Percent is part of whole as a whole percentage ("44%"), rounded half up.
func Percent(part, whole int) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", int(math.Floor(float64(part)*100/float64(whole)+0.5)))
}

func dayBefore(d string) string {
	y, m, dd := 0, 0, 0
	if _, err := fmt.Sscanf(d, "%4d-%2d-%2d", &y, &m, &dd); err != nil {
		return d
	}
	return timeDate(y, m, dd-1)
}
