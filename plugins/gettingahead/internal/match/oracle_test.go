package match

// Independent oracles for the tests: acceptability, stability, brute-force
// enumeration of stable matchings and coach-proposing deferred acceptance,
// written from the definitions on the exported types only (none of the
// package's model, lists or ranks).

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// world is a Problem looked up by id, for the oracles.
type world struct {
	pb        Problem
	coach     map[string]Coach
	part      map[string]Participant
	forbidden map[Pair]bool
}

func newWorld(pb Problem) world {
	w := world{pb: pb, coach: map[string]Coach{}, part: map[string]Participant{}, forbidden: map[Pair]bool{}}
	for _, c := range pb.Coaches {
		w.coach[c.ID] = c
	}
	for _, p := range pb.Participants {
		w.part[p.ID] = p
	}
	for _, f := range pb.Forbidden {
		w.forbidden[f] = true
	}
	return w
}

// allowed: the rules (school, trust, forbidden) permit the pair.
func (w world) allowed(p, c string) bool {
	P, C := w.part[p], w.coach[c]
	return !(P.School != "" && P.School == C.School) && !(P.Trust != "" && P.Trust == C.Trust) && !w.forbidden[Pair{p, c}]
}

// acceptable: the rules permit the pair and each lists the other.
func (w world) acceptable(p, c string) bool {
	return w.allowed(p, c) && slices.Contains(w.part[p].Prefs, c) && slices.Contains(w.coach[c].Prefs, p)
}

// rank of x in list: 0 best; len(list) for absent (worse than anyone listed).
func rank(list []string, x string) int {
	if k := slices.Index(list, x); k >= 0 {
		return k
	}
	return len(list)
}

// prefers: participant p prefers coach c to cur ("" for none).
func (w world) prefers(p, c, cur string) bool {
	return cur == "" || rank(w.part[p].Prefs, c) < rank(w.part[p].Prefs, cur)
}

// blocking returns a pair blocking matching (participant → coach) given that
// the participants in stay cannot move nor be displaced; ok false when none.
func (w world) blocking(coachOf map[string]string, stay map[string]bool) (Pair, bool) {
	load, held := map[string]int{}, map[string][]string{}
	for p, c := range coachOf {
		load[c]++
		if !stay[p] {
			held[c] = append(held[c], p)
		}
	}
	for _, P := range w.pb.Participants {
		if stay[P.ID] {
			continue
		}
		for _, C := range w.pb.Coaches {
			if !w.acceptable(P.ID, C.ID) || coachOf[P.ID] == C.ID || !w.prefers(P.ID, C.ID, coachOf[P.ID]) {
				continue
			}
			if load[C.ID] < C.Capacity {
				return Pair{P.ID, C.ID}, true
			}
			for _, q := range held[C.ID] {
				if rank(C.Prefs, P.ID) < rank(C.Prefs, q) {
					return Pair{P.ID, C.ID}, true
				}
			}
		}
	}
	return Pair{}, false
}

// checkMatch fails t unless res is a matching of w: pairs sorted, each
// participant once, Unmatched exactly the others (less the withdrawn), no coach
// over capacity, no rule broken, every pair acceptable unless it stays, and no
// blocking pair outside stay. It returns the matching by participant.
func checkMatch(t *testing.T, w world, res Result, stay map[string]bool, withdrawn map[string]bool) map[string]string {
	t.Helper()
	coachOf, load := map[string]string{}, map[string]int{}
	if !slices.IsSortedFunc(res.Pairs, func(a, b Pair) int { return cmp.Compare(a.Participant, b.Participant) }) || !slices.IsSorted(res.Unmatched) {
		t.Fatalf("pairs or unmatched not sorted: %v %v", res.Pairs, res.Unmatched)
	}
	for _, pr := range res.Pairs {
		if _, dup := coachOf[pr.Participant]; dup {
			t.Fatalf("participant %s has two coaches", pr.Participant)
		}
		if withdrawn[pr.Participant] || withdrawn[pr.Coach] {
			t.Fatalf("pair %s has a withdrawn person", pr)
		}
		if !w.allowed(pr.Participant, pr.Coach) {
			t.Fatalf("pair %s breaks the school, trust or forbidden rule", pr)
		}
		if !stay[pr.Participant] && !w.acceptable(pr.Participant, pr.Coach) {
			t.Fatalf("pair %s is not acceptable to both", pr)
		}
		coachOf[pr.Participant] = pr.Coach
		if load[pr.Coach]++; load[pr.Coach] > w.coach[pr.Coach].Capacity {
			t.Fatalf("coach %s over capacity", pr.Coach)
		}
	}
	var unmatched []string
	for _, p := range w.pb.Participants {
		if _, ok := coachOf[p.ID]; !ok && !withdrawn[p.ID] {
			unmatched = append(unmatched, p.ID)
		}
	}
	slices.Sort(unmatched)
	if !slices.Equal(unmatched, res.Unmatched) {
		t.Fatalf("unmatched %v, want %v", res.Unmatched, unmatched)
	}
	if len(res.Explanations) != len(res.Pairs)+len(res.Unmatched) {
		t.Fatalf("%d explanations for %d participants", len(res.Explanations), len(res.Pairs)+len(res.Unmatched))
	}
	if b, ok := w.blocking(coachOf, stay); ok {
		t.Fatalf("pair %s blocks the match: not stable", b)
	}
	return coachOf
}

// stableMatchings enumerates every matching of w that contains the pairs in
// stay (participant → coach) and is stable given them.
func (w world) stableMatchings(stay map[string]string) []map[string]string {
	load := map[string]int{}
	for _, c := range stay {
		load[c]++
	}
	var free []string
	for _, p := range w.pb.Participants {
		if _, ok := stay[p.ID]; !ok {
			free = append(free, p.ID)
		}
	}
	stays := map[string]bool{}
	for p := range stay {
		stays[p] = true
	}
	var out []map[string]string
	cur := map[string]string{}
	for p, c := range stay {
		cur[p] = c
	}
	var walk func(k int)
	walk = func(k int) {
		if k == len(free) {
			if _, blocked := w.blocking(cur, stays); !blocked {
				m := map[string]string{}
				for p, c := range cur {
					m[p] = c
				}
				out = append(out, m)
			}
			return
		}
		p := free[k]
		walk(k + 1) // unmatched
		for _, c := range w.pb.Coaches {
			if w.acceptable(p, c.ID) && load[c.ID] < c.Capacity {
				cur[p] = c.ID
				load[c.ID]++
				walk(k + 1)
				load[c.ID]--
				delete(cur, p)
			}
		}
	}
	walk(0)
	return out
}

// coachProposing is deferred acceptance with coaches proposing, written
// independently: it finds the coach-optimal stable matching, the one the
// participants like least.
func (w world) coachProposing() map[string]string {
	coachOf, load, next := map[string]string{}, map[string]int{}, map[string]int{}
	for proposed := true; proposed; {
		proposed = false
		for _, c := range w.pb.Coaches {
			for load[c.ID] < c.Capacity && next[c.ID] < len(c.Prefs) {
				p := c.Prefs[next[c.ID]]
				next[c.ID]++
				proposed = true
				if cur := coachOf[p]; w.acceptable(p, c.ID) && w.prefers(p, c.ID, cur) {
					if cur != "" {
						load[cur]--
					}
					coachOf[p] = c.ID
					load[c.ID]++
				}
			}
		}
	}
	return coachOf
}

// gen draws a problem with nC coaches and nP participants: schools and
// trusts from small pools so that the rules bite, random lists, random
// capacities up to maxCap (0 included) and a few forbidden pairs. A dense
// problem has complete lists, capacities from 1, no trusts and rarer conflicts, so that
// it has several stable matchings more often. The slices come in a random
// order.
func gen(r *rand.Rand, nC, nP, maxCap int, dense bool) Problem {
	var pb Problem
	nSchools, listed, minCap := max(2, (nC+nP)*2/3), 0.75, 0
	if dense {
		nSchools, listed, minCap = 3*(nC+nP), 1, 1
	}
	school := func() string { return fmt.Sprintf("S%02d", r.IntN(nSchools)) }
	trust := func() string {
		if dense || r.IntN(2) == 0 {
			return ""
		}
		return fmt.Sprintf("T%d", r.IntN(3))
	}
	subset := func(prefix string, n int, p float64) []string {
		var s []string
		for _, k := range r.Perm(n) {
			if r.Float64() < p {
				s = append(s, fmt.Sprintf("%s%02d", prefix, k))
			}
		}
		return s
	}
	for j := range nC {
		pb.Coaches = append(pb.Coaches, Coach{ID: fmt.Sprintf("C%02d", j), School: school(), Trust: trust(),
			Capacity: minCap + r.IntN(maxCap+1-minCap), Prefs: subset("P", nP, listed)})
	}
	for i := range nP {
		pb.Participants = append(pb.Participants, Participant{ID: fmt.Sprintf("P%02d", i), School: school(), Trust: trust(),
			Prefs: subset("C", nC, listed)})
	}
	for range r.IntN(3) * (1 - minCap) {
		pb.Forbidden = append(pb.Forbidden, Pair{fmt.Sprintf("P%02d", r.IntN(nP)), fmt.Sprintf("C%02d", r.IntN(nC))})
	}
	r.Shuffle(len(pb.Coaches), func(a, b int) { pb.Coaches[a], pb.Coaches[b] = pb.Coaches[b], pb.Coaches[a] })
	r.Shuffle(len(pb.Participants), func(a, b int) { pb.Participants[a], pb.Participants[b] = pb.Participants[b], pb.Participants[a] })
	return pb
}

// census counts what a batch of generated instances reached, so that a test
// can fail when its random inputs never reach the interesting cases.
type census map[string]int

func (c census) note(w world, coachOf map[string]string) {
	load := map[string]int{}
	for _, co := range coachOf {
		load[co]++
	}
	if len(coachOf) < len(w.pb.Participants) {
		c["instances with someone unmatched"]++
	}
	for _, co := range w.pb.Coaches {
		if co.Capacity > 0 && load[co.ID] == co.Capacity {
			c["instances with a full coach"]++
			break
		}
	}
	seen := map[string]bool{}
	for _, p := range w.pb.Participants {
		for _, co := range p.Prefs {
			C := w.coach[co]
			if !slices.Contains(C.Prefs, p.ID) {
				continue
			}
			switch {
			case p.School == C.School:
				seen["instances with a listed pair at one school"] = true
			case p.Trust != "" && p.Trust == C.Trust:
				seen["instances with a listed pair in one trust"] = true
			case w.forbidden[Pair{p.ID, co}]:
				seen["instances with a listed pair forbidden"] = true
			}
		}
	}
	for k := range seen {
		c[k]++
	}
}

func (c census) require(t *testing.T, keys ...string) {
	t.Helper()
	t.Logf("census: %v", map[string]int(c))
	for _, k := range keys {
		if c[k] == 0 {
			t.Errorf("no %s: the generator is too thin to test this", k)
		}
	}
}
