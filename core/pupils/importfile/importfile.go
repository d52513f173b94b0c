// Package importfile reads files of pupils for one school, as schools export
// them from their management information systems: CSV (UTF-8 with or
// without a byte-order mark, UTF-16 with a mark, or Windows-1252, detected)
// and XLSX (first sheet, read row by row with excelize's streaming API).
//
// It recognises the usual header names of each field in any order (see
// Aliases), reports a file it cannot read as one *FileError that says why,
// and turns each data row into a pupils.Record checked by
// pupils.ValidateRecord, with errors per row and field that never contain
// the row's values. It writes nothing: core/pupils/importer does.
package importfile

import (
	"fmt"
	"strings"
)

// DefaultMaxBytes is the largest file Open accepts unless Options.MaxBytes
// says otherwise: far more than any one school's roll (3,000 pupils with 100
// columns is about 3 MB).
const DefaultMaxBytes = 50 << 20

// MaxColumns bounds the header row: more columns than this is not a pupil list.
const MaxColumns = 1000

// Field is one pupil field a column can hold.
type Field int

// The fields of a pupil file, in the order the documentation lists them.
const (
	UPN Field = iota
	FamilyName
	GivenName
	DateOfBirth
	YearGroup
	Gender
	PupilPremium
	FSM
	FSMEver6
	EAL
	EALProficiency
	SEN
	LookedAfter
	numFields
)

// Fields lists every field in documentation order.
func Fields() []Field {
	out := make([]Field, numFields)
	for i := range out {
		out[i] = Field(i)
	}
	return out
}

var fieldNames = [numFields]string{
	"UPN", "Family name", "Given name", "Date of birth", "Year group", "Gender",
	"Pupil premium", "FSM", "FSM Ever 6", "EAL", "Proficiency in English", "SEN provision", "Looked after",
}

// String is the field's name as the preview and the documentation write it.
func (f Field) String() string {
	if f < 0 || f >= numFields {
		return fmt.Sprintf("field %d", int(f))
	}
	return fieldNames[f]
}

// Required reports whether a file must have a column for f.
func (f Field) Required() bool {
	switch f {
	case UPN, FamilyName, GivenName, DateOfBirth, YearGroup:
		return true
	}
	return false
}

// Default says what a pupil gets when the file has no column for an optional field.
func (f Field) Default() string {
	switch f {
	case Gender:
		return "U (not known) for new pupils"
	case EAL, EALProficiency:
		return "not EAL for new pupils"
	case SEN:
		return "N (no special educational need) for new pupils"
	}
	return "No for new pupils"
}

// Aliases are the header names recognised for each field, compared after
// lower-casing and dropping everything but letters and digits ("Legal
// Surname", "legal_surname" and "LEGAL SURNAME" are one name).
var Aliases = map[Field][]string{
	UPN:            {"UPN", "Unique Pupil Number", "Pupil UPN"},
	FamilyName:     {"Legal Surname", "Surname", "Family name", "Last name", "Legal Last Name"},
	GivenName:      {"Legal Forename", "Forename", "First name", "Given name", "Legal First Name", "Forenames"},
	DateOfBirth:    {"DOB", "Date of birth", "Birth date", "Birthdate"},
	YearGroup:      {"NC Year", "Year group", "Year", "NC Year Actual", "National Curriculum Year"},
	Gender:         {"Gender", "Sex"},
	PupilPremium:   {"PP", "Pupil Premium", "Pupil Premium Indicator", "PP Indicator"},
	FSM:            {"FSM", "Free School Meals", "FSM Eligible"},
	FSMEver6:       {"FSM Ever 6", "Ever 6", "FSM6", "Ever FSM 6", "Ever FSM"},
	EAL:            {"EAL", "English as an additional language"},
	EALProficiency: {"Proficiency in English", "English Proficiency", "EAL Proficiency", "Proficiency"},
	SEN:            {"SEN", "SEN provision", "SEN status", "SEND"},
	LookedAfter:    {"CLA", "Looked after", "Looked after child", "In care", "LAC"},
}

// headerKey is the comparison form of a header cell.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var aliasIndex = func() map[string]Field {
	m := map[string]Field{}
	for f, names := range Aliases {
		for _, n := range names {
			m[headerKey(n)] = f
		}
	}
	return m
}()

// FieldFor returns the field a header cell names, if any.
func FieldFor(header string) (Field, bool) {
	f, ok := aliasIndex[headerKey(header)]
	return f, ok
}

// FileError is a problem with the file as a whole: nothing in it is imported.
// Its message is fit to show to the person who uploaded the file and never
// contains a value from the file.
type FileError struct{ Msg string }

func (e *FileError) Error() string { return e.Msg }

func fileErrorf(format string, args ...any) error {
	return &FileError{Msg: fmt.Sprintf(format, args...)}
}
