// Package trialcsv reads and writes the randomisation's CSV files: a
// frozen list, with the columns school and stratum, and an allocation,
// with school, stratum and arm. They are what ealrandomise reads and
// writes and what the plugin gives the evaluator.
//
// Reading (Parse) takes RFC 4180 CSV, in UTF-8, with or without a byte
// order mark. The first line is the header: the column names school and
// stratum, and arm for an allocation, in any order and letter case; no
// other column. It refuses, naming the line: a malformed line, a line with
// another number of fields than the header, and every row the
// randomisation refuses (an empty school or stratum, a school listed
// twice, a stratum spelt two ways, an arm other than intervention or
// control); and a file with no rows. Blank lines are skipped.
//
// Writing (WriteList, WriteAllocation) gives the header school,stratum
// (and arm for an allocation) and one line per school in the list's or
// allocation's order, lines ending in "\n", fields quoted only when they
// must be; the same list or allocation always gives the same bytes.
package trialcsv

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
)

// File is a parsed list or allocation file.
type File struct {
	Schools []randomise.Entry // in the file's order, names as written
	Arms    []randomise.Arm   // each row's arm; nil when the file has no arm column
	Lines   []int             // each row's line number (from 1, the header's)
}

// List returns the file's rows as the frozen list of a wave.
func (f File) List(wave uint32) randomise.List {
	return randomise.List{Wave: wave, Schools: f.Schools}
}

// Allocation returns the file's rows with their arms (no arm when the file
// has no arm column).
func (f File) Allocation() randomise.Allocation {
	a := make(randomise.Allocation, len(f.Schools))
	for i, e := range f.Schools {
		a[i] = randomise.Assignment{School: e.School, Stratum: e.Stratum}
		if f.Arms != nil {
			a[i].Arm = f.Arms[i]
		}
	}
	return a
}

// LineError is why Parse refuses a file.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// The columns of the files.
const (
	colSchool  = "school"
	colStratum = "stratum"
	colArm     = "arm"
)

// Parse reads a list or an allocation file. Its error for the file's
// content is a *LineError.
func Parse(r io.Reader) (File, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted below, to say how many
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return File{}, &LineError{Line: 1, Msg: "the file is empty; expected the header school,stratum"}
	}
	if err != nil {
		return File{}, csvError(err)
	}
	col, err := columns(header)
	if err != nil {
		return File{}, &LineError{Line: 1, Msg: err.Error()}
	}
	var f File
	if _, ok := col[colArm]; ok {
		f.Arms = []randomise.Arm{}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return File{}, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return File{}, &LineError{Line: line, Msg: fmt.Sprintf(
				"%d fields, the header has %d (%s); put a name holding a comma in double quotes",
				len(rec), len(header), strings.Join(header, ","))}
		}
		f.Lines = append(f.Lines, line)
		f.Schools = append(f.Schools, randomise.Entry{School: rec[col[colSchool]], Stratum: rec[col[colStratum]]})
		if f.Arms != nil {
			arm, err := randomise.ParseArm(strings.TrimSpace(rec[col[colArm]]))
			if err != nil {
				return File{}, &LineError{Line: line, Msg: err.Error()}
			}
			f.Arms = append(f.Arms, arm)
		}
	}
	if len(f.Schools) == 0 {
		return File{}, &LineError{Line: 2, Msg: "the file has a header but no schools"}
	}
	if err := f.List(1).Check(); err != nil {
		var ee *randomise.EntryError
		if !errors.As(err, &ee) {
			return File{}, err
		}
		msg := ee.Problem
		if ee.Other >= 0 {
			msg += fmt.Sprintf(", on line %d", f.Lines[ee.Other])
		}
		return File{}, &LineError{Line: f.Lines[ee.Row], Msg: msg}
	}
	return f, nil
}

// columns maps the header's column names to their positions and refuses a
// header without school and stratum or with another column.
func columns(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch name {
		case colSchool, colStratum, colArm:
		default:
			return nil, fmt.Errorf("column %q is not one of school, stratum (and arm for an allocation)", h)
		}
		if _, dup := col[name]; dup {
			return nil, fmt.Errorf("column %s appears twice", name)
		}
		col[name] = i
	}
	for _, need := range []string{colSchool, colStratum} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("no %s column; the header is school,stratum", need)
		}
	}
	return col, nil
}

// csvError turns encoding/csv's error into a *LineError.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("reading the CSV: %w", err)
	}
	return &LineError{Line: pe.Line, Msg: pe.Err.Error()}
}

// WriteAllocation writes an allocation as CSV: the header
// school,stratum,arm and one line per school, in the allocation's order.
func WriteAllocation(w io.Writer, a randomise.Allocation) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{colSchool, colStratum, colArm})
	for _, s := range a {
		_ = cw.Write([]string{s.School, s.Stratum, s.Arm.String()})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the allocation: %w", err)
	}
	return nil
}

// WriteList writes a frozen list as CSV: the header school,stratum and one
// line per school, in the list's order, names normalised; the file that
// ealrandomise reads.
func WriteList(w io.Writer, l randomise.List) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{colSchool, colStratum})
	for _, s := range l.Schools {
		_ = cw.Write([]string{randomise.Normalise(s.School), randomise.Normalise(s.Stratum)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the list: %w", err)
	}
	return nil
}
