package rules

import (
	"fmt"
	"math"
	"sort"
)

// Reciprocity is what a school received and gave in reviewer days in a
// year: a reviewed school sends its head and senior leaders to review
// others. Received counts the team seats of the reviews it hosted (the
// Lead Reviewer, often an inspector from outside the network, is not owed
// back), times the review's days; Given the seats its reviewers took at
// other schools' reviews, lead or team, times their days.
type Reciprocity struct {
	School          uint64
	Received, Given int
}

// Met reports whether the school gave at least as many reviewer days as it
// received.
func (r Reciprocity) Met() bool { return r.Given >= r.Received }

// Owed is the reviewer days the school still owes (0 when it has given as
// much as it received).
func (r Reciprocity) Owed() int { return max(0, r.Received-r.Given) }

// Credit is the reviewer days it gave beyond what it received.
func (r Reciprocity) Credit() int { return max(0, r.Given-r.Received) }

// SeatDays is one seat at a review, for counting reciprocity.
type SeatDays struct {
	Host, ReviewerSchool uint64 // ReviewerSchool 0: a reviewer from no member school
	Lead                 bool
	Days                 int
}

// CountReciprocity sums seats by school, in order of school id; only
// schools that hosted or gave appear.
func CountReciprocity(seats []SeatDays) []Reciprocity {
	by := map[uint64]*Reciprocity{}
	get := func(s uint64) *Reciprocity {
		if by[s] == nil {
			by[s] = &Reciprocity{School: s}
		}
		return by[s]
	}
	for _, s := range seats {
		if !s.Lead {
			get(s.Host).Received += s.Days
		}
		if s.ReviewerSchool != 0 {
			get(s.ReviewerSchool).Given += s.Days
		}
	}
	out := make([]Reciprocity, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].School < out[j].School })
	return out
}

// ShareMet is the share of the schools that hosted a review (received
// days) which met their commitment, and how many hosted.
func ShareMet(rs []Reciprocity) (share float64, hosted int) {
	met := 0
	for _, r := range rs {
		if r.Received > 0 {
			hosted++
			if r.Met() {
				met++
			}
		}
	}
	if hosted == 0 {
		return math.NaN(), 0
	}
	return float64(met) / float64(hosted), hosted
}

// Percent is a share as the partnership writes it: "60%", "—" for none.
func Percent(share float64) string {
	if math.IsNaN(share) {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", math.Round(share*100))
}
