package main

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/extend"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store/storeref"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

// openDemo opens the storage the harness's plugin built the demo in, as a
// plain handle, and the store of the demo's tenant.
func openDemo(t *testing.T, driver, dsn string) *store.Store {
	t.Helper()
	db := testdb.Connect(t, driver, dsn)
	var tenant uint64
	if err := db.Raw("SELECT tenant_id FROM years LIMIT 1").Scan(&tenant).Error; err != nil || tenant == 0 {
		t.Fatalf("the demo's tenant: %d, %v", tenant, err)
	}
	return store.New(db, tenant)
}

// TestTheDemoIsCountedInSQLAsByLoadingIt: on the demo (418 schools, two
// years), on SQLite and PostgreSQL, every count the extension points now
// take from SQL equals the old definition's count of the loaded rows
// (storeref), for both years on every fortnight (four weeks on
// PostgreSQL) from a month before the
// first to a month after the last, and for the days to rate of everyone
// booked on one (a tenth of them on PostgreSQL) and the demo's logins.
func TestTheDemoIsCountedInSQLAsByLoadingIt(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			_, fx, ids, driver, dsn := startDemo(t, d)
			s := openDemo(t, driver, dsn)
			years, err := s.Years()
			if err != nil || len(years) != 2 {
				t.Fatalf("years %d, %v", len(years), err)
			}
			const dueDays = 10 // the default report_due_days
			due := func(rv store.Review) string { return extend.AddDays(rv.Ends(), dueDays) }
			first, last := years[1].StartsOn, years[0].EndsOn
			checked := 0
			step := 14
			if d != "sqlite" { // each old count loads the year: every four weeks on PostgreSQL
				step = 28
			}
			for day := extend.AddDays(first, -30); day <= extend.AddDays(last, 30); day = extend.AddDays(day, step) {
				for i := range years {
					y := &years[i]
					got, err := s.YearCounts(y, day)
					if err != nil {
						t.Fatal(err)
					}
					want, err := storeref.YearCounts(s, y, day)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Fatalf("%s on %s: SQL %+v\nold definition %+v", y.Label, day, got, want)
					}
					agreed, groups, err := s.ReportCounts(y.ID, extend.AddDays(day, -dueDays))
					if err != nil {
						t.Fatal(err)
					}
					overdue := 0
					for _, g := range groups {
						if due(store.Review{StartsOn: g.StartsOn, Days: g.Days}) < day {
							overdue += g.N
						}
					}
					ref, err := storeref.CentralCounts(s, y.ID, day, due)
					if err != nil {
						t.Fatal(err)
					}
					if (storeref.Central{Agreed: agreed, Overdue: overdue}) != ref {
						t.Fatalf("%s on %s: %d agreed, %d overdue; old definition %+v", y.Label, day, agreed, overdue, ref)
					}
					checked++
				}
			}
			// Everyone booked on a day, and the demo's logins.
			var people []uint64
			if err := s.DB().Raw("SELECT DISTINCT person1 FROM bookings WHERE person1 <> 0 UNION SELECT DISTINCT person2 FROM bookings WHERE person2 <> 0").
				Scan(&people).Error; err != nil {
				t.Fatal(err)
			}
			if d != "sqlite" { // the old definition asks a day at a time: a sample on PostgreSQL
				var some []uint64
				for i := 0; i < len(people); i += 10 {
					some = append(some, people[i])
				}
				people = some
			}
			for _, id := range ids {
				people = append(people, id)
			}
			for _, p := range people {
				for _, day := range []string{"2026-11-20", demoClock.Format(time.DateOnly), "2027-01-15", "2027-03-10"} {
					from := extend.AddDays(day, -extend.RateWithin)
					got, err := s.DaysToRate(p, from, day)
					if err != nil {
						t.Fatal(err)
					}
					want, err := storeref.DaysToRate(s, p, from, day)
					if err != nil {
						t.Fatal(err)
					}
					if len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
						t.Fatalf("days to rate of %d on %s: %+v, old definition %+v", p, day, got, want)
					}
				}
			}
			// Every school's panel AoEs and hubs, and this year's reviews' filled seats.
			var schools []uint64
			for _, sc := range fx.Schools {
				schools = append(schools, sc.GetId())
			}
			for start := 0; start < len(schools); start += 50 {
				part := schools[start:min(len(schools), start+50)]
				got, err := s.PanelAoEs(part)
				if err != nil {
					t.Fatal(err)
				}
				want, err := storeref.PanelAoEs(s, part)
				if err != nil {
					t.Fatal(err)
				}
				if !sameAoEs(got, want) {
					t.Fatalf("panel AoEs of schools from %d: %+v\nold definition %+v", start, got, want)
				}
			}
			for _, y := range years {
				got, err := s.HubNamesOfMembers(y.ID, schools)
				if err != nil {
					t.Fatal(err)
				}
				if ref, err := storeref.HubNamesOfMembers(s, y.ID, schools); err != nil || !reflect.DeepEqual(got, ref) {
					t.Fatalf("hubs of members of %s differ from the old definition (%v)", y.Label, err)
				}
			}
			reviews, err := s.Reviews(years[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			rids := make([]uint64, len(reviews))
			for i, rv := range reviews {
				rids[i] = rv.ID
			}
			filled, err := s.FilledSeats(rids)
			if err != nil {
				t.Fatal(err)
			}
			if ref, err := storeref.FilledSeats(s, rids); err != nil || !reflect.DeepEqual(filled, ref) {
				t.Fatalf("filled seats differ from the old definition (%v)", err)
			}
			t.Logf("%d year-days, %d people's days to rate, %d schools' AoEs, %d reviews' seats: the SQL counts equal the old definitions",
				checked, len(people), len(schools), len(rids))
		})
	}
}

// sameAoEs compares the AoEs in order, each one's terms as a set (the old
// query read the tags in no set order; the panel sorts them).
func sameAoEs(a, b []store.PanelAoE) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		xt, yt := strings.Join(sorted(x.Terms), "|"), strings.Join(sorted(y.Terms), "|")
		if x.SchoolID != y.SchoolID || x.Title != y.Title || x.AccreditedOn != y.AccreditedOn || xt != yt {
			return false
		}
	}
	return true
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}
