package research

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Type is a column's data type, as the dictionary states it.
type Type string

// The column types a Dataset may declare.
const (
	// String: any text. A text starting with = + - @ is written with a
	// leading ' so that spreadsheets do not run it as a formula.
	String Type = "string"
	// Integer: a Go integer of any size.
	Integer Type = "integer"
	// Number: a Go integer or float (not NaN or infinite).
	Number Type = "number"
	// Boolean: a Go bool, written true or false.
	Boolean Type = "boolean"
	// Date: a time.Time (its calendar date) or a "YYYY-MM-DD" string.
	Date Type = "date"
)

// Column declares one column of a data file.
type Column struct {
	Name        string
	Type        Type
	Description string
	// Allowed lists the only values the column may hold (as written), e.g.
	// the census codes "N", "K", "E"; empty means any value of the type.
	Allowed []string
	// Optional lets the column be blank (a nil value).
	Optional bool
	// Pseudonym, when set, is the domain ("pupil", "school") whose
	// identifiers the column holds: the Writer writes their pseudonyms,
	// never the identifiers. The column's type is then String.
	Pseudonym string
}

// Dataset declares one data file.
type Dataset struct {
	Name        string // file name without extension: letters, digits, - and _
	Description string
	Columns     []Column
}

// Validate checks the declaration.
func (d Dataset) Validate() error {
	if d.Name == "" || strings.IndexFunc(d.Name, func(r rune) bool {
		return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) >= 0 {
		return fmt.Errorf("research: dataset name %q must be letters, digits, - and _", d.Name)
	}
	if len(d.Columns) == 0 {
		return fmt.Errorf("research: dataset %s declares no columns", d.Name)
	}
	seen := map[string]bool{}
	for i, c := range d.Columns {
		if c.Name == "" {
			return fmt.Errorf("research: dataset %s column %d has no name", d.Name, i+1)
		}
		if seen[c.Name] {
			return fmt.Errorf("research: dataset %s declares column %q twice", d.Name, c.Name)
		}
		seen[c.Name] = true
		switch c.Type {
		case String, Integer, Number, Boolean, Date:
		default:
			return fmt.Errorf("research: dataset %s column %q: unknown type %q", d.Name, c.Name, c.Type)
		}
		if c.Pseudonym != "" && c.Type != String {
			return fmt.Errorf("research: dataset %s column %q: a pseudonymised column is of type string", d.Name, c.Name)
		}
		if c.Pseudonym != "" && len(c.Allowed) > 0 {
			return fmt.Errorf("research: dataset %s column %q: a pseudonymised column cannot list allowed values", d.Name, c.Name)
		}
		if c.Description == "" {
			return fmt.Errorf("research: dataset %s column %q needs a description for the dictionary", d.Name, c.Name)
		}
	}
	return nil
}

func (d Dataset) usesPseudonyms() bool {
	return slices.ContainsFunc(d.Columns, func(c Column) bool { return c.Pseudonym != "" })
}

// Row is one row to write: a value for every declared column, by name.
type Row map[string]any

// Writer writes the rows of one Dataset as CSV, checking each.
type Writer struct {
	ds      Dataset
	p       *Pseudonymiser
	csv     *csv.Writer
	closers []io.Closer
	rows    int
}

// NewWriter writes ds's header to w and returns a Writer for its rows. p
// may be nil only when no column is pseudonymised.
func NewWriter(w io.Writer, ds Dataset, p *Pseudonymiser) (*Writer, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if p == nil && ds.usesPseudonyms() {
		return nil, fmt.Errorf("research: dataset %s pseudonymises columns: a Pseudonymiser is required", ds.Name)
	}
	wr := &Writer{ds: ds, p: p, csv: csv.NewWriter(w)}
	header := make([]string, len(ds.Columns))
	for i, c := range ds.Columns {
		header[i] = c.Name
	}
	if err := wr.csv.Write(header); err != nil {
		return nil, fmt.Errorf("research: write %s header: %w", ds.Name, err)
	}
	return wr, nil
}

// Create writes, in dir, the dictionary of ds as NAME.dictionary.csv and
// NAME.dictionary.md, and returns a Writer of NAME.csv. Existing files are
// not overwritten. Close the Writer to finish the data file.
func Create(dir string, ds Dataset, p *Pseudonymiser) (*Writer, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	dict := []struct {
		ext   string
		write func(io.Writer, Dataset) error
	}{{".dictionary.csv", WriteDictionaryCSV}, {".dictionary.md", WriteDictionaryMarkdown}}
	for _, d := range dict {
		if err := writeNew(filepath.Join(dir, ds.Name+d.ext), func(w io.Writer) error { return d.write(w, ds) }); err != nil {
			return nil, err
		}
	}
	path := filepath.Join(dir, ds.Name+".csv")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("research: create %s: %w", path, err)
	}
	w, err := NewWriter(f, ds, p)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.closers = append(w.closers, f)
	return w, nil
}

func writeNew(path string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("research: create %s: %w", path, err)
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("research: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("research: write %s: %w", path, err)
	}
	return nil
}

// ErrColumns is wrapped by the error for a row whose columns differ from the declaration.
var ErrColumns = errors.New("columns do not match the declaration")

// ErrValue is wrapped by the error for a value that does not fit its column.
var ErrValue = errors.New("value does not fit its column")

// Write checks row against the declaration and writes it. A refused row
// writes nothing; the error names the dataset, row and column but never a value.
func (w *Writer) Write(row Row) error {
	n := w.rows + 1
	var missing, extra []string
	for _, c := range w.ds.Columns {
		if _, ok := row[c.Name]; !ok {
			missing = append(missing, c.Name)
		}
	}
	for name := range row {
		if !slices.ContainsFunc(w.ds.Columns, func(c Column) bool { return c.Name == name }) {
			extra = append(extra, name)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		slices.Sort(extra)
		return fmt.Errorf("research: %s row %d: %w (missing %v, undeclared %v)", w.ds.Name, n, ErrColumns, missing, extra)
	}
	rec := make([]string, len(w.ds.Columns))
	for i, c := range w.ds.Columns {
		s, err := w.cell(c, row[c.Name])
		if err != nil {
			return fmt.Errorf("research: %s row %d column %q: %w: %s", w.ds.Name, n, c.Name, ErrValue, err)
		}
		rec[i] = s
	}
	if err := w.csv.Write(rec); err != nil {
		return fmt.Errorf("research: write %s row %d: %w", w.ds.Name, n, err)
	}
	w.rows++
	return nil
}

// Rows is how many rows have been written.
func (w *Writer) Rows() int { return w.rows }

// Close flushes the data and, for a Writer from Create, closes its file.
func (w *Writer) Close() error {
	w.csv.Flush()
	err := w.csv.Error()
	for _, c := range w.closers {
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}
	w.closers = nil
	if err != nil {
		return fmt.Errorf("research: finish %s: %w", w.ds.Name, err)
	}
	return nil
}

// cell formats v for column c; its errors never quote v.
func (w *Writer) cell(c Column, v any) (string, error) {
	if v == nil {
		if c.Optional {
			return "", nil
		}
		return "", errors.New("blank, and the column is not optional")
	}
	if c.Pseudonym != "" {
		id, err := identifier(v)
		if err != nil {
			return "", err
		}
		return w.p.Pseudonym(c.Pseudonym, id), nil
	}
	var s string
	switch c.Type {
	case String:
		str, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("a %T, not a string", v)
		}
		s = str
	case Integer:
		i, ok := integer(v)
		if !ok {
			return "", fmt.Errorf("a %T, not an integer", v)
		}
		s = i
	case Number:
		if i, ok := integer(v); ok {
			s = i
			break
		}
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case float32:
			f = float64(x)
		default:
			return "", fmt.Errorf("a %T, not a number", v)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", errors.New("not a finite number")
		}
		s = strconv.FormatFloat(f, 'f', -1, 64)
	case Boolean:
		b, ok := v.(bool)
		if !ok {
			return "", fmt.Errorf("a %T, not a bool", v)
		}
		s = strconv.FormatBool(b)
	case Date:
		switch x := v.(type) {
		case time.Time:
			s = x.Format(time.DateOnly)
		case string:
			if _, err := time.Parse(time.DateOnly, x); err != nil {
				return "", errors.New("not a YYYY-MM-DD date")
			}
			s = x
		default:
			return "", fmt.Errorf("a %T, not a date", v)
		}
	}
	if len(c.Allowed) > 0 && !slices.Contains(c.Allowed, s) {
		return "", errors.New("not one of the allowed values")
	}
	if c.Type == String {
		s = formulaSafe(s)
	}
	return s, nil
}

func integer(v any) (string, bool) {
	switch x := v.(type) {
	case int:
		return strconv.FormatInt(int64(x), 10), true
	case int8:
		return strconv.FormatInt(int64(x), 10), true
	case int16:
		return strconv.FormatInt(int64(x), 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint:
		return strconv.FormatUint(uint64(x), 10), true
	case uint8:
		return strconv.FormatUint(uint64(x), 10), true
	case uint16:
		return strconv.FormatUint(uint64(x), 10), true
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	}
	return "", false
}

// identifier is the text of an id to pseudonymise: an integer or a non-empty string.
func identifier(v any) (string, error) {
	if s, ok := integer(v); ok {
		return s, nil
	}
	if s, ok := v.(string); ok && s != "" {
		return s, nil
	}
	return "", fmt.Errorf("a %T, not an identifier (an integer or a non-empty string)", v)
}

// formulaSafe defuses spreadsheet formula injection (OWASP): a text starting
// with = + - @ (or a tab or carriage return) gets a leading quote.
func formulaSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
