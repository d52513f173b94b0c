// Package pseudonym gives each target pupil of a programme year one stable
// pseudonymous label, the same on every page that shows it: the school's
// letter in its cluster and the pupil's number in the school's cohort
// ("A12"). It is pure: the store reads the order, this package names.
//
// The label must not move when the view changes (a trio's three schools,
// the whole cluster, one school's own matrix) nor when the year goes on, so
// it rests only on orders that never change once written:
//
//   - a school's letter is its place among the cluster's schools in the
//     order they joined the cluster (A for the first), so a trio's schools
//     keep the letters they have in the cluster and a school added later
//     takes the next letter;
//   - a pupil's number is their place in the order pupils first joined the
//     school's cohort that year, counting pupils since taken out, so taking
//     a pupil out (or adding one) renumbers nobody.
package pseudonym

import "strconv"

// Key is a pupil of a school's cohort (a pupil who moved school has one
// label in each cohort).
type Key struct{ School, Pupil uint64 }

// Labels are the pupils' labels and the schools' letters.
type Labels struct {
	pupils  map[Key]string
	letters map[uint64]string
}

// Of returns the pupil's label, or "" when the pupil is not in the year's
// cohort of the school.
func (l Labels) Of(school, pupil uint64) string { return l.pupils[Key{school, pupil}] }

// SchoolLetter returns the school's letter, or "" for a school not in the cluster.
func (l Labels) SchoolLetter(school uint64) string { return l.letters[school] }

// Assign labels the members of the cohorts: schools in the order they
// joined the cluster, members in the order they first joined a cohort
// (repeats, such as a pupil taken out and added back, keep their first
// number). Members of a school not in schools are given no label.
func Assign(schools []uint64, members []Key) Labels {
	letters := make(map[uint64]string, len(schools))
	for _, s := range schools {
		if _, ok := letters[s]; !ok {
			letters[s] = Letter(len(letters))
		}
	}
	next := map[uint64]int{}
	out := Labels{pupils: map[Key]string{}, letters: letters}
	for _, m := range members {
		l, ok := letters[m.School]
		if !ok {
			continue
		}
		if _, seen := out.pupils[m]; seen {
			continue
		}
		next[m.School]++
		out.pupils[m] = l + strconv.Itoa(next[m.School])
	}
	return out
}

// Letter names the i-th school (from 0): A, B, …, Z, AA, AB, …
func Letter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return Letter(i/26-1) + Letter(i%26)
}
