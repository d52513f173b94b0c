// Package format shows the programme's numbers to people: rounded for
// display, never in storage. Every page, CSV and mail of the plugin goes
// through it, so 93.39999999999999 reads 93.4 and +0.5999999999999943
// reads +0.6 everywhere.
package format

import (
	"math"
	"strconv"
)

// Places is the number of decimals figures are shown with.
const Places = 1

// Decimal shows v rounded half away from zero to places decimals, without
// trailing zeros ("93.4", "30", "-1.5") and never as "-0".
func Decimal(v float64, places int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	p := math.Pow(10, float64(places))
	r := math.Round(v*p) / p
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Number shows v to Places decimals ("93.4").
func Number(v float64) string { return Decimal(v, Places) }

// Signed shows a change to Places decimals with its sign: "+0.6", "-1.5",
// "0" (a change that rounds to nothing has no sign).
func Signed(v float64) string {
	s := Number(v)
	if s != "0" && s[0] != '-' {
		return "+" + s
	}
	return s
}

// Entered shows a value someone typed, such as attendance, to two
// decimals: enough to keep what people type ("93.45"), never a float's
// noise ("93.39999999999999").
func Entered(v float64) string { return Decimal(v, 2) }

// Fixed shows a figure of a report to exactly Places decimals ("3.0",
// "94.0"), so a column of figures lines up; never "-0.0".
func Fixed(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', Places, 64)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}

// SignedFixed is Fixed with the sign of a change: "+4.0", "-1.5", "0.0".
func SignedFixed(v float64) string {
	s := Fixed(v)
	if s != "0.0" && s[0] != '-' {
		return "+" + s
	}
	return s
}
