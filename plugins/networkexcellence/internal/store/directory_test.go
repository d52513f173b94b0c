package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/directory"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

func fieldErr(t *testing.T, err error, field, part string) {
	t.Helper()
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want a problem with %s, got %v", field, err)
	}
	for _, e := range es {
		if e.Field == field && strings.Contains(e.Message, part) {
			return
		}
	}
	t.Fatalf("want %s: …%s…, got %v", field, part, es)
}

func termID(t *testing.T, s *Store, key string) string {
	t.Helper()
	ts, err := s.Terms()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.Key == key {
			return fmt.Sprint(x.ID)
		}
	}
	t.Fatalf("no term %s", key)
	return ""
}

// TestAreasOfExcellenceFeedTheDirectory: the taxonomy, an AoE accredited
// with its terms (and refused without), a profile, and the Directory finds
// the school for its term; another tenant sees none of it.
func TestAreasOfExcellenceFeedTheDirectory(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		y := year(t, s)
		if err := s.SeedTerms(at); err != nil {
			t.Fatal(err)
		}
		if err := s.SeedTerms(at); err != nil { // twice is harmless
			t.Fatal(err)
		}
		if _, err := s.AddTerm(TermInput{Kind: "theme", Label: "Oracy"}, at); !errors.Is(err, ErrConflict) {
			t.Fatalf("a second oracy: %v", err)
		}
		_, err := s.AddTerm(TermInput{Kind: "colour", Label: ""}, at)
		fieldErr(t, err, "kind", "phase, subject or theme")
		fieldErr(t, err, "label", "Enter")
		oracy := termID(t, s, "oracy")

		_, err = s.DecideAoE(0, AoEInput{SchoolID: 1, Title: "Talk for learning", Decision: "accredit", ReviewYears: "9", AccreditedOn: "2025-07-01"}, 7, at)
		fieldErr(t, err, "evidence", "Enter")
		fieldErr(t, err, "terms", "at least one term")
		fieldErr(t, err, "review_years", "1 to 5")
		_, err = s.DecideAoE(0, AoEInput{SchoolID: 1, Title: "Talk for learning", Decision: "accredit", Terms: []string{"99999"}, Evidence: "Seen", ReviewYears: "3", AccreditedOn: "2025-07-01"}, 7, at)
		fieldErr(t, err, "terms", "from the list")
		a, err := s.DecideAoE(0, AoEInput{SchoolID: 1, Title: "Talk for learning", Description: "Structured talk", Decision: "accredit",
			Terms: []string{oracy}, Evidence: "Lesson visits", ReviewYears: "3", AccreditedOn: "2025-07-01"}, 7, at)
		if err != nil {
			t.Fatal(err)
		}
		if a.ReviewDue != "2028-07-01" || a.State != AoEAccredited {
			t.Fatalf("%+v", a)
		}
		_, _, err = s.SaveProfile(1, ProfileInput{Town: "Leeds", Postcode: "LS1", Ofsted: "brilliant"}, at)
		fieldErr(t, err, "postcode", "UK postcode")
		fieldErr(t, err, "ofsted", "Choose")
		if _, _, err := s.SaveProfile(1, ProfileInput{Town: "Leeds", Postcode: "ls1 4ap", Region: "Yorkshire and the Humber", Ofsted: "good"}, at); err != nil {
			t.Fatal(err)
		}
		es, err := s.DirectoryEntries(y.ID, "2025-09-01")
		if err != nil {
			t.Fatal(err)
		}
		rs := directory.NewIndex(es).Search("oracy", directory.Filters{Region: "Yorkshire and the Humber"})
		if len(rs) != 1 || rs[0].Entry.Name != "Alder" || rs[0].Entry.Town != "Leeds" {
			t.Fatalf("%+v", rs)
		}
		other := New(db, 2)
		if as, err := other.AccreditedAoEs(); err != nil || len(as) != 0 {
			t.Fatalf("tenant 2 sees %v %v", as, err)
		}
		if ts, err := other.Terms(); err != nil || len(ts) != 0 {
			t.Fatalf("tenant 2 sees terms %d %v", len(ts), err)
		}
	})
}

// TestBookingAnLDD: refusals say why; the waiting list moves up when a
// pair cancels; only attendees rate, after the day.
func TestBookingAnLDD(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		if err := s.SeedTerms(at); err != nil {
			t.Fatal(err)
		}
		oracy := termID(t, s, "oracy")
		today := "2026-01-05"
		_, err := s.OfferDay(KindLDD, 1, 0, DayInput{Date: "2026-01-01", Title: "", Capacity: "8", Price: "300", MemberPrice: "400"}, 5, today, at)
		for _, f := range []string{"date", "title", "description", "capacity", "member_price", "terms"} {
			fieldErr(t, err, f, "")
		}
		d, err := s.OfferDay(KindLDD, 1, 0, DayInput{Date: "2026-03-10", Title: "Oracy across the curriculum", Description: "Lessons, pupil voice",
			Capacity: "3", Price: "300", MemberPrice: "250", Terms: []string{oracy}}, 5, today, at)
		if err != nil {
			t.Fatal(err)
		}
		book := func(school uint64, wait bool, people ...uint64) (*Booking, error) {
			return s.BookDay(d.ID, school, BookInput{People: people, Names: []string{"A", "B"}, Wait: wait}, 9, today, at)
		}
		_, err = book(1, false, 10, 11)
		fieldErr(t, err, "booking", "own day")
		_, err = book(2, false, 20, 20)
		fieldErr(t, err, "leader_2", "same person")
		b1, err := book(2, false, 20, 21)
		if err != nil || b1.State != booking.Booked || b1.PricePence != 25000 {
			t.Fatalf("%+v %v", b1, err)
		}
		_, err = book(2, false, 22, 21)
		fieldErr(t, err, "leader_2", "already booked")
		for i, sc := range []uint64{3, 4} {
			if _, err := book(sc, false, 30+uint64(i)*10, 31+uint64(i)*10); err != nil {
				t.Fatal(err)
			}
		}
		_, err = book(5, false, 50, 51)
		fieldErr(t, err, "booking", "full")
		w, err := book(5, true, 50, 51)
		if err != nil || w.State != booking.Waiting {
			t.Fatalf("%+v %v", w, err)
		}
		if _, err := s.BookDay(d.ID, 6, BookInput{People: []uint64{60, 61}}, 9, "2026-03-10", at); err == nil {
			t.Fatal("booked on the day")
		} else {
			fieldErr(t, err, "booking", "passed")
		}
		_, moved, err := s.CancelBooking(b1.ID, today, at)
		if err != nil || len(moved) != 1 || moved[0].ID != w.ID {
			t.Fatalf("moved %+v %v", moved, err)
		}
		if _, _, err := s.CancelBooking(b1.ID, today, at); !errors.Is(err, ErrConflict) {
			t.Fatalf("cancel twice: %v", err)
		}
		_, err = s.Rate(d.ID, 50, RateInput{Score: "9"}, today, at)
		fieldErr(t, err, "score", "after it")
		_, err = s.Rate(d.ID, 20, RateInput{Score: "9"}, "2026-03-10", at)
		fieldErr(t, err, "score", "attendees")
		_, err = s.Rate(d.ID, 50, RateInput{Score: "11"}, "2026-03-10", at)
		fieldErr(t, err, "score", "1 to 10")
		for _, p := range []uint64{50, 51, 50} {
			if _, err := s.Rate(d.ID, p, RateInput{Score: "9"}, "2026-03-10", at); err != nil {
				t.Fatal(err)
			}
		}
		if rs, err := s.Ratings(d.ID); err != nil || len(rs) != 2 {
			t.Fatalf("ratings %d %v", len(rs), err)
		}
	})
}

// TestAPersonsDirectoryRecordsAreExportedAndErased: bookings, ratings and
// messages are in the export; erasure keeps places and scores, not the
// person; a second erasure changes nothing.
func TestAPersonsDirectoryRecordsAreExportedAndErased(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		if err := s.SeedTerms(at); err != nil {
			t.Fatal(err)
		}
		d, err := s.OfferDay(KindLDD, 1, 0, DayInput{Date: "2026-03-10", Title: "Oracy", Description: "Lessons", Capacity: "3", Price: "1", MemberPrice: "1",
			Terms: []string{termID(t, s, "oracy")}}, 5, "2026-01-01", at)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.BookDay(d.ID, 2, BookInput{People: []uint64{20, 21}, Names: []string{"Ann", "Bo"}}, 20, "2026-01-01", at); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rate(d.ID, 20, RateInput{Score: "9", Comment: "Great"}, "2026-03-11", at); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddConnect(1, 20, 0, ConnectInput{Subject: "Visit", Message: "Hello"}, at); err != nil {
			t.Fatal(err)
		}
		rec, err := s.PersonRecordsOf(20)
		if err != nil || len(rec.Bookings) != 1 || len(rec.Ratings) != 1 || len(rec.Connects) != 1 || rec.Empty() {
			t.Fatalf("%+v %v", rec, err)
		}
		if _, n, err := s.ErasePerson(20); err != nil || n < 4 {
			t.Fatalf("erased %d %v", n, err)
		}
		rec, err = s.PersonRecordsOf(20)
		if err != nil || !rec.Empty() {
			t.Fatalf("after erasure %+v %v", rec, err)
		}
		if _, n, err := s.ErasePerson(20); err != nil || n != 0 {
			t.Fatalf("a second erasure changed %d (%v)", n, err)
		}
		bs, _ := s.Bookings(d.ID)
		rs, _ := s.Ratings(d.ID)
		if len(bs) != 1 || bs[0].Name1 != "Erased person" || bs[0].Person2 != 21 || len(rs) != 1 || rs[0].Score != 9 || rs[0].Comment != "" {
			t.Fatalf("bookings %+v ratings %+v", bs, rs)
		}
	})
}

// TestTheDirectoryVersionFollowsEveryChange: the one-statement fingerprint
// is "" with no year, stays while nothing changes, and moves with each kind
// of record the Directory is built from (years, members, hubs, profiles,
// terms, AoEs and their tags, days from today); another tenant's changes
// leave it alone, and so do writes elsewhere; deletions move it too; its
// indexes exist.
func TestTheDirectoryVersionFollowsEveryChange(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		for _, ix := range versionIndexes {
			if !db.Migrator().HasIndex(ix.table, ix.name) {
				t.Fatalf("no index %s on %s", ix.name, ix.table)
			}
		}
		s := New(db, 1)
		const today = "2025-09-01"
		if v, err := s.DirectoryVersion(today); err != nil || v != "" {
			t.Fatalf("no year yet: %q %v", v, err)
		}
		y := year(t, s)
		last := ""
		moves := func(what string, change func() error) {
			t.Helper()
			if change != nil {
				if err := change(); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			v, err := s.DirectoryVersion(today)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if v == last {
				t.Fatalf("%s: the version stayed %q", what, v)
			}
			again, err := s.DirectoryVersion(today)
			if err != nil || again != v {
				t.Fatalf("%s: asked twice, %q then %q (%v)", what, v, again, err)
			}
			last = v
		}
		later := at
		tick := func() time.Time { later = later.Add(time.Minute); return later }
		moves("the first look", nil)
		moves("the taxonomy", func() error { return s.SeedTerms(tick()) })
		moves("a profile", func() error {
			_, _, err := s.SaveProfile(1, ProfileInput{Town: "Leeds", Postcode: "LS1 4AP", Ofsted: "good"}, tick())
			return err
		})
		moves("the hubs", func() error { return s.SaveHubs(map[uint64]string{10: "Elm Hub"}, tick()) })
		moves("the members", func() error {
			return s.SaveMembers(y.ID, []Member{{SchoolID: 1, HubID: 10, Name: "Alder Primary", PupilsOnRoll: 200}}, tick())
		})
		oracy := termID(t, s, "oracy")
		moves("an accredited AoE", func() error {
			_, err := s.DecideAoE(0, AoEInput{SchoolID: 1, Title: "Talk for learning", Description: "Structured talk", Decision: "accredit",
				Terms: []string{oracy}, Evidence: "Lesson visits", ReviewYears: "3", AccreditedOn: "2025-07-01"}, 7, tick())
			return err
		})
		moves("a new term", func() error { _, err := s.AddTerm(TermInput{Kind: "theme", Label: "Debating"}, tick()); return err })
		moves("a day offered", func() error {
			_, err := s.OfferDay(KindLDD, 1, 0, DayInput{Date: "2026-03-10", Title: "Oracy across the curriculum", Description: "Lessons",
				Capacity: "3", Price: "300", MemberPrice: "250", Terms: []string{oracy}}, 5, today, tick())
			return err
		})
		moves("a new year", func() error { _, err := s.CreateYear("2026-27", london, tick()); return err })
		moves("a tag removed", func() error {
			return db.Exec("DELETE FROM aoe_terms WHERE tenant_id = 1 AND id = (SELECT max(id) FROM aoe_terms WHERE tenant_id = 1)").Error
		})
		moves("a past day deleted", func() error {
			return db.Exec("DELETE FROM days WHERE tenant_id = 1").Error
		})
		other := New(db, 2)
		if _, err := other.CreateYear("2025-26", london, tick()); err != nil {
			t.Fatal(err)
		}
		if err := other.SeedTerms(tick()); err != nil {
			t.Fatal(err)
		}
		if _, _, err := other.SaveProfile(1, ProfileInput{Town: "York"}, tick()); err != nil {
			t.Fatal(err)
		}
		if v, err := s.DirectoryVersion(today); err != nil || v != last {
			t.Fatalf("tenant 2's changes moved tenant 1's version: %q, was %q (%v)", v, last, err)
		}
	})
}
