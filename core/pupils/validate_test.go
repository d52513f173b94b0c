package pupils

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/pupils/upn"
)

var today = time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC) // school year 2025-26

func validRecord(t *testing.T) Record {
	t.Helper()
	u, err := upn.Build(202, 4001, 18, 7)
	if err != nil {
		t.Fatal(err)
	}
	return Record{UPN: u, GivenName: "Amara", FamilyName: "Okafor", DateOfBirth: "2018-11-03", YearGroup: 2,
		Gender: "F", FSM: true, FSMEver6: true, PupilPremium: true, EALProficiency: "C", SEN: "K"}
}

func TestValidateRecordAcceptsValid(t *testing.T) {
	r := validRecord(t)
	if errs := ValidateRecordAt(r, today); errs != nil {
		t.Fatalf("valid record refused: %v", errs)
	}
	// Lower case codes, spaced UPN and padded names are normalised, not refused.
	r.UPN = strings.ToLower(r.UPN[:5]) + " " + r.UPN[5:]
	r.Gender, r.EALProficiency, r.SEN = "f", "c", ""
	r.GivenName = "  Amara "
	if errs := ValidateRecordAt(r, today); errs != nil {
		t.Fatalf("normalisable record refused: %v", errs)
	}
	n := r.Normalize()
	if n.SEN != "N" || n.Gender != "F" || n.GivenName != "Amara" || upn.Validate(n.UPN) != nil {
		t.Fatalf("Normalize = %+v", n)
	}
}

func TestValidateRecordRules(t *testing.T) {
	long := strings.Repeat("é", MaxNameLength+1)
	cases := []struct {
		name  string
		edit  func(*Record)
		field string
	}{
		{"empty upn", func(r *Record) { r.UPN = "" }, FieldUPN},
		{"bad check letter", func(r *Record) { r.UPN = "Z" + r.UPN[1:] }, FieldUPN},
		{"empty given", func(r *Record) { r.GivenName = " " }, FieldGivenName},
		{"long family", func(r *Record) { r.FamilyName = long }, FieldFamilyName},
		{"control char", func(r *Record) { r.FamilyName = "Ok\x00afor" }, FieldFamilyName},
		{"no dob", func(r *Record) { r.DateOfBirth = "" }, FieldDateOfBirth},
		{"not a date", func(r *Record) { r.DateOfBirth = "2018-02-30" }, FieldDateOfBirth},
		{"wrong format", func(r *Record) { r.DateOfBirth = "03/11/2018" }, FieldDateOfBirth},
		{"future", func(r *Record) { r.DateOfBirth = "2027-01-01" }, FieldDateOfBirth},
		{"too old for year 2", func(r *Record) { r.DateOfBirth = "2014-01-01" }, FieldDateOfBirth},
		{"too young for year 2", func(r *Record) { r.DateOfBirth = "2021-01-01" }, FieldDateOfBirth},
		{"year group low", func(r *Record) { r.YearGroup = -2 }, FieldYearGroup},
		{"year group high", func(r *Record) { r.YearGroup = 15 }, FieldYearGroup},
		{"gender", func(r *Record) { r.Gender = "X" }, FieldGender},
		{"eal", func(r *Record) { r.EALProficiency = "F" }, FieldEALProficiency},
		{"sen", func(r *Record) { r.SEN = "S" }, FieldSEN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := validRecord(t)
			c.edit(&r)
			errs := ValidateRecordAt(r, today)
			if len(errs) != 1 || errs[0].Field != c.field {
				t.Fatalf("errors = %v, want one on %s", errs, c.field)
			}
			// Never the value in the message.
			for _, v := range []string{r.UPN, r.DateOfBirth, r.FamilyName} {
				if v != "" && strings.Contains(errs.Error(), v) {
					t.Fatalf("error %q repeats a value", errs.Error())
				}
			}
			var fe *FieldError
			if !errors.As(errs.OrNil(), &fe) || fe.Field != c.field {
				t.Fatalf("errors.As(*FieldError) = %v", fe)
			}
		})
	}
}

func TestBirthWindow(t *testing.T) {
	// Reception in 2025-26 were born 1 Sep 2020 – 31 Aug 2021; one year's slack either side.
	from, to := BirthWindow(0, today)
	if from.Format(time.DateOnly) != "2019-09-01" || to.Format(time.DateOnly) != "2022-08-31" {
		t.Fatalf("Reception window = %v..%v", from, to)
	}
	// The school year turns on 1 September.
	if AcademicYear(time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC)) != 2025 || AcademicYear(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) != 2026 {
		t.Fatal("AcademicYear does not turn on 1 September")
	}
	// Post-16 students may be years older.
	r := validRecord(&testing.T{})
	r.YearGroup, r.DateOfBirth = 13, "2005-06-01"
	if errs := ValidateRecordAt(r, today); errs != nil {
		t.Fatalf("older year 13 student refused: %v", errs)
	}
	r.YearGroup = 3
	if errs := ValidateRecordAt(r, today); errs.For(FieldDateOfBirth) == "" {
		t.Fatal("a 20-year-old in year 3 accepted")
	}
}

func TestParseYearGroupAndFlag(t *testing.T) {
	for in, want := range map[string]int{"N1": -1, "n2": -1, "-1": -1, "R": 0, "Reception": 0, "0": 0, "7": 7, "Y7": 7, "Year 11": 11, "14": 14} {
		if got, err := ParseYearGroup(in); err != nil || got != want {
			t.Errorf("ParseYearGroup(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "15", "Y0", "X", "year", "-2"} {
		if _, err := ParseYearGroup(in); err == nil {
			t.Errorf("ParseYearGroup(%q) accepted", in)
		}
	}
	for in, want := range map[string]bool{"Yes": true, "1": true, "TRUE": true, "": false, "no": false, "0": false} {
		if got, err := ParseFlag("fsm", in); err != nil || got != want {
			t.Errorf("ParseFlag(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFlag("fsm", "maybe"); err == nil || !strings.HasPrefix(err.Error(), "fsm:") {
		t.Errorf("ParseFlag(maybe) = %v", err)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := validRecord(t)
	var p Pupil
	r.Apply(&p)
	if got := RecordOf(p, r.UPN); got != r {
		t.Fatalf("RecordOf(Apply(r)) = %+v, want %+v", got, r)
	}
}
