package allocate

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// withdraw marks reviewer id unavailable in week w.
func withdraw(p Problem, id string, w int) Problem {
	q := p
	q.Reviewers = append([]Reviewer(nil), p.Reviewers...)
	for i := range q.Reviewers {
		if q.Reviewers[i].ID == id {
			q.Reviewers[i].UnavailableWeeks = append(append([]int(nil), q.Reviewers[i].UnavailableWeeks...), w)
		}
	}
	return q
}

// TestWithdrawalChangesOnlyWhatItMust builds a chain where the cheapest fresh answer
// after a withdrawal moves every seat, and checks that a re-solve from the previous
// allocation changes one seat only, while a fresh solve would change them all.
func TestWithdrawalChangesOnlyWhatItMust(t *testing.T) {
	// Reviews R1..R4 in weeks 1..4, one team seat each; reviewers A..E. Each of A..D
	// sits at "their" review cheaply (cost 1); E costs 1 at R1 only and 9 elsewhere,
	// and each of A..D costs 0 at the next review. When A withdraws from week 1, the
	// cheapest fresh answer shifts everyone one review along (E at R1 would cost 1, the
	// shift saves more), but only R1 needs a new reviewer.
	p := Problem{Weeks: 4}
	ids := []string{"A", "B", "C", "D"}
	for i, id := range ids {
		p.Reviews = append(p.Reviews, Review{ID: fmt.Sprintf("R%d", i+1), School: "host" + id, Week: i + 1, TeamSize: 1})
		p.Reviewers = append(p.Reviewers, Reviewer{ID: id, School: "home" + id, MaxReviews: 1})
	}
	p.Reviewers = append(p.Reviewers, Reviewer{ID: "E", School: "homeE", MaxReviews: 1})
	for i, id := range ids {
		for j := range ids {
			c := int64(5)
			switch {
			case j == i:
				c = 1
			case j == i+1:
				c = 0
			}
			p.Costs = append(p.Costs, Cost{Reviewer: id, Review: fmt.Sprintf("R%d", j+1), Cost: c})
		}
		e := int64(9)
		if i == 0 {
			e = 1
		}
		p.Costs = append(p.Costs, Cost{Reviewer: "E", Review: fmt.Sprintf("R%d", i+1), Cost: e})
	}
	// The allocation the central team published (when the costs were other than they
	// are now): each of A..D at their own review.
	var published []Assignment
	for i, id := range ids {
		published = append(published, Assignment{Review: fmt.Sprintf("R%d", i+1), Reviewer: id, Seat: Team})
	}
	after := withdraw(p, "A", 1)
	fresh, err := Solve(after)
	if err != nil {
		t.Fatal(err)
	}
	after.Previous = published
	re, err := Solve(after)
	if err != nil {
		t.Fatal(err)
	}
	checkAllocation(t, "re-solve", after, re)
	if re.Filled != 4 || re.Kept != 3 || re.Changed != 1 {
		t.Fatalf("re-solve fills %d, keeps %d, changes %d; want 4, 3, 1: %+v", re.Filled, re.Kept, re.Changed, plain(re))
	}
	if !containsAssignment(plain(re), Assignment{Review: "R1", Reviewer: "E", Seat: Team}) {
		t.Fatalf("R1 should go to E: %+v", plain(re))
	}
	if kept := countKept(plain(fresh), published); kept != 0 || fresh.Cost >= re.Cost {
		t.Fatalf("the fresh solve should shift everyone more cheaply: keeps %d at cost %d, re-solve costs %d", kept, fresh.Cost, re.Cost)
	}
}

func countKept(as, prev []Assignment) int {
	n := 0
	for _, a := range prev {
		if containsAssignment(as, a) {
			n++
		}
	}
	return n
}

// TestResolveKeepsTheMostSeatsOfTheOldAllocation withdraws a random seated reviewer
// from random instances and compares the re-solve with the enumeration: the most seats
// filled, then the most previous seats kept (so the fewest changed), then least cost.
func TestResolveKeepsTheMostSeatsOfTheOldAllocation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	changedSome := 0
	for i := range 300 {
		p := randomProblem(rng, shape{reviewers: 3 + rng.IntN(4), reviews: 2 + rng.IntN(4), weeks: 1 + rng.IntN(3), maxTeam: 2, maxLoad: 2,
			pUnavailable: 0.1, pConflict: 0.1, leads: -1})
		first, err := Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Assignments) == 0 {
			continue
		}
		gone := first.Assignments[rng.IntN(len(first.Assignments))]
		q := withdraw(p, gone.Reviewer, factsOf(p).review[gone.Review].Week)
		q.Previous = plain(first)
		re, err := Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		checkAllocation(t, "re-solve", q, re)
		want := enumerate(q)
		if got := (score{re.Filled, re.Kept, re.Cost}); got != want {
			t.Fatalf("instance %d: re-solve gives %+v, enumeration %+v", i, got, want)
		}
		if re.Kept+re.Changed != len(first.Assignments) || re.Kept == len(first.Assignments) {
			t.Fatalf("instance %d: kept %d + changed %d of %d, after a withdrawal", i, re.Kept, re.Changed, len(first.Assignments))
		}
		if re.Changed > 1 {
			changedSome++
		}
	}
	if changedSome == 0 {
		t.Fatal("no withdrawal forced more than one change: the instances never test the trade-off")
	}
}
