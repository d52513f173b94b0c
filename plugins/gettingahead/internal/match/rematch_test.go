package match

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func rematch(t *testing.T, pb Problem, current []Pair, w Withdrawal) Result {
	t.Helper()
	res, err := Rematch(pb, current, w)
	if err != nil {
		t.Fatalf("Rematch: %v", err)
	}
	return res
}

func TestRematchGivesAWithdrawnParticipantsPlaceToTheNextInLine(t *testing.T) {
	pb := small() // P1–C1, P2–C2, P3–C3; P4 and P5 unmatched
	res := rematch(t, pb, solve(t, pb).Pairs, Withdrawal{Participants: []string{"P2"}})
	if want := []Pair{{"P1", "C1"}, {"P3", "C3"}, {"P5", "C2"}}; !slices.Equal(res.Pairs, want) || !slices.Equal(res.Unmatched, []string{"P4"}) {
		t.Fatalf("pairs %v unmatched %v, want %v and [P4]", res.Pairs, res.Unmatched, want)
	}
	wantWhy(t, res, map[string]string{
		"P1": "P1 stays with C1 (P1's 1st choice; C1 ranked P1 2nd)",
		"P5": "P5's 1st choice; C2 ranked P5 3rd and has 1 place",
	})
}

func TestRematchAfterACoachWithdrawsKeepsThePairsUnderWay(t *testing.T) {
	pb := small()
	res := rematch(t, pb, solve(t, pb).Pairs, Withdrawal{Coaches: []string{"C1"}})
	// P1 would take C2, which ranks P1 above P2, but P2's coaching is under way.
	if want := []Pair{{"P2", "C2"}, {"P3", "C3"}}; !slices.Equal(res.Pairs, want) || !slices.Equal(res.Unmatched, []string{"P1", "P4", "P5"}) {
		t.Fatalf("pairs %v unmatched %v", res.Pairs, res.Unmatched)
	}
	wantWhy(t, res, map[string]string{
		"P1": "P1 has no coach: C1 has withdrawn; C2's places are all held by pairs under way",
		"P4": "P4 has no coach: C3 did not rank P4; C1 has withdrawn",
	})
}

func TestRematchKeepsPairsFixedByHand(t *testing.T) {
	pb := small()
	pb.Coaches[1].Capacity = 2 // C2
	pb.Fixed = []Pair{{"P5", "C2"}}
	before := solve(t, pb) // P1–C1, P2–C2, P5–C2 (fixed), P3–C3
	res := rematch(t, pb, before.Pairs, Withdrawal{Coaches: []string{"C1"}})
	wantWhy(t, res, map[string]string{
		"P5": "fixed by hand with C2 (P5's 1st choice; C2 ranked P5 3rd)",
		"P1": "P1 has no coach: C1 has withdrawn; C2's places are all held by pairs fixed by hand or under way",
	})
	// A fixed pair of a withdrawn person goes with them.
	if _, err := Rematch(pb, before.Pairs, Withdrawal{Participants: []string{"P5"}}); err != nil {
		t.Errorf("withdrawing a participant of a fixed pair: %v", err)
	}
}

func TestRematchRefusesAMatchInForceThatIsNotOne(t *testing.T) {
	pb := small()
	current := solve(t, pb).Pairs // P1–C1, P2–C2, P3–C3
	for _, tc := range []struct {
		name    string
		fixed   []Pair
		current []Pair
		w       Withdrawal
		faults  []string
	}{
		{"an unknown withdrawn person", nil, current, Withdrawal{Participants: []string{"P9"}, Coaches: []string{"C9"}},
			[]string{"withdrawn participant P9: is not a participant", "withdrawn coach C9: is not a coach"}},
		{"a participant with two coaches", nil, append(slices.Clone(current), Pair{"P1", "C3"}), Withdrawal{},
			[]string{"current pair P1–C3: participant P1 has two coaches"}},
		{"a coach over capacity", nil, append(slices.Clone(current), Pair{"P4", "C3"}), Withdrawal{},
			[]string{"coach C3: has 2 pairs in the current match but a capacity of 1"}},
		{"a current pair at one school", nil, []Pair{{"P3", "C2"}}, Withdrawal{},
			[]string{"current pair P3–C2: the two are at the same school"}},
		{"an unknown current coach", nil, []Pair{{"P1", "C8"}}, Withdrawal{},
			[]string{"current pair P1–C8: coach C8 is not a coach"}},
		{"a fixed pair not in force", []Pair{{"P4", "C1"}}, current, Withdrawal{Participants: []string{"P2"}},
			[]string{"fixed pair P4–C1: is not in the current match"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := small()
			pb.Fixed = tc.fixed
			_, err := Rematch(pb, tc.current, tc.w)
			wantFaults(t, err, tc.faults)
		})
	}
}

func TestRematchRefusesAnEmptyIdWithoutLosingItsPlace(t *testing.T) {
	pb := small()
	pb.Coaches[0].ID = "" // C1: the withdrawn C3 is now the second of two ids
	_, err := Rematch(pb, nil, Withdrawal{Coaches: []string{"C3"}})
	wantFaults(t, err, []string{"coaches[0]: id is empty", "participant P1: prefs name C1", "participant P2: prefs name C1", "participant P4: prefs name C1"})
}

// without is pb less the withdrawn people, from its lists too: the problem
// the people who stay are re-matched in.
func without(pb Problem, w Withdrawal) Problem {
	gone := func(id string) bool { return slices.Contains(w.Participants, id) || slices.Contains(w.Coaches, id) }
	var out Problem
	for _, c := range pb.Coaches {
		if !gone(c.ID) {
			c.Prefs = slices.DeleteFunc(slices.Clone(c.Prefs), gone)
			out.Coaches = append(out.Coaches, c)
		}
	}
	for _, p := range pb.Participants {
		if !gone(p.ID) {
			p.Prefs = slices.DeleteFunc(slices.Clone(p.Prefs), gone)
			out.Participants = append(out.Participants, p)
		}
	}
	for _, f := range pb.Forbidden {
		if !gone(f.Participant) && !gone(f.Coach) {
			out.Forbidden = append(out.Forbidden, f)
		}
	}
	return out
}

// checkRematch re-matches pb after the withdrawal of wd (all: everyone
// withdrawn so far, wd included) from before, a result of Solve or Rematch,
// and checks what the package comment promises. It returns the re-match.
func checkRematch(t *testing.T, pb Problem, before Result, wd, all Withdrawal, brute bool, seen census) Result {
	t.Helper()
	after := rematch(t, pb, before.Pairs, all)
	w := newWorld(without(pb, all))
	was := map[string]string{}
	for _, p := range before.Pairs {
		was[p.Participant] = p.Coach
	}
	kept := map[string]string{}
	for p, c := range was {
		if !slices.Contains(all.Participants, p) && !slices.Contains(all.Coaches, c) {
			kept[p] = c
		}
	}
	stays := map[string]bool{}
	for p := range kept {
		stays[p] = true
	}
	got := checkMatch(t, w, after, stays, nil) // stable given the pairs kept
	for p, c := range kept {
		if got[p] != c {
			t.Fatalf("%s was with %s and is with %q after %+v withdrew", p, c, got[p], wd)
		}
	}
	for _, e := range after.Explanations {
		if _, ok := kept[e.Participant]; ok != (e.How == Kept) {
			t.Fatalf("%s: How %d, kept %v", e.Participant, e.How, ok)
		}
	}
	var added []Pair
	for p, c := range got {
		if _, ok := kept[p]; !ok {
			added = append(added, Pair{p, c})
			if was[p] != "" && !slices.Contains(wd.Coaches, was[p]) {
				t.Fatalf("%s moved from %s to %s, though neither withdrew", p, was[p], c)
			}
		}
	}
	load := map[string]int{}
	for _, c := range was {
		load[c]++
	}
	switch {
	case len(wd.Participants) == 1:
		// The place goes to the unmatched participant acceptable to the coach
		// whom it ranks highest, and nobody else changes.
		opened := was[wd.Participants[0]]
		next := ""
		for _, u := range w.coach[opened].Prefs {
			if was[u] == "" && w.acceptable(u, opened) {
				next = u
				break
			}
		}
		switch {
		case next == "" && len(added) == 0:
			seen["participant withdrawals leaving the place empty"]++
		case len(added) == 1 && added[0] == (Pair{next, opened}):
			seen["participant withdrawals whose place was taken"]++
		default:
			t.Fatalf("%s withdrew from %s: new pairs %v, want only %s with %s", wd.Participants[0], opened, added, next, opened)
		}
	case len(wd.Coaches) == 1:
		for _, a := range added {
			if was[a.Participant] == "" {
				t.Fatalf("%s was unmatched and has %s after %s withdrew", a.Participant, a.Coach, wd.Coaches[0])
			}
			if load[a.Coach] >= w.coach[a.Coach].Capacity {
				t.Fatalf("%s took a place at %s, which had none free", a.Participant, a.Coach)
			}
		}
		displaced := 0
		for _, c := range was {
			if c == wd.Coaches[0] {
				displaced++
			}
		}
		if len(added) > 0 {
			seen["coach withdrawals with a participant re-matched"]++
		}
		if len(added) < displaced {
			seen["coach withdrawals leaving a participant unmatched"]++
		}
	}
	if brute { // the re-match is the participant-optimal one given the pairs kept
		all := w.stableMatchings(kept)
		for _, P := range w.pb.Participants {
			best := ""
			for _, m := range all {
				if c := m[P.ID]; c != "" && w.prefers(P.ID, c, best) {
					best = c
				}
			}
			if got[P.ID] != best {
				t.Fatalf("%s has %q after the re-match; a stable re-match gives %q", P.ID, got[P.ID], best)
			}
		}
	}
	return after
}

// TestRematchChangesNoOtherPair withdraws a participant or a coach of a match
// (and then someone else from the re-match) on generated instances, and
// checks that every other pair stays, that only the people affected are
// re-matched, and that the re-match is stable given the pairs kept and, on
// small instances, the best such for every participant.
func TestRematchChangesNoOtherPair(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 5))
	seen := census{}
	withdraw := func(res Result, n int, all Withdrawal) (Withdrawal, Withdrawal) {
		pr := res.Pairs[r.IntN(len(res.Pairs))]
		wd := Withdrawal{Participants: []string{pr.Participant}}
		if n%3 == 0 {
			wd = Withdrawal{Coaches: []string{pr.Coach}}
		}
		all.Participants = append(slices.Clone(all.Participants), wd.Participants...)
		all.Coaches = append(slices.Clone(all.Coaches), wd.Coaches...)
		return wd, all
	}
	for n := range 3000 {
		brute := n%2 == 0
		pb := gen(r, 2+r.IntN(10), 5+r.IntN(30), 3, n%5 == 0)
		if brute {
			pb = gen(r, 1+r.IntN(3), 2+r.IntN(5), 2, n%4 == 0)
		}
		before := solve(t, pb)
		if len(before.Pairs) == 0 {
			continue
		}
		wd, all := withdraw(before, n, Withdrawal{})
		after := checkRematch(t, pb, before, wd, all, brute, seen)
		if len(after.Pairs) == 0 {
			continue
		}
		wd, all = withdraw(after, n/3+1, all) // a second withdrawal, from the re-match
		checkRematch(t, pb, after, wd, all, brute, seen)
		seen["second withdrawals"]++
	}
	seen.require(t, "participant withdrawals whose place was taken", "participant withdrawals leaving the place empty",
		"coach withdrawals with a participant re-matched", "coach withdrawals leaving a participant unmatched", "second withdrawals")
}
