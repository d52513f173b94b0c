package allocate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Limits of one Problem.
const (
	MaxWeeks = 104        // two school years of weeks
	MaxTeam  = 100        // team seats of one review
	MaxPairs = 20_000_000 // reviews × reviewers: the dense per-pair tables stay under 100 MB
)

// Fault is one thing wrong with a Problem: Where names the review, reviewer or list
// entry at fault, Message says what is wrong and what to do.
type Fault struct {
	Where, Message string
}

func (f Fault) String() string { return f.Where + ": " + f.Message }

// InputError lists every fault of a malformed Problem.
type InputError struct {
	Faults []Fault
}

func (e *InputError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the instance has %d %s: ", len(e.Faults), plural(len(e.Faults), "fault", "faults"))
	for i, f := range e.Faults {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Faults)-10)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Flags of a (reviewer, review) pair.
const (
	banConflict uint8 = 1 << iota
	banForbidden
)

// triple is a (reviewer index, review index, seat) in the sorted lists.
type triple struct {
	r, v int32
	s    Seat
}

// instance is a checked Problem, its lists sorted by id and indexed.
type instance struct {
	p         Problem
	reviews   []Review   // by id
	reviewers []Reviewer // by id
	unavail   [][]bool   // [reviewer][week]
	ban       []uint8    // [r*len(reviews)+v]
	why       map[int64]string
	costRef   []int32 // [r*len(reviews)+v]: index into p.Costs, −1 when none is listed
	revSchool []int32 // each review's school, numbered
	whoSchool []int32 // each reviewer's school, numbered; −1 for none
	pinned    []triple
	previous  map[triple]bool
	prevGone  int // triples of Previous naming reviewers or reviews not in the Problem
}

func (in *instance) pair(r, v int) int64 { return int64(r)*int64(len(in.reviews)) + int64(v) }

// cost is the cost of the pair (r, v).
func (in *instance) cost(r, v int) int64 {
	if i := in.costRef[in.pair(r, v)]; i >= 0 {
		return in.p.Costs[i].Cost
	}
	return 0
}

// allowed says whether reviewer r may sit at review v under the pair rules (not
// loads or weeks taken).
func (in *instance) allowed(r, v int) bool {
	return in.block(r, v) == ""
}

// block names the first pair rule that keeps reviewer r from review v, or "".
func (in *instance) block(r, v int) string {
	switch {
	case in.whoSchool[r] == in.revSchool[v]:
		return "own school"
	case in.unavail[r][in.reviews[v].Week]:
		return "unavailable"
	case in.ban[in.pair(r, v)]&banConflict != 0:
		return "conflicted"
	case in.ban[in.pair(r, v)]&banForbidden != 0:
		return "forbidden"
	}
	return ""
}

// capacity is the number of seats of kind s at review v.
func capacity(rv Review, s Seat) int {
	if s == Lead {
		if rv.NeedsLead {
			return 1
		}
		return 0
	}
	return rv.TeamSize
}

// index checks p and builds its instance, or returns an *InputError with every fault.
func index(p Problem) (*instance, error) {
	var faults []Fault
	bad := func(where, format string, args ...any) {
		faults = append(faults, Fault{where, fmt.Sprintf(format, args...)})
	}
	in := &instance{p: p, reviews: slices.Clone(p.Reviews), reviewers: slices.Clone(p.Reviewers)}
	if p.Weeks < 1 || p.Weeks > MaxWeeks {
		bad("weeks", "is %d: give the number of weeks of the period, 1 to %d", p.Weeks, MaxWeeks)
		return nil, &InputError{faults}
	}
	if pairs := int64(len(p.Reviewers)) * int64(len(p.Reviews)); pairs > MaxPairs {
		bad("reviews", "%d reviews × %d reviewers make %d pairs, over the %d one run can weigh: allocate a term or a group of hubs at a time", len(p.Reviews), len(p.Reviewers), pairs, MaxPairs)
		return nil, &InputError{faults}
	}
	slices.SortStableFunc(in.reviews, func(a, b Review) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortStableFunc(in.reviewers, func(a, b Reviewer) int { return cmp.Compare(a.ID, b.ID) })
	revIdx := make(map[string]int, len(in.reviews))
	for i, rv := range in.reviews {
		where := "review " + rv.ID
		switch {
		case rv.ID == "":
			bad(fmt.Sprintf("review in week %d of school %q", rv.Week, rv.School), "has no id: give every review an id")
		case i > 0 && in.reviews[i-1].ID == rv.ID:
			bad(where, "is listed twice: give each review once")
		}
		revIdx[rv.ID] = i
		if rv.School == "" {
			bad(where, "has no school: give the host school")
		}
		if rv.Week < 1 || (p.Weeks >= 1 && rv.Week > p.Weeks) {
			bad(where, "week %d is outside the period's weeks 1-%d: correct the week or the period's weeks", rv.Week, p.Weeks)
		}
		if rv.TeamSize < 0 || rv.TeamSize > MaxTeam {
			bad(where, "team_size is %d: give 0 to %d team seats", rv.TeamSize, MaxTeam)
		}
	}
	whoIdx := make(map[string]int, len(in.reviewers))
	in.unavail = make([][]bool, len(in.reviewers))
	for i, pr := range in.reviewers {
		where := "reviewer " + pr.ID
		switch {
		case pr.ID == "":
			bad(fmt.Sprintf("reviewer of school %q", pr.School), "has no id: give every reviewer an id")
		case i > 0 && in.reviewers[i-1].ID == pr.ID:
			bad(where, "is listed twice: give each reviewer once")
		}
		whoIdx[pr.ID] = i
		if pr.MaxReviews < 0 {
			bad(where, "max_reviews is %d: give 0 or more", pr.MaxReviews)
		}
		in.unavail[i] = make([]bool, p.Weeks+1)
		for _, w := range pr.UnavailableWeeks {
			if w < 1 || w > p.Weeks {
				bad(where, "unavailable week %d is outside the period's weeks 1-%d: correct or drop it", w, p.Weeks)
				continue
			}
			in.unavail[i][w] = true
		}
	}
	// Reviews whose week was wrong must not index the reviewers' weeks below.
	if len(faults) > 0 {
		return nil, &InputError{faults}
	}
	schools := map[string]int32{}
	number := func(s string) int32 {
		if n, ok := schools[s]; ok {
			return n
		}
		schools[s] = int32(len(schools))
		return schools[s]
	}
	in.revSchool, in.whoSchool = make([]int32, len(in.reviews)), make([]int32, len(in.reviewers))
	for v, rv := range in.reviews {
		in.revSchool[v] = number(rv.School)
	}
	for r, pr := range in.reviewers {
		in.whoSchool[r] = -1
		if pr.School != "" {
			in.whoSchool[r] = number(pr.School)
		}
	}
	find := func(list string, i int, reviewer, review string) (int, int, bool) {
		r, okR := whoIdx[reviewer]
		v, okV := revIdx[review]
		if !okR {
			bad(entry(list, i, reviewer, review), "names reviewer %q, who is not in the reviewers: add them or drop the entry", reviewer)
		}
		if !okV {
			bad(entry(list, i, reviewer, review), "names review %q, which is not in the reviews: add it or drop the entry", review)
		}
		return r, v, okR && okV
	}
	n := int64(len(in.reviewers)) * int64(len(in.reviews))
	in.ban = make([]uint8, n)
	in.why = map[int64]string{}
	for i, c := range p.Conflicts {
		if r, v, ok := find("conflicts", i, c.Reviewer, c.Review); ok {
			in.ban[in.pair(r, v)] |= banConflict
			if _, seen := in.why[in.pair(r, v)]; !seen {
				in.why[in.pair(r, v)] = c.Why
			}
		}
	}
	for i, c := range p.Forbidden {
		if r, v, ok := find("forbidden", i, c.Reviewer, c.Review); ok {
			in.ban[in.pair(r, v)] |= banForbidden
		}
	}
	in.costRef = make([]int32, n)
	for i := range in.costRef {
		in.costRef[i] = -1
	}
	for i, c := range p.Costs {
		r, v, ok := find("costs", i, c.Reviewer, c.Review)
		if c.Cost < -MaxCost || c.Cost > MaxCost {
			bad(entry("costs", i, c.Reviewer, c.Review), "cost %d is beyond ±%d: scale the costs down", c.Cost, MaxCost)
		}
		if len(c.Parts) > 0 {
			var sum int64
			for _, part := range c.Parts {
				sum += part.Amount
			}
			if sum != c.Cost {
				bad(entry("costs", i, c.Reviewer, c.Review), "its parts add up to %d, not its cost %d: make the parts sum to the cost", sum, c.Cost)
			}
		}
		if !ok {
			continue
		}
		if j := in.costRef[in.pair(r, v)]; j >= 0 {
			bad(entry("costs", i, c.Reviewer, c.Review), "the pair's cost is already given by costs[%d]: give each pair's cost once", j)
			continue
		}
		in.costRef[in.pair(r, v)] = int32(i)
	}
	in.checkPins(bad, whoIdx, revIdx)
	in.previous = map[triple]bool{}
	for i, a := range p.Previous {
		if a.Seat != Lead && a.Seat != Team {
			bad(entry("previous", i, a.Reviewer, a.Review), "seat %q is neither \"lead\" nor \"team\"", a.Seat)
			continue
		}
		r, okR := whoIdx[a.Reviewer]
		v, okV := revIdx[a.Review]
		if !okR || !okV {
			in.prevGone++
			continue
		}
		in.previous[triple{int32(r), int32(v), a.Seat}] = true
	}
	if len(faults) > 0 {
		return nil, &InputError{faults}
	}
	return in, nil
}

// entry names the i-th entry of a list of pairs.
func entry(list string, i int, reviewer, review string) string {
	return fmt.Sprintf("%s[%d] (%s, %s)", list, i, reviewer, review)
}

// checkPins checks each pinned triple against every rule and all of them together
// against the seats, weeks and limits, and records them.
func (in *instance) checkPins(bad func(where, format string, args ...any), whoIdx, revIdx map[string]int) {
	load := map[int]int{}
	week := map[[2]int]string{}
	seats := map[[2]int]int{} // (review, 0 lead / 1 team)
	for i, a := range in.p.Pinned {
		where := fmt.Sprintf("pinned[%d] (%s at %s, %s seat)", i, a.Reviewer, a.Review, a.Seat)
		r, okR := whoIdx[a.Reviewer]
		v, okV := revIdx[a.Review]
		if !okR || !okV {
			bad(where, "names a reviewer or review that is not in the instance: drop the pin")
			continue
		}
		if a.Seat != Lead && a.Seat != Team {
			bad(where, "seat %q is neither \"lead\" nor \"team\"", a.Seat)
			continue
		}
		rv, pr := in.reviews[v], in.reviewers[r]
		if a.Seat == Lead && !rv.NeedsLead {
			bad(where, "review %s has no lead seat: pin a team seat instead", rv.ID)
			continue
		}
		if a.Seat == Lead && !pr.Lead {
			bad(where, "%s is not a Lead Reviewer: pin a team seat, or a Lead Reviewer to the lead seat", pr.ID)
			continue
		}
		switch in.block(r, v) {
		case "own school":
			bad(where, "%s is from the host school %s: a reviewer never reviews their own school; drop the pin", pr.ID, rv.School)
			continue
		case "unavailable":
			bad(where, "%s is unavailable in week %d: drop the pin or the unavailable week", pr.ID, rv.Week)
			continue
		case "conflicted":
			bad(where, "%s is conflicted with %s (%s): drop the pin or the conflict", pr.ID, rv.ID, in.why[in.pair(r, v)])
			continue
		case "forbidden":
			bad(where, "the pair is also forbidden: drop the pin or the ban")
			continue
		}
		if other, ok := week[[2]int{r, rv.Week}]; ok {
			bad(where, "%s is also pinned at %s, in the same week %d: a reviewer takes one review a week; unpin one", pr.ID, other, rv.Week)
			continue
		}
		week[[2]int{r, rv.Week}] = rv.ID
		load[r]++
		if load[r] > pr.MaxReviews {
			bad(where, "%s would have %d pinned reviews, over their max_reviews %d: unpin one or raise the limit", pr.ID, load[r], pr.MaxReviews)
			continue
		}
		k := [2]int{v, 0}
		if a.Seat == Team {
			k[1] = 1
		}
		seats[k]++
		if c := capacity(rv, a.Seat); seats[k] > c {
			bad(where, "%d reviewers are pinned to the %d %s %s of %s: unpin one", seats[k], c, a.Seat, plural(c, "seat", "seats"), rv.ID)
			continue
		}
		in.pinned = append(in.pinned, triple{int32(r), int32(v), a.Seat})
	}
}
