package contract_test

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func TestManifestWithExtensionsPasses(t *testing.T) {
	m := validManifest()
	m.Extensions = []*pluginv1.ExtensionDecl{
		{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: "hello.greeting.read"},
		{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: contract.PermAuthenticated},
		{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: "core.school.read"},
	}
	if err := contract.ValidateManifest(m, "0.4.0", corePerms, roles); err != nil {
		t.Fatal(err)
	}
}

func TestCheckLink(t *testing.T) {
	good := []string{"", "/", "/schools/42", "/ldd/7?book=1&x=%2F", "/a-b_c.d/e"}
	bad := map[string]string{
		"https://evil.example/": "path below",
		"//evil.example/x":      "path below",
		"schools/42":            "path below",
		"/\\evil.example":       "backslash",
		"/a#frag":               "#",
		"/a b":                  "space",
		"/a\tb":                 "control",
		"/../admin":             ".. segment",
		"/a/./b":                ". or ..",
		"/" + strings.Repeat("a", contract.MaxLink): "longer than",
	}
	for _, l := range good {
		if err := contract.CheckLink(l); err != nil {
			t.Errorf("CheckLink(%q) = %v, want nil", l, err)
		}
	}
	for l, want := range bad {
		err := contract.CheckLink(l)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckLink(%q) = %v, want an error containing %q", l, err, want)
		}
	}
}

func TestCheckSchoolPanelsKeepsOnlyWhatWasAskedAndValid(t *testing.T) {
	line := func(text, link string) *pluginv1.PanelLine { return &pluginv1.PanelLine{Text: text, Link: link} }
	many := make([]*pluginv1.PanelLine, contract.MaxPanelLines+2)
	for i := range many {
		many[i] = line("line", "")
	}
	panels := []*pluginv1.SchoolPanel{
		{UnitId: 1, Lines: []*pluginv1.PanelLine{line("QA Review booked for week 12", "/reviews/3"), line("", ""), line("evil\u202Etxt", ""), line("off-site", "https://x.example")}},
		{UnitId: 1, Lines: []*pluginv1.PanelLine{line("again", "")}},
		{UnitId: 99, Lines: []*pluginv1.PanelLine{line("not asked", "")}},
		{UnitId: 2, Lines: many},
		{UnitId: 3, Lines: []*pluginv1.PanelLine{line(" ", "")}},
	}
	kept, problems := contract.CheckSchoolPanels([]uint64{1, 2, 3}, panels)
	if len(kept) != 2 || kept[0].GetUnitId() != 1 || kept[1].GetUnitId() != 2 {
		t.Fatalf("kept %v, want the panels of units 1 and 2", kept)
	}
	if n := len(kept[0].GetLines()); n != 1 || kept[0].GetLines()[0].GetText() != "QA Review booked for week 12" {
		t.Errorf("unit 1 kept %d lines %v, want the one valid line", n, kept[0].GetLines())
	}
	if n := len(kept[1].GetLines()); n != contract.MaxPanelLines {
		t.Errorf("unit 2 kept %d lines, want %d", n, contract.MaxPanelLines)
	}
	for _, want := range []string{"unit 1, line 2: the line's text is empty", "bidirectional", "unit 1, line 4: link", "a second panel for unit 1",
		"unit 99, which was not asked", "more than 8 lines", "unit 3, line 1"} {
		if !strings.Contains(strings.Join(problems, "\n"), want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
}

func TestCheckTodosAndFigures(t *testing.T) {
	todos := []*pluginv1.Todo{
		{Title: "Enter the spring data", Link: "/clusters/2/data", Due: &pluginv1.Date{Year: 2026, Month: 3, Day: 27}},
		{Title: "No link"},
		{Title: "Bad date", Link: "/x", Due: &pluginv1.Date{Year: 2026, Month: 2, Day: 30}},
		{Title: strings.Repeat("x", contract.MaxContributionText+1), Link: "/x"},
	}
	kept, problems := contract.CheckTodos(todos)
	if len(kept) != 1 || kept[0].GetTitle() != "Enter the spring data" {
		t.Fatalf("kept %v, want the first to-do alone", kept)
	}
	for _, want := range []string{`"No link" has no link`, "2026-02-30 is not a date", "longer than 200"} {
		if !strings.Contains(strings.Join(problems, "\n"), want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
	figs := []*pluginv1.Figure{
		{Label: "LDD rating", Value: "9.1/10", Detail: "n = 412"},
		{Label: "No value"},
		{Label: "Long", Value: strings.Repeat("9", contract.MaxFigureValue+1)},
	}
	fk, fp := contract.CheckFigures(figs)
	if len(fk) != 1 || fk[0].GetValue() != "9.1/10" || len(fp) != 2 {
		t.Fatalf("kept %v problems %q, want the first figure alone and two problems", fk, fp)
	}
	over := make([]*pluginv1.Figure, contract.MaxFigures+1)
	for i := range over {
		over[i] = &pluginv1.Figure{Label: "x", Value: "1"}
	}
	if k, p := contract.CheckFigures(over); len(k) != contract.MaxFigures || len(p) != 1 {
		t.Errorf("%d figures: kept %d, problems %q", len(over), len(k), p)
	}
}
