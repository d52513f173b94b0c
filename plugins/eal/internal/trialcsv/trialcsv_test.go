package trialcsv_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
	"github.com/challengepartners/upwards/plugins/eal/internal/trialcsv"
)

// parseCases are files Parse reads or refuses, and the seeds of FuzzParse.
var parseCases = []struct {
	name, in string
	line     int    // the line named when refused; 0 when read
	want     string // part of the error
}{
	{"list", "school,stratum\nA,North\nB,South\n", 0, ""},
	{"columns swapped, capitals, CRLF, BOM", "\uFEFFStratum , SCHOOL\r\nNorth,A\r\n", 0, ""},
	{"quoted comma", "school,stratum\n\"Compton School, The\",Lampton\n", 0, ""},
	{"blank lines", "school,stratum\n\nA,North\n\n", 0, ""},
	{"allocation", "school,stratum,arm\nA,North,intervention\nB,North, control\n", 0, ""},
	{"empty file", "", 1, "the file is empty"},
	{"header only", "school,stratum\n", 2, "no schools"},
	{"no header", "A,North\n", 1, `column "A" is not one of school, stratum`},
	{"no stratum column", "school\nA\n", 1, "no stratum column"},
	{"extra column", "school,stratum,phase\nA,North,Secondary\n", 1, `column "phase"`},
	{"column twice", "school,stratum,School\n", 1, "column school appears twice"},
	{"too many fields", "school,stratum\nA,North\nCompton School, The,Lampton\n", 3, "3 fields, the header has 2"},
	{"too few fields", "school,stratum\nA\n", 2, "1 fields, the header has 2"},
	{"empty school", "school,stratum\nA,North\n,North\n", 3, "school is empty"},
	{"blank school", "school,stratum\nA,North\n  ,North\n", 3, "school is empty"},
	{"missing stratum", "school,stratum\nA,North\nB,\n", 3, `school "B": stratum is empty`},
	{"duplicate school", "school,stratum\nA,North\nB,South\n a ,South\n", 4, `school "a" is already listed, as "A", on line 2`},
	{"stratum in two spellings", "school,stratum\nA,North\nB,NORTH\n", 3, `differs only in case from "North", on line 2`},
	{"bad arm", "school,stratum,arm\nA,North,treatment\n", 2, `arm "treatment" is neither intervention nor control`},
	{"bad quote", "school,stratum\nA,North\nB\"x,South\n", 3, `bare "`},
	{"not UTF-8", "school,stratum\nCaf\xe9,North\n", 2, "not valid UTF-8"},
	{"multi-line field counts its lines", "school,stratum\n\"A\nB\",North\n\"A B\",South\n", 4, `school "A B" is already listed, on line 2`},
}

func TestParseReadsListsAndAllocationsAndNamesTheLineOfABadRow(t *testing.T) {
	for _, tc := range parseCases {
		f, err := trialcsv.Parse(strings.NewReader(tc.in))
		if tc.line == 0 {
			if err != nil {
				t.Errorf("%s: refused: %v", tc.name, err)
			}
			continue
		}
		var le *trialcsv.LineError
		if !errors.As(err, &le) || le.Line != tc.line || !strings.Contains(le.Msg, tc.want) {
			t.Errorf("%s: %v (%#v), want line %d saying %q", tc.name, err, f, tc.line, tc.want)
		}
	}

	f, err := trialcsv.Parse(strings.NewReader("\uFEFFStratum , SCHOOL\r\nNorth,A\r\n\r\nSouth,\"B, The\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := trialcsv.File{
		Schools: []randomise.Entry{{School: "A", Stratum: "North"}, {School: "B, The", Stratum: "South"}},
		Lines:   []int{2, 4},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("Parse = %#v, want %#v", f, want)
	}
	a, err := trialcsv.Parse(strings.NewReader("school,stratum,arm\nA,North,intervention\nB,North,control\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Allocation(); got[0].Arm != randomise.Intervention || got[1].Arm != randomise.Control {
		t.Errorf("Allocation = %v", got)
	}
}

func TestWriteAllocationQuotesOnlyWhatItMust(t *testing.T) {
	var b bytes.Buffer
	err := trialcsv.WriteAllocation(&b, randomise.Allocation{
		{School: "Compton School, The", Stratum: "Lampton", Arm: randomise.Control},
		{School: `The "Best" School`, Stratum: "St Edmund’s", Arm: randomise.Intervention},
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = "school,stratum,arm\n\"Compton School, The\",Lampton,control\n\"The \"\"Best\"\" School\",St Edmund’s,intervention\n"
	if b.String() != want {
		t.Errorf("WriteAllocation wrote\n%s\nwant\n%s", b.String(), want)
	}
}

// FuzzParse: Parse never panics; what it reads is a valid list whose
// allocation, written and read again, comes back the same, with the same
// bytes when written again.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		file, err := trialcsv.Parse(strings.NewReader(in))
		if err != nil {
			var le *trialcsv.LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error %v names no line", err)
			}
			return
		}
		if len(file.Schools) == 0 || len(file.Lines) != len(file.Schools) || (file.Arms != nil && len(file.Arms) != len(file.Schools)) {
			t.Fatalf("Parse = %#v", file)
		}
		for i, l := range file.Lines {
			if l < 2 || (i > 0 && l <= file.Lines[i-1]) {
				t.Fatalf("lines %v", file.Lines)
			}
		}
		a, err := randomise.Randomise(file.List(1), randomise.Seed{7})
		if err != nil {
			t.Fatalf("Parse read a list Randomise refuses: %v", err)
		}
		var out bytes.Buffer
		if err := trialcsv.WriteAllocation(&out, a); err != nil {
			t.Fatal(err)
		}
		back, err := trialcsv.Parse(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("its own allocation refused: %v\n%s", err, out.String())
		}
		if got := back.Allocation(); !reflect.DeepEqual(got, a) {
			t.Fatalf("read back %v, want %v", got, a)
		}
		var again bytes.Buffer
		_ = trialcsv.WriteAllocation(&again, back.Allocation())
		if !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("written twice, two files:\n%s\n%s", out.String(), again.String())
		}
	})
}
