package randomise_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
)

func p(v float64) *float64 { return &v }

func TestTabulateCountsStrataAndComparesTheArms(t *testing.T) {
	const i, c = randomise.Intervention, randomise.Control
	a := randomise.Allocation{
		{School: "A", Stratum: "North", Arm: i},
		{School: "B", Stratum: "North", Arm: c},
		{School: "C", Stratum: "North", Arm: i},
		{School: "D", Stratum: "South", Arm: c},
		{School: "E", Stratum: " South", Arm: i},
	}
	cov := map[string]randomise.Covariates{
		"A":  {Phase: "Secondary", EAL: p(0.5), FSM: p(0.2)},
		"B":  {Phase: "Secondary", EAL: p(0.3)},
		"C ": {Phase: "All-through", EAL: p(0.1), FSM: p(0.4)},
		"D":  {Phase: "Secondary", FSM: p(0.1)},
		// E: nothing known
	}
	b, err := randomise.Tabulate(a, cov)
	if err != nil {
		t.Fatal(err)
	}
	want := randomise.Balance{
		Strata: []randomise.StratumCount{{Stratum: "North", Intervention: 2, Control: 1}, {Stratum: "South", Intervention: 1, Control: 1}},
		Total:  randomise.StratumCount{Intervention: 3, Control: 2},
		Arms: [2]randomise.ArmSummary{
			{Arm: i, Schools: 3,
				Phases: []randomise.PhaseShare{{"", 1, 1.0 / 3}, {"All-through", 1, 1.0 / 3}, {"Secondary", 1, 1.0 / 3}},
				EAL:    randomise.Mean{N: 2, Mean: 0.3}, FSM: randomise.Mean{N: 2, Mean: 0.30000000000000004}},
			{Arm: c, Schools: 2,
				Phases: []randomise.PhaseShare{{"", 0, 0}, {"All-through", 0, 0}, {"Secondary", 2, 1}},
				EAL:    randomise.Mean{N: 1, Mean: 0.3}, FSM: randomise.Mean{N: 1, Mean: 0.1}},
		},
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("Tabulate =\n%+v\nwant\n%+v", b, want)
	}
	if d := b.Strata[0].Difference(); d != 1 {
		t.Errorf("North's difference %d, want 1", d)
	}

	for name, tc := range map[string]struct {
		a    randomise.Allocation
		cov  map[string]randomise.Covariates
		want string
	}{
		"no arm":          {randomise.Allocation{{School: "A", Stratum: "S"}}, nil, `school "A" has no arm`},
		"unknown school":  {a, map[string]randomise.Covariates{"Z": {}}, `covariates for school "Z", which is not in the allocation`},
		"EAL above 1":     {a, map[string]randomise.Covariates{"B": {EAL: p(30)}}, `school "B": EAL proportion 30 is not between 0 and 1`},
		"FSM below 0":     {a, map[string]randomise.Covariates{"B": {FSM: p(-0.1)}}, `school "B": FSM proportion -0.1`},
		"FSM not a value": {a, map[string]randomise.Covariates{"B": {FSM: p(math.NaN())}}, "FSM proportion NaN"},
	} {
		if _, err := randomise.Tabulate(tc.a, tc.cov); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.want)
		}
	}
}
