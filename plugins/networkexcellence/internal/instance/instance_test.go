package instance

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/allocate"
)

const valid = `{
  "name": "autumn 2017",
  "weeks": 10,
  "reviews":   [{"id": "R0001", "school": "S0001", "week": 3, "team_size": 3, "needs_lead": true}],
  "reviewers": [{"id": "P0001", "school": "S0042", "lead": false, "max_reviews": 2, "unavailable_weeks": [1, 2]}],
  "conflicts": [{"reviewer": "P0001", "review": "R0007", "why": "same hub"}],
  "costs":     [{"reviewer": "P0001", "review": "R0001", "cost": 12, "parts": [{"name": "travel", "cost": 12}]}],
  "pinned":    [{"review": "R0001", "reviewer": "P0001", "seat": "team"}],
  "forbidden": [{"reviewer": "P0001", "review": "R0002"}],
  "previous":  [{"review": "R0001", "reviewer": "P0001", "seat": "team"}]
}`

func TestParseReadsEveryField(t *testing.T) {
	p, err := Parse(strings.NewReader(valid))
	if err != nil {
		t.Fatal(err)
	}
	if p.Weeks != 10 || len(p.Reviews) != 1 || len(p.Reviewers) != 1 {
		t.Fatalf("%+v", p)
	}
	if r := p.Reviews[0]; r != (allocate.Review{ID: "R0001", School: "S0001", Week: 3, TeamSize: 3, NeedsLead: true}) {
		t.Fatalf("review %+v", r)
	}
	if r := p.Reviewers[0]; r.ID != "P0001" || r.School != "S0042" || r.Lead || r.MaxReviews != 2 || len(r.UnavailableWeeks) != 2 || r.UnavailableWeeks[1] != 2 {
		t.Fatalf("reviewer %+v", r)
	}
	if c := p.Conflicts[0]; c != (allocate.Pair{Reviewer: "P0001", Review: "R0007", Why: "same hub"}) {
		t.Fatalf("conflict %+v", c)
	}
	if c := p.Costs[0]; c.Cost != 12 || len(c.Parts) != 1 || c.Parts[0] != (allocate.CostPart{Name: "travel", Amount: 12}) {
		t.Fatalf("cost %+v", c)
	}
	want := allocate.Assignment{Review: "R0001", Reviewer: "P0001", Seat: allocate.Team}
	if p.Pinned[0] != want || p.Previous[0] != want || p.Forbidden[0].Review != "R0002" {
		t.Fatalf("pinned %+v previous %+v forbidden %+v", p.Pinned, p.Previous, p.Forbidden)
	}
}

func TestParseRefusesAMalformedInstanceNamingTheFault(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", ``, "the instance is empty"},
		{"not JSON", "{\n\"weeks\": 3,\n\"reviews\": [}", "line 3: not valid JSON"},
		{"a list", `[1, 2]`, "must be an object"},
		{"two objects", `{"weeks": 1, "reviews": [], "reviewers": []} {}`, "more data after the instance's closing brace"},
		{"unknown field", `{"weeks": 1, "reviewz": []}`, `unknown field "reviewz"`},
		{"misspelt review field", `{"weeks": 1, "reviews": [{"id": "R1", "school": "S1", "week": 1, "teamsize": 3, "needs_lead": true}]}`, `unknown field "teamsize"`},
		{"week as text", "{\"weeks\": 1,\n\"reviews\": [{\"id\": \"R1\", \"school\": \"S1\", \"week\": \"3\", \"team_size\": 3, \"needs_lead\": true}]}", "line 2: reviews.week must be a whole number, not a JSON string"},
		{"fractional week", `{"weeks": 1, "reviews": [{"id": "R1", "school": "S1", "week": 1.5, "team_size": 3, "needs_lead": true}]}`, "reviews.week must be a whole number"},
		{"lead as number", `{"weeks": 1, "reviewers": [{"id": "P1", "school": "S1", "lead": 1, "max_reviews": 1}]}`, "reviewers.lead must be true or false"},
		{"missing weeks", `{"reviews": [], "reviewers": []}`, "the instance: weeks is missing"},
		{"missing team size", `{"weeks": 1, "reviews": [{"id": "R1", "school": "S1", "week": 1, "needs_lead": true}]}`, "reviews[0] (R1): team_size is missing"},
		{"missing needs_lead", `{"weeks": 1, "reviews": [{"id": "R1", "school": "S1", "week": 1, "team_size": 2}]}`, "reviews[0] (R1): needs_lead is missing"},
		{"missing review id", `{"weeks": 1, "reviews": [{"school": "S1", "week": 1, "team_size": 2, "needs_lead": true}]}`, "reviews[0]: id is missing"},
		{"missing max_reviews", `{"weeks": 1, "reviewers": [{"id": "P1", "school": "S1", "lead": true}]}`, "reviewers[0] (P1): max_reviews is missing"},
		{"missing cost", `{"weeks": 1, "costs": [{"reviewer": "P1", "review": "R1"}]}`, "costs[0]: cost is missing"},
		{"missing conflict review", `{"weeks": 1, "conflicts": [{"reviewer": "P1"}]}`, "conflicts[0]: review is missing"},
		{"missing pinned seat", `{"weeks": 1, "pinned": [{"reviewer": "P1", "review": "R1"}]}`, "pinned[0]: seat is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestResultHasTheReadmeFormat(t *testing.T) {
	p, err := Parse(strings.NewReader(`{"weeks": 2,
	  "reviews": [{"id": "R1", "school": "S1", "week": 1, "team_size": 1, "needs_lead": true}],
	  "reviewers": [{"id": "P1", "school": "S2", "lead": false, "max_reviews": 1}],
	  "conflicts": [], "costs": [{"reviewer": "P1", "review": "R1", "cost": 7}]}`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := allocate.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, explain := range []bool{false, true} {
		var out bytes.Buffer
		if err := Write(&out, NewResult(a, explain)); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got["filled"] != 1.0 || got["cost"] != 7.0 {
			t.Fatalf("result %s", out.String())
		}
		as := got["assignments"].([]any)
		one := as[0].(map[string]any)
		if one["review"] != "R1" || one["reviewer"] != "P1" || one["seat"] != "team" || (len(one) == 5) != explain {
			t.Fatalf("assignment %v (explain %v)", one, explain)
		}
		un := got["unfilled"].([]any)[0].(map[string]any)
		if un["review"] != "R1" || un["seat"] != "lead" || un["count"] != 1.0 || un["why"] != "there is no Lead Reviewer in the instance" {
			t.Fatalf("unfilled %v", un)
		}
	}
}

// FuzzParse feeds arbitrary bytes to Parse and then Solve: neither may panic, and a
// solved instance's result must keep the seat counts it reports.
func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte(`{"weeks": 2, "reviews": [{"id": "R1", "school": "S1", "week": 1, "team_size": 1, "needs_lead": true}], "reviewers": [{"id": "L", "school": "", "lead": true, "max_reviews": 2}]}`))
	f.Add([]byte(`{"weeks": -1}`))
	f.Add([]byte(`{"weeks": 1, "reviews": [{"id": "R1", "school": "S1", "week": 99999999999, "team_size": 1, "needs_lead": true}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(bytes.NewReader(data))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		a, err := allocate.Solve(p)
		if err != nil {
			return
		}
		if a.Filled > a.Seats || a.Filled != len(a.Assignments) {
			t.Fatalf("filled %d of %d with %d assignments", a.Filled, a.Seats, len(a.Assignments))
		}
		var out bytes.Buffer
		if err := Write(&out, NewResult(a, true)); err != nil {
			t.Fatal(err)
		}
	})
}
