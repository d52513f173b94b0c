package importfile

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// MaxCellBytes bounds one cell of a file, in bytes of UTF-8 text, and
// MaxRowBytes one row. A pupil list's longest cell is a name of a few dozen
// characters, and a management information system's widest export a few KB
// per row; without a bound, the CSV and XML readers hold a whole cell, several
// times over, however long it is (one 45 MB cell cost the server about
// 750 MB). A file that breaks either bound is refused as a whole, naming the
// row and column, never the content.
const (
	MaxCellBytes = 64 << 10
	MaxRowBytes  = 1 << 20
)

// cellTooLong and rowTooLong are the refusals, numbered as a spreadsheet
// numbers rows (the header is row 1) and lettered as it letters columns.
func cellTooLong(row, col int) error {
	return fileErrorf("row %d, column %s: the cell is longer than %s, more than any pupil list needs (is this the right file?)",
		row, columnName(col), humanBytes(MaxCellBytes))
}

func rowTooLong(row int) error {
	return fileErrorf("row %d is longer than %s, more than any pupil list needs (is this the right file?)", row, humanBytes(MaxRowBytes))
}

// columnName is the spreadsheet letter of a 1-based column ("A", "AB").
func columnName(col int) string {
	name, err := excelize.ColumnNumberToName(col)
	if err != nil {
		return fmt.Sprint(col)
	}
	return name
}

// boundedCSV passes CSV text through unchanged while it follows the CSV's
// cells and rows (delimiter, quotes, doubled quotes, line ends) and fails
// with cellTooLong or rowTooLong as soon as one grows past its bound, before
// the CSV reader has buffered it. It sits between the decoded text and
// encoding/csv, which on its own has no limit on a field. It counts bytes as
// the file writes them, quotes included.
type boundedCSV struct {
	r io.Reader
	// special marks the delimiter, the quote and the line feed.
	special [256]bool
	delim   byte
	// line is the current line (1-based); rowLine the line the row began on.
	line, rowLine int
	// col is the current cell (1-based); cell and row count their bytes.
	col, cell, row int
	// quoted is true inside a quoted cell; closed just after its closing
	// quote (a second quote there is a doubled quote, still in the cell);
	// start at the start of a cell, where a quote opens a quoted cell.
	quoted, closed, start bool
	err                   error
}

func newBoundedCSV(r io.Reader, delim rune) *boundedCSV {
	b := &boundedCSV{r: r, delim: byte(delim), line: 1, rowLine: 1, col: 1, start: true}
	b.special[b.delim], b.special['"'], b.special['\n'] = true, true, true
	return b
}

func (b *boundedCSV) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	for i := 0; i < n; {
		// A run of plain text (the common case) is counted at once.
		j := i
		for j < n && !b.special[p[j]] {
			j++
		}
		if run := j - i; run > 0 {
			over := min(MaxCellBytes-b.cell, MaxRowBytes-b.row) // plain bytes still allowed
			b.cell, b.row, b.start, b.closed = b.cell+run, b.row+run, false, false
			if run > over {
				return b.fail(i + over)
			}
			i = j
			continue
		}
		if b.step(p[i]) {
			return b.fail(i)
		}
		i++
	}
	return n, err
}

// fail hands over the n bytes before the one that broke a bound; the
// error comes with the next Read.
func (b *boundedCSV) fail(n int) (int, error) {
	b.err = b.tooLong()
	if n == 0 {
		return 0, b.err
	}
	return n, nil
}

func (b *boundedCSV) tooLong() error {
	if b.cell > MaxCellBytes {
		return cellTooLong(b.rowLine, b.col)
	}
	return rowTooLong(b.rowLine)
}

// step follows a delimiter, quote or line feed and reports whether a bound
// is now broken.
func (b *boundedCSV) step(c byte) bool {
	switch {
	case c == '"' && (b.quoted || b.start || b.closed):
		b.quoted, b.closed = !b.quoted, b.quoted
		b.start = false
	case b.quoted:
		b.closed = false
		if c == '\n' {
			b.line++
		}
	case c == b.delim:
		b.col, b.cell, b.start, b.closed = b.col+1, 0, true, false
		return false
	case c == '\n':
		b.line++
		b.rowLine, b.col, b.cell, b.row, b.start, b.closed = b.line, 1, 0, 0, true, false
		return false
	default: // a quote inside an unquoted cell: encoding/csv refuses it
		b.start, b.closed = false, false
	}
	b.cell++
	b.row++
	return b.cell > MaxCellBytes || b.row > MaxRowBytes
}
