package importfile_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
)

var today = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// readAll opens b and returns its info and rows, or the error of Open or Next.
func readAll(t *testing.T, b []byte) (importfile.Info, []*importfile.Row, error) {
	t.Helper()
	rd, err := importfile.Open(bytes.NewReader(b), int64(len(b)), importfile.Options{})
	if err != nil {
		return importfile.Info{}, nil, err
	}
	defer rd.Close()
	var rows []*importfile.Row
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd.Info(), rows, nil
		}
		if err != nil {
			return rd.Info(), rows, err
		}
		rows = append(rows, r)
	}
}

func fileError(t *testing.T, err error, want string) {
	t.Helper()
	var fe *importfile.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("want a FileError containing %q, got %v", want, err)
	}
	if !strings.Contains(fe.Msg, want) {
		t.Fatalf("file error %q does not say %q", fe.Msg, want)
	}
}

func generated(n int) []byte {
	var b bytes.Buffer
	if err := importtest.WriteCSV(&b, 0, n, today); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func TestGeneratedFileIsValid(t *testing.T) {
	info, rows, err := readAll(t, generated(200))
	if err != nil {
		t.Fatal(err)
	}
	if info.Encoding != importfile.EncodingUTF8 || info.Format != importfile.FormatCSV || len(info.Missing) != 0 || len(info.Columns) != 13 {
		t.Fatalf("info %+v", info)
	}
	if len(rows) != 200 || rows[0].Number != 2 || rows[199].Number != 201 {
		t.Fatalf("rows %d, first number %d", len(rows), rows[0].Number)
	}
	for _, r := range rows {
		rec, errs := r.Record(info, today)
		if errs != nil {
			t.Fatalf("row %d: %v", r.Number, errs)
		}
		if rec.UPN != importtest.UPN(r.Number-2) {
			t.Fatalf("row %d: UPN not read", r.Number)
		}
	}
}

func TestBOMReorderedAliasesQuotedFields(t *testing.T) {
	u := importtest.UPN(7)
	csv := "\xEF\xBB\xBFSex,Date of birth,First name,\"Family name\",Unique Pupil Number,Year group,Looked after,SEN,Notes\r\n" +
		"Female,2019-03-04,\"Mary, Ann\",\"O'Neil \"\"Junior\"\"\"," + strings.ToLower(u) + ",Y2,true,EHCP,\"two\nlines\"\r\n"
	info, rows, err := readAll(t, []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if info.Encoding != importfile.EncodingUTF8BOM {
		t.Fatalf("encoding %q", info.Encoding)
	}
	if len(info.Ignored) != 1 || info.Ignored[0] != "Notes" {
		t.Fatalf("ignored %v", info.Ignored)
	}
	missing := map[importfile.Field]bool{}
	for _, f := range info.Missing {
		missing[f] = true
	}
	for _, f := range []importfile.Field{importfile.PupilPremium, importfile.FSM, importfile.FSMEver6, importfile.EAL, importfile.EALProficiency} {
		if !missing[f] {
			t.Errorf("%s not reported missing", f)
		}
	}
	rec, errs := rows[0].Record(info, today)
	if errs != nil {
		t.Fatal(errs)
	}
	want := pupils.Record{UPN: u, GivenName: "Mary, Ann", FamilyName: `O'Neil "Junior"`, DateOfBirth: "2019-03-04", YearGroup: 2,
		Gender: "F", SEN: "E", LookedAfter: true}
	if rec != want {
		t.Fatalf("record\n got %+v\nwant %+v", rec, want)
	}
}

func TestWindows1252(t *testing.T) {
	utf := "UPN;Surname;Forename;DOB;NC Year\r\n" + importtest.UPN(1) + ";Jones;Siân;01/09/2019;1\r\n" + importtest.UPN(2) + ";Müller;Zoë;3/4/2021;R\r\n"
	cp, err := charmap.Windows1252.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	info, rows, err := readAll(t, []byte(cp))
	if err != nil {
		t.Fatal(err)
	}
	if info.Encoding != importfile.EncodingCP1252 || info.Delimiter != ";" {
		t.Fatalf("info %+v", info)
	}
	r0, e0 := rows[0].Record(info, today)
	r1, e1 := rows[1].Record(info, today)
	if e0 != nil || e1 != nil {
		t.Fatal(e0, e1)
	}
	if r0.GivenName != "Siân" || r1.GivenName != "Zoë" || r1.FamilyName != "Müller" || r1.DateOfBirth != "2021-04-03" || r1.YearGroup != 0 {
		t.Fatalf("decoded %+v %+v", r0, r1)
	}
}

func TestUTF16(t *testing.T) {
	s := "UPN\tSurname\tForename\tDOB\tNC Year\r\n" + importtest.UPN(3) + "\tJones\tZoë\t01/09/2019\t1\r\n"
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	info, rows, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if info.Encoding != importfile.EncodingUTF16 || rows[0].Values[importfile.GivenName] != "Zoë" {
		t.Fatalf("info %+v rows %+v", info, rows)
	}
}

func TestMissingRequiredColumns(t *testing.T) {
	_, _, err := readAll(t, []byte("UPN,Forename,Gender\nA,B,M\n"))
	fileError(t, err, "no column for Family name, Date of birth, Year group")
}

func TestDuplicateHeader(t *testing.T) {
	_, _, err := readAll(t, []byte("UPN,Surname,Family name,Forename,DOB,Year\n"))
	fileError(t, err, "both give the Family name")
}

func TestTenThousandColumns(t *testing.T) {
	head := "UPN,Surname,Forename,DOB,NC Year\n"
	row := importtest.UPN(1) + ",Jones,Ann,01/09/2019,1" + strings.Repeat(",x", 10000) + "\n"
	info, rows, err := readAll(t, []byte(head+row+importtest.UPN(2)+",Li,Bo,01/09/2019,1,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rows[0].Problem, "10005 cells but the header has 5") {
		t.Fatalf("problem %q", rows[0].Problem)
	}
	if _, errs := rows[0].Record(info, today); errs.For("row") == "" {
		t.Fatal("the wide row is not an error")
	}
	if rows[1].Problem != "" { // trailing empty cells are fine
		t.Fatalf("problem %q", rows[1].Problem)
	}
	_, _, err = readAll(t, []byte("UPN"+strings.Repeat(",x", 10000)+"\n"))
	fileError(t, err, "10001 columns")
}

func TestTruncated(t *testing.T) {
	full := generated(20)
	// Cut inside a row: the last row is short and flagged.
	cut := full[:bytes.LastIndexByte(full[:len(full)-1], '\n')+20]
	info, rows, err := readAll(t, cut)
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	if !strings.Contains(last.Problem, "cut short") {
		t.Fatalf("last row problem %q", last.Problem)
	}
	if _, errs := last.Record(info, today); errs == nil {
		t.Fatal("a truncated row is valid")
	}
	// Cut inside a quoted field: the file is refused, naming the line.
	_, _, err = readAll(t, []byte("UPN,Surname,Forename,DOB,NC Year\nA,\"Jon"))
	fileError(t, err, "cut short at line 2")
}

func TestNotAPupilFile(t *testing.T) {
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i * 7)
	}
	_, _, err := readAll(t, garbage)
	fileError(t, err, "binary data")
	_, _, err = readAll(t, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, garbage...))
	fileError(t, err, ".xls")
	_, _, err = readAll(t, []byte("PK\x03\x04broken zip"))
	fileError(t, err, "XLSX")
	_, _, err = readAll(t, nil)
	fileError(t, err, "empty")
	_, _, err = readAll(t, []byte("\n\n \n"))
	fileError(t, err, "no rows")
	b := generated(100)
	_, err = importfile.Open(bytes.NewReader(b), int64(len(b)), importfile.Options{MaxBytes: 1000})
	fileError(t, err, "more than the 1000 bytes limit")
}

func TestRowErrorsNeverHoldValues(t *testing.T) {
	bad := "Q801000010999" // wrong check letter
	csv := "UPN,Surname,Forename,DOB,NC Year,Gender,FSM\n" + bad + ",Jones,Ann,31/02/2019,Year 20,Q,maybe\n"
	info, rows, err := readAll(t, []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := rows[0].Record(info, today)
	for _, f := range []string{pupils.FieldUPN, pupils.FieldDateOfBirth, pupils.FieldYearGroup, pupils.FieldGender, "fsm"} {
		if errs.For(f) == "" {
			t.Errorf("no error for %s in %v", f, errs)
		}
	}
	for _, e := range errs {
		for _, v := range []string{bad, "Jones", "31/02", "maybe"} {
			if strings.Contains(e.Message, v) {
				t.Errorf("message %q repeats a value", e.Message)
			}
		}
	}
	if !strings.Contains(errs.For(pupils.FieldUPN), "check letter") {
		t.Errorf("UPN message %q", errs.For(pupils.FieldUPN))
	}
}

func TestEALAndSENCodes(t *testing.T) {
	csv := "UPN,Surname,Forename,DOB,NC Year,EAL,Proficiency in English,SEN\n" +
		importtest.UPN(1) + ",A,B,01/09/2019,1,Y,,SEN support\n" +
		importtest.UPN(2) + ",A,B,01/09/2019,1,Y,c,\n" +
		importtest.UPN(3) + ",A,B,01/09/2019,1,N,C,N\n" +
		importtest.UPN(4) + ",A,B,01/09/2019,1,D,,K\n"
	info, rows, err := readAll(t, []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"N", "K"}, {"C", "N"}, {"", "N"}, {"D", "K"}}
	for i, r := range rows {
		rec, errs := r.Record(info, today)
		if errs != nil {
			t.Fatal(errs)
		}
		if rec.EALProficiency != want[i][0] || rec.SEN != want[i][1] {
			t.Errorf("row %d: EAL %q SEN %q, want %v", r.Number, rec.EALProficiency, rec.SEN, want[i])
		}
	}
}

func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sw.SetRow("A1", []any{"Forename", "Surname", "UPN", "Date of birth", "Year group", "FSM"}))
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	dob := excelize.Cell{StyleID: style, Value: time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC)}
	must(sw.SetRow("A2", []any{"Zoë", "Jones", importtest.UPN(1), dob, 1, 1}))
	// Row 3 left empty; row 4 has the date as text.
	must(sw.SetRow("A4", []any{"Siân", "Hughes", importtest.UPN(2), "02/10/2019", "Y1", "N"}))
	must(sw.Flush())
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	info, rows, err := readAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != importfile.FormatXLSX || len(rows) != 2 || rows[1].Number != 4 {
		t.Fatalf("info %+v, %d rows", info, len(rows))
	}
	r0, e0 := rows[0].Record(info, today)
	r1, e1 := rows[1].Record(info, today)
	if e0 != nil || e1 != nil {
		t.Fatal(e0, e1)
	}
	if r0.DateOfBirth != "2019-09-01" || !r0.FSM || r0.GivenName != "Zoë" || r1.DateOfBirth != "2019-10-02" || r1.FSM {
		t.Fatalf("records %+v %+v", r0, r1)
	}
}

// The sample file the documentation points to reads without errors.
func TestSampleFile(t *testing.T) {
	b, err := os.ReadFile("testdata/sample-pupils.csv")
	if err != nil {
		t.Fatal(err)
	}
	info, rows, err := readAll(t, b)
	if err != nil || len(rows) != 25 || len(info.Missing) != 0 {
		t.Fatalf("%v: %d rows, missing %v", err, len(rows), info.Missing)
	}
	for _, r := range rows {
		if _, errs := r.Record(info, today); errs != nil {
			t.Fatalf("row %d: %v", r.Number, errs)
		}
	}
}
