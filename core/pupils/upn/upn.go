// Package upn validates and generates the DfE Unique Pupil Number: 13
// characters, a check letter first, computed from the other twelve as the DfE
// specifies (the "UPN check letter" rule of the school census, error 1510).
//
// A permanent UPN is a check letter, a 3-digit local-authority (LA) code, a
// 4-digit establishment number, the last two digits of the year of
// allocation and a 3-digit serial. A temporary UPN ends in a letter instead
// of the serial's last digit. Errors never contain the UPN itself: it is
// personal data and must not reach logs or error pages.
package upn

import (
	"errors"
	"fmt"
	"strings"
)

// Length is the length of every UPN.
const Length = 13

// letters maps 0..22 to the check letters (I, O and S are never used).
const letters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// Validation errors. Each says what is wrong without repeating the value.
var (
	ErrEmpty       = errors.New("UPN is empty")
	ErrLength      = errors.New("UPN must be 13 characters")
	ErrFormat      = errors.New("UPN must be a letter, 11 digits, then a digit or (for a temporary UPN) a letter other than I, O or S")
	ErrLACode      = errors.New("UPN characters 2-4 are not a recognised local-authority code")
	ErrCheckLetter = errors.New("UPN check letter (character 1) does not match the other 12 characters")
)

// laRanges are the LA and pseudo-LA codes the school census accepts in
// characters 2-4 of a UPN, inclusive ranges.
var laRanges = [][2]int{
	{1, 5}, {201, 213}, {301, 320}, {330, 336}, {340, 344}, {350, 359}, {370, 373},
	{380, 384}, {390, 394}, {420, 420}, {660, 681}, {701, 708}, {800, 803}, {805, 808},
	{810, 813}, {815, 816}, {820, 823}, {825, 826}, {830, 831}, {835, 837}, {840, 841},
	{845, 846}, {850, 852}, {855, 857}, {860, 861}, {865, 896}, {908, 909}, {916, 916},
	{919, 919}, {921, 921}, {925, 926}, {928, 929}, {931, 931}, {933, 933}, {935, 938},
}

// KnownLA reports whether code is an LA or pseudo-LA code the census accepts.
func KnownLA(code int) bool {
	for _, r := range laRanges {
		if code >= r[0] && code <= r[1] {
			return true
		}
	}
	return false
}

// LACodes returns every accepted LA code, ascending (for generators and tests).
func LACodes() []int {
	var out []int
	for _, r := range laRanges {
		for c := r[0]; c <= r[1]; c++ {
			out = append(out, c)
		}
	}
	return out
}

// Normalize upper-cases s and removes spaces, the only separators people type.
func Normalize(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// Validate checks a normalised UPN and returns the first rule it breaks.
func Validate(u string) error {
	if u == "" {
		return ErrEmpty
	}
	if len(u) != Length {
		return ErrLength
	}
	if strings.IndexByte(letters, u[0]) < 0 {
		return ErrFormat
	}
	for i := 1; i < 12; i++ {
		if u[i] < '0' || u[i] > '9' {
			return ErrFormat
		}
	}
	if !(u[12] >= '0' && u[12] <= '9') && strings.IndexByte(letters, u[12]) < 0 {
		return ErrFormat
	}
	la := int(u[1]-'0')*100 + int(u[2]-'0')*10 + int(u[3]-'0')
	if !KnownLA(la) {
		return ErrLACode
	}
	if CheckLetter(u[1:]) != u[0] {
		return ErrCheckLetter
	}
	return nil
}

// Parse normalises s and validates it, returning the canonical UPN.
func Parse(s string) (string, error) {
	u := Normalize(s)
	if err := Validate(u); err != nil {
		return "", err
	}
	return u, nil
}

// IsTemporary reports whether a valid UPN is a temporary one (ends in a letter).
func IsTemporary(u string) bool {
	return len(u) == Length && (u[12] < '0' || u[12] > '9')
}

// CheckLetter computes the check letter for the 12 characters after it:
// character n (2..13 of the whole UPN) is weighted by n, a final letter of a
// temporary UPN counts as its position in the check-letter alphabet, and the
// sum modulo 23 indexes that alphabet. It returns 0 when rest is not 12
// characters of the right kinds.
func CheckLetter(rest string) byte {
	if len(rest) != 12 {
		return 0
	}
	sum := 0
	for i := 0; i < 12; i++ {
		c := rest[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case i == 11 && strings.IndexByte(letters, c) >= 0:
			v = strings.IndexByte(letters, c)
		default:
			return 0
		}
		sum += v * (i + 2)
	}
	return letters[sum%23]
}

// Build returns the permanent UPN for an LA code, establishment number,
// two-digit year and serial (each in range), with its check letter.
func Build(la, establishment, year, serial int) (string, error) {
	if !KnownLA(la) || establishment < 0 || establishment > 9999 || year < 0 || year > 99 || serial < 0 || serial > 999 {
		return "", fmt.Errorf("build UPN: a part is out of range (LA %d known: %v)", la, KnownLA(la))
	}
	rest := fmt.Sprintf("%03d%04d%02d%03d", la, establishment, year, serial)
	return string(CheckLetter(rest)) + rest, nil
}
