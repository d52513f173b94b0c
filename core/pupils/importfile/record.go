package importfile

import (
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/challengepartners/upwards/core/pupils"
)

// fieldOf names the pupils.Record field (FieldError.Field) of each file field.
var fieldOf = [numFields]string{
	UPN: pupils.FieldUPN, FamilyName: pupils.FieldFamilyName, GivenName: pupils.FieldGivenName,
	DateOfBirth: pupils.FieldDateOfBirth, YearGroup: pupils.FieldYearGroup, Gender: pupils.FieldGender,
	PupilPremium: "pupil_premium", FSM: "fsm", FSMEver6: "fsm_ever6", EAL: pupils.FieldEALProficiency,
	EALProficiency: pupils.FieldEALProficiency, SEN: pupils.FieldSEN, LookedAfter: "looked_after",
}

// RecordField returns the pupils.Record field name (as in pupils.FieldError) of f.
func RecordField(f Field) string { return fieldOf[f] }

// Record turns the row into a pupil record and checks it with
// pupils.ValidateRecordAt, judged on today. Formats the file may use are
// read first: dates as dd/mm/yyyy, yyyy-mm-dd (or an Excel date), year
// groups as pupils.ParseYearGroup reads them, yes/no flags as
// pupils.ParseFlag, gender as M/F/U or Male/Female, EAL as a flag or a
// proficiency code, SEN as N/K/E or words. Fields without a column keep
// their zero value here; the importer leaves them unchanged on existing
// pupils and gives new pupils the defaults (Field.Default).
//
// The record comes back normalised (pupils.Record.Normalize); errs is nil
// when it is valid. No message contains a value from the row.
func (r *Row) Record(info Info, today time.Time) (rec pupils.Record, errs pupils.FieldErrors) {
	v := &r.Values
	rec.UPN, rec.FamilyName, rec.GivenName = v[UPN], v[FamilyName], v[GivenName]
	var own pupils.FieldErrors // problems of format, found before the shared rules
	if r.Problem != "" {
		own = append(own, pupils.FieldError{Field: "row", Message: r.Problem})
	}
	if v[DateOfBirth] != "" {
		d, ok := parseDate(v[DateOfBirth], info.Format == FormatXLSX)
		if ok {
			rec.DateOfBirth = d
		} else {
			own = append(own, pupils.FieldError{Field: pupils.FieldDateOfBirth, Message: "date of birth must be a date written dd/mm/yyyy or yyyy-mm-dd"})
		}
	}
	if v[YearGroup] == "" {
		rec.YearGroup = pupils.MinYearGroup - 1 // the shared rules report it missing
	} else if y, err := pupils.ParseYearGroup(v[YearGroup]); err == nil {
		rec.YearGroup = y
	} else {
		rec.YearGroup = pupils.MinYearGroup - 1
		own = append(own, pupils.FieldError{Field: pupils.FieldYearGroup, Message: "year group must be N, R or a number from 1 to 14 (\"Y7\" and \"Year 7\" are read too)"})
	}
	rec.Gender = "U"
	if info.Has(Gender) {
		rec.Gender = genderCode(v[Gender])
	}
	flag := func(f Field, dst *bool) {
		b, err := pupils.ParseFlag(fieldOf[f], v[f])
		if err != nil {
			own = append(own, pupils.FieldError{Field: fieldOf[f], Message: f.String() + " must be Y or N (or yes/no, true/false, 1/0)"})
		}
		*dst = b
	}
	flag(PupilPremium, &rec.PupilPremium)
	flag(FSM, &rec.FSM)
	flag(FSMEver6, &rec.FSMEver6)
	flag(LookedAfter, &rec.LookedAfter)
	rec.EALProficiency = ealCode(v[EAL], v[EALProficiency], info.Has(EAL), &own)
	rec.SEN = senCode(v[SEN])

	rec = rec.Normalize()
	shared := pupils.ValidateRecordAt(rec, today)
	for _, e := range shared {
		if own.For(e.Field) != "" {
			continue // the format problem already says it better
		}
		if e.Field == pupils.FieldDateOfBirth && v[DateOfBirth] == "" || e.Field == pupils.FieldYearGroup && v[YearGroup] == "" {
			e.Message = fieldLabel(e.Field) + " is required"
		}
		own = append(own, e)
	}
	if len(own) == 0 {
		return rec, nil
	}
	return rec, own
}

func fieldLabel(f string) string {
	switch f {
	case pupils.FieldDateOfBirth:
		return "date of birth"
	case pupils.FieldYearGroup:
		return "year group"
	}
	return f
}

// parseDate reads dd/mm/yyyy (also with - or . and one-digit day or month),
// yyyy-mm-dd (with an optional time after it) and, in an XLSX, a date serial.
func parseDate(s string, xlsx bool) (string, bool) {
	s = strings.TrimSpace(s)
	if xlsx {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 && !strings.ContainsAny(s, "/-eE") {
			t, err := excelize.ExcelDateToTime(f, false)
			if err == nil {
				return t.Format(time.DateOnly), true
			}
		}
	}
	if i := strings.IndexAny(s, "T "); i == 10 {
		s = s[:10]
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "2-1-2006", "02.01.2006", "2.1.2006", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// genderCode maps the words MIS exports use onto the census codes; anything
// else is passed on for the shared rules to refuse.
func genderCode(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "m", "male", "boy":
		return "M"
	case "f", "female", "girl":
		return "F"
	case "", "u", "unknown", "not known", "x":
		return "U"
	}
	return s
}

// ealCode combines an EAL column (a yes/no flag, or a proficiency code) and a
// proficiency column into the census proficiency code ("" for not EAL).
func ealCode(eal, prof string, hasEAL bool, errs *pupils.FieldErrors) string {
	prof = strings.ToUpper(strings.TrimSpace(prof))
	if !hasEAL {
		return prof
	}
	e := strings.ToUpper(strings.TrimSpace(eal))
	switch e {
	case "A", "B", "C", "D", "E":
		return e
	}
	yes, err := pupils.ParseFlag(pupils.FieldEALProficiency, e)
	if err != nil {
		*errs = append(*errs, pupils.FieldError{Field: pupils.FieldEALProficiency, Message: "EAL must be Y or N, or a proficiency code A-E"})
		return ""
	}
	if !yes {
		return ""
	}
	if prof == "" {
		return "N" // EAL, proficiency not yet assessed
	}
	return prof
}

// senCode maps SEN words onto the census provision codes.
func senCode(s string) string {
	switch strings.ToLower(strings.Join(strings.Fields(s), " ")) {
	case "", "n", "none", "no", "no sen":
		return "N"
	case "k", "sen support", "support":
		return "K"
	case "e", "ehcp", "ehc plan", "education, health and care plan", "statement", "s":
		return "E"
	}
	return s
}
