package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// Factor is a stratifying factor of the randomisation.
type Factor string

// The factors a trial may stratify by; the delivery centre always.
const (
	ByCentre Factor = "centre"
	ByPhase  Factor = "phase"
	ByEAL    Factor = "eal" // above or below the EAL cut (a setting)
	ByFSM    Factor = "fsm" // above or below the FSM cut (a setting)
)

// Stratification is how a trial forms its strata.
type Stratification struct {
	Factors []Factor // ByCentre first
	EALCut  float64  // per cent: a school at or above it is "high EAL"
	FSMCut  float64
}

// ParseStratification reads the settings: factors separated by commas
// (centre is added first when missing), and the two cuts in per cent.
func ParseStratification(factors, ealCut, fsmCut string) (Stratification, error) {
	s := Stratification{Factors: []Factor{ByCentre}, EALCut: 30, FSMCut: 25}
	for _, f := range strings.Split(factors, ",") {
		switch fc := Factor(strings.ToLower(strings.TrimSpace(f))); fc {
		case "", ByCentre:
		case ByPhase, ByEAL, ByFSM:
			if !containsFactor(s.Factors, fc) {
				s.Factors = append(s.Factors, fc)
			}
		default:
			return s, fmt.Errorf("setting stratify_by: %q is not a factor (centre, phase, eal, fsm)", strings.TrimSpace(f))
		}
	}
	for _, c := range []struct {
		name string
		val  string
		dst  *float64
	}{{"stratify_eal_cut", ealCut, &s.EALCut}, {"stratify_fsm_cut", fsmCut, &s.FSMCut}} {
		if strings.TrimSpace(c.val) == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(c.val), 64)
		if err != nil || CheckPercent(v) != nil {
			return s, fmt.Errorf("setting %s: a percentage from 0 to 100", c.name)
		}
		*c.dst = v
	}
	return s, nil
}

func containsFactor(fs []Factor, f Factor) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

// String is the factors as the commitment's page shows them, e.g.
// "centre, phase".
func (s Stratification) String() string {
	out := make([]string, len(s.Factors))
	for i, f := range s.Factors {
		out[i] = string(f)
		switch f {
		case ByEAL:
			out[i] = fmt.Sprintf("EAL at %s%%", strconv.FormatFloat(s.EALCut, 'f', -1, 64))
		case ByFSM:
			out[i] = fmt.Sprintf("FSM at %s%%", strconv.FormatFloat(s.FSMCut, 'f', -1, 64))
		}
	}
	return strings.Join(out, ", ")
}

// Stratum is a school's stratum: its centre's code in the trial (C01, never
// a name, since the list reaches the evaluator), then each further factor's
// value, joined by " / ". A share that is not known is refused: the school
// cannot be stratified.
func (s Stratification) Stratum(centre string, f SchoolFacts) (string, error) {
	parts := []string{centre}
	for _, fc := range s.Factors[1:] {
		switch fc {
		case ByPhase:
			if f.Phase == "" {
				return "", fmt.Errorf("its phase is not known")
			}
			parts = append(parts, f.Phase)
		case ByEAL:
			if f.EALPercent == nil {
				return "", fmt.Errorf("its share of EAL pupils is not known")
			}
			parts = append(parts, band("EAL", *f.EALPercent, s.EALCut))
		case ByFSM:
			if f.FSMPercent == nil {
				return "", fmt.Errorf("its share of FSM pupils is not known")
			}
			parts = append(parts, band("FSM", *f.FSMPercent, s.FSMCut))
		}
	}
	return strings.Join(parts, " / "), nil
}

func band(what string, v, cut float64) string {
	c := strconv.FormatFloat(cut, 'f', -1, 64)
	if v >= cut {
		return fmt.Sprintf("%s %s%% or more", what, c)
	}
	return fmt.Sprintf("%s below %s%%", what, c)
}
