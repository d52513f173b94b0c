// Package allocate fills the seats of QA Reviews with reviewers, exactly.
//
// Nothing here touches storage, the clock, the network or a random source:
// Solve is a pure function of its Problem, and the same Problem (in any
// order of its lists) always gives the same Allocation.
//
// # Model
//
// Seats: each review v has Team[v] team seats and, when it needs one, one lead seat.
// Variable: x[r][v][s] ∈ {0,1}, 1 when reviewer r takes a seat of kind s ∈ {lead, team} at review v.
// Constraints:
//   - a lead seat only for a Lead Reviewer; a team seat for any reviewer;
//   - Σ_r x[r][v][lead] ≤ 1 (when v needs a lead, else 0) and Σ_r x[r][v][team] ≤ Team[v];
//   - at most one seat per (r, v) and at most one review per reviewer per week:
//     Σ_{v in week w, s} x[r][v][s] ≤ 1 for every (r, w), which implies the former
//     because a review has one week;
//   - Σ_{v,s} x[r][v][s] ≤ Max[r];
//   - x = 0 for the reviewer's own school, their unavailable weeks, the conflicted
//     pairs and the forbidden pairs; x = 1 for the pinned triples, fixed before solving.
//
// Objective, lexicographic: (1) fill as many seats as possible; (2) when a previous
// allocation is given, keep as many of its (reviewer, review, seat) triples as
// possible; (3) least total cost, where a seat's cost is its pair's Cost (0 when none
// is listed).
//
// # Method
//
// A min-cost maximum flow on the network
//
//	source → reviewer r  [capacity Max[r] − pinned seats of r, cost 0]
//	reviewer r → (r, w)  [capacity 1, one node per week w the reviewer is free and has a seat to take]
//	(r, w) → (v, s)      [capacity 1, for each allowed triple with v in week w; cost below]
//	(v, s) → sink        [capacity 1 for a lead seat, Team[v] for the team, less the pinned seats]
//
// A unit of flow is one filled seat; a maximum flow fills the most seats, and among
// maximum flows the min-cost one has the least cost. The constraint matrix is the
// incidence of two laminar families of sets of triples (per reviewer ⊇ per
// (reviewer, week); per (review, seat kind)), so it is totally unimodular: the linear
// relaxation has integral optimal vertices, and the optimal flow, which is integral
// because every capacity is, is the optimum of the integer program above. The flow is
// the model, not a heuristic for it.
//
// Arc costs: the arc (r, w) → (v, s) costs (c(r, v) − cmin) + B·[triple not in the
// previous allocation]. Every unit of flow crosses exactly one such arc, so the shift
// by cmin (the least seat cost) adds the same F·cmin to every maximum flow of F units
// and changes no choice; it makes every arc cost non-negative. With
// B = S·(cmax − cmin) + 1, where S is the number of seats the pins leave open and
// cmin, cmax range over the allowed triples' costs, the tiers (2) and (3) cannot trade
// off: two maximum flows of F ≤ S units that keep k1 > k2 previous
// triples differ in modified cost by B·(k2 − k1) + (C1 − C2) ≤ −B + F·(cmax − cmin) < 0,
// so keeping one more triple always beats any saving of cost. Without a previous
// allocation B = 0. Tier (1) needs no weight: the algorithm maximises the flow.
//
// The solver is the primal-dual method (successive shortest paths with many augmentations
// per phase). Each phase runs a Dijkstra search on reduced costs c(a) + π(u) − π(v),
// stopped when the sink is settled at distance D, and moves every potential π(u) by
// min(dist(u), D): every residual arc keeps a non-negative reduced cost and the arcs of
// the shortest paths get zero. Then depth-first augmentations with current-arc pointers
// saturate the residual subgraph of zero reduced cost, pass after pass until the sink
// cannot be reached in it. An augmentation along arcs of zero reduced cost leaves every
// residual arc's reduced cost non-negative (a reverse arc of a zero arc is zero), so the
// flow stays of least cost for its value; the method stops when the sink cannot be
// reached at all, at a maximum flow. On a year of the real network this takes about 20
// phases where one augmentation per search would take 1,800. Ties are broken by id:
// reviewers, weeks and reviews are laid out in id order and the search is
// deterministic.
//
// # Explanations
//
// Each assignment carries its cost and, when the Problem gives them, the parts of that
// cost (travel, load, reciprocity, prior relationship, ...), and whether it was pinned or
// kept. Each unfilled seat says why, counted exactly from the instance and the
// allocation: how many of the reviewers who could sit in that seat are from the host
// school, unavailable that week, conflicted, forbidden, already on this team, at their
// limit of reviews, or reviewing elsewhere that week. Because the flow is maximum, none
// of the reviewers busy elsewhere can be moved in without leaving another seat empty.
//
// # What it refuses
//
// A malformed Problem (unknown or repeated ids, a week outside the year, a negative
// limit, a cost beyond ±MaxCost, parts that do not add up to their cost, a pin that
// breaks a rule) is refused with an *InputError that lists every fault, each naming the
// review or reviewer at fault and the way out. A Problem that cannot fill every seat is
// not refused: the Allocation lists the unfilled seats and Shortfall gives the numbers
// and the remedies.
package allocate

import (
	"fmt"
	"slices"
)

// Seat is the kind of seat at a review.
type Seat string

// Seat kinds.
const (
	Lead Seat = "lead" // the review's lead seat: only for a Lead Reviewer
	Team Seat = "team" // one of the review's team seats: for any reviewer
)

// MaxCost bounds the absolute value of a pair's cost, so that the weighted arc costs of
// a re-solve cannot overflow.
const MaxCost = 1_000_000_000

// Review is one QA Review: a host school in one week with its seats.
type Review struct {
	ID        string
	School    string
	Week      int  // 1..Problem.Weeks
	TeamSize  int  // team seats, ≥ 0
	NeedsLead bool // one lead seat besides the team
}

// Reviewer is a person who can sit on review teams.
type Reviewer struct {
	ID               string
	School           string // may be empty for a reviewer from no member school
	Lead             bool   // a Lead Reviewer: may take lead seats
	MaxReviews       int    // at most this many reviews in all, ≥ 0
	UnavailableWeeks []int
}

// Pair names a reviewer and a review; Why says what ties them (a conflict's reason,
// a forbidden pair's reason).
type Pair struct {
	Reviewer, Review string
	Why              string
}

// CostPart is one named component of a pair's cost, e.g. {"travel", 8}.
type CostPart struct {
	Name   string
	Amount int64
}

// Cost is the cost of seating a reviewer at a review (either seat kind). Parts, when
// given, must add up to Cost; they are shown to explain an assignment.
type Cost struct {
	Reviewer, Review string
	Cost             int64
	Parts            []CostPart
}

// Assignment is one reviewer in one seat of one review.
type Assignment struct {
	Review, Reviewer string
	Seat             Seat
}

// Problem is one allocation instance.
type Problem struct {
	Weeks     int // the weeks of the period are 1..Weeks
	Reviews   []Review
	Reviewers []Reviewer
	Conflicts []Pair // pairs that may never sit together (same hub, same trust, reviewed last year, ...)
	Costs     []Cost // a pair not listed costs 0

	// Pinned triples are fixed before solving: hard, not a low cost. Each must obey
	// every rule; together they must fit the seats, weeks and limits.
	Pinned []Assignment
	// Forbidden pairs are never seated together (a decision of the central team).
	Forbidden []Pair
	// Previous is an allocation to change as little as it must: among the allocations
	// that fill the most seats, Solve keeps as many of these triples as it can, then
	// has the least cost. Triples that name reviewers or reviews no longer in the
	// Problem cannot be kept and count as changed.
	Previous []Assignment
}

// Placed is an assignment with its explanation.
type Placed struct {
	Assignment
	Cost   int64      // the pair's cost
	Parts  []CostPart // its parts, when the Problem gives them
	Pinned bool       // fixed by the Problem's Pinned
	Kept   bool       // in the Problem's Previous allocation
	// Eligible counts the reviewers who could have taken this seat kind at this review
	// under the rules (own school, week, conflicts, forbidden pairs, lead), the one
	// placed included.
	Eligible int
}

// Why says in words why the assignment is there.
func (p Placed) Why() string {
	s := fmt.Sprintf("cost %d", p.Cost)
	if len(p.Parts) > 0 {
		s += " ("
		for i, c := range p.Parts {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf("%s %d", c.Name, c.Amount)
		}
		s += ")"
	}
	switch {
	case p.Pinned:
		s = "pinned by the central team; " + s
	case p.Kept:
		s = "kept from the previous allocation; " + s
	}
	return fmt.Sprintf("%s; one of %d %s who could take it", s, p.Eligible, plural(p.Eligible, "reviewer", "reviewers"))
}

// Blockers counts, for an unfilled seat, why each reviewer who might have taken it
// could not. Each reviewer is counted once, under the first reason that applies, in the
// order of the fields.
type Blockers struct {
	Population  int            // the reviewers considered: Lead Reviewers for a lead seat, everyone for a team seat
	OwnSchool   int            // from the host school
	Unavailable int            // unavailable that week
	Conflicted  int            // a conflict pairs them with the review
	ConflictWhy map[string]int // the conflicts by reason
	Forbidden   int            // a forbidden pair
	OnTeam      int            // already in the review's other seat kind
	AtLimit     int            // already at their max_reviews (a limit of 0 included)
	Busy        int            // reviewing another school that week
	// Free counts reviewers who could take the seat and are free. It is always 0 for
	// an unfilled seat of a maximum flow; it is kept so that a test can say so.
	Free int
}

// Unfilled is a seat kind of a review left with Count empty seats.
type Unfilled struct {
	Review   string
	Seat     Seat
	Week     int
	Count    int
	Blockers Blockers
}

// Allocation is the result of Solve.
type Allocation struct {
	Assignments []Placed   // by review id, lead seat first, then reviewer id
	Unfilled    []Unfilled // by review id, lead seat first
	Seats       int        // seats on offer
	Filled      int        // seats filled
	Cost        int64      // the sum of the filled seats' costs
	Kept        int        // triples of Previous kept
	Changed     int        // triples of Previous not kept
	// Shortfall says, when seats are left empty, how many of each kind and why in
	// totals, with the remedies.
	Shortfall []string
}

// Solve returns the optimum allocation of p: the most seats filled, then (with a
// previous allocation) the most of its triples kept, then the least cost. It returns an
// *InputError when p is malformed.
func Solve(p Problem) (Allocation, error) {
	in, err := index(p)
	if err != nil {
		return Allocation{}, err
	}
	net, err := buildNetwork(in)
	if err != nil {
		return Allocation{}, err
	}
	net.g.minCostMaxFlow(net.source, net.sink)
	return in.result(net.chosen()), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// sortAssignments orders assignments by review, lead seat first, then reviewer.
func sortAssignments(a []Placed) {
	slices.SortFunc(a, func(x, y Placed) int {
		if x.Review != y.Review {
			if x.Review < y.Review {
				return -1
			}
			return 1
		}
		if x.Seat != y.Seat {
			if x.Seat == Lead {
				return -1
			}
			return 1
		}
		if x.Reviewer < y.Reviewer {
			return -1
		}
		if x.Reviewer > y.Reviewer {
			return 1
		}
		return 0
	})
}
