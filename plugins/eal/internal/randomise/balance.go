package randomise

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

// Covariates are a school's attributes that the balance table compares
// between the arms; any of them may be unknown.
type Covariates struct {
	Phase string   // e.g. "Secondary", "All-through"; "" when not known
	EAL   *float64 // share of its pupils with English as an additional language, 0 to 1; nil when not known
	FSM   *float64 // share of its pupils eligible for free school meals, 0 to 1; nil when not known
}

// Balance is what a randomisation produced, for the trial's page: the
// schools per stratum and arm, and per arm the share of schools in each
// phase and the mean EAL and FSM proportions.
type Balance struct {
	Strata []StratumCount // by stratum name
	Total  StratumCount   // every stratum (Stratum "")
	Arms   [2]ArmSummary  // Intervention, then Control
}

// StratumCount is a stratum's schools in each arm.
type StratumCount struct {
	Stratum               string
	Intervention, Control int
}

// Difference is |Intervention − Control|; the procedure keeps it at most
// one in every stratum and in the total.
func (s StratumCount) Difference() int {
	return max(s.Intervention-s.Control, s.Control-s.Intervention)
}

// ArmSummary describes one arm's schools.
type ArmSummary struct {
	Arm     Arm
	Schools int
	// Phases has every phase of either arm, by name ("" for not known
	// sorts first), so that both arms list the same rows.
	Phases   []PhaseShare
	EAL, FSM Mean
}

// PhaseShare is the number of an arm's schools in a phase and their share
// of the arm's schools (0 for an arm with no schools).
type PhaseShare struct {
	Phase   string
	Schools int
	Share   float64
}

// Mean is the mean of a proportion over the N schools whose value is known
// (0 when N is 0).
type Mean struct {
	N    int
	Mean float64
}

// Tabulate builds the balance table of an allocation. cov gives the
// covariates of some or all of its schools, keyed by school (normalised
// like the list's names); a school without an entry counts as unknown.
// It refuses an assignment with no arm, covariates for a school not in the
// allocation and a proportion outside 0 to 1, naming the school.
func Tabulate(a Allocation, cov map[string]Covariates) (Balance, error) {
	byStratum := map[string]*StratumCount{}
	known := map[string]Covariates{}
	for k, v := range cov {
		known[Normalise(k)] = v
	}
	var b Balance
	b.Arms[0].Arm, b.Arms[1].Arm = Intervention, Control
	phases := map[string][2]int{}
	var sums [2][2]float64 // [arm][EAL, FSM]
	for _, s := range a {
		school, stratum := Normalise(s.School), Normalise(s.Stratum)
		if s.Arm != Intervention && s.Arm != Control {
			return Balance{}, fmt.Errorf("school %q has no arm (%v)", school, s.Arm)
		}
		arm := int(s.Arm - Intervention)
		c, ok := byStratum[stratum]
		if !ok {
			c = &StratumCount{Stratum: stratum}
			byStratum[stratum] = c
		}
		count(c, s.Arm)
		count(&b.Total, s.Arm)
		b.Arms[arm].Schools++
		cv := known[school]
		delete(known, school)
		p := phases[Normalise(cv.Phase)]
		p[arm]++
		phases[Normalise(cv.Phase)] = p
		for i, v := range []struct {
			name string
			val  *float64
			mean *Mean
		}{{"EAL", cv.EAL, &b.Arms[arm].EAL}, {"FSM", cv.FSM, &b.Arms[arm].FSM}} {
			if v.val == nil {
				continue
			}
			if !(*v.val >= 0 && *v.val <= 1) {
				return Balance{}, fmt.Errorf("school %q: %s proportion %v is not between 0 and 1", school, v.name, *v.val)
			}
			v.mean.N++
			sums[arm][i] += *v.val
		}
	}
	if len(known) > 0 {
		school := slices.Min(slices.Collect(maps.Keys(known)))
		return Balance{}, fmt.Errorf("covariates for school %q, which is not in the allocation", school)
	}
	for arm := range b.Arms {
		s := &b.Arms[arm]
		for i, m := range []*Mean{&s.EAL, &s.FSM} {
			if m.N > 0 {
				m.Mean = sums[arm][i] / float64(m.N)
			}
		}
		for _, ph := range slices.Sorted(maps.Keys(phases)) {
			ps := PhaseShare{Phase: ph, Schools: phases[ph][arm]}
			if s.Schools > 0 {
				ps.Share = float64(ps.Schools) / float64(s.Schools)
			}
			s.Phases = append(s.Phases, ps)
		}
	}
	for _, c := range byStratum {
		b.Strata = append(b.Strata, *c)
	}
	slices.SortFunc(b.Strata, func(x, y StratumCount) int { return cmp.Compare(x.Stratum, y.Stratum) })
	return b, nil
}

func count(c *StratumCount, a Arm) {
	if a == Intervention {
		c.Intervention++
	} else {
		c.Control++
	}
}
