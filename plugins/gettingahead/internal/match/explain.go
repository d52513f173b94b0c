package match

import (
	"fmt"
	"strings"
)

// How a participant came to have their coach.
type How int

// Ways a pair forms.
const (
	Matched     How = iota + 1 // by the stable match
	FixedByHand                // Problem.Fixed
	Kept                       // kept from the match in force by Rematch
)

// Reason is why a coach did not take a participant who ranked them.
type Reason int

// Reasons, checked in this order: the rules first, then the lists, then places.
const (
	SameSchool             Reason = iota + 1 // the two are at the same school
	SameTrust                                // the two are in the same trust
	Forbidden                                // the pair is in Problem.Forbidden
	CoachWithdrew                            // the coach withdrew (Rematch)
	NotRankedByParticipant                   // the participant did not rank the coach (a fixed pair only)
	NotRankedByCoach                         // the coach did not rank the participant
	NoPlaces                                 // the coach's capacity is 0
	// Full: every place of the coach is held, by fixed or kept pairs or by
	// participants the coach ranked higher.
	Full
)

// rule says why a pair is never formed, for a fault.
func (r Reason) rule() string {
	switch r {
	case SameSchool:
		return "the two are at the same school"
	case SameTrust:
		return "the two are in the same trust"
	case Forbidden:
		return "the pair is forbidden"
	case CoachWithdrew:
		return "the coach has withdrawn"
	}
	return fmt.Sprintf("reason %d", int(r))
}

// Refusal is why one coach a participant ranked did not take them.
type Refusal struct {
	Coach  string
	Reason Reason
	// Capacity, Fixed and Kept, for Full: the coach's places, how many of them
	// pairs fixed by hand hold and how many pairs kept by Rematch hold; the
	// others hold participants the coach ranked higher.
	Capacity, Fixed, Kept int
}

// Text is the refusal as a clause about participant p.
func (r Refusal) Text(p string) string {
	switch r.Reason {
	case SameSchool:
		return r.Coach + " is at " + p + "'s school"
	case SameTrust:
		return r.Coach + " is in " + p + "'s trust"
	case Forbidden:
		return r.Coach + " may not be paired with " + p
	case CoachWithdrew:
		return r.Coach + " has withdrawn"
	case NotRankedByParticipant:
		return p + " did not rank " + r.Coach
	case NotRankedByCoach:
		return r.Coach + " did not rank " + p
	case NoPlaces:
		return r.Coach + " has no places"
	case Full:
		held := "pairs fixed by hand"
		switch {
		case r.Fixed+r.Kept == 0:
			return r.Coach + " is full with participants it ranked higher"
		case r.Fixed == 0:
			held = "pairs under way"
		case r.Kept > 0:
			held = "pairs fixed by hand or under way"
		}
		if r.Fixed+r.Kept == r.Capacity {
			return r.Coach + "'s places are all held by " + held
		}
		return fmt.Sprintf("%s is full: %s held by %s, the others by participants it ranked higher", r.Coach, count(r.Fixed+r.Kept, "place"), held)
	}
	return fmt.Sprintf("%s: reason %d", r.Coach, int(r.Reason))
}

// Explanation is why a participant has their coach, or none.
type Explanation struct {
	Participant string
	Coach       string // "" when unmatched
	How         How    // 0 when unmatched
	// Choice is the coach's place on the participant's list (1 = first) and
	// CoachRank the participant's place on the coach's; 0 when not listed (a
	// pair fixed by hand). Capacity is the coach's.
	Choice, CoachRank, Capacity int
	// Passed holds, for a pair formed by the match, the coaches the participant
	// ranked above their coach and, for someone unmatched, every coach they
	// ranked: each with why it did not take them. Empty for fixed and kept pairs.
	Passed []Refusal
}

// String is the explanation as a sentence, such as "P07's 2nd choice; C01
// ranked P07 4th and has 3 places. Above C01: C03 is full with participants it
// ranked higher".
func (e Explanation) String() string {
	p := e.Participant
	ranks := func() string {
		s := p + " did not rank " + e.Coach
		if e.Choice > 0 {
			s = p + "'s " + ordinal(e.Choice) + " choice"
		}
		if e.CoachRank > 0 {
			return s + "; " + e.Coach + " ranked " + p + " " + ordinal(e.CoachRank)
		}
		return s + "; " + e.Coach + " did not rank " + p
	}
	switch e.How {
	case FixedByHand:
		return "fixed by hand with " + e.Coach + " (" + ranks() + ")"
	case Kept:
		return p + " stays with " + e.Coach + " (" + ranks() + ")"
	case Matched:
		s := ranks() + " and has " + count(e.Capacity, "place")
		if len(e.Passed) > 0 {
			s += ". Above " + e.Coach + ": " + clauses(p, e.Passed)
		}
		return s
	}
	if len(e.Passed) == 0 {
		return p + " ranked no coach"
	}
	return p + " has no coach: " + clauses(p, e.Passed)
}

func clauses(p string, rs []Refusal) string {
	parts := make([]string, len(rs))
	for k, r := range rs {
		parts[k] = r.Text(p)
	}
	return strings.Join(parts, "; ")
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// outcome is a solved match by index, for explaining it.
type outcome struct {
	coachOf []int
	fixed   map[int]fixedPair
	load    []int         // pairs per coach, fixed and kept included
	stays   map[How][]int // per How (FixedByHand, Kept), the pairs per coach
	worst   []int         // per coach, its lowest rank among the participants it holds that are not fixed; -1 for none
}

func (m *model) outcome(coachOf []int, fixed map[int]fixedPair) *outcome {
	n := len(m.pb.Coaches)
	o := &outcome{coachOf: coachOf, fixed: fixed, load: make([]int, n), worst: make([]int, n),
		stays: map[How][]int{FixedByHand: make([]int, n), Kept: make([]int, n)}}
	for j := range o.worst {
		o.worst[j] = -1
	}
	for i, j := range coachOf {
		if j < 0 {
			continue
		}
		o.load[j]++
		if f, ok := fixed[i]; ok {
			o.stays[f.how][j]++
		} else {
			o.worst[j] = max(o.worst[j], m.cRank[j][i])
		}
	}
	return o
}

// explain says why participant i has their coach or none.
func (m *model) explain(i int, o *outcome) (Explanation, error) {
	p := m.pb.Participants[i]
	e := Explanation{Participant: p.ID}
	j := o.coachOf[i]
	if j >= 0 {
		c := m.pb.Coaches[j]
		e.Coach, e.Capacity = c.ID, c.Capacity
		e.Choice, e.CoachRank = m.pRank[i][j]+1, m.cRank[j][i]+1
		e.How = Matched
		if f, ok := o.fixed[i]; ok {
			e.How = f.how
			return e, nil
		}
	}
	for _, id := range p.Prefs {
		d := m.coach[id]
		if d == j {
			break
		}
		r := Refusal{Coach: id, Reason: m.bar(i, d)}
		if r.Reason == 0 {
			c := m.pb.Coaches[d]
			switch {
			case c.Capacity == 0:
				r.Reason = NoPlaces
			case o.load[d] == c.Capacity && o.worst[d] < m.cRank[d][i]:
				r.Reason, r.Capacity, r.Fixed, r.Kept = Full, c.Capacity, o.stays[FixedByHand][d], o.stays[Kept][d]
			default:
				return Explanation{}, fmt.Errorf("participant %s and coach %s would both rather be together: the match is not stable (a bug in package match)", p.ID, id)
			}
		}
		e.Passed = append(e.Passed, r)
	}
	return e, nil
}
