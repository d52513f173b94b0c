package rules

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	for year, want := range map[int]string{2018: "2018-04-01", 2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2038: "2038-04-25"} {
		if got := Easter(year).Format(time.DateOnly); got != want {
			t.Errorf("Easter %d = %s, want %s", year, got, want)
		}
	}
}

func TestSchoolDaysOfEnglishTerms(t *testing.T) {
	for day, want := range map[string]bool{
		"2025-09-01": false, // training day / holiday before term
		"2025-09-03": true,  // the autumn term's first Wednesday
		"2025-09-28": false, // a Sunday
		"2025-10-27": false, // October half term
		"2025-11-03": true,
		"2025-12-19": true,  // the autumn term's last day
		"2025-12-21": false, // a Sunday in the Christmas holidays
		"2025-12-22": false, // Christmas holidays
		"2026-01-02": false,
		"2026-01-05": true,  // the spring term
		"2026-02-16": false, // February half term
		"2026-03-30": false, // Easter holidays (Easter Sunday 5 April)
		"2026-04-10": false,
		"2026-04-13": true,
		"2026-05-04": false, // early May bank holiday
		"2026-05-25": false, // May half term
		"2026-07-22": true,  // the last day of the summer term
		"2026-07-23": false,
		"2026-08-14": false,
	} {
		d, _ := time.Parse(time.DateOnly, day)
		if got := SchoolDay(d); got != want {
			t.Errorf("SchoolDay(%s %s) = %v, want %v", d.Weekday(), day, got, want)
		}
	}
	d, _ := time.Parse(time.DateOnly, "2025-12-21")
	if got := NextSchoolDay(d).Format(time.DateOnly); got != "2026-01-05" {
		t.Errorf("the school day after 21 December 2025: %s", got)
	}
}
