package allocate

import (
	"fmt"
	"slices"
	"strings"
)

// score is an allocation's value in the objective's order.
type score struct {
	filled, kept int
	cost         int64
}

func (a score) better(b score) bool {
	if a.filled != b.filled {
		return a.filled > b.filled
	}
	if a.kept != b.kept {
		return a.kept > b.kept
	}
	return a.cost < b.cost
}

// enumerate is the exhaustive oracle: it goes through every legal set of seats of
// every reviewer (one seat a review, one review a week, within max_reviews, each seat
// allowed, the reviewer's pins included), reviewer after reviewer, and keeps the best
// (filled, kept, cost) whose seats fit the reviews. It memoises on the seats left, which
// prunes repeated states, not choices: every allocation is scored. For instances of up
// to about 6 reviewers and 5 reviews.
func enumerate(p Problem) score {
	f := factsOf(p)
	prev := map[Assignment]bool{}
	for _, a := range p.Previous {
		prev[a] = true
	}
	pins := map[string][]Assignment{}
	for _, a := range p.Pinned {
		pins[a.Reviewer] = append(pins[a.Reviewer], a)
	}
	// options[i]: every legal set of seats of reviewer i.
	options := make([][][]Assignment, len(p.Reviewers))
	for i, r := range p.Reviewers {
		var seats []Assignment
		for _, v := range p.Reviews {
			for _, s := range []Seat{Lead, Team} {
				if f.mayTake(r.ID, v.ID, s) {
					seats = append(seats, Assignment{Review: v.ID, Reviewer: r.ID, Seat: s})
				}
			}
		}
		var walk func(k int, chosen []Assignment)
		walk = func(k int, chosen []Assignment) {
			if k == len(seats) {
				for _, pin := range pins[r.ID] {
					if !slices.Contains(chosen, pin) {
						return
					}
				}
				options[i] = append(options[i], slices.Clone(chosen))
				return
			}
			walk(k+1, chosen)
			next := append(slices.Clone(chosen), seats[k])
			if len(next) <= r.MaxReviews && f.broken(next) == "" {
				walk(k+1, next)
			}
		}
		walk(0, nil)
	}
	room := map[string]int{}
	for _, v := range p.Reviews {
		room[v.ID+"/lead"] = capacity(v, Lead)
		room[v.ID+"/team"] = capacity(v, Team)
	}
	keys := make([]string, 0, len(room))
	for k := range room {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	state := func() string {
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "%d,", room[k])
		}
		return b.String()
	}
	impossible := score{filled: -1}
	memo := map[string]score{}
	var best func(i int) score
	best = func(i int) score {
		if i == len(p.Reviewers) {
			return score{}
		}
		key := fmt.Sprint(i, ":", state())
		if s, ok := memo[key]; ok {
			return s
		}
		out := impossible
	options:
		for _, opt := range options[i] {
			for _, a := range opt {
				if room[a.Review+"/"+string(a.Seat)] == 0 {
					continue options
				}
			}
			mine := score{filled: len(opt)}
			for _, a := range opt {
				room[a.Review+"/"+string(a.Seat)]--
				mine.cost += f.price[[2]string{a.Reviewer, a.Review}]
				if prev[a] {
					mine.kept++
				}
			}
			if rest := best(i + 1); rest.filled >= 0 {
				total := score{mine.filled + rest.filled, mine.kept + rest.kept, mine.cost + rest.cost}
				if out.filled < 0 || total.better(out) {
					out = total
				}
			}
			for _, a := range opt {
				room[a.Review+"/"+string(a.Seat)]++
			}
		}
		memo[key] = out
		return out
	}
	return best(0)
}
