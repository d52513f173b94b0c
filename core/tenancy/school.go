package tenancy

import (
	"strings"
)

// Phase is a school's phase of education.
type Phase string

// The phases of a school.
const (
	PhasePrimary              Phase = "primary"
	PhaseSecondary            Phase = "secondary"
	PhaseSpecial              Phase = "special"
	PhaseAlternativeProvision Phase = "alternative_provision"
	PhaseMiddle               Phase = "middle"
	PhaseAllThrough           Phase = "all_through"
	PhaseSixteenPlus          Phase = "sixteen_plus"
)

// Phases lists every phase, most common first.
func Phases() []Phase {
	return []Phase{PhasePrimary, PhaseSecondary, PhaseSpecial, PhaseAlternativeProvision, PhaseMiddle, PhaseAllThrough, PhaseSixteenPlus}
}

// Label is the phase's name for people.
func (p Phase) Label() string {
	switch p {
	case PhasePrimary:
		return "Primary"
	case PhaseSecondary:
		return "Secondary"
	case PhaseSpecial:
		return "Special"
	case PhaseAlternativeProvision:
		return "Alternative provision"
	case PhaseMiddle:
		return "Middle"
	case PhaseAllThrough:
		return "All-through"
	case PhaseSixteenPlus:
		return "16+"
	}
	return string(p)
}

// phaseAliases maps folded user input (see normKey) to a phase, beyond the
// values and labels themselves; it includes the DfE's GIAS phase names.
func phaseAlias(key string) (Phase, bool) {
	switch key {
	case "ap", "alternative", "pru", "pupil_referral_unit":
		return PhaseAlternativeProvision, true
	case "allthrough", "all_through_school":
		return PhaseAllThrough, true
	case "16", "16+", "16_plus", "16plus", "post_16", "post16", "sixteen+", "sixteen_plus":
		return PhaseSixteenPlus, true
	case "middle_deemed_primary", "middle_deemed_secondary":
		return PhaseMiddle, true
	case "special_school":
		return PhaseSpecial, true
	}
	return "", false
}

// ParsePhase reads a phase from its value, its label or a common alias
// ("AP", "16+", "all-through"), case-insensitively.
func ParsePhase(s string) (Phase, error) {
	key := normKey(s)
	if key == "" {
		return "", &ValidationError{Field: "phase", Message: "choose the school's phase"}
	}
	for _, p := range Phases() {
		if key == string(p) || key == normKey(p.Label()) {
			return p, nil
		}
	}
	if p, ok := phaseAlias(key); ok {
		return p, nil
	}
	parts := make([]string, 0, len(Phases()))
	for _, p := range Phases() {
		parts = append(parts, p.Label())
	}
	return "", &ValidationError{Field: "phase", Message: "unknown phase " + quote(s) + "; use one of " + strings.Join(parts, ", ")}
}

// OfstedGrade is a school's latest Ofsted overall grade; OfstedNone ("") means
// not inspected yet.
type OfstedGrade string

// The Ofsted grades.
const (
	OfstedNone                OfstedGrade = ""
	OfstedOutstanding         OfstedGrade = "outstanding"
	OfstedGood                OfstedGrade = "good"
	OfstedRequiresImprovement OfstedGrade = "requires_improvement"
	OfstedInadequate          OfstedGrade = "inadequate"
)

// OfstedGrades lists the four grades, best first (not OfstedNone: a form
// offers "None yet", OfstedNone.Label(), as its empty choice).
func OfstedGrades() []OfstedGrade {
	return []OfstedGrade{OfstedOutstanding, OfstedGood, OfstedRequiresImprovement, OfstedInadequate}
}

// Label is the grade's name for people.
func (g OfstedGrade) Label() string {
	switch g {
	case OfstedNone:
		return "None yet"
	case OfstedOutstanding:
		return "Outstanding"
	case OfstedGood:
		return "Good"
	case OfstedRequiresImprovement:
		return "Requires improvement"
	case OfstedInadequate:
		return "Inadequate"
	}
	return string(g)
}

// ParseOfsted reads a grade from its value, its label, its number (1-4) or
// "RI", case-insensitively; "" and "none" mean OfstedNone.
func ParseOfsted(s string) (OfstedGrade, error) {
	key := normKey(s)
	for _, g := range append(OfstedGrades(), OfstedNone) {
		if key == string(g) || key == normKey(g.Label()) {
			return g, nil
		}
	}
	switch key {
	case "none", "not_yet_inspected", "not_inspected", "n/a", "na":
		return OfstedNone, nil
	case "1":
		return OfstedOutstanding, nil
	case "2":
		return OfstedGood, nil
	case "3", "ri":
		return OfstedRequiresImprovement, nil
	case "4":
		return OfstedInadequate, nil
	}
	return "", &ValidationError{Field: "ofsted_grade", Message: "unknown Ofsted grade " + quote(s) + "; use Outstanding, Good, Requires improvement, Inadequate or leave it empty"}
}

// ValidateURN checks a school's DfE Unique Reference Number: exactly six
// ASCII digits, nothing else (callers trim spaces first).
func ValidateURN(s string) error {
	if s == "" {
		return &ValidationError{Field: "urn", Message: "a school needs its URN (6 digits)"}
	}
	if len(s) != 6 || !allDigits(s) {
		return &ValidationError{Field: "urn", Message: "a URN is exactly 6 digits, not " + quote(s)}
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
