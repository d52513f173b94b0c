package randomise

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Entry is one row of a frozen list: a school (its name, or its id in the
// trial, as the list gives it) and its stratum (its delivery centre by
// default, or a combination of stratifying factors).
type Entry struct {
	School, Stratum string
}

// List is the frozen list of one wave of randomisation.
type List struct {
	// Wave is 1 for the first randomisation; schools recruited later are
	// randomised in wave 2, 3, …, each with its own seed and commitment.
	Wave uint32
	// Schools are the rows, each school once.
	Schools []Entry
}

// EntryError is why Check refuses a list. Row is the 0-based index of the
// row at fault in List.Schools, and Other that of the earlier row it
// clashes with (or -1), so that a reader of a file can name their lines.
type EntryError struct {
	Row, Other int
	Problem    string // names neither row, e.g. `school "X" is already listed`
}

// Error is "row 9: school "X" is already listed, on row 4" (rows from 1).
func (e *EntryError) Error() string {
	if e.Other >= 0 {
		return fmt.Sprintf("row %d: %s, on row %d", e.Row+1, e.Problem, e.Other+1)
	}
	return fmt.Sprintf("row %d: %s", e.Row+1, e.Problem)
}

// Normalise is step 1's normal form of a name: Unicode NFC, runs of white
// space made one space, no leading or trailing space.
func Normalise(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Check reports the first thing wrong with a list: wave 0, no rows, or a
// row whose school or stratum is empty, not UTF-8 or holds a control
// character, a school repeated (ignoring case), a stratum spelt two ways
// that differ only in case. The error is an *EntryError except for the
// wave and an empty list.
func (l List) Check() error {
	_, err := canonicalise(l)
	return err
}

// canonical is a checked list: its normalised rows in the list's order,
// its strata in canonical order with their rows' indices in canonical
// order, and its hash L.
type canonical struct {
	wave   uint32
	rows   []Entry
	strata []stratum
	hash   [32]byte
}

type stratum struct {
	name string
	rows []int
}

func canonicalise(l List) (canonical, error) {
	if l.Wave == 0 {
		return canonical{}, fmt.Errorf("wave 0: waves are numbered from 1")
	}
	if len(l.Schools) == 0 {
		return canonical{}, fmt.Errorf("the list has no schools")
	}
	c := canonical{wave: l.Wave, rows: make([]Entry, len(l.Schools))}
	fold := cases.Fold()
	schools := map[string]int{}   // folded school → row
	strata := map[string]string{} // folded stratum → its spelling
	stratumRow := map[string]int{}
	byName := map[string]*stratum{}
	for i, e := range l.Schools {
		school, err := checkName(e.School)
		if err != nil {
			return canonical{}, &EntryError{Row: i, Problem: "school " + err.Error(), Other: -1}
		}
		st, err := checkName(e.Stratum)
		if err != nil {
			return canonical{}, &EntryError{Row: i, Problem: fmt.Sprintf("school %q: stratum %v", school, err), Other: -1}
		}
		if j, dup := schools[fold.String(school)]; dup {
			problem := fmt.Sprintf("school %q is already listed", school)
			if c.rows[j].School != school {
				problem += fmt.Sprintf(", as %q", c.rows[j].School)
			}
			return canonical{}, &EntryError{Row: i, Other: j, Problem: problem}
		}
		schools[fold.String(school)] = i
		f := fold.String(st)
		if spelt, seen := strata[f]; seen && spelt != st {
			j := stratumRow[f]
			return canonical{}, &EntryError{Row: i, Other: j,
				Problem: fmt.Sprintf("stratum %q of school %q differs only in case from %q", st, school, spelt)}
		}
		strata[f], stratumRow[f] = st, i
		c.rows[i] = Entry{School: school, Stratum: st}
		if byName[st] == nil {
			byName[st] = &stratum{name: st}
		}
		byName[st].rows = append(byName[st].rows, i)
	}
	for _, s := range byName {
		slices.SortFunc(s.rows, func(a, b int) int { return strings.Compare(c.rows[a].School, c.rows[b].School) })
		c.strata = append(c.strata, *s)
	}
	slices.SortFunc(c.strata, func(a, b stratum) int { return cmp.Compare(a.name, b.name) })
	c.hash = c.listHash()
	return c, nil
}

// checkName normalises a name and refuses an empty one, one that is not
// UTF-8 and one with a control character.
func checkName(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("is not valid UTF-8")
	}
	n := Normalise(s)
	if n == "" {
		return "", fmt.Errorf("is empty")
	}
	if i := strings.IndexFunc(n, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(n[i:])
		return "", fmt.Errorf("%q holds the control character %U", n, r)
	}
	return n, nil
}

// listHash is step 2's L.
func (c canonical) listHash() [32]byte {
	h := sha256.New()
	h.Write(domain("list"))
	var b []byte
	b = binary.BigEndian.AppendUint32(b, c.wave)
	b = binary.BigEndian.AppendUint32(b, uint32(len(c.rows)))
	for _, st := range c.strata {
		for _, r := range st.rows {
			b = appendString(b, st.name)
			b = appendString(b, c.rows[r].School)
		}
	}
	h.Write(b)
	return [32]byte(h.Sum(nil))
}

// domain is the domain string "upwards/eal/randomise/v1/<what>" and its
// terminating 0x00.
func domain(what string) []byte {
	return append([]byte("upwards/eal/randomise/"+Version+"/"+what), 0)
}

// appendString appends u32(len(s)) ‖ s.
func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
