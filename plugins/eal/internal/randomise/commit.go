package randomise

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Seed is the secret that decides an allocation: 32 bytes from a
// cryptographic source, kept hidden until the allocation is made, then
// revealed so that anyone can re-derive it.
type Seed [32]byte

// NewSeed reads a seed from r, which must be a cryptographic source
// (crypto/rand.Reader).
func NewSeed(r io.Reader) (Seed, error) {
	var s Seed
	if _, err := io.ReadFull(r, s[:]); err != nil {
		return Seed{}, fmt.Errorf("drawing a seed: %w", err)
	}
	return s, nil
}

// ParseSeed reads a seed written as 64 hexadecimal digits (either case).
func ParseSeed(h string) (Seed, error) {
	if len(h) != 64 {
		return Seed{}, fmt.Errorf("a seed is 64 hexadecimal digits (32 bytes), this one has %d characters", len(h))
	}
	var s Seed
	if _, err := hex.Decode(s[:], []byte(h)); err != nil {
		return Seed{}, fmt.Errorf("a seed is 64 hexadecimal digits (32 bytes): %w", err)
	}
	return s, nil
}

// String writes the seed as 64 lower-case hexadecimal digits.
func (s Seed) String() string { return hex.EncodeToString(s[:]) }

// Commitment binds a wave's frozen list and its seed before the
// allocation is made (steps 2 and 3 of the package doc).
type Commitment struct {
	Wave    uint32
	Schools int      // the list's number of schools
	List    [32]byte // L, the hash of the canonical list
	Seed    [32]byte // S, the hash of the seed
}

// Commit computes the commitment to a list and a seed. It returns Check's
// error for a list it refuses.
func Commit(list List, seed Seed) (Commitment, error) {
	c, err := canonicalise(list)
	if err != nil {
		return Commitment{}, err
	}
	return c.commitment(seed), nil
}

func (c canonical) commitment(seed Seed) Commitment {
	return Commitment{Wave: c.wave, Schools: len(c.rows), List: c.hash, Seed: seedHash(seed)}
}

// seedHash is step 3's S.
func seedHash(seed Seed) [32]byte {
	return sha256.Sum256(append(domain("seed"), seed[:]...))
}

const commitmentWord = "eal-randomise"

// String writes the commitment on one line, the form to publish and to give
// to ealrandomise --verify:
//
//	eal-randomise v1 wave=1 schools=71 list=<64 hex digits> seed=<64 hex digits>
func (c Commitment) String() string {
	return fmt.Sprintf("%s %s wave=%d schools=%d list=%x seed=%x", commitmentWord, Version, c.Wave, c.Schools, c.List, c.Seed)
}

// ParseCommitment reads the form String writes (fields separated by white
// space, in that order).
func ParseCommitment(s string) (Commitment, error) {
	f := strings.Fields(s)
	bad := func(why string) (Commitment, error) {
		return Commitment{}, fmt.Errorf("commitment %q: %s; expected %q", s, why,
			commitmentWord+" "+Version+" wave=N schools=N list=HEX seed=HEX")
	}
	if len(f) != 6 || f[0] != commitmentWord {
		return bad("not a commitment")
	}
	if f[1] != Version {
		return bad("procedure " + f[1] + " is not " + Version)
	}
	var c Commitment
	val := func(i int, key string) (string, bool) { return strings.CutPrefix(f[i], key+"=") }
	w, ok := val(2, "wave")
	wave, err := strconv.ParseUint(w, 10, 32)
	if !ok || err != nil || wave == 0 {
		return bad("wave is not a number from 1")
	}
	n, ok := val(3, "schools")
	schools, err := strconv.Atoi(n)
	if !ok || err != nil || schools < 1 {
		return bad("schools is not a number from 1")
	}
	c.Wave, c.Schools = uint32(wave), schools
	for i, h := range []struct {
		key string
		dst *[32]byte
	}{{"list", &c.List}, {"seed", &c.Seed}} {
		v, ok := val(4+i, h.key)
		b, err := hex.DecodeString(v)
		if !ok || err != nil || len(b) != 32 {
			return bad(h.key + " is not 64 hexadecimal digits")
		}
		*h.dst = [32]byte(b)
	}
	return c, nil
}

// CheckCommitment checks that a list and a seed are the committed ones.
// Its error wraps ErrListChanged and/or ErrWrongSeed and says what differs;
// a list Check refuses is reported as such.
func CheckCommitment(list List, seed Seed, com Commitment) error {
	c, err := canonicalise(list)
	if err != nil {
		return err
	}
	return c.check(seed, com)
}

func (c canonical) check(seed Seed, com Commitment) error {
	got := c.commitment(seed)
	var errs []error
	switch {
	case got.Wave != com.Wave:
		errs = append(errs, fmt.Errorf("%w: it is wave %d, the commitment is for wave %d", ErrListChanged, got.Wave, com.Wave))
	case got.Schools != com.Schools:
		errs = append(errs, fmt.Errorf("%w: it has %d schools, the committed list %d", ErrListChanged, got.Schools, com.Schools))
	case got.List != com.List:
		errs = append(errs, fmt.Errorf("%w: a school, a stratum or a name's spelling differs (list hash %x, committed %x)", ErrListChanged, got.List, com.List))
	}
	if got.Seed != com.Seed {
		errs = append(errs, fmt.Errorf("%w: its hash is %x, the committed %x", ErrWrongSeed, got.Seed, com.Seed))
	}
	return errors.Join(errs...)
}

// Verify re-derives the allocation from the list and the seed and checks
// everything: the list and the seed against the commitment, then each
// school of the allocation (in any order; names are normalised) against
// the re-derived one. Its error wraps ErrListChanged, ErrWrongSeed or
// ErrAllocationChanged, one error per thing that differs, naming the
// school. When the list or the seed does not match the commitment the
// allocation is not compared: its arms would all be in question.
func Verify(list List, seed Seed, com Commitment, a Allocation) error {
	c, err := canonicalise(list)
	if err != nil {
		return err
	}
	if err := c.check(seed, com); err != nil {
		return err
	}
	arms := allocate(c, seed)
	given := map[string]Assignment{}
	var errs []error
	order := make([]string, len(a)) // the allocation's schools, normalised
	for i, g := range a {
		g.School, g.Stratum = Normalise(g.School), Normalise(g.Stratum)
		order[i] = g.School
		if _, dup := given[g.School]; dup {
			errs = append(errs, fmt.Errorf("%w: school %q is in it twice", ErrAllocationChanged, g.School))
		}
		given[g.School] = g
	}
	for i, r := range c.rows {
		g, ok := given[r.School]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%w: school %q is not in it", ErrAllocationChanged, r.School))
		case g.Stratum != r.Stratum:
			errs = append(errs, fmt.Errorf("%w: school %q is in stratum %q there, %q in the list", ErrAllocationChanged, r.School, g.Stratum, r.Stratum))
		case g.Arm != arms[i]:
			errs = append(errs, fmt.Errorf("%w: school %q is %v there, the seed gives %v", ErrAllocationChanged, r.School, g.Arm, arms[i]))
		}
		delete(given, r.School)
	}
	for _, school := range order {
		if _, extra := given[school]; extra {
			errs = append(errs, fmt.Errorf("%w: school %q is not in the list", ErrAllocationChanged, school))
			delete(given, school)
		}
	}
	return errors.Join(errs...)
}
