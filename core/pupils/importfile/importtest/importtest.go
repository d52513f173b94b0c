// Package importtest writes realistic, fake pupil files for the import's
// tests and benchmark: valid UPNs (upn.Build), plausible names and dates of
// birth for each year group, and flags in proportions like the partnership's.
package importtest

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
)

// Header is the header row WriteCSV writes (a typical MIS export's names).
var Header = []string{"UPN", "Legal Surname", "Legal Forename", "DOB", "NC Year", "Gender", "PP", "FSM", "FSM Ever 6", "EAL", "Proficiency in English", "SEN provision", "CLA"}

var (
	given  = []string{"Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Zoë", "Muhammad", "Siân", "Leo", "Aisha", "Jack", "Freya", "Oscar", "Maja", "Kacper", "Chloé", "Dylan", "Niamh", "Ifeoma"}
	family = []string{"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Khan", "Ahmed", "O'Brien", "Nowak", "Okafor", "Patel", "Hughes", "Lewis", "Clarke", "Begum", "Roberts"}
)

// UPN returns the i-th UPN of the generator (unique for i below 10,000,000).
func UPN(i int) string {
	u, err := upn.Build(801, (i/1000)%10000, 10+i%15, i%1000)
	if err != nil {
		panic(err)
	}
	return u
}

// Row returns the i-th generated row, in Header's order, plausible on today.
func Row(i int, today time.Time) []string {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	year := i%7 + 1 // a primary school's years 1-6 and reception
	if year == 7 {
		year = 0
	}
	born := pupils.ExpectedBirthYear(year, today)
	dob := time.Date(born, time.September, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
	yn := func(p float64) string {
		if r.Float64() < p {
			return "Y"
		}
		return "N"
	}
	gender := "F"
	if r.IntN(2) == 0 {
		gender = "M"
	}
	eal, prof := "N", ""
	if r.Float64() < 0.2 {
		eal, prof = "Y", string("ABCDEN"[r.IntN(6)])
	}
	sen := "N"
	switch x := r.Float64(); {
	case x < 0.04:
		sen = "E"
	case x < 0.17:
		sen = "K"
	}
	ny := fmt.Sprint(year)
	if year == 0 {
		ny = "R"
	}
	return []string{UPN(i), family[r.IntN(len(family))], given[r.IntN(len(given))], dob.Format("02/01/2006"), ny,
		gender, yn(0.19), yn(0.19), yn(0.25), eal, prof, sen, yn(0.01)}
}

// WriteCSV writes a header and n rows (rows from..from+n-1 of the generator).
func WriteCSV(w io.Writer, from, n int, today time.Time) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for i := from; i < from+n; i++ {
		if err := cw.Write(Row(i, today)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
