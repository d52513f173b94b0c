package match

import (
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// small is a hand-worked instance with two stable matchings. Participant
// optimal: P1–C1, P2–C2, P3–C3 (P3 is at C2's school), P4 and P5 unmatched.
// Coach optimal: P1–C2, P2–C1, P3–C3.
func small() Problem {
	return Problem{
		Coaches: []Coach{
			{ID: "C1", School: "A", Capacity: 1, Prefs: []string{"P2", "P1", "P4"}},
			{ID: "C2", School: "B", Capacity: 1, Prefs: []string{"P1", "P2", "P5"}},
			{ID: "C3", School: "C", Capacity: 1, Prefs: []string{"P3"}},
		},
		Participants: []Participant{
			{ID: "P1", School: "X", Prefs: []string{"C1", "C2"}},
			{ID: "P2", School: "Y", Prefs: []string{"C2", "C1"}},
			{ID: "P3", School: "B", Prefs: []string{"C2", "C3"}},
			{ID: "P4", School: "Z", Prefs: []string{"C3", "C1"}},
			{ID: "P5", School: "W", Prefs: []string{"C2"}},
		},
	}
}

func solve(t *testing.T, pb Problem) Result {
	t.Helper()
	res, err := Solve(pb)
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	return res
}

// wantWhy fails t unless each participant's explanation is the one in want.
func wantWhy(t *testing.T, res Result, want map[string]string) {
	t.Helper()
	got := explanations(res)
	for _, p := range slices.Sorted(maps.Keys(want)) {
		if got[p] != want[p] {
			t.Errorf("%s: %q\nwant %q", p, got[p], want[p])
		}
	}
}

// wantFaults fails t unless err is an *InvalidError whose faults start with
// want, one for one.
func wantFaults(t *testing.T, err error, want []string) {
	t.Helper()
	var inv *InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("%v, want an *InvalidError", err)
	}
	var f Fault
	if !errors.As(err, &f) || f != inv.Faults[0] {
		t.Errorf("errors.As does not find the first Fault")
	}
	if len(inv.Faults) != len(want) {
		t.Errorf("%d faults, want %d: %v", len(inv.Faults), len(want), err)
	}
	for k, w := range want {
		if k < len(inv.Faults) && !strings.HasPrefix(inv.Faults[k].Error(), w) {
			t.Errorf("fault %d: %q, want it to start %q", k, inv.Faults[k].Error(), w)
		}
	}
}

func explanations(res Result) map[string]string {
	out := map[string]string{}
	for _, e := range res.Explanations {
		out[e.Participant] = e.String()
	}
	return out
}

func TestSolveGivesTheParticipantOptimalMatchAndSaysWhy(t *testing.T) {
	pb := small()
	res := solve(t, pb)
	want := []Pair{{"P1", "C1"}, {"P2", "C2"}, {"P3", "C3"}}
	if !slices.Equal(res.Pairs, want) || !slices.Equal(res.Unmatched, []string{"P4", "P5"}) {
		t.Fatalf("pairs %v unmatched %v, want %v and [P4 P5]", res.Pairs, res.Unmatched, want)
	}
	// The oracle sees both stable matchings; the coach-optimal one is the other.
	if n := len(newWorld(pb).stableMatchings(nil)); n != 2 {
		t.Fatalf("brute force found %d stable matchings, want 2", n)
	}
	wantWhy(t, res, map[string]string{
		"P1": "P1's 1st choice; C1 ranked P1 2nd and has 1 place",
		"P3": "P3's 2nd choice; C3 ranked P3 1st and has 1 place. Above C3: C2 is at P3's school",
		"P4": "P4 has no coach: C3 did not rank P4; C1 is full with participants it ranked higher",
		"P5": "P5 has no coach: C2 is full with participants it ranked higher",
	})
}

func TestSolveNeverPairsOneSchoolOneTrustOrAForbiddenPair(t *testing.T) {
	pb := small()
	pb.Participants[0].Trust, pb.Coaches[0].Trust = "T1", "T1" // P1 and C1
	pb.Forbidden = []Pair{{"P2", "C2"}}
	res := solve(t, pb)
	// P1 can only have C2 and P2 only C1; C1 still ranks P4 below P2.
	want := []Pair{{"P1", "C2"}, {"P2", "C1"}, {"P3", "C3"}}
	if !slices.Equal(res.Pairs, want) {
		t.Fatalf("pairs %v, want %v", res.Pairs, want)
	}
	wantWhy(t, res, map[string]string{
		"P1": "P1's 2nd choice; C2 ranked P1 1st and has 1 place. Above C2: C1 is in P1's trust",
		"P2": "P2's 2nd choice; C1 ranked P2 1st and has 1 place. Above C1: C2 may not be paired with P2",
	})
}

func TestFixedPairsTakeTheirPlacesAndTheRestIsMatchedStably(t *testing.T) {
	pb := small()
	pb.Fixed = []Pair{{"P2", "C1"}}
	res := solve(t, pb)
	want := []Pair{{"P1", "C2"}, {"P2", "C1"}, {"P3", "C3"}}
	if !slices.Equal(res.Pairs, want) {
		t.Fatalf("pairs %v, want %v", res.Pairs, want)
	}
	wantWhy(t, res, map[string]string{
		"P2": "fixed by hand with C1 (P2's 2nd choice; C1 ranked P2 1st)",
		"P1": "P1's 2nd choice; C2 ranked P1 1st and has 1 place. Above C2: C1's places are all held by pairs fixed by hand",
		"P4": "P4 has no coach: C3 did not rank P4; C1's places are all held by pairs fixed by hand",
	})
	// A pair on neither list may be fixed; the rules still hold.
	pb.Fixed = []Pair{{"P5", "C3"}}
	res = solve(t, pb)
	wantWhy(t, res, map[string]string{
		"P5": "fixed by hand with C3 (P5 did not rank C3; C3 did not rank P5)",
		"P3": "P3 has no coach: C2 is at P3's school; C3's places are all held by pairs fixed by hand",
	})
}

// TestSolveEqualsTheBruteForceOptimum enumerates every stable matching of
// small instances (with and without fixed pairs) and checks that Solve's is
// one of them and gives every participant their best coach over all of them.
func TestSolveEqualsTheBruteForceOptimum(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2))
	seen := census{}
	for n := range 4000 {
		pb := gen(r, 1+r.IntN(3), 1+r.IntN(6), 2, false)
		if n%2 == 1 { // dense: more often several stable matchings
			pb = gen(r, 2+r.IntN(2), 2+r.IntN(5), 2, true)
		}
		w := newWorld(pb)
		stay := map[string]string{}
		if n%3 == 0 { // fix one allowed pair by hand, within capacity
			p, c := pb.Participants[r.IntN(len(pb.Participants))], pb.Coaches[r.IntN(len(pb.Coaches))]
			if w.allowed(p.ID, c.ID) && c.Capacity > 0 {
				pb.Fixed = []Pair{{p.ID, c.ID}}
				stay[p.ID] = c.ID
				seen["instances with a fixed pair"]++
			}
		}
		res, err := Solve(pb)
		if err != nil {
			t.Fatalf("instance %d: %v", n, err)
		}
		stays := map[string]bool{}
		for p := range stay {
			stays[p] = true
		}
		got := checkMatch(t, w, res, stays, nil)
		all := w.stableMatchings(stay)
		if len(all) == 0 {
			t.Fatalf("instance %d: the oracle found no stable matching", n)
		}
		if len(all) > 1 {
			seen["instances with several stable matchings"]++
		}
		for _, P := range pb.Participants {
			best := ""
			for _, m := range all {
				if c := m[P.ID]; c != "" && w.prefers(P.ID, c, best) {
					best = c
				}
			}
			if got[P.ID] != best {
				t.Fatalf("instance %d (%+v): %s has %q, but a stable matching gives %q", n, pb, P.ID, got[P.ID], best)
			}
		}
		seen.note(w, got)
	}
	seen.require(t, "instances with several stable matchings", "instances with a fixed pair", "instances with someone unmatched",
		"instances with a full coach", "instances with a listed pair at one school", "instances with a listed pair in one trust",
		"instances with a listed pair forbidden")
}

// TestSolveAndCoachProposingAgree runs larger instances against deferred
// acceptance with coaches proposing (an independent implementation). Its
// matching must be stable and no participant may prefer it; by the
// rural-hospitals theorem both match the same participants, fill each coach
// the same, and give a coach with a free place the same participants.
func TestSolveAndCoachProposingAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 3))
	seen := census{}
	differ := 0
	for n := range 400 {
		pb := gen(r, 2+r.IntN(15), 5+r.IntN(46), 4, n%4 == 0)
		w := newWorld(pb)
		got := checkMatch(t, w, solve(t, pb), nil, nil)
		theirs := w.coachProposing()
		if b, blocked := w.blocking(theirs, nil); blocked {
			t.Fatalf("instance %d: coach-proposing is blocked by %s (the oracle is wrong)", n, b)
		}
		load, loadTheirs := map[string]int{}, map[string]int{}
		for _, P := range pb.Participants {
			mine, other := got[P.ID], theirs[P.ID]
			if (mine == "") != (other == "") {
				t.Fatalf("instance %d: %s matched in one stable matching only (%q, %q)", n, P.ID, mine, other)
			}
			if mine != other {
				differ++
				if !w.prefers(P.ID, mine, other) {
					t.Fatalf("instance %d: %s prefers %s (coaches proposing) to %s", n, P.ID, other, mine)
				}
			}
			load[mine]++
			loadTheirs[other]++
		}
		for _, C := range pb.Coaches {
			if load[C.ID] != loadTheirs[C.ID] {
				t.Fatalf("instance %d: coach %s fills %d places here and %d there", n, C.ID, load[C.ID], loadTheirs[C.ID])
			}
			if load[C.ID] < C.Capacity {
				for p, c := range got {
					if c == C.ID && theirs[p] != c {
						t.Fatalf("instance %d: coach %s has a free place but not the same participants", n, C.ID)
					}
				}
			}
		}
		seen.note(w, got)
	}
	if differ == 0 {
		t.Error("participant- and coach-proposing never differed: the instances are too easy")
	}
	t.Logf("%d participants had a better coach than under coach proposing", differ)
	seen.require(t, "instances with someone unmatched", "instances with a full coach", "instances with a listed pair at one school")
}

func TestSolveDoesNotDependOnTheOrderOfTheLists(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 4))
	for n := range 100 {
		pb := gen(r, 8, 24, 3, false)
		first := solve(t, pb)
		r.Shuffle(len(pb.Coaches), func(a, b int) { pb.Coaches[a], pb.Coaches[b] = pb.Coaches[b], pb.Coaches[a] })
		r.Shuffle(len(pb.Participants), func(a, b int) { pb.Participants[a], pb.Participants[b] = pb.Participants[b], pb.Participants[a] })
		again := solve(t, pb)
		if !slices.Equal(first.Pairs, again.Pairs) || !slices.Equal(first.Unmatched, again.Unmatched) ||
			!slices.EqualFunc(first.Explanations, again.Explanations, func(a, b Explanation) bool { return a.String() == b.String() }) {
			t.Fatalf("instance %d: shuffling the coaches and participants changed the result", n)
		}
	}
}

func TestSolveRefusesAProblemNamingEveryFault(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Problem)
		faults []string // "who: message fragment"
	}{
		{"an empty coach id", func(pb *Problem) { pb.Coaches[2].ID = "" },
			[]string{"coaches[2]: id is empty", "participant P3: prefs name C3, who is not a coach", "participant P4: prefs name C3"}},
		{"a coach id twice", func(pb *Problem) { pb.Coaches[2].ID = "C1" },
			[]string{"coach C1: id is used by two coaches", "participant P3: prefs name C3", "participant P4: prefs name C3"}},
		{"a participant id twice", func(pb *Problem) { pb.Participants[4].ID = "P1" },
			[]string{"participant P1: id is used by two participants", "coach C2: prefs name P5"}},
		{"a negative capacity", func(pb *Problem) { pb.Coaches[1].Capacity = -1 },
			[]string{"coach C2: capacity is -1: it must be 0 or more"}},
		{"an unknown id in a list", func(pb *Problem) { pb.Participants[0].Prefs = append(pb.Participants[0].Prefs, "C9") },
			[]string{"participant P1: prefs name C9, who is not a coach of this problem"}},
		{"an id twice in a list", func(pb *Problem) { pb.Coaches[0].Prefs = append(pb.Coaches[0].Prefs, "P2") },
			[]string{"coach C1: prefs name P2 twice"}},
		{"an empty id in a list", func(pb *Problem) { pb.Coaches[0].Prefs = append(pb.Coaches[0].Prefs, "") },
			[]string{"coach C1: prefs[3] is empty"}},
		{"an unknown forbidden pair", func(pb *Problem) { pb.Forbidden = []Pair{{"P9", "C1"}} },
			[]string{"forbidden[0] P9–C1: participant P9 is not a participant"}},
		{"a fixed pair at one school", func(pb *Problem) { pb.Fixed = []Pair{{"P3", "C2"}} },
			[]string{"fixed pair P3–C2: the two are at the same school"}},
		{"a forbidden fixed pair", func(pb *Problem) { pb.Forbidden = []Pair{{"P1", "C1"}}; pb.Fixed = []Pair{{"P1", "C1"}} },
			[]string{"fixed pair P1–C1: the pair is forbidden"}},
		{"two fixed coaches for one participant", func(pb *Problem) { pb.Fixed = []Pair{{"P1", "C1"}, {"P1", "C2"}} },
			[]string{"fixed pair P1–C2: participant P1 is in two fixed pairs"}},
		{"fixed pairs over capacity", func(pb *Problem) { pb.Fixed = []Pair{{"P1", "C1"}, {"P2", "C1"}} },
			[]string{"coach C1: has 2 fixed pairs but a capacity of 1"}},
		{"an unknown fixed coach", func(pb *Problem) { pb.Fixed = []Pair{{"P1", "C7"}} },
			[]string{"fixed pair P1–C7: coach C7 is not a coach"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := small()
			tc.change(&pb)
			_, err := Solve(pb)
			wantFaults(t, err, tc.faults)
		})
	}
}

func TestOrdinals(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}
