package rules

import "time"

// Term is a school term of the English academic year.
type Term string

// Terms: autumn (September to December), spring (January to March),
// summer (April to August).
const (
	TermAutumn Term = "autumn"
	TermSpring Term = "spring"
	TermSummer Term = "summer"
)

// TermOf returns the term of day and the last day of that term.
func TermOf(day time.Time) (Term, time.Time) {
	y := day.Year()
	switch m := day.Month(); {
	case m >= time.September:
		return TermAutumn, time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC)
	case m <= time.March:
		return TermSpring, time.Date(y, time.March, 31, 0, 0, 0, 0, time.UTC)
	default:
		return TermSummer, time.Date(y, time.August, 31, 0, 0, 0, 0, time.UTC)
	}
}

// Label is the term as people say it.
func (t Term) Label() string {
	switch t {
	case TermAutumn:
		return "Autumn"
	case TermSpring:
		return "Spring"
	case TermSummer:
		return "Summer"
	}
	return string(t)
}
