package importfile

import (
	"bytes"
	"io"
)

// CSVRows reads any CSV file other imports need (the staff import) as the
// pupil import reads its CSV: the same size limit (opts.MaxBytes), encodings
// (UTF-8 with or without a byte-order mark, UTF-16, Windows-1252),
// delimiters (comma, semicolon, tab) and bounds on a cell and a row
// (MaxCellBytes, MaxRowBytes), without mapping columns to pupil fields. next
// returns each record with its line number, io.EOF after the last; a file it
// cannot read, or one past a bound, is a *FileError naming the row.
func CSVRows(r io.ReadSeeker, size int64, opts Options) (next func() ([]string, int, error), err error) {
	head, err := readHead(r, size, opts)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, fileErrorf("the file is a spreadsheet workbook: save it as CSV and upload that")
	}
	next, _, _, err = csvRecords(r, head, false)
	return next, err
}
