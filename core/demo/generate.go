package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/challengepartners/upwards/core/tenancy"
)

// urnSource hands out unique generated URNs in the 9xxxxx range, which the
// DfE has not issued, so no generated URN names a real school.
type urnSource struct {
	rng  *rand.Rand
	used map[string]bool
}

func newURNs(rng *rand.Rand) *urnSource { return &urnSource{rng: rng, used: map[string]bool{}} }

func (u *urnSource) next() string {
	for {
		s := fmt.Sprintf("9%05d", u.rng.IntN(100000))
		if !u.used[s] {
			u.used[s] = true
			return s
		}
	}
}

// guessPhase infers a phase from a school's name, and otherwise draws one in
// the partnership's proportions (primary 52%, secondary 33%, special/AP 11%, other 4%).
func guessPhase(name string, rng *rand.Rand) tenancy.Phase {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "special") || strings.Contains(n, "hospital"):
		return tenancy.PhaseSpecial
	case strings.Contains(n, "pupil referral") || strings.Contains(n, "alternative"):
		return tenancy.PhaseAlternativeProvision
	case strings.Contains(n, "primary") || strings.Contains(n, "infant") || strings.Contains(n, "junior") || strings.Contains(n, "nursery") || strings.Contains(n, "first school"):
		return tenancy.PhasePrimary
	case strings.Contains(n, "sixth form") && !strings.Contains(n, "school"):
		return tenancy.PhaseSixteenPlus
	case strings.Contains(n, "high") || strings.Contains(n, "college") || strings.Contains(n, "grammar") || strings.Contains(n, "secondary") || strings.Contains(n, "academy"):
		return tenancy.PhaseSecondary
	}
	x := rng.IntN(100)
	switch {
	case x < 52:
		return tenancy.PhasePrimary
	case x < 85:
		return tenancy.PhaseSecondary
	case x < 96:
		return tenancy.PhaseSpecial
	case x < 98:
		return tenancy.PhaseAllThrough
	default:
		return tenancy.PhaseMiddle
	}
}

func ofsted(rng *rand.Rand) tenancy.OfstedGrade {
	x := rng.IntN(100)
	switch {
	case x < 33:
		return tenancy.OfstedOutstanding
	case x < 85:
		return tenancy.OfstedGood
	case x < 94:
		return tenancy.OfstedRequiresImprovement
	case x < 96:
		return tenancy.OfstedInadequate
	}
	return ""
}

func roll(p tenancy.Phase, rng *rand.Rand) *int {
	var n int
	switch p {
	case tenancy.PhasePrimary:
		n = 180 + rng.IntN(470)
	case tenancy.PhaseSecondary, tenancy.PhaseAllThrough:
		n = 650 + rng.IntN(1200)
	case tenancy.PhaseSpecial, tenancy.PhaseAlternativeProvision:
		n = 50 + rng.IntN(200)
	default:
		n = 300 + rng.IntN(600)
	}
	return &n
}

func schoolInput(name string, rng *rand.Rand, urns *urnSource) tenancy.UnitInput {
	p := guessPhase(name, rng)
	return tenancy.UnitInput{Kind: tenancy.KindSchool, Name: name, URN: urns.next(), Phase: string(p),
		OfstedGrade: string(ofsted(rng)), PupilsOnRoll: roll(p, rng)}
}
