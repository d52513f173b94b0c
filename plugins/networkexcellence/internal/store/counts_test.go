package store_test

import (
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store/storeref"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

// counted is a small year whose counts are known by hand (see each
// comment), in tenant 1, and rows of tenant 2 pointing at the same ids
// that no count may see.
type counted struct {
	year, last            *store.Year
	r1, r2, r3, r4, rLast uint64 // r4 cancelled, rLast of last year
	d1, d2, d3            uint64 // d1, d2 held; d3 cancelled
}

const today = "2025-12-01"

func mustCreate(t *testing.T, db *gorm.DB, rows ...any) {
	t.Helper()
	for _, r := range rows {
		if err := db.Create(r).Error; err != nil {
			t.Fatalf("create %T: %v", r, err)
		}
	}
}

func buildCounted(t *testing.T, db *gorm.DB) counted {
	t.Helper()
	var c counted
	c.last = &store.Year{TenantID: 1, Label: "2024-25", StartsOn: "2024-09-02", EndsOn: "2025-07-25"}
	c.year = &store.Year{TenantID: 1, Label: "2025-26", StartsOn: "2025-09-01", EndsOn: "2026-07-24"}
	mustCreate(t, db, c.last, c.year)
	// Members this year: schools 1, 2 in hub 10, 3 in hub 11, 4 in no hub,
	// 5 in hub 12: 3 hubs. Last year: school 3 in hub 13 (not counted).
	for _, m := range []store.Member{{SchoolID: 1, HubID: 10}, {SchoolID: 2, HubID: 10}, {SchoolID: 3, HubID: 11}, {SchoolID: 4}, {SchoolID: 5, HubID: 12}} {
		m.TenantID, m.YearID, m.Name = 1, c.year.ID, "School"
		mustCreate(t, db, &m)
	}
	mustCreate(t, db, &store.Member{TenantID: 1, YearID: c.last.ID, SchoolID: 3, HubID: 13, Name: "School"})
	// Reviews: r1, r2 started, r3 to come (3 scheduled, 2 done); r4 cancelled.
	rv := func(year *store.Year, school uint64, starts string, days int, cancelled bool) uint64 {
		r := &store.Review{TenantID: 1, YearID: year.ID, SchoolID: school, Week: 1, StartsOn: starts, Days: days, TeamSize: 2, Cancelled: cancelled}
		mustCreate(t, db, r)
		return r.ID
	}
	c.r1 = rv(c.year, 1, "2025-10-06", 2, false)
	c.r2 = rv(c.year, 2, "2025-11-10", 1, false)
	c.r3 = rv(c.year, 3, "2026-01-12", 2, false)
	c.r4 = rv(c.year, 4, "2025-10-13", 3, true)
	c.rLast = rv(c.last, 1, "2024-10-07", 2, false)
	// Reviewers: v1 from school 2, v2 from 1, v3 from no member school, v4 from 3.
	var v [5]uint64
	for i, school := range []uint64{2, 1, 0, 3} {
		r := &store.Reviewer{TenantID: 1, Name: "Reviewer", SchoolID: school, MaxReviews: 2, Active: true}
		mustCreate(t, db, r)
		v[i+1] = r.ID
	}
	// Seats. r1 (school 1, 2 days): lead v3, team v1 and v4, v2 withdrawn:
	// school 1 receives 4 days; schools 2 and 3 give 2 each. r2 (school 2,
	// 1 day): lead v2, team v4: school 2 receives 1; schools 1 and 3 give 1.
	// r3 (to come) and r4 (cancelled) count for nothing. So school 1
	// received 4, gave 1 (not met); school 2 received 1, gave 2 (met);
	// school 3 received nothing: 2 hosted, 1 met.
	seat := func(review, reviewer uint64, kind string, withdrawn bool) *store.Seat {
		return &store.Seat{TenantID: 1, ReviewID: review, ReviewerID: reviewer, Seat: kind, Withdrawn: withdrawn}
	}
	mustCreate(t, db, seat(c.r1, v[3], store.LeadSeat, false), seat(c.r1, v[1], store.TeamSeat, false), seat(c.r1, v[4], store.TeamSeat, false),
		seat(c.r1, v[2], store.TeamSeat, true), seat(c.r2, v[2], store.LeadSeat, false), seat(c.r2, v[4], store.TeamSeat, false),
		seat(c.r3, v[1], store.TeamSeat, false), seat(c.r4, v[2], store.TeamSeat, false), seat(c.rLast, v[4], store.TeamSeat, false))
	// Feedback on the year's reviews, the cancelled one's included: 4, overall 14, CPD 30.
	fb := func(review, person uint64, overall, cpd int) *store.Feedback {
		return &store.Feedback{TenantID: 1, ReviewID: review, PersonID: person, Role: "reviewer", Overall: overall, CPD: cpd}
	}
	mustCreate(t, db, fb(c.r1, 1, 5, 9), fb(c.r1, 2, 4, 8), fb(c.r2, 1, 3, 7), fb(c.r4, 1, 2, 6), fb(c.rLast, 1, 1, 1))
	// Trainings up to today (the year ends later): v1 and v2 attended a
	// reviewer or lead training by then; v3 missed one and attended one
	// later; v4 attended an advanced one only. Trained: 2.
	tr := func(kind, held string) uint64 {
		x := &store.Training{TenantID: 1, Kind: kind, HeldOn: held, Venue: "Leeds", Capacity: 10}
		mustCreate(t, db, x)
		return x.ID
	}
	t1, t2, t3, t4 := tr(store.TrainReviewer, "2025-07-01"), tr(store.TrainLead, "2025-11-01"), tr(store.TrainAdvanced, "2025-06-01"), tr(store.TrainReviewer, "2025-12-15")
	att := func(training, reviewer uint64, attended bool) *store.Attendance {
		return &store.Attendance{TenantID: 1, TrainingID: training, ReviewerID: reviewer, Attended: attended}
	}
	mustCreate(t, db, att(t1, v[1], true), att(t2, v[1], true), att(t2, v[2], true), att(t1, v[3], false), att(t3, v[4], true), att(t4, v[3], true))
	// Areas of Excellence accredited in the year (its last day included): 2.
	aoe := func(school uint64, state, on string) *store.AoE {
		return &store.AoE{TenantID: 1, SchoolID: school, Title: "Oracy", State: state, AccreditedOn: on}
	}
	a1 := aoe(1, store.AoEAccredited, "2025-10-01")
	mustCreate(t, db, a1, aoe(2, store.AoEAccredited, "2026-07-24"), aoe(1, store.AoEAccredited, "2025-08-31"),
		aoe(3, store.AoEPutForward, ""), aoe(2, store.AoEAccredited, "2026-07-25"))
	// a1's terms: two labels, and a tag of a term that is gone (no label).
	oracy, talk := &store.Term{TenantID: 1, Key: "oracy", Kind: "theme", Label: "Oracy"}, &store.Term{TenantID: 1, Key: "talk", Kind: "theme", Label: "Talk"}
	mustCreate(t, db, oracy, talk)
	mustCreate(t, db, &store.AoETerm{TenantID: 1, AoEID: a1.ID, TermID: talk.ID}, &store.AoETerm{TenantID: 1, AoEID: a1.ID, TermID: oracy.ID},
		&store.AoETerm{TenantID: 1, AoEID: a1.ID, TermID: 999999})
	// Last year's published report put forward two AoEs: one not recorded
	// yet (to decide, with school 3's recorded one: 2), one recorded.
	pub := &store.Report{TenantID: 1, ReviewID: c.rLast, State: rules.Published}
	mustCreate(t, db, pub)
	item := func(kind string, forward bool) *store.ReportItem {
		return &store.ReportItem{TenantID: 1, ReportID: pub.ID, Kind: kind, Title: "Item", Text: "Text", PutForward: forward}
	}
	i1, i2, i3 := item(rules.AoE, true), item(rules.AoE, true), item(rules.EBI, false)
	mustCreate(t, db, i1, i2, i3)
	mustCreate(t, db, &store.AoE{TenantID: 1, SchoolID: 1, ReportItemID: &i2.ID, Title: "Recorded", State: store.AoEAccredited, AccreditedOn: "2024-11-01"})
	// Leadership Development Days held by today: d1 (school 1) and d2
	// (school 5, today): 2, in hubs 10 and 12. d3 cancelled, d4 to come, a
	// meeting and last year's day are not counted.
	day := func(kind string, school, hub uint64, date string, cancelled bool) uint64 {
		d := &store.Day{TenantID: 1, Kind: kind, SchoolID: school, HubID: hub, Date: date, ClosesOn: date, Title: "Day", Capacity: 6, Cancelled: cancelled}
		mustCreate(t, db, d)
		return d.ID
	}
	c.d1 = day(store.KindLDD, 1, 0, "2025-10-20", false)
	c.d2 = day(store.KindLDD, 5, 0, today, false)
	c.d3 = day(store.KindLDD, 2, 0, "2025-11-01", true)
	d4, d5, d6 := day(store.KindLDD, 2, 0, "2025-12-02", false), day(store.KindMeeting, 0, 10, "2025-10-01", false), day(store.KindLDD, 1, 0, "2025-08-30", false)
	// Places booked on the held days: 2 on d1 (not the waiting or cancelled
	// ones) and 1 on d2: 3. Person 7 is booked on d1 (rated), d2 (not
	// rated) and d3 (cancelled); person 8 second of a pair on d2.
	bk := func(day uint64, state string, p1, p2 uint64) *store.Booking {
		return &store.Booking{TenantID: 1, DayID: day, SchoolID: 1, Person1: p1, Person2: p2, Name1: "A", Name2: "B", State: state}
	}
	mustCreate(t, db, bk(c.d1, booking.Booked, 7, 9), bk(c.d1, booking.Booked, 10, 11), bk(c.d1, booking.Waiting, 12, 0), bk(c.d1, booking.Cancelled, 13, 0),
		bk(c.d2, booking.Booked, 14, 8), bk(c.d2, booking.Cancelled, 7, 0), bk(c.d3, booking.Booked, 7, 0), bk(d5, booking.Booked, 15, 0), bk(d4, booking.Booked, 7, 0))
	// Ratings of the held days: 3, summing 24.
	rt := func(day, person uint64, score int) *store.Rating {
		return &store.Rating{TenantID: 1, DayID: day, PersonID: person, Score: score}
	}
	mustCreate(t, db, rt(c.d1, 7, 9), rt(c.d1, 9, 7), rt(c.d2, 14, 8), rt(c.d3, 7, 10), rt(d6, 7, 1))
	// Reports: r1 agreed, r2 a draft, r3 none; r4 (cancelled) agreed.
	mustCreate(t, db, &store.Report{TenantID: 1, ReviewID: c.r1, State: rules.Agreed}, &store.Report{TenantID: 1, ReviewID: c.r2, State: rules.Draft},
		&store.Report{TenantID: 1, ReviewID: c.r4, State: rules.Agreed})

	// Tenant 2's rows on tenant 1's ids: none may count.
	mustCreate(t, db, &store.Seat{TenantID: 2, ReviewID: c.r2, ReviewerID: v[3], Seat: store.TeamSeat},
		&store.Feedback{TenantID: 2, ReviewID: c.r1, PersonID: 3, Role: "reviewer", Overall: 1, CPD: 1},
		&store.Attendance{TenantID: 2, TrainingID: t1, ReviewerID: v[3], Attended: true},
		&store.Booking{TenantID: 2, DayID: c.d1, SchoolID: 1, Person1: 7, Name1: "A", State: booking.Booked},
		&store.Rating{TenantID: 2, DayID: c.d2, PersonID: 7, Score: 1},
		&store.Member{TenantID: 2, YearID: c.year.ID, SchoolID: 9, HubID: 99, Name: "School"},
		&store.AoE{TenantID: 2, SchoolID: 1, Title: "Other", State: store.AoEAccredited, AccreditedOn: "2025-10-01"},
		&store.Report{TenantID: 2, ReviewID: c.r3, State: rules.Agreed})
	return c
}

// TestTheYearIsCountedInSQLAsByHand: store.YearCounts on a small year
// whose counts are known, and equal to the old definition's (storeref).
func TestTheYearIsCountedInSQLAsByHand(t *testing.T) {
	testdb.Each(t, store.Migrations, func(t *testing.T, db *gorm.DB) {
		c := buildCounted(t, db)
		s := store.New(db, 1)
		want := store.YearCounts{Reviews: 3, ReviewsDone: 2, Hosted: 2, Met: 1, Feedback: 4, OverallSum: 14, CPDSum: 30, Trained: 2,
			AoEsAccredited: 2, LDDs: 2, Pairs: 3, Ratings: 3, RatingSum: 24, Hubs: 3, HubsHosted: 2}
		got, err := s.YearCounts(c.year, today)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("YearCounts\n got  %+v\n want %+v", got, want)
		}
		for _, day := range []string{"2025-08-01", "2025-10-06", "2025-10-20", "2025-11-10", today, "2026-01-12", "2026-07-24", "2026-09-30"} {
			got, err := s.YearCounts(c.year, day)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := storeref.YearCounts(s, c.year, day)
			if err != nil {
				t.Fatal(err)
			}
			if got != ref {
				t.Errorf("on %s: SQL %+v, old definition %+v", day, got, ref)
			}
		}
		if got, err := store.New(db, 3).YearCounts(c.year, today); err != nil || got != (store.YearCounts{}) {
			t.Errorf("another tenant counts %+v, %v", got, err)
		}
	})
}

// TestTheCentralTeamsReportsAreCountedInSQL: r1's report is agreed (r4's
// too, but r4 is cancelled); r2's draft is overdue once its due date has
// passed, r3 (no report) once its own has.
func TestTheCentralTeamsReportsAreCountedInSQL(t *testing.T) {
	testdb.Each(t, store.Migrations, func(t *testing.T, db *gorm.DB) {
		c := buildCounted(t, db)
		s := store.New(db, 1)
		const dueDays = 10
		due := func(rv store.Review) string { return addDays(rv.Ends(), dueDays) }
		overdue := func(day string) (int, int) {
			agreed, groups, err := s.ReportCounts(c.year.ID, addDays(day, -dueDays))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, g := range groups {
				if due(store.Review{StartsOn: g.StartsOn, Days: g.Days}) < day {
					n += g.N
				}
			}
			return agreed, n
		}
		for _, x := range []struct {
			day             string
			agreed, overdue int
		}{
			{"2025-11-20", 1, 0}, // r2 due 2025-11-20: not yet
			{"2025-11-21", 1, 1}, // r2 overdue
			{"2026-01-23", 1, 1}, // r3 due 2026-01-23
			{"2026-01-24", 1, 2},
		} {
			agreed, n := overdue(x.day)
			ref, err := storeref.CentralCounts(s, c.year.ID, x.day, due)
			if err != nil {
				t.Fatal(err)
			}
			if agreed != x.agreed || n != x.overdue || ref != (storeref.Central{Agreed: agreed, Overdue: n}) {
				t.Errorf("on %s: %d agreed, %d overdue (old definition %+v), want %d, %d", x.day, agreed, n, ref, x.agreed, x.overdue)
			}
		}
	})
}

// TestTheOtherExtensionQueriesAgreeWithTheirOldDefinitions: the days to
// rate, the panel's Areas of Excellence, the filled seats, the members'
// hubs' names and the AoEs to decide, on the small year.
func TestTheOtherExtensionQueriesAgreeWithTheirOldDefinitions(t *testing.T) {
	testdb.Each(t, store.Migrations, func(t *testing.T, db *gorm.DB) {
		c := buildCounted(t, db)
		s := store.New(db, 1)
		// Person 7: d1 (rated) and d2 (booking cancelled: not theirs), d3
		// cancelled; person 8, second of a pair on d2.
		for _, x := range []struct {
			person   uint64
			from, to string
			want     []uint64
			rated    []bool
		}{
			{7, "2025-10-01", today, []uint64{c.d1}, []bool{true}},
			{8, "2025-11-17", today, []uint64{c.d2}, []bool{false}},
			{7, "2025-10-21", today, nil, nil},
			{99, "2025-01-01", "2026-12-31", nil, nil},
		} {
			got, err := s.DaysToRate(x.person, x.from, x.to)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := storeref.DaysToRate(s, x.person, x.from, x.to)
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint64
			var rated []bool
			for _, d := range got {
				ids, rated = append(ids, d.ID), append(rated, d.Rated)
			}
			if !reflect.DeepEqual(ids, x.want) || !reflect.DeepEqual(rated, x.rated) || !sameDays(got, ref) {
				t.Errorf("days to rate of %d: %+v, want %v %v (old definition %+v)", x.person, got, x.want, x.rated, ref)
			}
		}
		aoes, err := s.PanelAoEs([]uint64{1, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		ref, err := storeref.PanelAoEs(s, []uint64{1, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(aoes) != 5 || !reflect.DeepEqual(aoes[0].Terms, []string{"Talk", "Oracy", ""}) || !samePanelAoEs(aoes, ref) {
			t.Errorf("panel AoEs %+v, old definition %+v", aoes, ref)
		}
		filled, err := s.FilledSeats([]uint64{c.r1, c.r2, c.r3, c.r4})
		if err != nil {
			t.Fatal(err)
		}
		refFilled, err := storeref.FilledSeats(s, []uint64{c.r1, c.r2, c.r3, c.r4})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[uint64]int{c.r1: 3, c.r2: 2, c.r3: 1, c.r4: 1}; !reflect.DeepEqual(filled, want) || !reflect.DeepEqual(filled, refFilled) {
			t.Errorf("filled seats %v, want %v (old definition %v)", filled, want, refFilled)
		}
		if err := s.SaveHubs(map[uint64]string{10: "Ash", 11: "Birch"}, at0); err != nil {
			t.Fatal(err)
		}
		hubs, err := s.HubNamesOfMembers(c.year.ID, []uint64{1, 2, 3, 4, 5, 9})
		if err != nil {
			t.Fatal(err)
		}
		refHubs, err := storeref.HubNamesOfMembers(s, c.year.ID, []uint64{1, 2, 3, 4, 5, 9})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[uint64]string{1: "Ash", 2: "Ash", 3: "Birch"}; !reflect.DeepEqual(hubs, want) || !reflect.DeepEqual(refHubs, want) {
			t.Errorf("hub names %v, want %v (old definition %v)", hubs, want, refHubs)
		}
		// School 3's recorded as put forward, and last year's item not recorded.
		if n, err := s.AoEsToDecide(); err != nil || n != 2 {
			t.Errorf("AoEs to decide %d, %v; want 2", n, err)
		}
	})
}

var at0 = time.Date(2025, 8, 20, 9, 0, 0, 0, time.UTC)

func addDays(d string, n int) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		panic(err)
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

func sameDays(a, b []store.DayToRate) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// samePanelAoEs compares the AoEs in order, each one's terms as a set
// (the old query read the tags in no set order; the panel sorts them).
func samePanelAoEs(a, b []store.PanelAoE) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Terms, y.Terms = slices.Clone(x.Terms), slices.Clone(y.Terms)
		sort.Strings(x.Terms)
		sort.Strings(y.Terms)
		if x.SchoolID != y.SchoolID || x.Title != y.Title || x.AccreditedOn != y.AccreditedOn || !reflect.DeepEqual(x.Terms, y.Terms) {
			return false
		}
	}
	return true
}
