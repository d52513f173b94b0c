package rules

import "time"

// AcademicYearOf returns the first calendar year of the academic year day
// falls in (1 September to 31 August): 2025 for 2025-26.
func AcademicYearOf(day time.Time) int {
	if day.Month() >= time.September {
		return day.Year()
	}
	return day.Year() - 1
}

// YearGroupIn returns the year group a pupil was (or will be) in during the
// academic year starting in September of programmeYear, given the year
// group the school records for them today: the core keeps the current year
// group, and a 2025-26 cohort looked at in 2026-27 is a year younger than
// that. A pupil moves up one year group each September.
func YearGroupIn(current int, today time.Time, programmeYear int) int {
	return current - (AcademicYearOf(today) - programmeYear)
}
