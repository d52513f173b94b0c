// Package problem builds the reviewer allocation's Problem (package
// allocate) from the programme's records: the reviews of a run's period,
// the reviewer register, where everyone's school is, what each reviewer and
// school did in past years, and the central team's pins and forbidden
// pairs. It is where the programme's rules become the solver's hard rules
// and costs:
//
//   - Hard rules (conflicts): never a reviewer from the host school (the
//     solver's own rule), its hub or its trust, nor one who reviewed that
//     school in the last N years; never an untrained or inactive reviewer
//     (left out, and counted in Notes); a reviewer's limit of reviews a
//     year less the reviews they already have this year outside the period;
//     their unavailable weeks.
//   - Costs, in points, each part weighed by rules.Weights: travel (per 10
//     km between the reviewer's school and the host, when both have
//     coordinates), fairness of load (per review the reviewer already has:
//     this year outside the period, and last year), reciprocity (per
//     reviewer day the reviewer's school has given beyond what it received,
//     so schools that owe reviews are asked first), and a prior
//     relationship with the host (the reviewer reviewed it before, longer
//     ago than N years, or the host's reviewers reviewed the reviewer's
//     school in the last N years).
//
// Pure: no storage, Host or clock. Ids in the Problem are "R<review id>"
// and "P<reviewer id>"; ReviewID and ReviewerID read them back.
package problem

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/allocate"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// Place is where a school is: its id, hub and trust units (0 for none) and
// coordinates, when known.
type Place struct {
	School, Hub, Trust uint64
	Lat, Lng           *float64
}

// Review is a review of the run's period.
type Review struct {
	ID        uint64
	Host      Place
	Week      int
	TeamSize  int
	NeedsLead bool
}

// Reviewer is an entry of the register.
type Reviewer struct {
	ID          uint64
	Home        Place // School 0: from no member school
	Lead        bool
	Trained     bool
	Active      bool
	MaxReviews  int   // a year
	Unavailable []int // weeks of the year
	// SeatsElsewhere are the reviewer's reviews this year outside the period
	// (they use up the limit and count as load); LastYear their reviews last year.
	SeatsElsewhere, LastYear int
}

// Visit is a past seat: a reviewer (from ReviewerSchool, 0 for none) at a
// host school, YearsAgo years before the run's year (1: last year).
type Visit struct {
	Reviewer, ReviewerSchool, Host uint64
	YearsAgo                       int
}

// Pair is a (review, reviewer) decision of the central team.
type Pair struct {
	Review, Reviewer uint64
	Seat             allocate.Seat // a pin's seat
	Why              string        // a forbidden pair's reason
}

// Input is everything a run is built from.
type Input struct {
	Weeks     int
	Reviews   []Review
	Reviewers []Reviewer
	// History are past years' seats; Credit the reviewer days each school
	// gave beyond what it received (rules.Reciprocity.Credit), by school.
	History []Visit
	Credit  map[uint64]int
	// ReviewedWithin is N: a reviewer who reviewed the host in the last N
	// years may not review it again.
	ReviewedWithin int
	Weights        rules.Weights
	Pins           []Pair
	Forbidden      []Pair
	// Previous are the published seats of the period: a re-run changes as
	// few of them as it must.
	Previous []allocate.Assignment
}

// Reasons of conflicts, as the explanations show them.
const (
	SameHub   = "same hub"
	SameTrust = "same trust"
)

// Recent is the conflict reason for a reviewer who reviewed the host lately.
func Recent(n int) string {
	if n == 1 {
		return "reviewed the school last year"
	}
	return fmt.Sprintf("reviewed the school in the last %d years", n)
}

// Built is the Problem with what was left out of it.
type Built struct {
	Problem allocate.Problem
	// Notes say what was left out and why, for the run's page.
	Notes []string
}

// ReviewKey and ReviewerKey are the Problem's ids.
func ReviewKey(id uint64) string   { return "R" + strconv.FormatUint(id, 10) }
func ReviewerKey(id uint64) string { return "P" + strconv.FormatUint(id, 10) }

// ReviewID and ReviewerID read a Problem's id back (0 when it is not one).
func ReviewID(key string) uint64   { return parseKey(key, "R") }
func ReviewerID(key string) uint64 { return parseKey(key, "P") }

func parseKey(key, prefix string) uint64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(key, prefix), 10, 64)
	if err != nil || !strings.HasPrefix(key, prefix) {
		return 0
	}
	return v
}

func schoolKey(id uint64) string {
	if id == 0 {
		return ""
	}
	return "S" + strconv.FormatUint(id, 10)
}

// Build turns in into the solver's Problem.
func Build(in Input) Built {
	var b Built
	p := &b.Problem
	p.Weeks = in.Weeks
	for _, v := range in.Reviews {
		p.Reviews = append(p.Reviews, allocate.Review{ID: ReviewKey(v.ID), School: schoolKey(v.Host.School), Week: v.Week,
			TeamSize: v.TeamSize, NeedsLead: v.NeedsLead})
	}
	var untrained, inactive, full int
	var pool []Reviewer
	leftOut := map[uint64]string{}
	for _, r := range in.Reviewers {
		switch {
		case !r.Active:
			inactive++
			leftOut[r.ID] = "inactive"
			continue
		case !r.Trained:
			untrained++
			leftOut[r.ID] = "not trained yet"
			continue
		}
		left := max(0, r.MaxReviews-r.SeatsElsewhere)
		if left == 0 {
			full++
		}
		unavail := slices.Clone(r.Unavailable)
		slices.Sort(unavail)
		unavail = slices.Compact(slices.DeleteFunc(unavail, func(w int) bool { return w < 1 || w > in.Weeks }))
		p.Reviewers = append(p.Reviewers, allocate.Reviewer{ID: ReviewerKey(r.ID), School: schoolKey(r.Home.School), Lead: r.Lead,
			MaxReviews: left, UnavailableWeeks: unavail})
		pool = append(pool, r)
	}
	if untrained > 0 {
		b.Notes = append(b.Notes, fmt.Sprintf("%d %s on the register %s not trained yet and %s left out: a reviewer is trained before a first review.",
			untrained, plural(untrained, "reviewer", "reviewers"), plural(untrained, "is", "are"), plural(untrained, "was", "were")))
	}
	if inactive > 0 {
		b.Notes = append(b.Notes, fmt.Sprintf("%d inactive %s left out.", inactive, plural(inactive, "reviewer was", "reviewers were")))
	}
	if full > 0 {
		b.Notes = append(b.Notes, fmt.Sprintf("%d %s already at their limit of reviews this year with reviews outside this period.", full, plural(full, "reviewer is", "reviewers are")))
	}

	// Who reviewed whom: by (reviewer, host) the fewest years ago; by
	// (host school, reviewer school) within N years (the reciprocal pair).
	lastVisit := map[[2]uint64]int{}
	reciprocal := map[[2]uint64]bool{}
	for _, h := range in.History {
		k := [2]uint64{h.Reviewer, h.Host}
		if y, ok := lastVisit[k]; !ok || h.YearsAgo < y {
			lastVisit[k] = h.YearsAgo
		}
		if h.ReviewerSchool != 0 && h.YearsAgo <= in.ReviewedWithin {
			reciprocal[[2]uint64{h.ReviewerSchool, h.Host}] = true
		}
	}
	recent := Recent(in.ReviewedWithin)
	w := in.Weights
	for _, r := range pool {
		for _, v := range in.Reviews {
			pair := allocate.Pair{Reviewer: ReviewerKey(r.ID), Review: ReviewKey(v.ID)}
			y, visited := lastVisit[[2]uint64{r.ID, v.Host.School}]
			switch {
			case r.Home.School != 0 && r.Home.School == v.Host.School:
				continue // the solver's own rule
			case r.Home.Hub != 0 && r.Home.Hub == v.Host.Hub:
				pair.Why = SameHub
			case r.Home.Trust != 0 && r.Home.Trust == v.Host.Trust:
				pair.Why = SameTrust
			case visited && y <= in.ReviewedWithin:
				pair.Why = recent
			}
			if pair.Why != "" {
				p.Conflicts = append(p.Conflicts, pair)
				continue
			}
			var parts []allocate.CostPart
			add := func(name string, weight, amount int64) {
				if weight*amount != 0 {
					parts = append(parts, allocate.CostPart{Name: name, Amount: weight * amount})
				}
			}
			if km, ok := Distance(r.Home, v.Host); ok {
				add("travel", w.Travel, int64(math.Round(km/10)))
			}
			add("load", w.Load, int64(r.SeatsElsewhere+r.LastYear))
			add("reciprocity", w.Reciprocity, int64(min(in.Credit[r.Home.School], 20)))
			if visited || (r.Home.School != 0 && reciprocal[[2]uint64{v.Host.School, r.Home.School}]) {
				add("prior relationship", w.Prior, 1)
			}
			if len(parts) == 0 {
				continue
			}
			c := allocate.Cost{Reviewer: pair.Reviewer, Review: pair.Review, Parts: parts}
			for _, part := range parts {
				c.Cost += part.Amount
			}
			p.Costs = append(p.Costs, c)
		}
	}
	inRun := map[uint64]bool{}
	for _, v := range in.Reviews {
		inRun[v.ID] = true
	}
	for _, x := range in.Pins {
		if why, out := leftOut[x.Reviewer]; out && inRun[x.Review] {
			b.Notes = append(b.Notes, fmt.Sprintf("The pin of %s at %s was not applied: the reviewer is %s.", ReviewerKey(x.Reviewer), ReviewKey(x.Review), why))
			continue
		}
		if inRun[x.Review] {
			p.Pinned = append(p.Pinned, allocate.Assignment{Review: ReviewKey(x.Review), Reviewer: ReviewerKey(x.Reviewer), Seat: x.Seat})
		}
	}
	for _, x := range in.Forbidden {
		if _, out := leftOut[x.Reviewer]; !out && inRun[x.Review] {
			p.Forbidden = append(p.Forbidden, allocate.Pair{Review: ReviewKey(x.Review), Reviewer: ReviewerKey(x.Reviewer), Why: x.Why})
		}
	}
	p.Previous = slices.Clone(in.Previous)
	return b
}

// Distance is the great-circle distance in km between two places, when
// both have coordinates.
func Distance(a, b Place) (float64, bool) {
	if a.Lat == nil || a.Lng == nil || b.Lat == nil || b.Lng == nil {
		return 0, false
	}
	const earth = 6371.0
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLng := rad(*b.Lat-*a.Lat), rad(*b.Lng-*a.Lng)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(*a.Lat))*math.Cos(rad(*b.Lat))*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earth * math.Asin(math.Sqrt(h)), true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
