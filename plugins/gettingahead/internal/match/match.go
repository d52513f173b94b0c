// Package match finds the Getting Ahead London coaching match: which coach (an
// experienced headteacher or trust CEO) works with which participant (an
// aspiring head) for the year. It is pure: no storage, no Host, no I/O, no
// clock and no randomness. The same Problem always gives the same Result,
// whatever the order of its lists.
//
// # Model
//
// This is the hospitals/residents ("college admissions") problem: many to one,
// with capacities. Each participant ranks coaches and each coach ranks
// participants, best first, with no ties. Coach c takes at most Capacity(c)
// participants; a participant has at most one coach. A pair (p, c) is
// acceptable when p lists c, c lists p, the two are not at the same school,
// not in the same trust, and the pair is not Forbidden. A coach ranks a group of
// participants by its ranking of them one by one (responsive preferences).
//
// A matching M is stable when every pair in it is acceptable, no coach holds
// more than its capacity, and no acceptable pair (p, c) outside M blocks it. A
// pair blocks when p prefers c to M(p) (any acceptable coach to none), and c
// has a free place or ranks p above one of its participants.
//
// # Result
//
// Solve returns the participant-optimal stable matching: among all stable
// matchings, each participant gets the best coach they get in any of them. It
// exists and is unique for given preferences. Deferred acceptance with
// participants proposing finds it, whatever the order of the proposals (Gale
// and Shapley 1962, "College admissions and the stability of marriage", Amer.
// Math. Monthly 69:9-15, which treats this problem with quotas). The medical
// residency match is the same model (Roth 1984, J. Political Economy
// 92:991-1016).
//
// Who is matched is not a choice of the method. By the rural-hospitals theorem
// (Gale and Sotomayor 1985, Discrete Appl. Math. 11:223-232; Roth 1986,
// Econometrica 54:425-427), every stable matching matches the same
// participants and fills the same number of places at each coach. A coach left
// with a free place has the same participants in all of them. Ranking coaches
// truthfully is the best a participant can do under this method (Dubins and
// Freedman 1981, Amer. Math. Monthly 88:485-494; Roth 1985, J. Econ. Theory
// 36:277-288), and no stable method gives coaches that guarantee (Roth 1985).
//
// # Fixed pairs
//
// The programme manager may fix pairs by hand (Problem.Fixed) and match the
// rest. A fixed pair takes one of its coach's places. It must keep the
// school, trust and Forbidden rules and the coach's capacity, but it need not be
// on either person's list. The others are then matched to the places left
// (capacity less the fixed pairs) by the rule above, applied to that smaller
// problem. The whole matching is then stable given the fixed pairs: no
// acceptable pair (p, c) with p not in a fixed pair has p preferring c to
// their coach while c has a free place or ranks p above one of its participants
// who is not in a fixed pair. A fixed pair itself may be blocked: that is the
// manager's choice, made by hand.
//
// # Re-matching after a withdrawal
//
// Rematch takes the match in force and the people who withdrew mid-year. Every
// pair without a withdrawn person is kept as it is. The people re-matched are
// the participants without a kept pair: the withdrawn coaches' participants
// and those who were unmatched. The places offered are those no kept pair
// holds: the withdrawn participants' places and places that were free. They
// are matched as fixed pairs are (kept pairs count as fixed). So no other
// pair changes. A participant already coached is not moved to a place that
// opened, even one they would prefer: a coaching relationship under way is not
// broken for a better one. When the match in force came from Solve or
// Rematch, a withdrawn participant's place goes to the unmatched participant
// acceptable to that coach whom it ranks highest, if any, and a withdrawn
// coach's participants can take only places that were free.
//
// # Explanations
//
// Each Result says why each participant has their coach or none
// (Explanation): their rank of the coach and the coach's of them, and for every
// coach they ranked higher, why that coach did not take them (Refusal). It is
// the coach did not rank them, a school, trust or Forbidden rule, a withdrawal,
// no places, or the coach being full with participants it ranked higher or
// with pairs fixed by hand or kept. Solve reports an error rather than explain
// a coach and participant who would both rather be together, so every Result
// it returns has been checked for stability once more.
//
// # What it refuses
//
// A Problem with an empty or repeated id, a negative capacity, a list naming
// someone unknown or naming someone twice, or a fixed pair breaking a rule or
// a capacity is refused with an *InvalidError listing every fault, each naming
// the coach, participant or pair at fault.
package match

import "fmt"

// Coach is an experienced head or trust CEO who coaches up to Capacity
// participants.
type Coach struct {
	ID     string
	School string // the coach's school; "" for none
	Trust  string // the coach's trust; "" for none
	// Capacity is how many participants the coach takes at most; 0 or more.
	Capacity int
	Prefs    []string // participant ids, best first
}

// Participant is an aspiring head who has at most one coach.
type Participant struct {
	ID     string
	School string   // the participant's school; "" for none
	Trust  string   // the participant's trust; "" for none
	Prefs  []string // coach ids, best first
}

// Pair is a participant and their coach.
type Pair struct {
	Participant, Coach string
}

func (p Pair) String() string { return p.Participant + "–" + p.Coach }

// Problem is one matching problem. Schools and trusts are compared as they are
// written; "" matches nothing.
type Problem struct {
	Coaches      []Coach
	Participants []Participant
	// Forbidden pairs are never formed, whatever the lists say (a declared
	// conflict of interest such as line management). Schools and trusts are
	// covered by the rules already; this is for any other conflict.
	Forbidden []Pair
	// Fixed pairs are set by hand before the rest is matched (see the package
	// comment, "Fixed pairs").
	Fixed []Pair
}

// Result is a match.
type Result struct {
	// Pairs are sorted by participant id: each participant has at most one.
	Pairs []Pair
	// Unmatched lists the participants without a coach, sorted. A participant
	// who withdrew (Rematch) is in neither list.
	Unmatched []string
	// Explanations has one entry per participant of Pairs and Unmatched, in
	// participant id order.
	Explanations []Explanation
}

// Solve returns the participant-optimal stable match of pb given its fixed
// pairs, with the reasons for it. It refuses an invalid Problem with an
// *InvalidError naming every fault.
func Solve(pb Problem) (Result, error) {
	m, err := newModel(&pb, Withdrawal{})
	if err != nil {
		return Result{}, err
	}
	fixed, err := m.fixedPairs(pb.Fixed)
	if err != nil {
		return Result{}, err
	}
	return m.solve(fixed)
}

// solve matches everyone outside fixed to the places fixed leaves, by
// deferred acceptance with participants proposing, and explains the result.
func (m *model) solve(fixed map[int]fixedPair) (Result, error) {
	room := make([]int, len(m.pb.Coaches))
	for j, c := range m.pb.Coaches {
		if !m.withdrawnC[j] {
			room[j] = c.Capacity
		}
	}
	for _, f := range fixed {
		room[f.coach]--
	}
	var free []int
	for _, i := range m.pOrder {
		if _, ok := fixed[i]; !ok && !m.withdrawnP[i] {
			free = append(free, i)
		}
	}
	coachOf := m.deferredAcceptance(free, room)
	for i, f := range fixed {
		coachOf[i] = f.coach
	}
	o := m.outcome(coachOf, fixed)
	var res Result
	for _, i := range m.pOrder {
		if m.withdrawnP[i] {
			continue
		}
		id := m.pb.Participants[i].ID
		if coachOf[i] < 0 {
			res.Unmatched = append(res.Unmatched, id)
		} else {
			res.Pairs = append(res.Pairs, Pair{id, m.pb.Coaches[coachOf[i]].ID})
		}
		e, err := m.explain(i, o)
		if err != nil {
			return Result{}, err
		}
		res.Explanations = append(res.Explanations, e)
	}
	return res, nil
}

// deferredAcceptance matches the participants free to the coaches' places
// room, participants proposing in id order (the result does not depend on the
// order). It returns each participant's coach index, -1 for none; fixed and
// withdrawn participants are left at -1 for the caller.
func (m *model) deferredAcceptance(free []int, room []int) []int {
	coachOf := make([]int, len(m.pb.Participants))
	for i := range coachOf {
		coachOf[i] = -1
	}
	next := make([]int, len(m.pb.Participants)) // the next place on each list to propose to
	held := make([][]int, len(m.pb.Coaches))
	queue := append([]int(nil), free...)
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for coachOf[i] < 0 && next[i] < len(m.list[i]) {
			j := m.list[i][next[i]]
			next[i]++
			if room[j] == 0 {
				continue
			}
			if len(held[j]) < room[j] {
				held[j] = append(held[j], i)
				coachOf[i] = j
				continue
			}
			w := 0 // the participant j ranks lowest among those it holds
			for k, h := range held[j] {
				if m.cRank[j][h] > m.cRank[j][held[j][w]] {
					w = k
				}
			}
			if worst := held[j][w]; m.cRank[j][i] < m.cRank[j][worst] {
				held[j][w] = i
				coachOf[i] = j
				coachOf[worst] = -1
				queue = append(queue, worst)
			}
		}
	}
	return coachOf
}

// ordinal writes n as "1st", "2nd", "3rd", "4th", "11th", "22nd".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
