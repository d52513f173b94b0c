package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Criteria are the eligibility rules of a trial, from the plugin's
// settings.
type Criteria struct {
	// Phases are the school phases that may take part ("Secondary", …);
	// empty: any phase.
	Phases []string
	// MinEALPercent is the least share of EAL pupils, in per cent.
	MinEALPercent float64
	// ExcludeOtherTrials refuses a school taking part in another EAL trial.
	ExcludeOtherTrials bool
}

// ParseCriteria reads the settings: phases separated by commas, the
// least EAL percentage, and "true" or "false" for excluding schools in
// another trial. A bad value is an error naming the setting.
func ParseCriteria(phases, minEAL, excludeOther string) (Criteria, error) {
	var c Criteria
	for _, p := range strings.Split(phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.Phases = append(c.Phases, p)
		}
	}
	if s := strings.TrimSpace(minEAL); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || v > 100 {
			return c, fmt.Errorf("setting eligible_min_eal_percent: a percentage from 0 to 100")
		}
		c.MinEALPercent = v
	}
	switch strings.TrimSpace(excludeOther) {
	case "", "true":
		c.ExcludeOtherTrials = true
	case "false":
	default:
		return c, fmt.Errorf("setting exclude_other_trials: true or false")
	}
	return c, nil
}

// SchoolFacts are what eligibility is decided on.
type SchoolFacts struct {
	Phase        string   // the school's phase as the core names it
	EALPercent   *float64 // share of its pupils with EAL, per cent; nil when not known
	FSMPercent   *float64 // share eligible for free school meals, per cent
	InOtherTrial bool     // taking part in another EAL trial
}

// Check returns why a school is not eligible; none when it is.
func (c Criteria) Check(f SchoolFacts) []string {
	var why []string
	if len(c.Phases) > 0 && !slices.ContainsFunc(c.Phases, func(p string) bool { return strings.EqualFold(p, f.Phase) }) {
		phase := f.Phase
		if phase == "" {
			phase = "not known"
		}
		why = append(why, fmt.Sprintf("Phase %s is not one the trial takes (%s)", phase, strings.Join(c.Phases, ", ")))
	}
	switch {
	case f.EALPercent == nil:
		why = append(why, "Share of EAL pupils not known")
	case *f.EALPercent < c.MinEALPercent:
		why = append(why, fmt.Sprintf("Fewer than %s%% of pupils have EAL", strconv.FormatFloat(c.MinEALPercent, 'f', -1, 64)))
	}
	if c.ExcludeOtherTrials && f.InOtherTrial {
		why = append(why, "In another EAL trial")
	}
	return why
}

// CheckPercent checks a percentage: 0 to 100.
func CheckPercent(v float64) error {
	if !(v >= 0 && v <= 100) {
		return fmt.Errorf("a percentage from 0 to 100")
	}
	return nil
}
