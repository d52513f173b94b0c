package importfile_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/challengepartners/upwards/core/pupils/importfile"
)

// FuzzReadCSV feeds the reader arbitrary bytes: it must never panic, must
// either refuse the file with a FileError or read it to the end, must turn
// every cell into valid UTF-8 whatever the encoding, and must never put a
// UPN-looking cell of the file into a row's error messages. The seed corpus
// is in testdata/fuzz/FuzzReadCSV.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("UPN,Surname,Forename,DOB,NC Year\nA801000010000,Jones,Ann,01/09/2019,1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := importfile.Open(bytes.NewReader(b), int64(len(b)), importfile.Options{MaxBytes: 1 << 20})
		if err != nil {
			var fe *importfile.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Open: not a FileError: %v", err)
			}
			return
		}
		defer rd.Close()
		info := rd.Info()
		for n := 0; ; n++ {
			row, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var fe *importfile.FileError
				if !errors.As(err, &fe) {
					t.Fatalf("Next: not a FileError: %v", err)
				}
				return
			}
			for _, v := range row.Values {
				if info.Format == importfile.FormatCSV && !utf8.ValidString(v) {
					t.Fatalf("row %d: a cell is not valid UTF-8 after decoding %s", row.Number, info.Encoding)
				}
			}
			_, errs := row.Record(info, today)
			u := row.Values[importfile.UPN]
			for _, e := range errs {
				if len(u) >= 6 && strings.Contains(e.Message, u) {
					t.Fatalf("row %d: message %q contains the UPN cell", row.Number, e.Message)
				}
			}
			if n > 100000 {
				t.Fatal("more rows than bytes")
			}
		}
	})
}
