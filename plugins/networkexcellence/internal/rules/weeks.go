package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// WeeksInYear is the number of school weeks of a membership year.
const WeeksInYear = 38

// Terms of the school year.
const (
	Autumn = 1
	Spring = 2
	Summer = 3
)

// TermName names a term ("Autumn term"); 0 is the whole year.
func TermName(term int) string {
	switch term {
	case Autumn:
		return "Autumn term"
	case Spring:
		return "Spring term"
	case Summer:
		return "Summer term"
	}
	return "The whole year"
}

// Week is one school week: its number in the year (1..38), its Monday and its term.
type Week struct {
	Number int
	Monday time.Time
	Term   int
}

// YearLabel is the label of the school year starting in September of
// startYear: 2025 → "2025-26".
func YearLabel(startYear int) string {
	return fmt.Sprintf("%d-%02d", startYear, (startYear+1)%100)
}

// ParseYearLabel reads "2025-26" and returns 2025. The second part must be
// the year after the first.
func ParseYearLabel(label string) (int, error) {
	label = strings.TrimSpace(label)
	first, second, ok := strings.Cut(label, "-")
	if !ok || len(first) != 4 || len(second) != 2 {
		return 0, fmt.Errorf("write the school year as 2025-26")
	}
	y, err1 := strconv.Atoi(first)
	z, err2 := strconv.Atoi(second)
	if err1 != nil || err2 != nil || y < 2000 || y > 2100 {
		return 0, fmt.Errorf("write the school year as 2025-26")
	}
	if (y+1)%100 != z {
		return 0, fmt.Errorf("the second year must follow the first, as in 2025-26")
	}
	return y, nil
}

// YearOf returns the first calendar year of the school year a London date
// falls in: September to August.
func YearOf(d time.Time) int {
	if d.Month() >= time.September {
		return d.Year()
	}
	return d.Year() - 1
}

// SchoolWeeks returns the 38 school weeks of the school year starting in
// September of startYear, in London. Week 1 starts on the first Monday on
// or after 1 September. These weeks are holidays and skipped, as in most
// English local authorities' calendars:
//   - October half term: the week of the last Monday of October;
//   - Christmas: the two weeks from the Monday on or before 24 December;
//   - February half term: the week of the Monday on or after 12 February;
//   - Easter: the weeks of Good Friday and of Easter Monday;
//   - May half term: the week of the last Monday of May.
//
// Weeks before the Christmas holiday are the autumn term, those before
// Easter the spring term, the rest the summer term, which ends after the
// 38th school week (mid to late July).
func SchoolWeeks(startYear int, loc *time.Location) []Week {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	monday := day(startYear, time.September, 1)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	lastMonday := func(y int, m time.Month) time.Time {
		d := day(y, m+1, 1).AddDate(0, 0, -1)
		for d.Weekday() != time.Monday {
			d = d.AddDate(0, 0, -1)
		}
		return d
	}
	mondayOnOrBefore := func(d time.Time) time.Time {
		for d.Weekday() != time.Monday {
			d = d.AddDate(0, 0, -1)
		}
		return d
	}
	mondayOnOrAfter := func(d time.Time) time.Time {
		for d.Weekday() != time.Monday {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	next := startYear + 1
	easter := EasterSunday(next, loc)
	christmas := mondayOnOrBefore(day(startYear, time.December, 24))
	easterHoliday := easter.AddDate(0, 0, -6) // the Monday before Good Friday
	holidays := map[string]bool{}
	for _, d := range []time.Time{
		lastMonday(startYear, time.October),
		christmas, christmas.AddDate(0, 0, 7),
		mondayOnOrAfter(day(next, time.February, 12)),
		easterHoliday, easterHoliday.AddDate(0, 0, 7),
		lastMonday(next, time.May),
	} {
		holidays[d.Format(time.DateOnly)] = true
	}
	var out []Week
	term := Autumn
	for len(out) < WeeksInYear {
		switch {
		case !monday.Before(christmas) && term == Autumn:
			term = Spring
		case !monday.Before(easterHoliday) && term == Spring:
			term = Summer
		}
		if !holidays[monday.Format(time.DateOnly)] {
			out = append(out, Week{Number: len(out) + 1, Monday: monday, Term: term})
		}
		monday = monday.AddDate(0, 0, 7)
	}
	return out
}

// EasterSunday is the date of Easter Sunday in year y (the Gregorian
// computus, Meeus/Jones/Butcher).
func EasterSunday(y int, loc *time.Location) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	dayOf := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), dayOf, 0, 0, 0, 0, loc)
}

// CurrentWeek is the number of the school week whose Monday is on or
// before today, last first (0 before week 1; a holiday counts as the week
// before it).
func CurrentWeek(weeks []Week, today time.Time) int {
	n := 0
	for _, w := range weeks {
		if !w.Monday.After(today) {
			n = w.Number
		}
	}
	return n
}
