package store

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// number reads a whole number from min to max; a problem is added to errs.
func number(errs *Errors, field, v string, min, max int) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < min || n > max {
		errs.Add(field, "Enter a whole number from %d to %d", min, max)
		return 0
	}
	return n
}

// pounds reads an amount of money in pounds ("1,250.50", "£300") as pence,
// from 0 to £10 million; empty is 0.
func pounds(errs *Errors, field, v string) int64 {
	v = strings.TrimSpace(strings.NewReplacer("£", "", ",", "").Replace(v))
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 10_000_000 || math.IsNaN(f) {
		errs.Add(field, "Enter an amount in pounds, e.g. 1250.50")
		return 0
	}
	return int64(math.Round(f * 100))
}

// date reads an optional (or required) date as YYYY-MM-DD.
func date(errs *Errors, field, v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			errs.Add(field, "Enter a date, e.g. 2026-03-14")
		}
		return ""
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		errs.Add(field, "Enter a real date, e.g. 2026-03-14")
		return ""
	}
	return v
}

// oneOf checks v is one of allowed.
func oneOf(errs *Errors, field, v string, allowed ...string) string {
	v = strings.TrimSpace(v)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	errs.Add(field, "Choose one of the options")
	return ""
}

// checked reads a checkbox.
func checked(v string) bool {
	v = strings.TrimSpace(strings.ToLower(v))
	return v == "yes" || v == "on" || v == "true" || v == "1"
}
