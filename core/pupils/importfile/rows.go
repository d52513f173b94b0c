package importfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// CSVRows reads any CSV file other imports need (the staff import) as the
// pupil import reads its CSV: the same size limit (opts.MaxBytes), encodings
// (UTF-8 with or without a byte-order mark, UTF-16, Windows-1252),
// delimiters (comma, semicolon, tab) and bounds on a cell and a row
// (MaxCellBytes, MaxRowBytes), without mapping columns to pupil fields. next
// returns each record with its line number, io.EOF after the last; a file it
// cannot read, or one past a bound, is a *FileError naming the row.
func CSVRows(r io.ReadSeeker, size int64, opts Options) (next func() ([]string, int, error), err error) {
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
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, fileErrorf("the file is a spreadsheet workbook: save it as CSV and upload that")
	}
	var src io.Reader = r
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		src = transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	} else {
		enc, err := detectEncoding(r)
		if err != nil {
			return nil, err
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("rewind file: %w", err)
		}
		switch enc {
		case EncodingCP1252:
			src = transform.NewReader(r, charmap.Windows1252.NewDecoder())
		case EncodingUTF8BOM:
			if _, err := r.Seek(3, io.SeekStart); err != nil {
				return nil, fmt.Errorf("skip byte-order mark: %w", err)
			}
		}
	}
	br := bufio.NewReaderSize(src, 64<<10)
	delim := sniffDelimiter(br)
	cr := csv.NewReader(newBoundedCSV(br, delim))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	return func() ([]string, int, error) {
		rec, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, 0, io.EOF
			}
			var fe *FileError
			if errors.As(err, &fe) {
				return nil, 0, fe
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, fileErrorf("the file is damaged or cut short at line %d: %s", pe.StartLine, csvProblem(pe.Err))
			}
			return nil, 0, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	}, nil
}
