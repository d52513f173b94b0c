// Package randomise allocates the schools of a randomised controlled trial
// to its two arms, intervention and control, stratified, reproducibly from
// a secret 32-byte seed, and lets anyone check the allocation against a
// commitment published before it was made.
//
// It is pure: no storage, no clock, no global random source, no I/O (a
// seed is drawn by the caller, from crypto/rand, through NewSeed). The same
// list and seed always give the same allocation. Safe for concurrent use:
// nothing is shared between calls.
//
// # Procedure v1
//
// Everything below is fixed; a changed procedure would be v2, with its own
// domain strings, so that an allocation committed under v1 can always be
// re-derived. Integers are unsigned big-endian: u32 is 4 bytes, u64 is 8.
// Strings are UTF-8. len(x) is x's length in bytes.
//
//  1. The frozen list. A list is a wave number w ≥ 1 (1 for the first
//     randomisation; schools recruited later are randomised in wave 2, 3,
//     …) and rows (school, stratum). Each name is normalised (Normalise):
//     Unicode NFC, then every run of white space (the characters for which
//     Go's unicode.IsSpace is true: U+0009–U+000D, U+0020, U+0085, U+00A0,
//     U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000)
//     becomes one space U+0020 and leading and trailing spaces go. A list
//     is refused (Check) when a name is empty, not UTF-8 or holds a control
//     character, when two schools are equal ignoring case (Unicode case
//     folding), or when two strata are equal ignoring case but spelt
//     differently. The canonical order sorts rows by stratum, then by
//     school, comparing the normalised names' bytes.
//
//  2. The list's hash L = SHA-256 of
//     "upwards/eal/randomise/v1/list" 0x00 ‖ u32(w) ‖ u32(n) ‖ for each
//     row in canonical order: u32(len(stratum)) ‖ stratum ‖
//     u32(len(school)) ‖ school.
//
//  3. The seed's hash S = SHA-256 of
//     "upwards/eal/randomise/v1/seed" 0x00 ‖ seed (32 bytes). The
//     commitment is (w, n, L, S); it can be published before the
//     allocation and reveals nothing about it while the seed is secret.
//     (A wave has its own seed: S does not depend on w, so a seed used
//     again shows.)
//
//  4. Streams. For a label (a string), block j (j = 0, 1, …) is
//     HMAC-SHA-256 with key seed of
//     "upwards/eal/randomise/v1/stream" 0x00 ‖ u32(w) ‖ L ‖
//     u32(len(label)) ‖ label ‖ u64(j).
//     The stream is block 0 ‖ block 1 ‖ …, read as successive u64 values
//     (4 per block). uniform(k), for k ≥ 2, reads values v until
//     v < 2^64 − (2^64 mod k) and returns v mod k (no bias).
//
//  5. Within each stratum s (in canonical order, with its m schools x[0],
//     …, x[m−1] in canonical order), with the stream of label
//     "stratum:" + s: Fisher–Yates, for i = m−1 down to 1:
//     j = uniform(i+1), swap x[i] and x[j]. Then, with h = ⌊m/2⌋, x[0]…
//     x[h−1] are intervention and x[h]…x[2h−1] control. When m is odd,
//     x[m−1] is the stratum's odd school, allocated in step 6.
//
//  6. The odd schools. Let O be the strata with an odd number of schools,
//     in canonical order, and k = len(O). When k > 0, with the stream of
//     label "odd": shuffle O by Fisher–Yates as in step 5, then b =
//     uniform(2); the odd school of O[t] (t = 0 … k−1, after the shuffle)
//     is intervention when t + b is even, control when it is odd.
//
// So every stratum's arms differ by at most one school, and so do the
// trial's totals (by one exactly when k is odd). By symmetry each school is
// intervention with probability exactly 1/2 over seeds, the odd one of an
// odd-sized stratum included, and which arm gets a stratum's odd school
// is not fixed. The allocation depends on the rows, not on their order in
// a file, and any change to the list changes L and so every stream.
//
// # What it does not do
//
// It cannot show that the seed was not chosen: a commitment binds the list
// and the seed before the allocation is seen, but whoever draws the seed
// could try several before committing. The plugin draws it from
// crypto/rand, shows it to nobody until the allocation is made, and audits
// both steps. It does not store, reveal or audit anything itself.
package randomise

import (
	"errors"
	"fmt"
)

// Version names the procedure; it is part of every domain string and of a
// Commitment's text.
const Version = "v1"

// Arm is one of the trial's two arms.
type Arm uint8

// The two arms.
const (
	Intervention Arm = iota + 1
	Control
)

// String returns "intervention" or "control", the words of the CSV files.
func (a Arm) String() string {
	switch a {
	case Intervention:
		return "intervention"
	case Control:
		return "control"
	}
	return fmt.Sprintf("Arm(%d)", uint8(a))
}

// ParseArm reads "intervention" or "control" (exactly, in lower case).
func ParseArm(s string) (Arm, error) {
	switch s {
	case "intervention":
		return Intervention, nil
	case "control":
		return Control, nil
	}
	return 0, fmt.Errorf("arm %q is neither intervention nor control", s)
}

// Assignment is one school's arm.
type Assignment struct {
	School, Stratum string // normalised
	Arm             Arm
}

// Allocation is every school's arm, in the order of the list's rows.
type Allocation []Assignment

// Randomise allocates the list's schools by the procedure of the package
// doc. The allocation is in the list's row order, with normalised names.
// It returns Check's error for a list it refuses.
func Randomise(list List, seed Seed) (Allocation, error) {
	c, err := canonicalise(list)
	if err != nil {
		return nil, err
	}
	arms := allocate(c, seed)
	out := make(Allocation, len(c.rows))
	for i, r := range c.rows {
		out[i] = Assignment{School: r.School, Stratum: r.Stratum, Arm: arms[i]}
	}
	return out, nil
}

// allocate runs steps 4 to 6 on a canonical list and returns each row's
// arm, indexed as c.rows.
func allocate(c canonical, seed Seed) []Arm {
	arms := make([]Arm, len(c.rows))
	var odd []int // per odd stratum, the row of its odd school
	for _, st := range c.strata {
		x := append([]int(nil), st.rows...)
		shuffle(newStream(seed, c, "stratum:"+st.name), x)
		h := len(x) / 2
		for i, r := range x[:2*h] {
			arms[r] = Control
			if i < h {
				arms[r] = Intervention
			}
		}
		if len(x)%2 == 1 {
			odd = append(odd, x[len(x)-1])
		}
	}
	if len(odd) > 0 {
		s := newStream(seed, c, "odd")
		shuffle(s, odd)
		b := s.uniform(2)
		for t, r := range odd {
			arms[r] = Control
			if (uint64(t)+b)%2 == 0 {
				arms[r] = Intervention
			}
		}
	}
	return arms
}

// shuffle is step 5's Fisher–Yates on x, drawing from s.
func shuffle(s *stream, x []int) {
	for i := len(x) - 1; i >= 1; i-- {
		j := s.uniform(uint64(i) + 1)
		x[i], x[j] = x[j], x[i]
	}
}

// The ways a check against a commitment fails; Verify's and
// CheckCommitment's errors wrap one of them (test with errors.Is) and say
// what differs.
var (
	// ErrListChanged: the list (its wave, its number of schools or any
	// row) is not the one committed.
	ErrListChanged = errors.New("the list is not the committed one")
	// ErrWrongSeed: the seed is not the one committed.
	ErrWrongSeed = errors.New("the seed is not the committed one")
	// ErrAllocationChanged: an allocation differs from the one the list
	// and seed give (a school's arm or stratum, a school missing or added).
	ErrAllocationChanged = errors.New("the allocation is not the one the seed gives")
)
