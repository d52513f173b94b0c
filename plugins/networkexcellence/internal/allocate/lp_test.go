package allocate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// lpOptimum is the second independent oracle: the integer program of the package doc
// written as a linear program over the allowed triples x[r][v][s] and solved with
// gonum's Simplex. Every row gets a slack, so that A = [A_x | I] has full row rank and
// the slacks are a feasible first basis (b ≥ 0). The objective Σ (c − cmin − K)·x with
// K = S·(cmax − cmin) + 1 puts filling a seat above any saving of cost. The matrix is
// totally unimodular, so the optimal vertex is integral; lpOptimum fails t when it is
// not.
func lpOptimum(t *testing.T, p Problem) (filled int, cost int64) {
	t.Helper()
	f := factsOf(p)
	type triple struct {
		r, v string
		s    Seat
	}
	var xs []triple
	for _, r := range p.Reviewers {
		for _, v := range p.Reviews {
			for _, s := range []Seat{Lead, Team} {
				if f.mayTake(r.ID, v.ID, s) && capacity(v, s) > 0 {
					xs = append(xs, triple{r.ID, v.ID, s})
				}
			}
		}
	}
	if len(xs) == 0 {
		return 0, 0
	}
	rows := map[string]int{}
	var b []float64
	row := func(key string, bound int) int {
		if i, ok := rows[key]; ok {
			return i
		}
		rows[key] = len(b)
		b = append(b, float64(bound))
		return len(b) - 1
	}
	type entry struct{ row, col int }
	var ones []entry
	cmin, cmax := int64(math.MaxInt64), int64(math.MinInt64)
	for j, x := range xs {
		w := f.review[x.v].Week
		ones = append(ones,
			entry{row("reviewer "+x.r, f.reviewer[x.r].MaxReviews), j},
			entry{row(fmt.Sprint("week ", x.r, " ", w), 1), j},
			entry{row("seat "+x.v+" "+string(x.s), capacity(f.review[x.v], x.s)), j})
		c := f.price[[2]string{x.r, x.v}]
		cmin, cmax = min(cmin, c), max(cmax, c)
	}
	m, n := len(b), len(xs)+len(b)
	a := mat.NewDense(m, n, nil)
	for _, e := range ones {
		a.Set(e.row, e.col, 1)
	}
	basic := make([]int, m)
	for i := range m {
		a.Set(i, len(xs)+i, 1)
		basic[i] = len(xs) + i
	}
	k := float64(f.seatsOpen)*float64(cmax-cmin) + 1
	c := make([]float64, n)
	for j, x := range xs {
		c[j] = float64(f.price[[2]string{x.r, x.v}]-cmin) - k
	}
	_, opt, err := lp.Simplex(c, a, b, 1e-9, basic)
	if err != nil {
		t.Fatalf("simplex: %v", err)
	}
	for j, x := range xs {
		v := opt[j]
		if math.Abs(v-math.Round(v)) > 1e-6 {
			t.Fatalf("simplex vertex not integral: x[%v] = %g", x, v)
		}
		if math.Round(v) == 1 {
			filled++
			cost += f.price[[2]string{x.r, x.v}]
		}
	}
	return filled, cost
}

// TestSolveMatchesLinearProgram compares Solve with gonum's Simplex on the linear
// program on medium instances: the same seats filled and cost.
func TestSolveMatchesLinearProgram(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	againstOracle(t, "the linear program", 40, 0, 5, func(i int) Problem {
		return randomProblem(rng, shape{reviewers: 10 + rng.IntN(8), reviews: 4 + rng.IntN(5), weeks: 3 + rng.IntN(3), maxTeam: 3, maxLoad: 3,
			pUnavailable: 0.1, pConflict: 0.1, negative: i%2 == 0, leads: 3 + rng.IntN(5)})
	}, func(p Problem) (int, int64) { return lpOptimum(t, p) })
}
