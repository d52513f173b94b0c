package research_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/research"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func pseudonymiser(t *testing.T, project string) *research.Pseudonymiser {
	t.Helper()
	p, err := research.NewPseudonymiser(secret, project)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPseudonymsJoinWithinAProjectOnly(t *testing.T) {
	a, a2, b := pseudonymiser(t, "ctg-2026-attainment"), pseudonymiser(t, "ctg-2026-attainment"), pseudonymiser(t, "eal-2026")
	x := a.Pseudonym("pupil", "1234")
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(x) {
		t.Fatalf("pseudonym %q is not 32 hex digits", x)
	}
	if a2.Pseudonym("pupil", "1234") != x {
		t.Fatal("the same pupil must get the same pseudonym in the same project")
	}
	if b.Pseudonym("pupil", "1234") == x {
		t.Fatal("two projects must not share pseudonyms")
	}
	if a.Pseudonym("school", "1234") == x || a.Pseudonym("pupil", "1235") == x {
		t.Fatal("another domain or another id must get another pseudonym")
	}
	if a.Pseudonym("ab", "c") == a.Pseudonym("a", "bc") {
		t.Fatal("domain and id must not run together")
	}
	other, _ := research.NewPseudonymiser([]byte("fedcba9876543210fedcba9876543210"), "ctg-2026-attainment")
	if other.Pseudonym("pupil", "1234") == x {
		t.Fatal("another secret must give other pseudonyms")
	}
	if strings.Contains(x, "1234") {
		t.Fatal("the pseudonym shows the id")
	}
	if _, err := research.NewPseudonymiser([]byte("short"), "p"); err == nil {
		t.Fatal("a short secret must be refused")
	}
	if _, err := research.NewPseudonymiser(secret, " "); err == nil {
		t.Fatal("a blank project id must be refused")
	}
}

var attainment = research.Dataset{
	Name:        "ks2_attainment",
	Description: "Key stage 2 outcomes of the pupils in the project's schools.",
	Columns: []research.Column{
		{Name: "pupil", Type: research.String, Description: "The pupil", Pseudonym: "pupil"},
		{Name: "school", Type: research.String, Description: "The pupil's school", Pseudonym: "school"},
		{Name: "year_group", Type: research.Integer, Description: "National curriculum year"},
		{Name: "fsm", Type: research.Boolean, Description: "Eligible for free school meals"},
		{Name: "sen", Type: research.String, Description: "SEN provision | census code", Allowed: []string{"N", "K", "E"}},
		{Name: "scaled_score", Type: research.Number, Description: "Reading scaled score", Optional: true},
		{Name: "tested_on", Type: research.Date, Description: "Day of the test"},
		{Name: "note", Type: research.String, Description: "Teacher's note", Optional: true},
	},
}

func goodRow() research.Row {
	return research.Row{"pupil": uint(41), "school": "100001", "year_group": 6, "fsm": true, "sen": "K",
		"scaled_score": 104.5, "tested_on": time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC), "note": "=HYPERLINK(\"x\")"}
}

func TestCreateWritesDataAndDictionary(t *testing.T) {
	dir := t.TempDir()
	p := pseudonymiser(t, "ctg-2026-attainment")
	w, err := research.Create(dir, attainment, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(goodRow()); err != nil {
		t.Fatal(err)
	}
	second := goodRow()
	second["pupil"], second["scaled_score"], second["note"], second["fsm"] = 42, nil, nil, false
	if err := w.Write(second); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != 2 {
		t.Fatalf("rows %d", w.Rows())
	}
	f, err := os.Open(filepath.Join(dir, "ks2_attainment.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"pupil", "school", "year_group", "fsm", "sen", "scaled_score", "tested_on", "note"},
		{p.Pseudonym("pupil", "41"), p.Pseudonym("school", "100001"), "6", "true", "K", "104.5", "2026-05-12", `'=HYPERLINK("x")`},
		{p.Pseudonym("pupil", "42"), p.Pseudonym("school", "100001"), "6", "false", "K", "", "2026-05-12", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("data rows %v", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %v, want %v", i, rows[i], want[i])
		}
	}

	dictCSV, err := os.ReadFile(filepath.Join(dir, "ks2_attainment.dictionary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dict, err := csv.NewReader(bytes.NewReader(dictCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(dict) != 1+len(attainment.Columns) || strings.Join(dict[0], ",") != "column,type,description,allowed values,pseudonymised" {
		t.Fatalf("dictionary csv %v", dict)
	}
	if got := strings.Join(dict[1], "|"); got != "pupil|string|The pupil|32 hex digits|yes: keyed pseudonym of the pupil identifier" {
		t.Errorf("pupil entry %q", got)
	}
	if got := strings.Join(dict[5], "|"); got != "sen|string|SEN provision | census code|N, K, E|no" {
		t.Errorf("sen entry %q", got)
	}
	if got := strings.Join(dict[6], "|"); got != "scaled_score|number|Reading scaled score|any number (or blank)|no" {
		t.Errorf("scaled_score entry %q", got)
	}
	md, err := os.ReadFile(filepath.Join(dir, "ks2_attainment.dictionary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Data dictionary: ks2_attainment.csv", "Key stage 2 outcomes",
		"| column | type | description | allowed values | pseudonymised |",
		`| sen | string | SEN provision \| census code | N, K, E | no |`, "HMAC-SHA-256"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown dictionary lacks %q:\n%s", want, md)
		}
	}
	if _, err := research.Create(dir, attainment, p); err == nil {
		t.Fatal("Create must not overwrite an earlier export")
	}
}

func TestWriterRefusesRowsThatDoNotMatch(t *testing.T) {
	p := pseudonymiser(t, "p")
	var buf bytes.Buffer
	w, err := research.NewWriter(&buf, attainment, p)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(research.Row){
		"missing column":      func(r research.Row) { delete(r, "sen") },
		"undeclared column":   func(r research.Row) { r["name"] = "Ada Lovelace" },
		"string for integer":  func(r research.Row) { r["year_group"] = "six" },
		"float for integer":   func(r research.Row) { r["year_group"] = 6.0 },
		"code not allowed":    func(r research.Row) { r["sen"] = "X" },
		"bad date":            func(r research.Row) { r["tested_on"] = "12/05/2026" },
		"blank not optional":  func(r research.Row) { r["fsm"] = nil },
		"empty identifier":    func(r research.Row) { r["pupil"] = "" },
		"bool for identifier": func(r research.Row) { r["pupil"] = true },
	}
	for name, spoil := range bad {
		r := goodRow()
		spoil(r)
		err := w.Write(r)
		if err == nil {
			t.Errorf("%s: row accepted", name)
			continue
		}
		if !errors.Is(err, research.ErrColumns) && !errors.Is(err, research.ErrValue) {
			t.Errorf("%s: error %v wraps neither ErrColumns nor ErrValue", name, err)
		}
		for _, secretValue := range []string{"Ada Lovelace", "six", "12/05/2026", `"X"`} {
			if strings.Contains(err.Error(), secretValue) {
				t.Errorf("%s: the error %q quotes a value", name, err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "pupil,school,year_group,fsm,sen,scaled_score,tested_on,note\n" || w.Rows() != 0 {
		t.Fatalf("refused rows were written: %q", buf.String())
	}
	if _, err := research.NewWriter(&buf, attainment, nil); err == nil {
		t.Fatal("a dataset with pseudonymised columns needs a Pseudonymiser")
	}
}

func TestDatasetDeclarationIsChecked(t *testing.T) {
	col := research.Column{Name: "a", Type: research.Integer, Description: "d"}
	bad := map[string]research.Dataset{
		"bad name":          {Name: "../x", Columns: []research.Column{col}},
		"no columns":        {Name: "x"},
		"repeated column":   {Name: "x", Columns: []research.Column{col, col}},
		"unknown type":      {Name: "x", Columns: []research.Column{{Name: "a", Type: "blob", Description: "d"}}},
		"no description":    {Name: "x", Columns: []research.Column{{Name: "a", Type: research.Integer}}},
		"pseudonym integer": {Name: "x", Columns: []research.Column{{Name: "a", Type: research.Integer, Description: "d", Pseudonym: "pupil"}}},
	}
	for name, ds := range bad {
		if err := ds.Validate(); err == nil {
			t.Errorf("%s: declaration accepted", name)
		}
	}
}

func TestImportsNothingFromTheCore(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/challengepartners/upwards/core/") {
			t.Errorf("research depends on %s", p)
		}
	}
}
