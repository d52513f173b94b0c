package rules

import "time"

// English school term dates, as most local authorities in England set
// them, for an academic year starting in September of first. They are the
// usual pattern, not one authority's published calendar (which differ by
// a few days): good for suggesting and checking dates, such as the demo's
// workshops, never a school's own calendar.
//
//   - Autumn term: from the first Wednesday of September (after the first
//     Monday, with a training day) to the last Friday on or before 19
//     December; half term the week of the last Monday of October.
//   - Spring term: from the first Monday after 3 January to the Friday
//     before the Easter holidays; half term the week of the third Monday of
//     February. The Easter holidays are the two weeks from the Monday
//     before Good Friday.
//   - Summer term: from the Monday after the Easter holidays to the last
//     weekday on or before 22 July; half term the week of the last Monday
//     of May (the spring bank holiday); the early May bank holiday (first
//     Monday of May) is a holiday.
//
// Weekends are never school days.

// SchoolDay reports whether day (a date; its time is ignored) is a school
// day of the English term dates.
func SchoolDay(day time.Time) bool {
	d := dateOf(day)
	if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		return false
	}
	first := AcademicYearOf(d)
	for _, h := range holidays(first) {
		if !d.Before(h[0]) && !d.After(h[1]) {
			return false
		}
	}
	return true
}

// NextSchoolDay returns day if it is a school day, or the first school day
// after it.
func NextSchoolDay(day time.Time) time.Time {
	d := dateOf(day)
	for !SchoolDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// holidays lists the academic year's holidays as inclusive [from, to]
// dates, in order, from 1 September to 31 August.
func holidays(first int) [][2]time.Time {
	next := first + 1
	autumnStart := weekdayOnOrAfter(date(first, time.September, 1), time.Monday).AddDate(0, 0, 2)
	autumnEnd := weekdayOnOrBefore(date(first, time.December, 19), time.Friday)
	octHalf := weekdayOnOrBefore(date(first, time.October, 31), time.Monday)
	springStart := weekdayOnOrAfter(date(next, time.January, 4), time.Monday)
	febHalf := weekdayOnOrAfter(date(next, time.February, 15), time.Monday)
	easterMonday := Easter(next).AddDate(0, 0, -6) // the Monday before Good Friday
	mayDay := weekdayOnOrAfter(date(next, time.May, 1), time.Monday)
	mayHalf := weekdayOnOrBefore(date(next, time.May, 31), time.Monday)
	summerEnd := date(next, time.July, 22)
	for summerEnd.Weekday() == time.Saturday || summerEnd.Weekday() == time.Sunday {
		summerEnd = summerEnd.AddDate(0, 0, -1)
	}
	week := func(mon time.Time) [2]time.Time { return [2]time.Time{mon, mon.AddDate(0, 0, 4)} }
	return [][2]time.Time{
		{date(first, time.September, 1), autumnStart.AddDate(0, 0, -1)},
		week(octHalf),
		{autumnEnd.AddDate(0, 0, 1), springStart.AddDate(0, 0, -1)},
		week(febHalf),
		{easterMonday, easterMonday.AddDate(0, 0, 13)},
		{mayDay, mayDay},
		week(mayHalf),
		{summerEnd.AddDate(0, 0, 1), date(next, time.August, 31)},
	}
}

// Easter returns Easter Sunday of year (the Gregorian computus, the
// "anonymous" algorithm of Meeus).
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date(year, time.Month(month), day)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dateOf(t time.Time) time.Time { return date(t.Year(), t.Month(), t.Day()) }

func weekdayOnOrAfter(d time.Time, wd time.Weekday) time.Time {
	return d.AddDate(0, 0, (int(wd)-int(d.Weekday())+7)%7)
}

func weekdayOnOrBefore(d time.Time, wd time.Weekday) time.Time {
	return d.AddDate(0, 0, -((int(d.Weekday()) - int(wd) + 7) % 7))
}
