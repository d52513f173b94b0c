package allocate

import (
	"math/rand/v2"
	"testing"
)

// checkAllocation fails t unless a keeps every rule of p, reports its own cost and
// counts, explains every assignment and unfilled seat, and cannot be improved by one
// swap or replacement (when there is no previous allocation to keep).
func checkAllocation(t *testing.T, name string, p Problem, a Allocation) {
	t.Helper()
	f := factsOf(p)
	as := plain(a)
	if bad := f.broken(as); bad != "" {
		t.Fatalf("%s: a rule is broken: %s", name, bad)
	}
	if c := f.cost(as); c != a.Cost {
		t.Fatalf("%s: reported cost %d, the chosen seats cost %d", name, a.Cost, c)
	}
	if a.Filled != len(as) || a.Seats != f.seatsOpen {
		t.Fatalf("%s: reported %d of %d seats, has %d of %d", name, a.Filled, a.Seats, len(as), f.seatsOpen)
	}
	empty := 0
	for _, u := range a.Unfilled {
		empty += u.Count
		if u.Blockers.Free != 0 {
			t.Fatalf("%s: seat %s/%s left empty with %d free reviewers who could take it: %s", name, u.Review, u.Seat, u.Blockers.Free, u.Why())
		}
		b := u.Blockers
		if b.OwnSchool+b.Unavailable+b.Conflicted+b.Forbidden+b.OnTeam+b.AtLimit+b.Busy != b.Population {
			t.Fatalf("%s: blockers of %s/%s do not add up to %d: %+v", name, u.Review, u.Seat, b.Population, b)
		}
	}
	if empty != a.Seats-a.Filled {
		t.Fatalf("%s: unfilled counts add to %d, %d seats are empty", name, empty, a.Seats-a.Filled)
	}
	pinned := map[Assignment]bool{}
	for _, x := range p.Pinned {
		pinned[x] = true
	}
	for _, x := range a.Assignments {
		if x.Pinned != pinned[x.Assignment] {
			t.Fatalf("%s: %v marked pinned=%v", name, x.Assignment, x.Pinned)
		}
		if x.Cost != f.price[[2]string{x.Reviewer, x.Review}] || x.Eligible < 1 {
			t.Fatalf("%s: %v explained with cost %d and %d eligible", name, x.Assignment, x.Cost, x.Eligible)
		}
	}
	for x := range pinned {
		if !containsAssignment(as, x) {
			t.Fatalf("%s: pinned %v is not in the allocation", name, x)
		}
	}
	if len(p.Previous) == 0 {
		if move := f.improvingMove(as, pinned); move != "" {
			t.Fatalf("%s: not optimal, an improving move: %s", name, move)
		}
	}
}

func containsAssignment(as []Assignment, x Assignment) bool {
	for _, a := range as {
		if a == x {
			return true
		}
	}
	return false
}

// TestSolveMatchesEnumerationOnSmallInstances compares Solve with the exhaustive
// oracle on hundreds of random instances of up to 6 reviewers and 5 reviews: the same
// seats filled, previous triples kept and cost, and every rule kept. A third of them
// carry pins and forbidden pairs, a third a previous allocation.
func TestSolveMatchesEnumerationOnSmallInstances(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var feasible, infeasible, tight, pinnedRuns, keptRuns int
	for i := range 1200 {
		s := shape{reviewers: 2 + rng.IntN(5), reviews: 1 + rng.IntN(5), weeks: 1 + rng.IntN(3), maxTeam: 2, maxLoad: 3,
			pUnavailable: 0.1, pConflict: 0.1, negative: i%4 == 0, leads: -1}
		p := randomProblem(rng, s)
		f := factsOf(p)
		switch i % 3 {
		case 1:
			legal := f.randomLegal(rng, 6)
			if len(legal) > 0 {
				p.Pinned = legal[:1+rng.IntN(len(legal))]
				pinnedRuns++
			}
			r, v := p.Reviewers[rng.IntN(len(p.Reviewers))], p.Reviews[rng.IntN(len(p.Reviews))]
			if !containsPair(p.Pinned, r.ID, v.ID) {
				p.Forbidden = append(p.Forbidden, Pair{Reviewer: r.ID, Review: v.ID, Why: "central team"})
			}
		case 2:
			p.Previous = f.randomLegal(rng, 12)
			keptRuns++
		}
		a, err := Solve(p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		checkAllocation(t, "instance", p, a)
		want := enumerate(p)
		if got := (score{a.Filled, a.Kept, a.Cost}); got != want {
			t.Fatalf("instance %d: Solve gives %+v, enumeration %+v\n%+v", i, got, want, p)
		}
		switch {
		case a.Filled < a.Seats:
			infeasible++
		case a.Cost > factsOf(p).cheapestBound() && len(p.Previous) == 0 && len(p.Pinned) == 0:
			tight++
			feasible++
		default:
			feasible++
		}
	}
	t.Logf("%d instances fill every seat (%d of them tight: loads and weeks cost more than each review's cheapest), %d cannot; %d with pins, %d with a previous allocation",
		feasible, tight, infeasible, pinnedRuns, keptRuns)
	if feasible < 20 || infeasible < 20 || tight < 10 || pinnedRuns < 50 || keptRuns < 50 {
		t.Fatalf("random instances too one-sided: %d feasible, %d tight, %d infeasible, %d pinned, %d kept", feasible, tight, infeasible, pinnedRuns, keptRuns)
	}
}

func containsPair(as []Assignment, reviewer, review string) bool {
	for _, a := range as {
		if a.Reviewer == reviewer && a.Review == review {
			return true
		}
	}
	return false
}

// againstOracle solves n instances drawn by draw and compares the seats filled and
// the cost with the oracle's; the first checked ones also go through checkAllocation.
// It fails unless at least minEach instances fill every seat and minEach cannot.
func againstOracle(t *testing.T, oracle string, n, checked, minEach int, draw func(i int) Problem, solve func(Problem) (int, int64)) {
	t.Helper()
	var feasible, infeasible int
	for i := range n {
		p := draw(i)
		a, err := Solve(p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		filled, cost := solve(p)
		if a.Filled != filled || a.Cost != cost {
			t.Fatalf("instance %d: Solve fills %d at cost %d, %s %d at %d", i, a.Filled, a.Cost, oracle, filled, cost)
		}
		if i < checked {
			checkAllocation(t, oracle, p, a)
		}
		if a.Filled == a.Seats {
			feasible++
		} else {
			infeasible++
		}
	}
	t.Logf("%d instances fill every seat, %d cannot", feasible, infeasible)
	if feasible < minEach || infeasible < minEach {
		t.Fatalf("random instances too one-sided: %d feasible, %d infeasible", feasible, infeasible)
	}
}

// TestSolveMatchesPlainSuccessiveShortestPaths compares Solve with the independent
// plain SSP solver on medium instances: the same seats filled and cost.
func TestSolveMatchesPlainSuccessiveShortestPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	againstOracle(t, "plain SSP", 150, 40, 10, func(i int) Problem {
		s := shape{reviewers: 10 + rng.IntN(40), reviews: 5 + rng.IntN(25), weeks: 2 + rng.IntN(8), maxTeam: 4, maxLoad: 3,
			pUnavailable: 0.15, pConflict: 0.1, negative: i%3 == 0, leads: 2 + rng.IntN(6)}
		p := randomProblem(rng, s)
		if i%2 == 0 {
			r, v := p.Reviewers[rng.IntN(len(p.Reviewers))], p.Reviews[rng.IntN(len(p.Reviews))]
			p.Forbidden = append(p.Forbidden, Pair{Reviewer: r.ID, Review: v.ID})
		}
		return p
	}, sspOptimum)
}

// TestSolveIsDeterministicAndIgnoresListOrder solves an instance twice and once with
// its lists reversed: the same assignments each time.
func TestSolveIsDeterministicAndIgnoresListOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 30 {
		p := randomProblem(rng, shape{reviewers: 30, reviews: 15, weeks: 5, maxTeam: 3, maxLoad: 2, pUnavailable: 0.1, pConflict: 0.1, leads: 5})
		a, _ := Solve(p)
		b, _ := Solve(p)
		q := p
		q.Reviews, q.Reviewers, q.Costs = reversed(p.Reviews), reversed(p.Reviewers), reversed(p.Costs)
		c, _ := Solve(q)
		for _, x := range []Allocation{b, c} {
			if len(x.Assignments) != len(a.Assignments) {
				t.Fatalf("%d assignments, then %d", len(a.Assignments), len(x.Assignments))
			}
			for i := range x.Assignments {
				if x.Assignments[i].Assignment != a.Assignments[i].Assignment {
					t.Fatalf("assignment %d: %v, then %v", i, a.Assignments[i].Assignment, x.Assignments[i].Assignment)
				}
			}
		}
	}
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, x := range s {
		out[len(s)-1-i] = x
	}
	return out
}
