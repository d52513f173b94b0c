package rules

import (
	"testing"
	"time"
)

// Easter Sunday dates from the Church of England's tables.
func TestEasterSunday(t *testing.T) {
	for y, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2018: "2018-04-01", 2038: "2038-04-25"} {
		if got := EasterSunday(y, time.UTC).Format(time.DateOnly); got != want {
			t.Errorf("Easter %d = %s, want %s", y, got, want)
		}
	}
}

func TestSchoolWeeksSkipTheHolidays(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	cases := []struct {
		name   string
		start  int
		week   int
		monday string
		term   int
	}{
		{"the year starts on the first Monday of September", 2025, 1, "2025-09-01", Autumn},
		{"the week before October half term", 2025, 8, "2025-10-20", Autumn},
		{"October half term is skipped", 2025, 9, "2025-11-03", Autumn},
		{"the last week before Christmas", 2025, 15, "2025-12-15", Autumn},
		{"back in January, spring term", 2025, 16, "2026-01-05", Spring},
		{"February half term is skipped", 2025, 22, "2026-02-23", Spring},
		{"the week before the Easter holiday", 2025, 26, "2026-03-23", Spring},
		{"after Easter, summer term", 2025, 27, "2026-04-13", Summer},
		{"May half term is skipped", 2025, 33, "2026-06-01", Summer},
		{"the 38th week ends the year in July", 2025, 38, "2026-07-06", Summer},
		{"2026-27 starts on Monday 7 September", 2026, 1, "2026-09-07", Autumn},
		{"2017-18, the real list's year", 2017, 1, "2017-09-04", Autumn},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := SchoolWeeks(c.start, london)
			if len(ws) != WeeksInYear {
				t.Fatalf("%d weeks", len(ws))
			}
			w := ws[c.week-1]
			if w.Number != c.week || w.Monday.Format(time.DateOnly) != c.monday || w.Term != c.term {
				t.Fatalf("week %d = %d %s term %d, want %s term %d", c.week, w.Number, w.Monday.Format(time.DateOnly), w.Term, c.monday, c.term)
			}
			if w.Monday.Weekday() != time.Monday || w.Monday.Location() != london {
				t.Fatalf("week %d starts %s", c.week, w.Monday)
			}
		})
	}
}

func TestYearLabels(t *testing.T) {
	for _, c := range []struct {
		label string
		year  int
		ok    bool
	}{
		{"2025-26", 2025, true}, {" 2099-00 ", 2099, true}, {"2025-27", 0, false}, {"2025/26", 0, false}, {"25-26", 0, false}, {"", 0, false},
	} {
		y, err := ParseYearLabel(c.label)
		if (err == nil) != c.ok || y != c.year {
			t.Errorf("ParseYearLabel(%q) = %d, %v", c.label, y, err)
		}
	}
	if YearLabel(2025) != "2025-26" || YearLabel(2099) != "2099-00" {
		t.Fatal(YearLabel(2025), YearLabel(2099))
	}
	for d, want := range map[string]int{"2025-09-01": 2025, "2026-08-31": 2025, "2026-01-10": 2025, "2026-12-07": 2026} {
		tm, _ := time.Parse(time.DateOnly, d)
		if got := YearOf(tm); got != want {
			t.Errorf("YearOf(%s) = %d, want %d", d, got, want)
		}
	}
}
