package importfile_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
)

// oversized is the content of the long cells: never to appear in a message.
const oversized = "qzqzqzqzqz"

// pupilRow is one valid row of the header "UPN, Legal Surname, Legal
// Forename, DOB, NC Year, Notes" with notes as its last cell.
func pupilRow(i int, notes string) string {
	r := importtest.Row(i, today)
	return strings.Join([]string{r[0], r[1], r[2], r[3], r[4], notes}, ",") + "\n"
}

const header = "UPN,Legal Surname,Legal Forename,DOB,NC Year,Notes\n"

// xlsxWith builds a workbook with the same columns, a short row 2 and, in
// row 3, column F, a cell of n bytes: an inline string, or a shared string.
func xlsxWith(t *testing.T, n int, shared bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	rows := [][]any{{"UPN", "Legal Surname", "Legal Forename", "DOB", "NC Year", "Notes"}}
	for i := 2; i <= 3; i++ {
		r := importtest.Row(i, today)
		rows = append(rows, []any{r[0], r[1], r[2], r[3], r[4], fmt.Sprint("PLACEHOLDER", i)})
	}
	if shared { // SetCellValue keeps strings in the shared strings table
		for i, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, i+1)
				if err := f.SetCellValue("Sheet1", cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	} else { // the stream writer writes them inline, in the sheet
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(cell, row); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	// excelize refuses cells over 32,767 characters: put the long one in by hand.
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	long := bytes.Repeat([]byte(oversized[:1]), n)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		switch {
		case shared && e.Name == "xl/sharedStrings.xml", !shared && e.Name == "xl/worksheets/sheet1.xml":
			if !bytes.Contains(b, []byte("PLACEHOLDER3")) {
				t.Fatalf("%s does not hold the placeholder", e.Name)
			}
			b = bytes.Replace(b, []byte("PLACEHOLDER3"), long, 1)
		}
		w, _ := zw.Create(e.Name)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A file with a cell or a row past its bound is refused as a whole, naming
// the row (as a spreadsheet numbers it) and the column, never the content,
// and reading it allocates little however long the cell: a 45 MB cell once
// cost the server about 750 MB.
func TestCellsAndRowsPastTheirBoundAreRefusedByRowAndColumn(t *testing.T) {
	big := strings.Repeat(oversized, 45<<20/len(oversized))
	quotedNotes := `"a ""quoted"" note, over` + "\n" + `two lines"`
	cases := []struct {
		name string
		file func() []byte
		want string
	}{
		{"CSV, one 45 MB cell", func() []byte { return []byte(header + pupilRow(1, "ok") + pupilRow(2, big)) }, "row 3, column F: the cell is longer than 64 KB"},
		{"CSV, a quoted 45 MB cell with quotes and line breaks", func() []byte {
			return []byte(header + pupilRow(1, quotedNotes) + pupilRow(2, `"`+strings.Repeat(`x ""y"",`+"\n", 4<<20)+`"`))
		}, "row 4, column F: the cell is longer than 64 KB"}, // rows as lines: the quoted note above spans two
		{"CSV, a cell one byte too long", func() []byte {
			return []byte(header + pupilRow(1, strings.Repeat(oversized, importfile.MaxCellBytes/len(oversized))+"q123456"))
		}, "row 2, column F: the cell is longer than 64 KB"},
		{"CSV, a row of many long cells", func() []byte {
			cells := strings.Repeat(","+strings.Repeat(oversized, 6000), 20)
			return []byte(header + pupilRow(1, "ok") + strings.TrimSuffix(pupilRow(2, "x"), "\n") + cells + "\n")
		}, "row 3 is longer than 1 MB"},
		{"CSV UTF-16, one 20 MB cell", func() []byte { return utf16LE(header + pupilRow(1, big[:20<<20])) }, "row 2, column F: the cell is longer than 64 KB"},
		{"XLSX, an inline 45 MB cell", func() []byte { return xlsxWith(t, 45<<20, false) }, "row 3, column F: the cell is longer than 64 KB"},
		{"XLSX, a shared 45 MB string", func() []byte { return xlsxWith(t, 45<<20, true) }, "row 3, column F: the cell is longer than 64 KB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, rows, err := readAll(t, file)
			runtime.ReadMemStats(&after)
			fileError(t, err, tc.want)
			if strings.Contains(err.Error(), oversized[:4]) {
				t.Errorf("the message repeats the cell: %.200s", err)
			}
			if len(rows) > 2 {
				t.Errorf("%d rows read before the refusal", len(rows))
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("reading allocated %d MB (file %d MB)", alloc>>20, len(file)>>20)
			}
		})
	}
}

// Quoted cells with doubled quotes, delimiters and line breaks, and cells of
// exactly MaxCellBytes, read as before: the bound follows the CSV's cells.
func TestCellsWithinTheBoundStillRead(t *testing.T) {
	full := strings.Repeat("z", importfile.MaxCellBytes)
	file := header + pupilRow(1, `"a ""quoted"", note`+"\n"+`over two lines"`) + pupilRow(2, full) + pupilRow(3, `"`+full[4:]+`"""`) + pupilRow(4, "ok")
	info, rows, err := readAll(t, []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[1].Number != 4 || rows[3].Number != 6 || info.HeaderColumns != 6 {
		t.Fatalf("%d rows, numbers %d and %d", len(rows), rows[1].Number, rows[3].Number)
	}
	x := xlsxWith(t, importfile.MaxCellBytes, false)
	if _, rows, err := readAll(t, x); err != nil || len(rows) != 2 {
		t.Fatalf("XLSX with a cell of exactly the bound: %d rows, %v", len(rows), err)
	}
}

// utf16LE encodes s (characters of the Basic Multilingual Plane) as UTF-16
// little-endian with its byte-order mark.
func utf16LE(s string) []byte {
	b := make([]byte, 0, 2+2*len(s))
	b = append(b, 0xFF, 0xFE)
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}
