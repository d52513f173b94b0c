package importfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Formats and encodings as the preview names them.
const (
	FormatCSV  = "CSV"
	FormatXLSX = "XLSX"

	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8 (with byte-order mark)"
	EncodingUTF16   = "UTF-16"
	EncodingCP1252  = "Windows-1252"
	EncodingXLSX    = "Unicode (XLSX)"
)

// Options tune Open.
type Options struct {
	// MaxBytes is the largest file accepted (default DefaultMaxBytes).
	MaxBytes int64
}

// Mapping says which header cell was read as which field.
type Mapping struct {
	Column int    // 1-based column number
	Header string // the header cell as written
	Field  Field
}

// Info describes a file as Open found it, for the preview.
type Info struct {
	Format   string
	Encoding string
	// Delimiter is the CSV field separator (",", ";" or tab).
	Delimiter string
	Columns   []Mapping
	// Missing lists the optional fields the file has no column for (see Field.Default).
	Missing []Field
	// Ignored lists header cells that name no field; their columns are not read.
	Ignored []string
	// HeaderColumns is the number of cells in the header row.
	HeaderColumns int
}

// Has reports whether the file has a column for f.
func (i Info) Has(f Field) bool {
	for _, m := range i.Columns {
		if m.Field == f {
			return true
		}
	}
	return false
}

// Row is one data row: the cells of the mapped columns, as text.
type Row struct {
	// Number is the row's number as a spreadsheet shows it (the header is row 1).
	Number int
	Values [numFields]string
	// Problem is set when the row's shape is wrong (more cells than the header,
	// or fewer, as in a truncated file); its values are not to be trusted.
	Problem string
}

// Reader reads the rows of one file.
type Reader struct {
	info   Info
	index  [numFields]int // column index of each field, -1 when absent
	next   func() ([]string, int, error)
	closer func() error
	line   int
}

// Open reads the header of r (size bytes long) and returns a reader of its
// rows. A file it cannot read — too large, empty, binary, an old .xls, a
// broken XLSX, a header without the required columns — is a *FileError.
func Open(r io.ReadSeeker, size int64, opts Options) (*Reader, error) {
	head, err := readHead(r, size, opts)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return openXLSX(r, size)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, fileErrorf("the file is an old Excel workbook (.xls) or a protected one: save it as .xlsx or CSV and upload that")
	}
	return openCSV(r, head)
}

// readHead refuses a file too large for opts or empty, and returns its
// first bytes (at most 8 KB), r rewound to its start.
func readHead(r io.ReadSeeker, size int64, opts Options) ([]byte, error) {
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	if size > max {
		return nil, fileErrorf("the file is %s, more than the %s limit", humanBytes(size), humanBytes(max))
	}
	if size == 0 {
		return nil, fileErrorf("the file is empty")
	}
	head := make([]byte, min(size, 8192))
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind file: %w", err)
	}
	return head, nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Info describes the file.
func (rd *Reader) Info() Info { return rd.info }

// Close releases the reader (an XLSX's temporary files).
func (rd *Reader) Close() error {
	if rd.closer != nil {
		return rd.closer()
	}
	return nil
}

// Next returns the next data row, skipping blank ones; io.EOF after the last.
// A CSV that is damaged part-way (a quoted field never closed, bytes that are
// not text) gives a *FileError naming the line.
func (rd *Reader) Next() (*Row, error) {
	for {
		rec, line, err := rd.next()
		if err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		row := &Row{Number: line}
		for f, i := range rd.index {
			if i >= 0 && i < len(rec) {
				row.Values[f] = strings.TrimSpace(rec[i])
			}
		}
		n := rd.info.HeaderColumns
		switch {
		case len(rec) > n && !blank(rec[n:]):
			row.Problem = fmt.Sprintf("the row has %d cells but the header has %d", len(rec), n)
		case len(rec) < n && rd.lastIndex() >= len(rec):
			row.Problem = fmt.Sprintf("the row has only %d of the header's %d cells (is the file cut short?)", len(rec), n)
		}
		return row, nil
	}
}

// lastIndex is the highest column index any field is read from.
func (rd *Reader) lastIndex() int {
	m := -1
	for _, i := range rd.index {
		m = max(m, i)
	}
	return m
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// mapHeader builds the column mapping from the header cells.
func (rd *Reader) mapHeader(header []string) error {
	if len(header) > MaxColumns {
		return fileErrorf("the header row has %d columns, more than the %d allowed: is this the right file?", len(header), MaxColumns)
	}
	for i := range rd.index {
		rd.index[i] = -1
	}
	rd.info.HeaderColumns = len(header)
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		if h == "" {
			continue
		}
		f, ok := FieldFor(h)
		if !ok {
			rd.info.Ignored = append(rd.info.Ignored, clip(h, 60))
			continue
		}
		if j := rd.index[f]; j >= 0 {
			return fileErrorf("columns %d (%q) and %d (%q) both give the %s: keep one of them", j+1, clip(header[j], 60), i+1, clip(h, 60), f)
		}
		rd.index[f] = i
		rd.info.Columns = append(rd.info.Columns, Mapping{Column: i + 1, Header: clip(h, 60), Field: f})
	}
	var missing []string
	for _, f := range Fields() {
		if rd.index[f] >= 0 {
			continue
		}
		if f.Required() {
			missing = append(missing, f.String())
		} else {
			rd.info.Missing = append(rd.info.Missing, f)
		}
	}
	if len(missing) > 0 {
		return fileErrorf("the file has no column for %s. The first row must name the columns, for example: UPN, Legal Surname, Legal Forename, DOB, NC Year",
			strings.Join(missing, ", "))
	}
	return nil
}

// clip shortens s to at most n characters (header cells shown in messages).
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// openCSV detects the encoding (one pass over the file), then reads the header.
func openCSV(r io.ReadSeeker, head []byte) (*Reader, error) {
	rd := &Reader{info: Info{Format: FormatCSV}}
	read, enc, delim, err := csvRecords(r, head, true)
	if err != nil {
		return nil, err
	}
	rd.info.Encoding, rd.info.Delimiter = enc, string(delim)
	if delim == '\t' {
		rd.info.Delimiter = "tab"
	}
	// The header is the first row that is not blank.
	for {
		rec, _, err := read()
		if errors.Is(err, io.EOF) {
			return nil, fileErrorf("the file has no rows")
		}
		if err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if err := rd.mapHeader(rec); err != nil {
			return nil, err
		}
		break
	}
	rd.next = read
	return rd, nil
}

// csvRecords reads the CSV text of r (whose first bytes are head), in its
// encoding (UTF-8 with or without a byte-order mark, UTF-16, Windows-1252)
// and with its delimiter (comma, semicolon, tab), each cell and row within
// MaxCellBytes and MaxRowBytes. read returns each record with its line
// number, io.EOF after the last; a record past a bound or damaged text is a
// *FileError naming the line. With reuse, a record's slice is reused by
// the next read.
func csvRecords(r io.ReadSeeker, head []byte, reuse bool) (read func() ([]string, int, error), enc string, delim rune, err error) {
	var src io.Reader = r
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		enc = EncodingUTF16
		src = transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	default:
		if enc, err = detectEncoding(r); err != nil {
			return nil, "", 0, err
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, "", 0, fmt.Errorf("rewind file: %w", err)
		}
		switch enc {
		case EncodingCP1252:
			src = transform.NewReader(r, charmap.Windows1252.NewDecoder())
		case EncodingUTF8BOM:
			if _, err := r.Seek(3, io.SeekStart); err != nil {
				return nil, "", 0, fmt.Errorf("skip byte-order mark: %w", err)
			}
		}
	}
	br := bufio.NewReaderSize(src, 64<<10)
	delim = sniffDelimiter(br)
	cr := csv.NewReader(newBoundedCSV(br, delim))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = reuse
	read = func() ([]string, int, error) {
		rec, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, 0, io.EOF
			}
			var fe *FileError
			if errors.As(err, &fe) {
				return nil, 0, fe // a cell or row past its bound
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, fileErrorf("the file is damaged or cut short at line %d: %s", pe.StartLine, csvProblem(pe.Err))
			}
			return nil, 0, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	}
	return read, enc, delim, nil
}

func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "a quoted field is not closed, or has a stray quote"
	case errors.Is(err, csv.ErrBareQuote):
		return "a quote appears inside a field that is not quoted"
	case errors.Is(err, csv.ErrFieldCount):
		return "wrong number of fields"
	}
	return "the text cannot be read as CSV"
}

// sniffDelimiter picks the separator of the header line: a comma, unless the
// line has none and has semicolons or tabs (spreadsheets in some locales).
func sniffDelimiter(br *bufio.Reader) rune {
	peek, _ := br.Peek(br.Size())
	if i := bytes.IndexAny(peek, "\r\n"); i >= 0 {
		peek = peek[:i]
	}
	c, s, t := bytes.Count(peek, []byte(",")), bytes.Count(peek, []byte(";")), bytes.Count(peek, []byte("\t"))
	switch {
	case c == 0 && t > s:
		return '\t'
	case c == 0 && s > 0:
		return ';'
	}
	return ','
}

// detectEncoding reads the whole file once: valid UTF-8 (with or without a
// byte-order mark) is taken as such, anything else as Windows-1252, the
// encoding Excel on Windows saves "CSV" in. A file with NUL bytes or mostly
// control characters is binary, not a CSV.
func detectEncoding(r io.Reader) (string, error) {
	buf := make([]byte, 64<<10)
	var carry []byte
	valid, first, bom := true, true, false
	var ctrl, total int64
	for {
		n, err := r.Read(buf[len(carry):])
		chunk := buf[:len(carry)+n]
		if first && len(chunk) >= 3 && bytes.HasPrefix(chunk, []byte{0xEF, 0xBB, 0xBF}) {
			bom = true
		}
		if n > 0 || len(carry) > 0 {
			first = false
		}
		for _, b := range chunk[len(carry):] {
			if b == 0 {
				return "", fileErrorf("the file is not a CSV or XLSX file (it holds binary data)")
			}
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
				ctrl++
			}
		}
		total += int64(n)
		if valid {
			// Keep an incomplete rune at the end for the next chunk.
			end := len(chunk)
			if err == nil {
				end = lastRuneStart(chunk)
			}
			if !utf8.Valid(chunk[:end]) {
				valid = false
			}
			carry = append(carry[:0], chunk[end:]...)
			copy(buf, carry)
		} else {
			carry = carry[:0]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read file: %w", err)
		}
	}
	if total > 0 && ctrl*20 > total {
		return "", fileErrorf("the file is not a CSV or XLSX file (it holds binary data)")
	}
	switch {
	case valid && bom:
		return EncodingUTF8BOM, nil
	case valid:
		return EncodingUTF8, nil
	case bom:
		return "", fileErrorf("the file starts with a UTF-8 byte-order mark but is not valid UTF-8: save it again as \"CSV UTF-8\"")
	}
	return EncodingCP1252, nil
}

// lastRuneStart returns the index where an incomplete UTF-8 sequence at the
// end of b starts, or len(b) when b ends on a rune boundary.
func lastRuneStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			return len(b)
		}
	}
	return len(b)
}

// openXLSX reads the first sheet of a workbook row by row, after checkXLSX
// has found no cell or row past its bound.
func openXLSX(r io.Reader, size int64) (*Reader, error) {
	ra, ok := r.(io.ReaderAt)
	if !ok { // excelize reads the whole file into memory anyway
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("read file: %w", err)
		}
		ra, r, size = bytes.NewReader(data), bytes.NewReader(data), int64(len(data))
	}
	if err := checkXLSX(ra, size); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: max(20*size, 64<<20), UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, fileErrorf("the file looks like an XLSX workbook but cannot be opened (is it damaged or cut short?)")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fileErrorf("the workbook has no sheets")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fileErrorf("the first sheet of the workbook cannot be read (is it damaged?)")
	}
	rd := &Reader{info: Info{Format: FormatXLSX, Encoding: EncodingXLSX}}
	rd.closer = func() error { rows.Close(); return f.Close() }
	line := 0
	rd.next = func() ([]string, int, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, 0, fileErrorf("the workbook is damaged after row %d", line)
			}
			return nil, 0, io.EOF
		}
		line++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, 0, fileErrorf("row %d of the workbook cannot be read", line)
		}
		return rec, line, nil
	}
	for {
		rec, _, err := rd.next()
		if errors.Is(err, io.EOF) {
			rd.Close()
			return nil, fileErrorf("the first sheet of the workbook has no rows")
		}
		if err != nil {
			rd.Close()
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if err := rd.mapHeader(rec); err != nil {
			rd.Close()
			return nil, err
		}
		return rd, nil
	}
}

// itoa is strconv.Itoa, kept short for messages.
func itoa(n int) string { return strconv.Itoa(n) }
