package allocate

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// The helpers here check allocations against the rules read straight from a
// Problem's lists, independently of the package's instance: they are the tests'
// referee.

// facts is a Problem's lists as look-ups.
type facts struct {
	p         Problem
	review    map[string]Review
	reviewer  map[string]Reviewer
	banned    map[[2]string]bool
	price     map[[2]string]int64
	unavail   map[string]map[int]bool
	seatsOpen int
}

func factsOf(p Problem) facts {
	f := facts{p: p, review: map[string]Review{}, reviewer: map[string]Reviewer{}, banned: map[[2]string]bool{},
		price: map[[2]string]int64{}, unavail: map[string]map[int]bool{}}
	for _, v := range p.Reviews {
		f.review[v.ID] = v
		f.seatsOpen += v.TeamSize
		if v.NeedsLead {
			f.seatsOpen++
		}
	}
	for _, r := range p.Reviewers {
		f.reviewer[r.ID] = r
		f.unavail[r.ID] = map[int]bool{}
		for _, w := range r.UnavailableWeeks {
			f.unavail[r.ID][w] = true
		}
	}
	for _, c := range append(slices.Clone(p.Conflicts), p.Forbidden...) {
		f.banned[[2]string{c.Reviewer, c.Review}] = true
	}
	for _, c := range p.Costs {
		f.price[[2]string{c.Reviewer, c.Review}] = c.Cost
	}
	return f
}

// mayTake says whether reviewer r may take seat s at review v, loads and weeks aside.
func (f facts) mayTake(r, v string, s Seat) bool {
	pr, rv := f.reviewer[r], f.review[v]
	if s == Lead && !(pr.Lead && rv.NeedsLead) {
		return false
	}
	return pr.School != rv.School && !f.unavail[r][rv.Week] && !f.banned[[2]string{r, v}]
}

// broken returns the first rule the assignments break, or "".
func (f facts) broken(as []Assignment) string {
	pair, week, load, seats := map[[2]string]bool{}, map[string]bool{}, map[string]int{}, map[string]int{}
	for _, a := range as {
		pr, okR := f.reviewer[a.Reviewer]
		rv, okV := f.review[a.Review]
		switch {
		case !okR || !okV:
			return fmt.Sprintf("unknown reviewer or review: %v", a)
		case a.Seat != Lead && a.Seat != Team:
			return fmt.Sprintf("unknown seat: %v", a)
		case !f.mayTake(a.Reviewer, a.Review, a.Seat):
			return fmt.Sprintf("seat not allowed (lead, own school, unavailable, conflict or forbidden): %v", a)
		case pair[[2]string{a.Reviewer, a.Review}]:
			return fmt.Sprintf("two seats at one review: %v", a)
		case week[fmt.Sprint(a.Reviewer, rv.Week)]:
			return fmt.Sprintf("two reviews in week %d: %v", rv.Week, a)
		}
		pair[[2]string{a.Reviewer, a.Review}] = true
		week[fmt.Sprint(a.Reviewer, rv.Week)] = true
		load[a.Reviewer]++
		if load[a.Reviewer] > pr.MaxReviews {
			return fmt.Sprintf("over max_reviews %d: %v", pr.MaxReviews, a)
		}
		seats[a.Review+string(a.Seat)]++
		if c := capacity(rv, a.Seat); seats[a.Review+string(a.Seat)] > c {
			return fmt.Sprintf("more than %d %s seats: %v", c, a.Seat, a)
		}
	}
	return ""
}

func (f facts) cost(as []Assignment) int64 {
	var c int64
	for _, a := range as {
		c += f.price[[2]string{a.Reviewer, a.Review}]
	}
	return c
}

func plain(a Allocation) []Assignment {
	var out []Assignment
	for _, p := range a.Assignments {
		out = append(out, p.Assignment)
	}
	return out
}

// improvingMove finds a change of one or two seats that keeps every rule and lowers
// the cost without emptying a seat: two reviewers swapping seats, or a seated reviewer
// replaced by another. It returns "" when there is none.
func (f facts) improvingMove(as []Assignment, pinned map[Assignment]bool) string {
	try := func(next []Assignment) bool {
		return f.broken(next) == "" && f.cost(next) < f.cost(as)
	}
	for i := range as {
		if pinned[as[i]] {
			continue
		}
		for _, r := range f.p.Reviewers {
			next := slices.Clone(as)
			next[i].Reviewer = r.ID
			if try(next) {
				return fmt.Sprintf("replace %v by %s", as[i], r.ID)
			}
		}
		for j := i + 1; j < len(as); j++ {
			if pinned[as[j]] {
				continue
			}
			next := slices.Clone(as)
			next[i].Reviewer, next[j].Reviewer = as[j].Reviewer, as[i].Reviewer
			if try(next) {
				return fmt.Sprintf("swap %v and %v", as[i], as[j])
			}
		}
	}
	return ""
}

// randomLegal draws a legal allocation by adding random triples that keep the rules.
func (f facts) randomLegal(rng *rand.Rand, tries int) []Assignment {
	var as []Assignment
	for range tries {
		r := f.p.Reviewers[rng.IntN(len(f.p.Reviewers))]
		v := f.p.Reviews[rng.IntN(len(f.p.Reviews))]
		a := Assignment{Review: v.ID, Reviewer: r.ID, Seat: []Seat{Lead, Team}[rng.IntN(2)]}
		if f.broken(append(slices.Clone(as), a)) == "" {
			as = append(as, a)
		}
	}
	return as
}

// cheapestBound is a lower bound on the cost of filling every seat: each lead seat at
// its cheapest allowed Lead Reviewer, each team at its cheapest allowed reviewers,
// each review on its own. An optimum above it shows that loads and weeks bound.
func (f facts) cheapestBound() int64 {
	var bound int64
	for _, v := range f.p.Reviews {
		var lead, team []int64
		for _, r := range f.p.Reviewers {
			c := f.price[[2]string{r.ID, v.ID}]
			if f.mayTake(r.ID, v.ID, Team) {
				team = append(team, c)
			}
			if f.mayTake(r.ID, v.ID, Lead) {
				lead = append(lead, c)
			}
		}
		slices.Sort(lead)
		slices.Sort(team)
		if v.NeedsLead && len(lead) > 0 {
			bound += lead[0]
		}
		for i := 0; i < v.TeamSize && i < len(team); i++ {
			bound += team[i]
		}
	}
	return bound
}
