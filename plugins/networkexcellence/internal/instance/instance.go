// Package instance reads and writes the QA-allocation files of
// ../shared/data/qa-allocation/README.md: an instance in, a result out.
//
// Parse refuses a malformed file with an error that names the line, the list
// entry and the field at fault: bad JSON, an unknown field (a misspelt key
// would otherwise read as a zero), a missing required field, or a value of the
// wrong type. The rules of the allocation (known ids, weeks in range, ...) are
// checked by allocate.Solve. Besides the README's fields, an instance may carry
// the plugin's extensions: "parts" on a cost, and "pinned", "forbidden" and
// "previous" lists (see the plugin's README).
package instance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/allocate"
)

// MaxSize bounds the bytes Parse reads.
const MaxSize = 256 << 20

type file struct {
	Name      string       `json:"name"`
	Weeks     *int         `json:"weeks"`
	Reviews   []review     `json:"reviews"`
	Reviewers []reviewer   `json:"reviewers"`
	Conflicts []pair       `json:"conflicts"`
	Costs     []cost       `json:"costs"`
	Pinned    []assignment `json:"pinned,omitempty"`
	Forbidden []pair       `json:"forbidden,omitempty"`
	Previous  []assignment `json:"previous,omitempty"`
}

type review struct {
	ID        *string `json:"id"`
	School    *string `json:"school"`
	Week      *int    `json:"week"`
	TeamSize  *int    `json:"team_size"`
	NeedsLead *bool   `json:"needs_lead"`
}

type reviewer struct {
	ID               *string `json:"id"`
	School           *string `json:"school"`
	Lead             *bool   `json:"lead"`
	MaxReviews       *int    `json:"max_reviews"`
	UnavailableWeeks []int   `json:"unavailable_weeks"`
}

type pair struct {
	Reviewer *string `json:"reviewer"`
	Review   *string `json:"review"`
	Why      string  `json:"why,omitempty"`
}

type cost struct {
	Reviewer *string `json:"reviewer"`
	Review   *string `json:"review"`
	Cost     *int64  `json:"cost"`
	Parts    []part  `json:"parts,omitempty"`
}

type part struct {
	Name string `json:"name"`
	Cost int64  `json:"cost"`
}

type assignment struct {
	Review   *string `json:"review"`
	Reviewer *string `json:"reviewer"`
	Seat     *string `json:"seat"`
}

// Parse reads one instance. The error names the line, or the entry and field, at fault.
func Parse(r io.Reader) (allocate.Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return allocate.Problem{}, fmt.Errorf("reading the instance: %w", err)
	}
	if len(data) > MaxSize {
		return allocate.Problem{}, fmt.Errorf("the instance is over %d MB: allocate a term or a group of hubs at a time", MaxSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return allocate.Problem{}, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return allocate.Problem{}, fmt.Errorf("line %d: more data after the instance's closing brace: give one JSON object", line(data, dec.InputOffset()))
	}
	return f.problem()
}

// jsonError turns a decoding error into one that names the line and the field.
func jsonError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("line %d: not valid JSON: %w", line(data, syntax.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("line %d: %s must be %s, not a JSON %s", line(data, typ.Offset), typ.Field, typeName(typ.Type.String()), typ.Value)
	case errors.Is(err, io.EOF):
		return errors.New("the instance is empty: give one JSON object with weeks, reviews and reviewers")
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return fmt.Errorf("%s: the instance format has no such field; see ../shared/data/qa-allocation/README.md", strings.TrimPrefix(err.Error(), "json: "))
	}
	return fmt.Errorf("reading the instance: %w", err)
}

func typeName(t string) string {
	switch strings.TrimLeft(t, "*[]") {
	case "int", "int64":
		return "a whole number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	}
	if strings.HasPrefix(t, "[]") {
		return "a list"
	}
	return "an object"
}

// line is the 1-based line of a byte offset.
func line(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// problem checks the required fields and converts.
func (f file) problem() (allocate.Problem, error) {
	var faults []string
	need := func(ok bool, where, field string) {
		if !ok {
			faults = append(faults, fmt.Sprintf("%s: %s is missing", where, field))
		}
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	num := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	need(f.Weeks != nil, "the instance", "weeks")
	p := allocate.Problem{Weeks: num(f.Weeks)}
	named := func(list string, i int, id *string) string {
		if id == nil {
			return fmt.Sprintf("%s[%d]", list, i)
		}
		return fmt.Sprintf("%s[%d] (%s)", list, i, *id)
	}
	for i, r := range f.Reviews {
		where := named("reviews", i, r.ID)
		need(r.ID != nil, where, "id")
		need(r.School != nil, where, "school")
		need(r.Week != nil, where, "week")
		need(r.TeamSize != nil, where, "team_size")
		need(r.NeedsLead != nil, where, "needs_lead")
		p.Reviews = append(p.Reviews, allocate.Review{ID: str(r.ID), School: str(r.School), Week: num(r.Week), TeamSize: num(r.TeamSize), NeedsLead: r.NeedsLead != nil && *r.NeedsLead})
	}
	for i, r := range f.Reviewers {
		where := named("reviewers", i, r.ID)
		need(r.ID != nil, where, "id")
		need(r.School != nil, where, "school")
		need(r.Lead != nil, where, "lead")
		need(r.MaxReviews != nil, where, "max_reviews")
		p.Reviewers = append(p.Reviewers, allocate.Reviewer{ID: str(r.ID), School: str(r.School), Lead: r.Lead != nil && *r.Lead, MaxReviews: num(r.MaxReviews), UnavailableWeeks: r.UnavailableWeeks})
	}
	pairs := func(list string, in []pair) []allocate.Pair {
		var out []allocate.Pair
		for i, c := range in {
			where := fmt.Sprintf("%s[%d]", list, i)
			need(c.Reviewer != nil, where, "reviewer")
			need(c.Review != nil, where, "review")
			out = append(out, allocate.Pair{Reviewer: str(c.Reviewer), Review: str(c.Review), Why: c.Why})
		}
		return out
	}
	p.Conflicts = pairs("conflicts", f.Conflicts)
	p.Forbidden = pairs("forbidden", f.Forbidden)
	for i, c := range f.Costs {
		where := fmt.Sprintf("costs[%d]", i)
		need(c.Reviewer != nil, where, "reviewer")
		need(c.Review != nil, where, "review")
		need(c.Cost != nil, where, "cost")
		x := allocate.Cost{Reviewer: str(c.Reviewer), Review: str(c.Review)}
		if c.Cost != nil {
			x.Cost = *c.Cost
		}
		for _, pt := range c.Parts {
			x.Parts = append(x.Parts, allocate.CostPart{Name: pt.Name, Amount: pt.Cost})
		}
		p.Costs = append(p.Costs, x)
	}
	triples := func(list string, in []assignment) []allocate.Assignment {
		var out []allocate.Assignment
		for i, a := range in {
			where := fmt.Sprintf("%s[%d]", list, i)
			need(a.Reviewer != nil, where, "reviewer")
			need(a.Review != nil, where, "review")
			need(a.Seat != nil, where, "seat")
			out = append(out, allocate.Assignment{Review: str(a.Review), Reviewer: str(a.Reviewer), Seat: allocate.Seat(str(a.Seat))})
		}
		return out
	}
	p.Pinned = triples("pinned", f.Pinned)
	p.Previous = triples("previous", f.Previous)
	if len(faults) > 0 {
		if len(faults) > 10 {
			faults = append(faults[:10], fmt.Sprintf("and %d more", len(faults)-10))
		}
		return allocate.Problem{}, errors.New(strings.Join(faults, "; "))
	}
	return p, nil
}

// Result is the README's result, with the plugin's optional explanations.
type Result struct {
	Assignments []Placed   `json:"assignments"`
	Unfilled    []Unfilled `json:"unfilled"`
	Filled      int        `json:"filled"`
	Cost        int64      `json:"cost"`
}

// Placed is one assignment; Cost and Why are written only when explaining.
type Placed struct {
	Review   string `json:"review"`
	Reviewer string `json:"reviewer"`
	Seat     string `json:"seat"`
	Cost     *int64 `json:"cost,omitempty"`
	Why      string `json:"why,omitempty"`
}

// Unfilled is a seat kind of a review with empty seats.
type Unfilled struct {
	Review string `json:"review"`
	Seat   string `json:"seat"`
	Count  int    `json:"count"`
	Why    string `json:"why"`
}

// NewResult is the result of an allocation; explain adds each assignment's cost and why.
func NewResult(a allocate.Allocation, explain bool) Result {
	res := Result{Assignments: []Placed{}, Unfilled: []Unfilled{}, Filled: a.Filled, Cost: a.Cost}
	for _, p := range a.Assignments {
		x := Placed{Review: p.Review, Reviewer: p.Reviewer, Seat: string(p.Seat)}
		if explain {
			c := p.Cost
			x.Cost, x.Why = &c, p.Why()
		}
		res.Assignments = append(res.Assignments, x)
	}
	for _, u := range a.Unfilled {
		res.Unfilled = append(res.Unfilled, Unfilled{Review: u.Review, Seat: string(u.Seat), Count: u.Count, Why: u.Why()})
	}
	return res
}

// Write writes the result as indented JSON.
func Write(w io.Writer, res Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	return nil
}
