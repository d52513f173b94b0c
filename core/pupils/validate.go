package pupils

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/validation"
)

// Record is one pupil as a person or a file gives it: the fields a form or an
// import row sets. The web forms, the JSON API and the importer all check a
// Record with ValidateRecord, so they share one set of rules.
type Record struct {
	UPN            string // as typed; Normalize makes it canonical
	GivenName      string
	FamilyName     string
	DateOfBirth    string // YYYY-MM-DD
	YearGroup      int    // MinYearGroup..MaxYearGroup
	Gender         string // M, F or U
	PupilPremium   bool
	FSM            bool
	FSMEver6       bool
	EALProficiency string // "" (English is the first language), A–E or N
	SEN            string // N, K or E
	LookedAfter    bool
}

// Field names used in FieldError.Field: the JSON names of the pupil's fields.
const (
	FieldUPN            = "upn"
	FieldGivenName      = "given_name"
	FieldFamilyName     = "family_name"
	FieldDateOfBirth    = "date_of_birth"
	FieldYearGroup      = "year_group"
	FieldGender         = "gender"
	FieldEALProficiency = "eal_proficiency"
	FieldSEN            = "sen"
	FieldSchool         = "school_id"
)

// MaxNameLength bounds given and family names, in characters.
const MaxNameLength = 100

// FieldError is one problem with one field of a Record. Message is a sentence
// fit to show next to the field; it never repeats the value (a name, a date
// of birth or a UPN is personal data and error messages reach logs).
type FieldError = validation.FieldError

// FieldErrors is every problem found in one Record (see core/validation).
type FieldErrors = validation.FieldErrors

// Normalize returns r as it is stored: the UPN canonical (upper case, no
// spaces; left as typed when it is not valid), names trimmed, codes upper
// case, and an empty SEN as "N" (no special educational need).
func (r Record) Normalize() Record {
	if u, err := upn.Parse(r.UPN); err == nil {
		r.UPN = u
	}
	r.GivenName = strings.TrimSpace(r.GivenName)
	r.FamilyName = strings.TrimSpace(r.FamilyName)
	r.DateOfBirth = strings.TrimSpace(r.DateOfBirth)
	r.Gender = strings.ToUpper(strings.TrimSpace(r.Gender))
	r.EALProficiency = strings.ToUpper(strings.TrimSpace(r.EALProficiency))
	r.SEN = strings.ToUpper(strings.TrimSpace(r.SEN))
	if r.SEN == "" {
		r.SEN = "N"
	}
	return r
}

// ValidateRecord normalises r (see Record.Normalize) and returns every rule
// it breaks, judged on today's date; nil when it is valid.
func ValidateRecord(r Record) FieldErrors {
	return ValidateRecordAt(r, time.Now())
}

// ValidateRecordAt is ValidateRecord with "today" given, so that the
// plausibility of a date of birth for a year group can be tested.
//
// The rules: the UPN is a valid DfE UPN (upn.Validate, temporary UPNs
// accepted); given and family names are non-empty, at most MaxNameLength
// characters and free of control characters; the date of birth is a real
// YYYY-MM-DD date, not in the future, and plausible for the year group (see
// BirthWindow); the year group is MinYearGroup..MaxYearGroup; gender is M, F
// or U; EAL proficiency is empty or a census code (A–E, N); SEN is N, K or E.
func ValidateRecordAt(r Record, today time.Time) FieldErrors {
	r = r.Normalize()
	var errs FieldErrors
	if err := upn.Validate(r.UPN); err != nil {
		// upn errors never contain the UPN.
		errs.Add(FieldUPN, "%s", err.Error())
	}
	checkName(&errs, FieldGivenName, "given name", r.GivenName)
	checkName(&errs, FieldFamilyName, "family name", r.FamilyName)
	yearOK := r.YearGroup >= MinYearGroup && r.YearGroup <= MaxYearGroup
	if !yearOK {
		errs.Add(FieldYearGroup, "year group must be from %d (nursery) to %d", MinYearGroup, MaxYearGroup)
	}
	if r.DateOfBirth == "" {
		errs.Add(FieldDateOfBirth, "date of birth is required")
	} else if dob, err := time.Parse(time.DateOnly, r.DateOfBirth); err != nil {
		errs.Add(FieldDateOfBirth, "date of birth must be a real date written YYYY-MM-DD")
	} else if dob.After(today) {
		errs.Add(FieldDateOfBirth, "date of birth is in the future")
	} else if yearOK {
		if from, to := BirthWindow(r.YearGroup, today); dob.Before(from) || dob.After(to) {
			errs.Add(FieldDateOfBirth, "date of birth is not plausible for %s: expected between %s and %s",
				YearGroupLabel(r.YearGroup), from.Format(time.DateOnly), to.Format(time.DateOnly))
		}
	}
	if !validGender(r.Gender) {
		errs.Add(FieldGender, "gender must be M, F or U (not known)")
	}
	if _, ok := EALProficiencies[r.EALProficiency]; r.EALProficiency != "" && !ok {
		errs.Add(FieldEALProficiency, "EAL proficiency must be empty (English first language), A, B, C, D, E or N")
	}
	if _, ok := SENProvisions[r.SEN]; !ok {
		errs.Add(FieldSEN, "SEN provision must be N (none), K (SEN support) or E (EHC plan)")
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func checkName(errs *FieldErrors, field, label, v string) {
	switch {
	case v == "":
		errs.Add(field, "%s is required", label)
	case !utf8.ValidString(v):
		errs.Add(field, "%s is not valid text", label)
	case utf8.RuneCountInString(v) > MaxNameLength:
		errs.Add(field, "%s must be at most %d characters", label, MaxNameLength)
	case validation.NameProblem(v) != "":
		errs.Add(field, "%s %s", label, validation.NameProblem(v))
	}
}

func validGender(g string) bool {
	for _, v := range Genders {
		if g == v {
			return true
		}
	}
	return false
}

// AcademicYear returns the calendar year in which the English school year
// containing day started (the year starts on 1 September).
func AcademicYear(day time.Time) int {
	if day.Month() >= time.September {
		return day.Year()
	}
	return day.Year() - 1
}

// ExpectedBirthYear returns the first calendar year of the 1 September–31
// August span in which children of a year group were born, in the school
// year containing day: Reception in 2025-26 were born from 1 September 2020.
func ExpectedBirthYear(yearGroup int, day time.Time) int {
	return AcademicYear(day) - yearGroup - 5
}

// BirthWindow returns the first and last plausible dates of birth for a year
// group in the school year containing today: the children of the year group
// (born 1 September to 31 August, see ExpectedBirthYear) widened by one year
// either side for pupils taught out of their age group, by a second year on
// the younger side for nursery (two-year-old places), and by four more years
// on the older side for years 12-14 (post-16 students are often older).
func BirthWindow(yearGroup int, today time.Time) (from, to time.Time) {
	y := ExpectedBirthYear(yearGroup, today)
	older, younger := 1, 1
	if yearGroup < 0 {
		younger = 2
	}
	if yearGroup >= 12 {
		older = 5
	}
	from = time.Date(y-older, time.September, 1, 0, 0, 0, 0, time.UTC)
	to = time.Date(y+1+younger, time.August, 31, 0, 0, 0, 0, time.UTC)
	return from, to
}

// ParseYearGroup reads a year group as schools and MIS exports write it:
// "-1", "N", "N1", "N2" or "Nursery" for nursery; "0", "R" or "Reception";
// "1".."14", "Y7" or "Year 7". The error names the field, never the value.
func ParseYearGroup(s string) (int, error) {
	v := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	switch v {
	case "-1", "N", "N1", "N2", "NURSERY":
		return -1, nil
	case "0", "R", "RECEPTION":
		return 0, nil
	}
	v = strings.TrimPrefix(strings.TrimPrefix(v, "YEAR"), "Y")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxYearGroup {
		return 0, &FieldError{Field: FieldYearGroup, Message: "year group must be N, R or a number from 1 to 14"}
	}
	return n, nil
}

// ParseFlag reads a yes/no field of an import or form: true for "1", "y",
// "yes", "true", "t", "on"; false for "", "0", "n", "no", "false", "f", "off"
// (any case). field names the field in the error, which never holds the value.
func ParseFlag(field, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "y", "yes", "true", "t", "on":
		return true, nil
	case "", "0", "n", "no", "false", "f", "off":
		return false, nil
	}
	return false, &FieldError{Field: field, Message: "must be yes or no"}
}

// Apply copies the record's fields onto p (the UPN excepted: the service
// seals and hashes it).
func (r Record) Apply(p *Pupil) {
	p.GivenName, p.FamilyName, p.DateOfBirth = r.GivenName, r.FamilyName, r.DateOfBirth
	p.YearGroup, p.Gender = r.YearGroup, r.Gender
	p.PupilPremium, p.FSM, p.FSMEver6 = r.PupilPremium, r.FSM, r.FSMEver6
	p.EALProficiency, p.SEN, p.LookedAfter = r.EALProficiency, r.SEN, r.LookedAfter
}

// RecordOf returns the record of p with the given (opened) UPN.
func RecordOf(p Pupil, u string) Record {
	return Record{UPN: u, GivenName: p.GivenName, FamilyName: p.FamilyName, DateOfBirth: p.DateOfBirth,
		YearGroup: p.YearGroup, Gender: p.Gender, PupilPremium: p.PupilPremium, FSM: p.FSM, FSMEver6: p.FSMEver6,
		EALProficiency: p.EALProficiency, SEN: p.SEN, LookedAfter: p.LookedAfter}
}
