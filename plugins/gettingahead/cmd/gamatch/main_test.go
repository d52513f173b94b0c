package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/match"
)

// testdata/sample.json and sample.stable.json are copies of
// shared/data/coaching-match/sample.json and its match.

func gamatch(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTheSampleGivesItsStableMatch(t *testing.T) {
	code, out, stderr := gamatch(t, readFile(t, "testdata/sample.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got, want result
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not the result format: %v\n%s", err, out)
	}
	if err := json.Unmarshal([]byte(readFile(t, "testdata/sample.stable.json")), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if len(want.Pairs) != 45 || len(want.Unmatched) != 3 {
		t.Fatalf("sample.stable.json changed: %d pairs, %d unmatched", len(want.Pairs), len(want.Unmatched))
	}
	if !strings.HasPrefix(out, "{\n \"pairs\": [\n  [\n   \"P00\",\n   \"C10\"\n  ],") {
		t.Errorf("output not laid out as sample.stable.json:\n%.60s", out)
	}
}

const tiny = `{"name": "tiny",
 "coaches": [{"id": "C01", "school": "A", "capacity": 1, "prefs": ["P02", "P01"]}],
 "participants": [{"id": "P01", "school": "B", "prefs": ["C01"]}, {"id": "P02", "school": "A", "prefs": ["C01"]},
  {"id": "P03", "school": "C", "prefs": []}]}`

func TestTinyResultAndExplanations(t *testing.T) {
	code, out, stderr := gamatch(t, tiny)
	if code != 0 || out != "{\n \"pairs\": [\n  [\n   \"P01\",\n   \"C01\"\n  ]\n ],\n \"unmatched\": [\n  \"P02\",\n  \"P03\"\n ]\n}\n" {
		t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, out, stderr)
	}
	code, out, _ = gamatch(t, tiny, "-explain")
	want := "P01 with C01: P01's 1st choice; C01 ranked P01 2nd and has 1 place\n" +
		"P02 has no coach: C01 is at P02's school\n" +
		"P03 ranked no coach\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, -explain:\n%s\nwant:\n%s", code, out, want)
	}
	// A capacity written 1.0 or 1e0 is the whole number 1.
	for _, c := range []string{"1.0", "1e0"} {
		if code, out2, _ := gamatch(t, strings.Replace(tiny, `"capacity": 1`, `"capacity": `+c, 1)); code != 0 || !strings.Contains(out2, `"P01",`) {
			t.Errorf("capacity %s: exit %d, %s", c, code, out2)
		}
	}
	empty := `{"coaches": [], "participants": []}`
	if code, out, _ := gamatch(t, empty); code != 0 || out != "{\n \"pairs\": [],\n \"unmatched\": []\n}\n" {
		t.Fatalf("no one: exit %d, %q", code, out)
	}
}

func TestUsage(t *testing.T) {
	if code, _, stderr := gamatch(t, tiny, "instance.json"); code != 2 || !strings.Contains(stderr, "usage: gamatch") {
		t.Errorf("an argument: exit %d, %q", code, stderr)
	}
	if code, _, _ := gamatch(t, tiny, "-nope"); code != 2 {
		t.Errorf("an unknown flag: exit %d", code)
	}
}

// instance writes an instance from a coach object and participant objects.
func instance(coaches, participants string) string {
	return `{"coaches": [` + coaches + `], "participants": [` + participants + `]}`
}

func TestABadInstanceIsRefusedNamingWhoIsAtFault(t *testing.T) {
	okC := `{"id": "C01", "school": "A", "capacity": 1, "prefs": ["P01"]}`
	okP := `{"id": "P01", "school": "B", "prefs": ["C01"]}`
	for _, tc := range []struct {
		name, in string
		want     []string // lines (or their beginnings) on standard error
	}{
		{"nothing", "  \n", []string{"gamatch: the instance is empty"}},
		{"not JSON", "{\"coaches\": [\n  }", []string{"gamatch: the instance is not valid JSON: line 2, column 3"}},
		{"two objects", "{}\n{}", []string{"gamatch: the instance is not valid JSON: line 2, column 1"}},
		{"a list", "[]", []string{"gamatch: the instance must be a JSON object"}},
		{"no lists", `{"name": "x"}`, []string{"instance: coaches is missing", "instance: participants is missing"}},
		{"an unknown field", `{"coach": [], "coaches": [], "participants": []}`, []string{`instance: unknown field "coach": the fields are name, coaches, participants`}},
		{"a name that is no string", `{"name": 3, "coaches": [], "participants": []}`, []string{"instance: name must be a string"}},
		{"a coach that is no object", instance(`3`, okP), []string{"gamatch: the instance is refused (1 fault):", "coaches[0]: must be an object"}},
		{"a coach without an id", instance(`{"school": "A", "capacity": 1, "prefs": []}`, ``), []string{"coaches[0]: id is missing"}},
		{"an empty id", instance(`{"id": "", "school": "A", "capacity": 1, "prefs": []}`, ``), []string{"coaches[0]: id is empty"}},
		{"a misspelt capacity", instance(`{"id": "C01", "school": "A", "capcity": 1, "prefs": ["P01"]}`, okP),
			[]string{`coach C01: unknown field "capcity": the fields are id, school, capacity, prefs`, "coach C01: capacity is missing"}},
		{"a negative capacity", instance(`{"id": "C01", "school": "A", "capacity": -1, "prefs": ["P01"]}`, okP), []string{"coach C01: capacity is -1: it must be 0 or more"}},
		{"a fractional capacity", instance(`{"id": "C01", "school": "A", "capacity": 2.5, "prefs": ["P01"]}`, okP), []string{"coach C01: capacity must be a whole number"}},
		{"a capacity too large", instance(`{"id": "C01", "school": "A", "capacity": 1e300, "prefs": ["P01"]}`, okP), []string{"coach C01: capacity must be a whole number"}},
		{"a capacity in quotes", instance(`{"id": "C01", "school": "A", "capacity": "2", "prefs": ["P01"]}`, okP), []string{"coach C01: capacity must be a whole number"}},
		{"no school", instance(okC, `{"id": "P01", "prefs": ["C01"]}`), []string{"participant P01: school is missing"}},
		{"an empty school", instance(okC, `{"id": "P01", "school": " ", "prefs": ["C01"]}`), []string{"participant P01: school is empty"}},
		{"null prefs", instance(okC, `{"id": "P01", "school": "B", "prefs": null}`), []string{"participant P01: prefs is missing"}},
		{"prefs that are no list", instance(okC, `{"id": "P01", "school": "B", "prefs": "C01"}`), []string{"participant P01: prefs must be a list of ids"}},
		{"an unknown id in prefs", instance(okC, `{"id": "P01", "school": "B", "prefs": ["C01", "C09"]}`), []string{"participant P01: prefs name C09, who is not a coach of this problem"}},
		{"an id twice in prefs", instance(`{"id": "C01", "school": "A", "capacity": 1, "prefs": ["P01", "P01"]}`, okP), []string{"coach C01: prefs name P01 twice"}},
		{"a coach id twice", instance(okC+`, `+okC, okP), []string{"coach C01: id is used by two coaches"}},
		{"a participant id twice", instance(okC, okP+`, `+okP), []string{"participant P01: id is used by two participants"}},
		{"several faults at once", instance(`{"id": "C01", "capacity": -2, "prefs": ["P01"]}, {"id": "C02", "school": "A", "capacity": 1}`, okP),
			[]string{"gamatch: the instance is refused (2 faults):", "  coach C01: school is missing", "  coach C02: prefs is missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := gamatch(t, tc.in)
			if code != 1 || out != "" {
				t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, out)
			}
			for _, want := range tc.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// FuzzParse feeds the command anything: it must never panic, and whatever it
// accepts must come out as a valid match of what it read.
func FuzzParse(f *testing.F) {
	f.Add([]byte(tiny))
	f.Add([]byte(`{"coaches": [], "participants": []}`))
	f.Add([]byte(instance(`{"id": "C01", "school": "A", "capacity": 2, "prefs": ["P01", "P02"]}`,
		`{"id": "P01", "school": "A", "prefs": ["C01"]}, {"id": "P02", "school": "B", "prefs": ["C01"]}`)))
	f.Add([]byte(`{"coaches": [{"id": "C01", "capacity": 1e3}], "participants": [null]}`))
	if b, err := os.ReadFile("testdata/sample.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := parse(data)
		if err != nil {
			return
		}
		res, err := match.Solve(pb)
		if err != nil {
			var inv *match.InvalidError
			if !errors.As(err, &inv) || len(inv.Faults) == 0 {
				t.Fatalf("Solve refused without naming a fault: %v", err)
			}
			return
		}
		coach, part := map[string]match.Coach{}, map[string]match.Participant{}
		for _, c := range pb.Coaches {
			coach[c.ID] = c
		}
		for _, p := range pb.Participants {
			part[p.ID] = p
		}
		load := map[string]int{}
		for _, pr := range res.Pairs {
			c, p := coach[pr.Coach], part[pr.Participant]
			if c.School == p.School || !slices.Contains(c.Prefs, p.ID) || !slices.Contains(p.Prefs, c.ID) {
				t.Fatalf("pair %s is not acceptable", pr)
			}
			if load[c.ID]++; load[c.ID] > c.Capacity {
				t.Fatalf("coach %s over capacity", c.ID)
			}
		}
		if len(res.Pairs)+len(res.Unmatched) != len(pb.Participants) {
			t.Fatalf("%d pairs and %d unmatched for %d participants", len(res.Pairs), len(res.Unmatched), len(pb.Participants))
		}
		var out bytes.Buffer
		if err := writeResult(&out, res); err != nil || !json.Valid(out.Bytes()) {
			t.Fatalf("result not written as JSON: %v", err)
		}
	})
}
