package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

var (
	london, _ = time.LoadLocation("Europe/London")
	at        = time.Date(2025, 8, 20, 9, 0, 0, 0, time.UTC)
)

// year makes 2025-26 for a store with members A (1, hub 10) and B (2, hub 11).
func year(t *testing.T, s *Store) *Year {
	t.Helper()
	y, err := s.CreateYear("2025-26", london, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMembers(y.ID, []Member{{SchoolID: 1, HubID: 10, Name: "Alder", PupilsOnRoll: 200}, {SchoolID: 2, HubID: 11, Name: "Birch", PupilsOnRoll: 900}}, at); err != nil {
		t.Fatal(err)
	}
	return y
}

// TestYearsAreTheTenantsOwn: tenant 2 sees none of tenant 1's records.
func TestYearsAreTheTenantsOwn(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		one, two := New(db, 1), New(db, 2)
		y := year(t, one)
		if ws, err := one.Weeks(y.ID); err != nil || len(ws) != rules.WeeksInYear || ws[0].StartsOn != "2025-09-01" {
			t.Fatalf("weeks %v %v", len(ws), err)
		}
		rv, err := one.ScheduleReview(y.ID, 1, Schedule{Week: 3, Day: 1, Days: 2, TeamSize: 2, NeedsLead: true}, at)
		if err != nil {
			t.Fatal(err)
		}
		if rv.StartsOn != "2025-09-16" || rv.Ends() != "2025-09-17" {
			t.Fatalf("review %s..%s", rv.StartsOn, rv.Ends())
		}
		if _, err := one.CreateReviewer(ReviewerInput{Name: "Remi", SchoolID: 2, MaxReviews: "2", Active: "yes"}, at); err != nil {
			t.Fatal(err)
		}
		if ys, err := two.Years(); err != nil || len(ys) != 0 {
			t.Fatalf("tenant 2 sees years %+v, %v", ys, err)
		}
		if _, err := two.Year(y.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tenant 2 loads tenant 1's year: %v", err)
		}
		if _, err := two.Review(rv.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tenant 2 loads tenant 1's review: %v", err)
		}
		if rs, err := two.Reviewers(); err != nil || len(rs) != 0 {
			t.Fatalf("tenant 2 sees reviewers %+v, %v", rs, err)
		}
		if ms, err := two.Members(y.ID); err != nil || len(ms) != 0 {
			t.Fatalf("tenant 2 sees members %+v, %v", ms, err)
		}
		// Tenant 2 may have its own 2025-26.
		if _, err := two.CreateYear("2025-26", london, at); err != nil {
			t.Fatal(err)
		}
		if _, err := one.CreateYear("2025-26", london, at); !errors.Is(err, ErrConflict) {
			t.Fatalf("a second 2025-26 for tenant 1: %v", err)
		}
	})
}

// TestTheReportMovesThroughItsStates: items only in a draft, submission
// lists what is missing, agree and publish in order, EBIs carried forward
// to the next year's review.
func TestTheReportMovesThroughItsStates(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		y := year(t, s)
		rv, err := s.ScheduleReview(y.ID, 1, Schedule{Week: 3, Day: 1, Days: 2, TeamSize: 2, NeedsLead: true}, at)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = s.Transition(rv.ID, rules.ActSubmit, 9, "", at)
		if !errors.Is(err, ErrConflict) || !strings.Contains(Message(err), "has not started") {
			t.Fatalf("submit nothing: %v", err)
		}
		if _, err := s.AddItem(rv.ID, ItemInput{Kind: rules.WWW, Theme: "teaching", Text: "Clear explanations"}, at); err != nil {
			t.Fatal(err)
		}
		_, err = s.AddItem(rv.ID, ItemInput{Kind: "praise", Theme: "nope", Text: ""}, at)
		var es Errors
		if !errors.As(err, &es) || len(es) != 3 {
			t.Fatalf("a bad item: %v", err)
		}
		_, _, err = s.Transition(rv.ID, rules.ActSubmit, 9, "", at)
		if !errors.As(err, &es) || len(es) != 2 || !es.Has("summary") || !es.Has("ebi") {
			t.Fatalf("an incomplete submission: %v", err)
		}
		ebi, err := s.AddItem(rv.ID, ItemInput{Kind: rules.EBI, Theme: "assessment", Text: "Adapt within lessons"}, at)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SaveDraft(rv.ID, "Strong school", nil, at); err != nil {
			t.Fatal(err)
		}
		for _, act := range []string{rules.ActSubmit, rules.ActAgree} {
			if _, _, err := s.Transition(rv.ID, act, 9, "", at); err != nil {
				t.Fatalf("%s: %v", act, err)
			}
		}
		if _, err := s.AddItem(rv.ID, ItemInput{Kind: rules.WWW, Theme: "teaching", Text: "Late"}, at); !errors.Is(err, ErrConflict) {
			t.Fatalf("an item after agreement: %v", err)
		}
		if _, _, err := s.Transition(rv.ID, rules.ActPublish, 9, "", at); err != nil {
			t.Fatal(err)
		}
		// Next year's review of A carries the EBI forward; B's does not.
		y2, err := s.CreateYear("2026-27", london, at)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveMembers(y2.ID, []Member{{SchoolID: 1, HubID: 10, Name: "Alder"}, {SchoolID: 2, HubID: 11, Name: "Birch"}}, at); err != nil {
			t.Fatal(err)
		}
		next, err := s.ScheduleReview(y2.ID, 1, Schedule{Week: 5, Day: 0, Days: 2, TeamSize: 2, NeedsLead: true}, at)
		if err != nil {
			t.Fatal(err)
		}
		carried, err := s.CarriedForward(next)
		if err != nil || len(carried) != 1 || carried[0].ID != ebi.ID {
			t.Fatalf("carried forward %+v %v", carried, err)
		}
		other, _ := s.ScheduleReview(y2.ID, 2, Schedule{Week: 5, Day: 0, Days: 2, TeamSize: 2}, at)
		if c, err := s.CarriedForward(other); err != nil || len(c) != 0 {
			t.Fatalf("B carries %+v %v", c, err)
		}
		// Submitting next year's report needs a judgement on it.
		for _, it := range []ItemInput{{Kind: rules.WWW, Theme: "curriculum", Text: "x"}, {Kind: rules.EBI, Theme: "send", Text: "y"}} {
			if _, err := s.AddItem(next.ID, it, at); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.SaveDraft(next.ID, "Better still", nil, at); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Transition(next.ID, rules.ActSubmit, 9, "", at); !errors.As(err, &es) || !es.Has("progress") {
			t.Fatalf("submit without judging last year's EBI: %v", err)
		}
		if _, _, err := s.SaveDraft(next.ID, "Better still", map[uint64]ProgressInput{ebi.ID: {Judgement: "good", Comment: "Seen in maths"}}, at); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Transition(next.ID, rules.ActSubmit, 9, "", at); err != nil {
			t.Fatal(err)
		}
		// The host returns it, saying why; the team can edit again.
		if _, _, err := s.Transition(next.ID, rules.ActReturn, 8, "", at); !errors.As(err, &es) || !es.Has("note") {
			t.Fatalf("return without a note: %v", err)
		}
		if _, after, err := s.Transition(next.ID, rules.ActReturn, 8, "Say more about SEND", at); err != nil || after.State != rules.Draft || after.ReturnNote == "" {
			t.Fatalf("return: %+v %v", after, err)
		}
	})
}

// TestPublishingARunKeepsTheSeatsItKeeps: a second run's publication
// drops, keeps and adds seats; a withdrawal after a run blocks its
// publication.
func TestPublishingARunKeepsTheSeatsItKeeps(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		y := year(t, s)
		rv, _ := s.ScheduleReview(y.ID, 1, Schedule{Week: 3, Day: 1, Days: 2, TeamSize: 2, NeedsLead: true}, at)
		for _, n := range []string{"One", "Two", "Three", "Four"} {
			if _, err := s.CreateReviewer(ReviewerInput{Name: n, SchoolID: 2, MaxReviews: "2", Active: "yes"}, at); err != nil {
				t.Fatal(err)
			}
		}
		run1 := &Run{YearID: y.ID, Seats: 3, Filled: 2, CreatedAt: at}
		if err := s.SaveRun(run1, []RunSeat{{ReviewID: rv.ID, ReviewerID: 1, Seat: LeadSeat}, {ReviewID: rv.ID, ReviewerID: 2, Seat: TeamSeat}},
			[]RunUnfilled{{ReviewID: rv.ID, Seat: TeamSeat, Count: 1, Why: "no reviewer"}}); err != nil {
			t.Fatal(err)
		}
		p, err := s.PublishRun(run1.ID, 9, at)
		if err != nil || len(p.Added) != 2 || len(p.Removed) != 0 {
			t.Fatalf("publish 1: %+v %v", p, err)
		}
		run2 := &Run{YearID: y.ID, Seats: 3, Filled: 3, CreatedAt: at.Add(time.Hour)}
		if err := s.SaveRun(run2, []RunSeat{{ReviewID: rv.ID, ReviewerID: 1, Seat: LeadSeat}, {ReviewID: rv.ID, ReviewerID: 3, Seat: TeamSeat},
			{ReviewID: rv.ID, ReviewerID: 4, Seat: TeamSeat}}, nil); err != nil {
			t.Fatal(err)
		}
		p, err = s.PublishRun(run2.ID, 9, at.Add(time.Hour))
		if err != nil || len(p.Added) != 2 || len(p.Removed) != 1 || p.Removed[0].ReviewerID != 2 {
			t.Fatalf("publish 2: %+v %v", p, err)
		}
		seats, _ := s.SeatsOf([]uint64{rv.ID})
		if len(seats) != 3 || seats[0].RunID != run1.ID {
			t.Fatalf("seats %+v: the lead's seat should be kept from run 1", seats)
		}
		run3 := &Run{YearID: y.ID, CreatedAt: at.Add(2 * time.Hour)}
		if err := s.SaveRun(run3, nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Withdraw(seats[1].ID, "ill", 9, at.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublishRun(run3.ID, 9, at.Add(4*time.Hour)); !errors.Is(err, ErrConflict) || !strings.Contains(Message(err), "withdrew after this run") {
			t.Fatalf("publish after a withdrawal: %v", err)
		}
		pins, _ := s.PinsOf(y.ID)
		if len(pins) != 1 || pins[0].Kind != PinForbid || pins[0].ReviewerID != seats[1].ReviewerID {
			t.Fatalf("the withdrawal forbids the pair: %+v", pins)
		}
		if _, err := s.PublishRun(run2.ID, 9, at); !errors.Is(err, ErrConflict) {
			t.Fatalf("republish: %v", err)
		}
	})
}
