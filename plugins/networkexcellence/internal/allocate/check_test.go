package allocate

import (
	"errors"
	"strings"
	"testing"
)

// base is a small valid instance: two reviews in weeks 1 and 2, three reviewers.
func base() Problem {
	return Problem{
		Weeks: 3,
		Reviews: []Review{
			{ID: "R1", School: "S1", Week: 1, TeamSize: 1, NeedsLead: true},
			{ID: "R2", School: "S2", Week: 2, TeamSize: 1, NeedsLead: false},
		},
		Reviewers: []Reviewer{
			{ID: "L1", School: "S9", Lead: true, MaxReviews: 2},
			{ID: "P1", School: "S1", MaxReviews: 1},
			{ID: "P2", School: "S8", MaxReviews: 1, UnavailableWeeks: []int{2}},
		},
		Conflicts: []Pair{{Reviewer: "P2", Review: "R1", Why: "same hub"}},
		Costs:     []Cost{{Reviewer: "L1", Review: "R1", Cost: 4, Parts: []CostPart{{"travel", 3}, {"load", 1}}}},
	}
}

func TestSolveRefusesAMalformedInstanceNamingTheFault(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(p *Problem)
		where string // the fault names this entry
		what  string // and says this
	}{
		{"no weeks", func(p *Problem) { p.Weeks = 0 }, "weeks", "1 to 104"},
		{"review twice", func(p *Problem) { p.Reviews[1].ID = "R1" }, "review R1", "listed twice"},
		{"review without id", func(p *Problem) { p.Reviews[0].ID = "" }, `review in week 1 of school "S1"`, "has no id"},
		{"review without school", func(p *Problem) { p.Reviews[1].School = "" }, "review R2", "has no school"},
		{"week outside", func(p *Problem) { p.Reviews[1].Week = 4 }, "review R2", "week 4 is outside the period's weeks 1-3"},
		{"negative team", func(p *Problem) { p.Reviews[0].TeamSize = -1 }, "review R1", "team_size is -1"},
		{"reviewer twice", func(p *Problem) { p.Reviewers[2].ID = "P1" }, "reviewer P1", "listed twice"},
		{"negative limit", func(p *Problem) { p.Reviewers[1].MaxReviews = -2 }, "reviewer P1", "max_reviews is -2"},
		{"unavailable week outside", func(p *Problem) { p.Reviewers[2].UnavailableWeeks = []int{0} }, "reviewer P2", "unavailable week 0"},
		{"conflict with unknown reviewer", func(p *Problem) { p.Conflicts[0].Reviewer = "X" }, "conflicts[0] (X, R1)", `reviewer "X", who is not in the reviewers`},
		{"cost of unknown review", func(p *Problem) { p.Costs[0].Review = "R9" }, "costs[0] (L1, R9)", `review "R9", which is not in the reviews`},
		{"cost twice", func(p *Problem) { p.Costs = append(p.Costs, Cost{Reviewer: "L1", Review: "R1", Cost: 2}) }, "costs[1] (L1, R1)", "already given by costs[0]"},
		{"cost too big", func(p *Problem) { p.Costs[0].Cost, p.Costs[0].Parts = MaxCost+1, nil }, "costs[0] (L1, R1)", "beyond ±1000000000"},
		{"parts do not add up", func(p *Problem) { p.Costs[0].Parts[0].Amount = 1 }, "costs[0] (L1, R1)", "parts add up to 2, not its cost 4"},
		{"pin at own school", func(p *Problem) { p.Pinned = []Assignment{{"R1", "P1", Team}} }, "pinned[0] (P1 at R1, team seat)", "from the host school S1"},
		{"pin in unavailable week", func(p *Problem) { p.Pinned = []Assignment{{"R2", "P2", Team}} }, "pinned[0] (P2 at R2, team seat)", "unavailable in week 2"},
		{"pin on a conflict", func(p *Problem) { p.Pinned = []Assignment{{"R1", "P2", Team}} }, "pinned[0] (P2 at R1, team seat)", "conflicted with R1 (same hub)"},
		{"pin of a non-lead to a lead seat", func(p *Problem) { p.Pinned = []Assignment{{"R1", "P1", Lead}} }, "pinned[0] (P1 at R1, lead seat)", "not a Lead Reviewer"},
		{"pin to a missing lead seat", func(p *Problem) { p.Pinned = []Assignment{{"R2", "L1", Lead}} }, "pinned[0] (L1 at R2, lead seat)", "has no lead seat"},
		{"pin over the limit", func(p *Problem) {
			p.Reviewers[0].MaxReviews = 1
			p.Pinned = []Assignment{{"R1", "L1", Lead}, {"R2", "L1", Team}}
		}, "pinned[1] (L1 at R2, team seat)", "over their max_reviews 1"},
		{"two pins in one week", func(p *Problem) { p.Pinned = []Assignment{{"R1", "L1", Lead}, {"R1", "L1", Team}} }, "pinned[1] (L1 at R1, team seat)", "same week 1"},
		{"pin over the seats", func(p *Problem) {
			p.Reviewers = append(p.Reviewers, Reviewer{ID: "P3", School: "S7", MaxReviews: 1})
			p.Pinned = []Assignment{{"R2", "L1", Team}, {"R2", "P3", Team}}
		}, "pinned[1] (P3 at R2, team seat)", "2 reviewers are pinned to the 1 team seat of R2"},
		{"pin of a forbidden pair", func(p *Problem) {
			p.Forbidden = []Pair{{Reviewer: "L1", Review: "R1"}}
			p.Pinned = []Assignment{{"R1", "L1", Lead}}
		}, "pinned[0] (L1 at R1, lead seat)", "also forbidden"},
		{"bad previous seat", func(p *Problem) { p.Previous = []Assignment{{"R1", "L1", "chair"}} }, "previous[0] (L1, R1)", `seat "chair"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			_, err := Solve(p)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("want an *InputError, got %v", err)
			}
			for _, f := range ie.Faults {
				if f.Where == tc.where && strings.Contains(f.Message, tc.what) {
					return
				}
			}
			t.Fatalf("no fault %q: %q among %v", tc.where, tc.what, ie.Faults)
		})
	}
}

func TestSolveReportsEveryFaultAtOnce(t *testing.T) {
	p := base()
	p.Reviews[1].Week = 9
	p.Reviewers[1].MaxReviews = -1
	_, err := Solve(p)
	var ie *InputError
	if !errors.As(err, &ie) || len(ie.Faults) != 2 {
		t.Fatalf("want two faults, got %v", err)
	}
	if !strings.Contains(err.Error(), "2 faults: review R2: week 9") {
		t.Fatalf("message %q", err)
	}
}

func TestBaseInstanceIsValidAndExplained(t *testing.T) {
	a, err := Solve(base())
	if err != nil {
		t.Fatal(err)
	}
	checkAllocation(t, "base", base(), a)
	// L1 leads R1 (4 = travel 3 + load 1); P2 cannot sit at R1 (conflict) nor R2
	// (unavailable), P1 not at R1 (own school): R1's team seat is empty, R2's team seat
	// goes to L1 or P1.
	if a.Filled != 2 || a.Seats != 3 {
		t.Fatalf("filled %d of %d: %+v", a.Filled, a.Seats, a)
	}
	lead := a.Assignments[0]
	if lead.Assignment != (Assignment{"R1", "L1", Lead}) || lead.Why() != "cost 4 (travel 3, load 1); one of 1 reviewer who could take it" {
		t.Fatalf("lead %+v: %s", lead, lead.Why())
	}
	if len(a.Unfilled) != 1 {
		t.Fatalf("unfilled %+v", a.Unfilled)
	}
	u := a.Unfilled[0]
	want := "no reviewer could take it: of the 3 reviewers, 1 from the host school, 1 conflicted (1 same hub), 1 already on this review's team; none of those busy can move here without leaving another seat empty"
	if u.Review != "R1" || u.Seat != Team || u.Count != 1 || u.Why() != want {
		t.Fatalf("unfilled %+v:\n%s\nwant\n%s", u, u.Why(), want)
	}
	if len(a.Shortfall) != 1 || !strings.Contains(a.Shortfall[0], "1 of 2 team seats are empty") {
		t.Fatalf("shortfall %q", a.Shortfall)
	}
}

// TestUnfilledLeadSeatCountsEveryLeadReviewer checks the counts of an unfilled lead
// seat, each Lead Reviewer once under one reason. Week 1 has three reviews needing a
// lead; of five Lead Reviewers, L2 is unavailable, L4 conflicted with all three, L5 has
// a limit of 0, and L3 is from R2's school. L1 and L3 fill two lead seats; the costs
// make R3 the one left empty. L1, busy that week and at their limit of 1, counts under
// the limit (the first reason that applies); L3 under busy.
func TestUnfilledLeadSeatCountsEveryLeadReviewer(t *testing.T) {
	p := Problem{Weeks: 2,
		Reviews: []Review{
			{ID: "R1", School: "S1", Week: 1, NeedsLead: true},
			{ID: "R2", School: "S2", Week: 1, NeedsLead: true},
			{ID: "R3", School: "S3", Week: 1, NeedsLead: true},
		},
		Reviewers: []Reviewer{
			{ID: "L1", School: "S9", Lead: true, MaxReviews: 1},
			{ID: "L2", School: "S8", Lead: true, MaxReviews: 3, UnavailableWeeks: []int{1}},
			{ID: "L3", School: "S2", Lead: true, MaxReviews: 3},
			{ID: "L4", School: "S7", Lead: true, MaxReviews: 3},
			{ID: "L5", School: "S6", Lead: true, MaxReviews: 0},
			{ID: "P1", School: "S5", MaxReviews: 3},
		},
		Conflicts: []Pair{{Reviewer: "L4", Review: "R1", Why: "same trust"}, {Reviewer: "L4", Review: "R2", Why: "same trust"}, {Reviewer: "L4", Review: "R3", Why: "same trust"}},
		Costs:     []Cost{{Reviewer: "L3", Review: "R3", Cost: 5}, {Reviewer: "L1", Review: "R3", Cost: 1}},
	}
	a, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	checkAllocation(t, "leads", p, a)
	if got := plain(a); len(got) != 2 || got[0] != (Assignment{"R1", "L3", Lead}) || got[1] != (Assignment{"R2", "L1", Lead}) {
		t.Fatalf("assignments %+v", got)
	}
	if len(a.Unfilled) != 1 || a.Unfilled[0].Review != "R3" {
		t.Fatalf("unfilled %+v", a.Unfilled)
	}
	want := "no Lead Reviewer could take it: of the 5 Lead Reviewers, 1 unavailable in week 1, 1 conflicted (1 same trust), 2 at their limit of reviews, 1 reviewing another school in week 1; none of those busy can move here without leaving another seat empty"
	if got := a.Unfilled[0].Why(); got != want {
		t.Fatalf("why:\n%s\nwant\n%s", got, want)
	}
}

// TestShortfallSaysWhenLeadReviewersFillTeamSeats: one Lead Reviewer, free for one
// review only, is cheaper in a team seat; the empty lead seat's shortfall says so.
func TestShortfallSaysWhenLeadReviewersFillTeamSeats(t *testing.T) {
	p := Problem{Weeks: 2,
		Reviews: []Review{
			{ID: "R1", School: "S1", Week: 1, NeedsLead: true},
			{ID: "R2", School: "S2", Week: 2, TeamSize: 1},
		},
		Reviewers: []Reviewer{{ID: "L1", School: "S9", Lead: true, MaxReviews: 1}},
		Costs:     []Cost{{Reviewer: "L1", Review: "R1", Cost: 5}},
	}
	a, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := plain(a); len(got) != 1 || got[0] != (Assignment{"R2", "L1", Team}) {
		t.Fatalf("assignments %+v", got)
	}
	want := "1 of 1 lead seats are empty: the 1 Lead Reviewers can lead at most 1 reviews"
	if len(a.Shortfall) != 1 || !strings.HasPrefix(a.Shortfall[0], want) || !strings.Contains(a.Shortfall[0], "Lead Reviewers also fill 1 team seat: a team seat counts as much as a lead seat") {
		t.Fatalf("shortfall %q", a.Shortfall)
	}
}
