package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// samples is the folder of the shared samples with their optima, copied
// from ../shared/data/qa-allocation into testdata so that a clone of the
// repository alone can run the test.
func samples(t *testing.T) string {
	t.Helper()
	return "testdata"
}

// TestSamplesReachTheirOptimum runs the command on both shared samples and compares
// seats filled and cost with the optimum beside each (found by network simplex and by
// GLPK); the rules are checked in internal/allocate and by ../shared/tools/check-solvers.
func TestSamplesReachTheirOptimum(t *testing.T) {
	dir := samples(t)
	for _, name := range []string{"sample-small", "sample-term"} {
		var out, errs bytes.Buffer
		if err := run([]string{filepath.Join(dir, name+".json")}, nil, &out, &errs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got struct {
			Assignments []struct{ Review, Reviewer, Seat string }
			Unfilled    []struct {
				Count int
				Why   string
			}
			Filled int
			Cost   int64
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, name+".optimum.json"))
		if err != nil {
			t.Fatal(err)
		}
		var opt struct {
			Filled, Seats int
			Cost          int64
		}
		if err := json.Unmarshal(raw, &opt); err != nil {
			t.Fatal(err)
		}
		empty := 0
		for _, u := range got.Unfilled {
			empty += u.Count
		}
		if got.Filled != opt.Filled || got.Cost != opt.Cost || len(got.Assignments) != got.Filled || got.Filled+empty != opt.Seats {
			t.Fatalf("%s: filled %d (%d assignments, %d empty) at cost %d; optimum %d of %d at %d", name, got.Filled, len(got.Assignments), empty, got.Cost, opt.Filled, opt.Seats, opt.Cost)
		}
		if !strings.Contains(errs.String(), "lead seats are empty") {
			t.Fatalf("%s: no shortfall on standard error: %q", name, errs.String())
		}
	}
}

func TestBadInstanceFailsNamingTheFaultAndWritesNothing(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"weeks": 2, "reviews": [{"id": "R1", "school": "S1", "week": 3, "team_size": 1, "needs_lead": false}], "reviewers": []}`, "review R1: week 3 is outside the period's weeks 1-2"},
		{`{"weeks": 2, "reviews": [], "reviewers": [{"id": "P1", "school": "S1", "lead": "yes", "max_reviews": 1}]}`, "reviewers.lead must be true or false"},
	} {
		var out, errs bytes.Buffer
		err := run(nil, strings.NewReader(tc.in), &out, &errs)
		if err == nil || !strings.Contains(err.Error(), tc.want) || out.Len() != 0 {
			t.Fatalf("err %v (want %q), stdout %q", err, tc.want, out.String())
		}
	}
	if err := run([]string{"a.json", "b.json"}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Fatal("two files accepted")
	}
}

func TestExplainAddsCostAndWhy(t *testing.T) {
	in := `{"weeks": 1, "reviews": [{"id": "R1", "school": "S1", "week": 1, "team_size": 1, "needs_lead": false}],
	  "reviewers": [{"id": "P1", "school": "S2", "lead": false, "max_reviews": 1}], "conflicts": [],
	  "costs": [{"reviewer": "P1", "review": "R1", "cost": 9, "parts": [{"name": "travel", "cost": 5}, {"name": "reciprocity", "cost": 4}]}]}`
	var out bytes.Buffer
	if err := run([]string{"-explain"}, strings.NewReader(in), &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"why": "cost 9 (travel 5, reciprocity 4); one of 1 reviewer who could take it`) {
		t.Fatal(out.String())
	}
}
