package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/match"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/testdb"
)

// audits records what a store audited.
type audits struct{ actions []string }

func (a *audits) record(tx *gorm.DB, action, entityType, entityID string, before, after any) error {
	a.actions = append(a.actions, action)
	return nil
}

var now = time.Date(2017, 10, 1, 9, 0, 0, 0, time.UTC)

func day(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

func open(t *testing.T, db *gorm.DB, tenant uint64) (*store.Store, *audits) {
	a := &audits{}
	return store.New(db, tenant, a.record, now), a
}

func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// cohort makes a cohort of 2017-18 with two coaches (capacity 1 and 2) and
// three participants, each accepted from an application.
type world struct {
	c       store.Cohort
	coaches []store.Coach
	parts   []store.Participant
}

func build(t *testing.T, s *store.Store) world {
	t.Helper()
	var w world
	w.c = must(s.CreateCohort(store.CohortInput{UnitID: 50, StartYear: 2017, Name: "Getting Ahead London 2017-18", Region: "London", ExpectedHours: 10, ApplicationsOpen: true}))(t)
	for i, name := range []string{"Cora Coach", "Colm Coach"} {
		w.coaches = append(w.coaches, must(s.AddCoach(w.c.ID, store.CoachInput{PersonID: uint64(200 + i), Name: name, SchoolID: uint64(10 + i), Phase: "primary", Capacity: 1 + i}))(t))
	}
	for i, name := range []string{"Pat", "Pia", "Pol"} {
		a := must(s.Apply(w.c.ID, store.ApplicationInput{PersonID: uint64(300 + i), Name: name, SchoolID: uint64(20 + i), Post: "deputy_head", YearsSenior: 3, Goals: "Headship"}))(t)
		must(s.Decide(a.ID, store.Accepted, day("2017-09-20")))(t)
	}
	w.parts = must(s.Participants(w.c.ID))(t)
	if len(w.parts) != 3 {
		t.Fatalf("%d participants", len(w.parts))
	}
	return w
}

func TestCohortsPeopleAndTenants(t *testing.T) {
	testdb.Each(t, store.Migrations, func(t *testing.T, db *gorm.DB) {
		s, a := open(t, db, 1)
		w := build(t, s)
		if _, err := s.CreateCohort(store.CohortInput{UnitID: 50, StartYear: 2017, Name: "Again", Region: "London", ExpectedHours: 10}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second cohort of the unit and year: %v", err)
		}
		_, err := s.CreateCohort(store.CohortInput{UnitID: 0, StartYear: 1900, Name: "", Region: "", ExpectedHours: 0})
		var inv store.Invalid
		if !errors.As(err, &inv) || len(inv) != 5 {
			t.Fatalf("every fault at once: %v", err)
		}
		if _, err := s.Apply(w.c.ID, store.ApplicationInput{PersonID: 300, Name: "Pat", SchoolID: 20, Post: "deputy_head", Goals: "Again"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second application: %v", err)
		}
		apps := must(s.Applications(w.c.ID))(t)
		if _, err := s.Decide(apps[0].ID, store.Declined, day("2017-09-21")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("declining an accepted application: %v", err)
		}
		if !slices.Contains(a.actions, "gettingahead.application.decide") || !slices.Contains(a.actions, "gettingahead.coach.create") {
			t.Fatalf("audited %v", a.actions)
		}
		// A second tenant sees none of it, and its writes touch none of it.
		s2, _ := open(t, db, 2)
		if cs := must(s2.Cohorts())(t); len(cs) != 0 {
			t.Fatalf("tenant 2 sees %d cohorts", len(cs))
		}
		if _, err := s2.Cohort(w.c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("tenant 2 reads tenant 1's cohort: %v", err)
		}
		if err := s2.SetShare(w.parts[0].ID, true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("tenant 2 changes tenant 1's participant: %v", err)
		}
		if ps := must(s2.ParticipantsOf(300))(t); len(ps) != 0 {
			t.Fatal("tenant 2 sees tenant 1's participant by person")
		}
	})
}

func TestMatchRunPublishAndRematchKeepOtherPairs(t *testing.T) {
	testdb.Each(t, store.Migrations, func(t *testing.T, db *gorm.DB) {
		s, _ := open(t, db, 1)
		w := build(t, s)
		c0, c1 := w.coaches[0].ID, w.coaches[1].ID
		p0, p1, p2 := w.parts[0].ID, w.parts[1].ID, w.parts[2].ID
		// Everyone wants Cora first; Cora prefers Pol.
		for _, p := range w.parts {
			if err := s.SetRanking(w.c.ID, store.SideParticipant, p.ID, []uint64{c0, c1}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetRanking(w.c.ID, store.SideCoach, c0, []uint64{p2, p0, p1}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRanking(w.c.ID, store.SideCoach, c1, []uint64{p0, p1}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRanking(w.c.ID, store.SideCoach, c1, []uint64{p0, p0}); err == nil {
			t.Fatal("a person ranked twice")
		}
		if err := s.SetTrusts(map[uint64]store.SchoolTrust{10: {TrustID: 7}, 11: {}, 20: {}, 21: {}}); err != nil {
			t.Fatal(err)
		}
		pb, unknown := must2(t)(s.Problem(w.c.ID, false))
		if len(pb.Coaches) != 2 || len(pb.Participants) != 3 || !slices.Equal(unknown, []uint64{22}) || coachOf(pb, c0).Trust != "T7" || coachOf(pb, c1).Trust != "" {
			t.Fatalf("problem %+v, unknown trusts %v", pb, unknown)
		}
		res := must(match.Solve(pb))(t)
		run := must(s.SaveRun(w.c.ID, store.RunMatch, pb, res, "", 1))(t)
		pairs := must(s.Publish(run.ID, day("2017-10-01")))(t)
		if len(pairs) != 3 {
			t.Fatalf("published %d pairs: %+v", len(pairs), res)
		}
		if _, err := s.Publish(run.ID, day("2017-10-02")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("published twice: %v", err)
		}
		run2 := must(s.SaveRun(w.c.ID, store.RunMatch, pb, res, "", 1))(t)
		if _, err := s.Publish(run2.ID, day("2017-10-02")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second match published: %v", err)
		}
		byPart := map[uint64]uint64{}
		for _, p := range pairs {
			byPart[p.ParticipantID] = p.CoachID
		}
		if byPart[p2] != c0 || byPart[p0] != c1 || byPart[p1] != c1 {
			t.Fatalf("pairs %v", byPart)
		}
		// Pia (with Colm) withdraws; the re-match keeps Pat with Colm and Pol with Cora.
		if err := s.Withdraw(store.SideParticipant, p1, day("2018-01-10")); err != nil {
			t.Fatal(err)
		}
		pb, _ = must2(t)(s.Problem(w.c.ID, true))
		var current []match.Pair
		for _, p := range must(s.Pairs(w.c.ID))(t) {
			if p.Active() {
				current = append(current, match.Pair{Participant: store.PID(p.ParticipantID), Coach: store.CID(p.CoachID)})
			}
		}
		res = must(match.Rematch(pb, current, match.Withdrawal{Participants: []string{store.PID(p1)}}))(t)
		run3 := must(s.SaveRun(w.c.ID, store.RunRematch, pb, res, "", 1))(t)
		made := must(s.Publish(run3.ID, day("2018-01-11")))(t)
		if len(made) != 0 {
			t.Fatalf("the re-match made pairs %+v with nobody waiting", made)
		}
		all := must(s.Pairs(w.c.ID))(t)
		active := 0
		for _, p := range all {
			if p.Active() {
				active++
				if byPart[p.ParticipantID] != p.CoachID {
					t.Fatalf("pair of %d changed", p.ParticipantID)
				}
			} else if p.ParticipantID != p1 || p.EndedOn != "2018-01-10" {
				t.Fatalf("ended pair %+v", p)
			}
		}
		if active != 2 {
			t.Fatalf("%d pairs under way", active)
		}
	})
}

func coachOf(pb match.Problem, id uint64) *match.Coach {
	for i := range pb.Coaches {
		if pb.Coaches[i].ID == store.CID(id) {
			return &pb.Coaches[i]
		}
	}
	panic("no coach")
}

func must2(t *testing.T) func(match.Problem, []uint64, error) (match.Problem, []uint64) {
	return func(pb match.Problem, u []uint64, err error) (match.Problem, []uint64) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return pb, u
	}
}

func TestSessionsNotesAndErasure(t *testing.T) {
	testdb.Each(t, store.Migrations, func(t *testing.T, db *gorm.DB) {
		s, _ := open(t, db, 1)
		w := build(t, s)
		pb, _ := must2(t)(s.Problem(w.c.ID, false))
		for i := range pb.Participants {
			pb.Participants[i].Prefs = []string{store.CID(w.coaches[1].ID)}
		}
		coachOf(pb, w.coaches[1].ID).Prefs = []string{store.PID(w.parts[0].ID)}
		coachOf(pb, w.coaches[0].ID).Prefs = nil
		res := must(match.Solve(pb))(t)
		run := must(s.SaveRun(w.c.ID, store.RunMatch, pb, res, "", 1))(t)
		pair := must(s.Publish(run.ID, day("2017-10-01")))(t)[0]
		today := day("2017-11-20")
		in := store.SessionInput{HeldOn: "2017-10-09", Minutes: 90, Mode: "video", Themes: []string{"vision"}, Actions: "Draft a vision",
			Note: "Coach's own thoughts", Side: store.SideCoach, PersonID: 201, Today: today, CohortStart: 2017}
		ss := must(s.LogSession(pair.ID, in))(t)
		bad := in
		bad.HeldOn, bad.Minutes, bad.Mode, bad.Themes = "2017-12-01", 5, "carrier pigeon", nil
		_, err := s.LogSession(pair.ID, bad)
		var inv store.Invalid
		if !errors.As(err, &inv) || len(inv) != 4 {
			t.Fatalf("a bad session: %v", err)
		}
		bad = in
		bad.HeldOn = "2017-09-25" // before the pair started
		if _, err := s.LogSession(pair.ID, bad); !errors.As(err, &inv) {
			t.Fatalf("a session before the pair: %v", err)
		}
		must(s.SetNote(ss.ID, store.SideParticipant, "Participant's own", true))(t)
		got := must(s.Session(ss.ID))(t)
		if n, shared := got.NoteOf(store.SideCoach); n != "Coach's own thoughts" || shared {
			t.Fatalf("coach note %q %v", n, shared)
		}
		if n, shared := got.NoteOf(store.SideParticipant); n != "Participant's own" || !shared {
			t.Fatalf("participant note %q %v", n, shared)
		}
		tally := must(s.Tallies([]uint64{pair.ID}))(t)[pair.ID]
		if tally.Sessions != 1 || tally.Minutes != 90 || tally.Last != "2017-10-09" {
			t.Fatalf("tally %+v", tally)
		}
		// The participant's export holds their note and the coach's only if shared.
		rec := must(s.PersonRecords(w.parts[0].PersonID))(t)
		if len(rec.Sessions) != 1 || rec.Sessions[0].YourNote != "Participant's own" || rec.Sessions[0].OtherSideNote != "" {
			t.Fatalf("participant export %+v", rec.Sessions)
		}
		must(s.SetNote(ss.ID, store.SideCoach, "Coach's own thoughts", true))(t)
		if rec = must(s.PersonRecords(w.parts[0].PersonID))(t); rec.Sessions[0].OtherSideNote != "Coach's own thoughts" {
			t.Fatalf("shared coach note not exported: %+v", rec.Sessions)
		}
		must(s.AddOutcome(w.parts[0].ID, store.OutcomeInput{Kind: "promoted_headship", On: "2018-04-01", Detail: "Ash Primary", Today: day("2018-05-01")}))(t)
		erased, anon, err := s.ErasePerson(w.parts[0].PersonID)
		if err != nil || erased != 1 || anon != 2 {
			t.Fatalf("erase: %d %d %v", erased, anon, err)
		}
		if rec := must(s.PersonRecords(w.parts[0].PersonID))(t); !rec.Empty() {
			t.Fatalf("still held: %+v", rec)
		}
		if e, a, err := s.ErasePerson(w.parts[0].PersonID); e != 0 || a != 0 || err != nil {
			t.Fatalf("a second erasure: %d %d %v", e, a, err)
		}
		got = must(s.Session(ss.ID))(t)
		if got.CoachNote != "" || got.ParticipantNote != "" || got.Actions != "" || got.Minutes != 90 {
			t.Fatalf("session after erasure %+v", got)
		}
		if os := must(s.Outcomes([]uint64{w.parts[0].ID}))(t); len(os) != 1 || os[0].Detail != "" {
			t.Fatalf("outcomes after erasure %+v", os)
		}
	})
}
