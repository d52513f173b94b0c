package problem

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/allocate"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

func f(v float64) *float64 { return &v }

// London (51.51, -0.13) and Portsmouth (50.82, -1.09): about 103 km apart.
var (
	london     = Place{School: 1, Hub: 100, Trust: 200, Lat: f(51.51), Lng: f(-0.13)}
	portsmouth = Place{School: 2, Hub: 101, Lat: f(50.82), Lng: f(-1.09)}
)

func TestDistance(t *testing.T) {
	km, ok := Distance(london, portsmouth)
	if !ok || km < 100 || km > 106 {
		t.Fatalf("London-Portsmouth = %.1f km (%v)", km, ok)
	}
	if _, ok := Distance(london, Place{School: 3}); ok {
		t.Fatal("a place without coordinates has no distance")
	}
}

// TestConflictsAndCosts builds one review and a reviewer per rule, and
// checks what the Problem says of each pair.
func TestConflictsAndCosts(t *testing.T) {
	host := Review{ID: 7, Host: london, Week: 3, TeamSize: 2, NeedsLead: true}
	in := Input{Weeks: 38, Reviews: []Review{host}, ReviewedWithin: 3, Weights: rules.Weights{Travel: 1, Load: 4, Reciprocity: 2, Prior: 10},
		Credit: map[uint64]int{2: 3, 9: 50}}
	type want struct {
		conflict string
		cost     int64
		parts    string
		left     bool
	}
	cases := []struct {
		name string
		r    Reviewer
		hist []Visit
		want want
	}{
		{"from the host's hub", Reviewer{ID: 1, Home: Place{School: 5, Hub: 100}}, nil, want{conflict: SameHub}},
		{"from the host's trust", Reviewer{ID: 2, Home: Place{School: 6, Hub: 102, Trust: 200}}, nil, want{conflict: SameTrust}},
		{"reviewed it two years ago", Reviewer{ID: 3, Home: Place{School: 8}}, []Visit{{Reviewer: 3, Host: 1, YearsAgo: 2}}, want{conflict: "reviewed the school in the last 3 years"}},
		{"reviewed it four years ago: a prior relationship", Reviewer{ID: 4, Home: Place{School: 8}}, []Visit{{Reviewer: 4, Host: 1, YearsAgo: 4}}, want{cost: 10, parts: "prior relationship 10"}},
		{"the host's reviewers reviewed their school last year", Reviewer{ID: 5, Home: Place{School: 8}}, []Visit{{Reviewer: 99, ReviewerSchool: 1, Host: 8, YearsAgo: 1}}, want{cost: 10, parts: "prior relationship 10"}},
		{"far, gave more than received, busy", Reviewer{ID: 6, Home: portsmouth, SeatsElsewhere: 1, LastYear: 2}, nil, want{cost: 10 + 12 + 6, parts: "travel 10, load 12, reciprocity 6"}},
		{"reciprocity is capped at 20 days", Reviewer{ID: 7, Home: Place{School: 9}}, nil, want{cost: 40, parts: "reciprocity 40"}},
		{"a reviewer from no school, free of everything", Reviewer{ID: 8}, nil, want{}},
		{"its own school: the solver's rule, no conflict listed", Reviewer{ID: 9, Home: Place{School: 1, Hub: 100}}, nil, want{}},
		{"untrained: left out", Reviewer{ID: 10, Active: true}, nil, want{left: true}},
		{"inactive: left out", Reviewer{ID: 11, Trained: true}, nil, want{left: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.r
			if !strings.Contains(c.name, "left out") {
				r.Active, r.Trained = true, true
			}
			r.MaxReviews = 3
			in := in
			in.Reviewers, in.History = []Reviewer{r}, c.hist
			b := Build(in)
			p := b.Problem
			if c.want.left {
				if len(p.Reviewers) != 0 || len(b.Notes) != 1 {
					t.Fatalf("reviewers %+v, notes %v", p.Reviewers, b.Notes)
				}
				return
			}
			if len(p.Reviewers) != 1 || p.Reviewers[0].MaxReviews != 3-r.SeatsElsewhere {
				t.Fatalf("reviewers %+v", p.Reviewers)
			}
			var why string
			for _, x := range p.Conflicts {
				why = x.Why
			}
			if why != c.want.conflict {
				t.Fatalf("conflict %q, want %q", why, c.want.conflict)
			}
			var cost int64
			var parts []string
			for _, x := range p.Costs {
				cost = x.Cost
				for _, part := range x.Parts {
					parts = append(parts, part.Name+" "+itoa(part.Amount))
				}
			}
			if cost != c.want.cost || strings.Join(parts, ", ") != c.want.parts {
				t.Fatalf("cost %d (%s), want %d (%s)", cost, strings.Join(parts, ", "), c.want.cost, c.want.parts)
			}
			if _, err := allocate.Solve(p); err != nil {
				t.Fatalf("the solver refuses it: %v", err)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestTheSolverPrefersTheCheaperAndKeepsThePins solves a small period:
// two reviews in one week, three reviewers; the pin holds, the forbidden
// pair is never used, the untrained reviewer is never seated, a pin for a
// review outside the period is dropped.
func TestTheSolverPrefersTheCheaperAndKeepsThePins(t *testing.T) {
	near := Place{School: 20, Hub: 101, Lat: f(51.50), Lng: f(-0.12)}
	far := Place{School: 21, Hub: 103, Lat: f(53.48), Lng: f(-2.24)} // Manchester
	in := Input{Weeks: 38, ReviewedWithin: 3, Weights: rules.Weights{Travel: 1},
		Reviews: []Review{{ID: 1, Host: london, Week: 5, TeamSize: 1}, {ID: 2, Host: Place{School: 3, Hub: 104, Lat: f(51.52), Lng: f(-0.10)}, Week: 6, TeamSize: 1}},
		Reviewers: []Reviewer{
			{ID: 10, Home: near, Trained: true, Active: true, MaxReviews: 1},
			{ID: 11, Home: far, Trained: true, Active: true, MaxReviews: 2},
			{ID: 12, Home: near, Active: true, MaxReviews: 2}, // untrained
		},
		Pins:      []Pair{{Review: 2, Reviewer: 10, Seat: allocate.Team}, {Review: 99, Reviewer: 11, Seat: allocate.Team}},
		Forbidden: []Pair{{Review: 1, Reviewer: 12, Why: "asked not to"}},
	}
	b := Build(in)
	a, err := allocate.Solve(b.Problem)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range a.Assignments {
		got[x.Review] = x.Reviewer
	}
	// The near reviewer is pinned to review 2 and has a limit of 1, so the
	// far one takes review 1 though it costs more.
	if a.Filled != 2 || got["R2"] != "P10" || got["R1"] != "P11" {
		t.Fatalf("assignments %+v", a.Assignments)
	}
	if len(b.Problem.Pinned) != 1 || len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "1 reviewer on the register is not trained yet") {
		t.Fatalf("pins %+v notes %v", b.Problem.Pinned, b.Notes)
	}
	// Without the pin, the near reviewer takes the review nearest them.
	in.Pins = nil
	a, _ = allocate.Solve(Build(in).Problem)
	if a.Filled != 2 {
		t.Fatalf("filled %d", a.Filled)
	}
	if ReviewID("R12") != 12 || ReviewerID("P7") != 7 || ReviewID("P7") != 0 || ReviewerID("x") != 0 {
		t.Fatal("keys do not read back")
	}
}

// TestBuildIsPure keeps the package free of storage, the network and the SDK.
func TestBuildIsPure(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		for _, bad := range []string{"gorm.io", "net/http", "database/sql", "plugins/sdk", "upwards/core"} {
			if strings.Contains(p, bad) {
				t.Errorf("internal/problem depends on %s", p)
			}
		}
	}
}
