package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultExamYears are the year groups that sit national tests or exams
// (KS2 in Y6, GCSE in Y11, A level in Y13); the setting exam_years overrides them.
var DefaultExamYears = []int{6, 11, 13}

// ParseYearGroups reads a setting such as "6, 11, 13" (empty: none). Each
// value is a year group from -1 (nursery) to 14.
func ParseYearGroups(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		y, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(f), "Y"))
		if err != nil || y < -1 || y > 14 {
			return nil, fmt.Errorf("year group %q is not a number from -1 to 14", f)
		}
		if !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	slices.Sort(out)
	return out, nil
}

// PupilFacts is what eligibility needs of a pupil.
type PupilFacts struct {
	YearGroup         int
	PupilPremium      bool
	FSM               bool
	FSMEver6          bool
	OtherIntervention bool // recorded by the team: already receiving another intervention
}

// Warning codes.
const (
	WarnNotDisadvantaged  = "not_disadvantaged"
	WarnExamYear          = "exam_year"
	WarnOtherIntervention = "other_intervention"
)

// Warning explains why a pupil may not suit the target cohort. Warnings
// advise; the team may still choose the pupil.
type Warning struct {
	Code    string
	Message string
}

// Eligibility returns the warnings for choosing p for the target cohort:
// neither pupil premium nor free school meals (now or in the last six
// years); in an exam year; already receiving another intervention.
// Messages name no pupil.
func Eligibility(p PupilFacts, examYears []int) []Warning {
	var out []Warning
	if !p.PupilPremium && !p.FSM && !p.FSMEver6 {
		out = append(out, Warning{WarnNotDisadvantaged, "Not eligible for pupil premium or free school meals: the programme targets disadvantaged pupils."})
	}
	if slices.Contains(examYears, p.YearGroup) {
		out = append(out, Warning{WarnExamYear, fmt.Sprintf("In Y%d, an exam year: the cohort is followed across the year, ideally not one ending in national tests or exams.", p.YearGroup)})
	}
	if p.OtherIntervention {
		out = append(out, Warning{WarnOtherIntervention, "Already receiving another intervention: its effect cannot be told apart from the programme's."})
	}
	return out
}
