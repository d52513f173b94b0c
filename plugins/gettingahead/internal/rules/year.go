package rules

import (
	"fmt"
	"time"
)

// A school year runs from 1 September to 31 August. Dates here are
// calendar dates at midnight UTC, as the store keeps them.

// YearStart is the first calendar year of the school year day falls in:
// 2018 for 1 March 2019.
func YearStart(day time.Time) int {
	if day.Month() >= time.September {
		return day.Year()
	}
	return day.Year() - 1
}

// YearBounds are the first and last day of the school year starting in
// September of first.
func YearBounds(first int) (from, to time.Time) {
	return time.Date(first, time.September, 1, 0, 0, 0, 0, time.UTC), time.Date(first+1, time.August, 31, 0, 0, 0, 0, time.UTC)
}

// YearLabel is the school year starting in first as people write it: "2017-18".
func YearLabel(first int) string {
	return fmt.Sprintf("%d-%02d", first, (first+1)%100)
}

// Date is day's calendar date at midnight UTC, however day was zoned:
// the form the store keeps dates in.
func Date(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
}

// ParseDate reads "2006-01-02" as a calendar date.
func ParseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, s)
}

// FormatDate shows a calendar date as people read it: "Sun 28 Sep 2025".
func FormatDate(d time.Time) string { return d.Format("Mon 2 Jan 2006") }

// CheckYearDate says what is wrong with day as the date of something that
// happened in the school year starting in first, judged on today (a London
// date): it must fall within the year and not after today. "" when fine.
func CheckYearDate(day time.Time, first int, today time.Time) string {
	from, to := YearBounds(first)
	switch {
	case day.Before(from) || day.After(to):
		return fmt.Sprintf("Give a date in the programme year %s (%s to %s)", YearLabel(first), from.Format(time.DateOnly), to.Format(time.DateOnly))
	case Date(day).After(Date(today)):
		return "The date is in the future: record what has happened"
	}
	return ""
}
