package allocate

import (
	"fmt"
	"math/rand/v2"
)

// shape bounds a random instance.
type shape struct {
	reviewers, reviews, weeks int
	maxTeam, maxLoad          int
	pUnavailable, pConflict   float64
	negative                  bool // costs may be below 0
	leads                     int  // Lead Reviewers among the reviewers (−1: a third at random)
}

// randomProblem draws an instance of shape s; every list is in a random order, so that
// Solve's sorting is exercised too.
func randomProblem(rng *rand.Rand, s shape) Problem {
	p := Problem{Weeks: s.weeks}
	schools := max(2, s.reviews+s.reviewers/3)
	for i := range s.reviews {
		p.Reviews = append(p.Reviews, Review{
			ID:        fmt.Sprintf("R%02d", i),
			School:    fmt.Sprintf("S%02d", rng.IntN(schools)),
			Week:      1 + rng.IntN(s.weeks),
			TeamSize:  rng.IntN(s.maxTeam + 1),
			NeedsLead: rng.IntN(10) < 7,
		})
	}
	for i := range s.reviewers {
		r := Reviewer{
			ID:         fmt.Sprintf("P%02d", i),
			School:     fmt.Sprintf("S%02d", rng.IntN(schools)),
			Lead:       (s.leads < 0 && rng.IntN(3) == 0) || i < s.leads,
			MaxReviews: rng.IntN(s.maxLoad + 1),
		}
		for w := 1; w <= s.weeks; w++ {
			if rng.Float64() < s.pUnavailable {
				r.UnavailableWeeks = append(r.UnavailableWeeks, w)
			}
		}
		p.Reviewers = append(p.Reviewers, r)
	}
	lo := int64(0)
	if s.negative {
		lo = -10
	}
	for _, r := range p.Reviewers {
		for _, v := range p.Reviews {
			switch {
			case rng.Float64() < s.pConflict:
				p.Conflicts = append(p.Conflicts, Pair{Reviewer: r.ID, Review: v.ID, Why: []string{"same hub", "same trust"}[rng.IntN(2)]})
			case rng.IntN(5) > 0:
				travel, load := lo+rng.Int64N(21), rng.Int64N(5)
				p.Costs = append(p.Costs, Cost{Reviewer: r.ID, Review: v.ID, Cost: travel + load,
					Parts: []CostPart{{"travel", travel}, {"load", load}}})
			}
		}
	}
	shuffle(rng, p.Reviews)
	shuffle(rng, p.Reviewers)
	shuffle(rng, p.Conflicts)
	shuffle(rng, p.Costs)
	return p
}

func shuffle[T any](rng *rand.Rand, s []T) {
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

// yearProblem is one school year of the real network, the same every time: 450
// reviews of schools in 31 hubs over 38 weeks (team sizes 2-4 and a lead seat each),
// 1,000 reviewers of whom 40 Lead Reviewers, most pairs allowed; the conflicts are
// same hub, same trust and reviewed last year; each pair's cost is travel (between
// hubs on a map), load, reciprocity owed by the reviewer's school and a prior
// relationship.
func yearProblem() Problem {
	const (
		schools, hubs, weeks = 450, 31, 38
		reviewers, leads     = 1000, 40
	)
	rng := rand.New(rand.NewPCG(2017, 18))
	p := Problem{Weeks: weeks}
	hubOf := make([]int, schools)
	trustOf := make([]int, schools)
	hubX, hubY := make([]int64, hubs), make([]int64, hubs)
	for h := range hubs {
		hubX[h], hubY[h] = rng.Int64N(100), rng.Int64N(100)
	}
	owed := make([]int64, schools)
	for s := range schools {
		hubOf[s] = s % hubs
		trustOf[s] = -1
		if rng.IntN(10) < 4 {
			trustOf[s] = rng.IntN(60)
		}
		owed[s] = rng.Int64N(11)
		p.Reviews = append(p.Reviews, Review{
			ID: fmt.Sprintf("R%04d", s), School: fmt.Sprintf("S%04d", s),
			Week: 1 + rng.IntN(weeks), TeamSize: 2 + rng.IntN(3), NeedsLead: true,
		})
	}
	schoolOf := make([]int, reviewers)
	for i := range reviewers {
		schoolOf[i] = rng.IntN(schools)
		r := Reviewer{ID: fmt.Sprintf("P%04d", i), School: fmt.Sprintf("S%04d", schoolOf[i]), Lead: i < leads, MaxReviews: 1 + rng.IntN(3)}
		if r.Lead {
			r.MaxReviews = 12 + rng.IntN(4)
		}
		for w := 1; w <= weeks; w++ {
			if rng.IntN(10) == 0 {
				r.UnavailableWeeks = append(r.UnavailableWeeks, w)
			}
		}
		p.Reviewers = append(p.Reviewers, r)
	}
	for i, r := range p.Reviewers {
		a := schoolOf[i]
		lastYear := map[int]bool{rng.IntN(schools): true, rng.IntN(schools): true}
		for b, v := range p.Reviews {
			if a == b {
				continue
			}
			why := ""
			switch {
			case hubOf[a] == hubOf[b]:
				why = "same hub"
			case trustOf[a] >= 0 && trustOf[a] == trustOf[b]:
				why = "same trust"
			case lastYear[b]:
				why = "reviewed this school last year"
			}
			if why != "" {
				p.Conflicts = append(p.Conflicts, Pair{Reviewer: r.ID, Review: v.ID, Why: why})
				continue
			}
			dx, dy := hubX[hubOf[a]]-hubX[hubOf[b]], hubY[hubOf[a]]-hubY[hubOf[b]]
			travel := (abs(dx) + abs(dy)) / 5
			load := int64(0)
			if r.Lead {
				load = 3
			}
			reciprocity := 10 - owed[a]
			prior := int64(0)
			if rng.IntN(20) == 0 {
				prior = 15
			}
			p.Costs = append(p.Costs, Cost{Reviewer: r.ID, Review: v.ID, Cost: travel + load + reciprocity + prior,
				Parts: []CostPart{{"travel", travel}, {"load", load}, {"reciprocity", reciprocity}, {"prior relationship", prior}}})
		}
	}
	return p
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
