package main

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// asked is what the core would show actor of the plugin's extensions, as
// text: the panels of units (one "unit N: line | line" each), the to-dos
// ("title @YYYY-MM-DD"), the figures ("label = value (detail)"). An
// extension the core would not ask for is "" (and notAsked lists it); a
// problem fails the test.
type asked struct {
	panels, todos, figures string
	notAsked               []string
}

func ask(t *testing.T, h *plugintest.Harness, actor *pluginv1.Actor, units ...uint64) asked {
	t.Helper()
	var a asked
	check := func(what string, problems []string, err error) bool {
		t.Helper()
		if errors.Is(err, plugintest.ErrNotAsked) {
			a.notAsked = append(a.notAsked, what)
			return false
		}
		if err != nil || len(problems) > 0 {
			t.Fatalf("%s: %v, problems %q", what, err, problems)
		}
		return true
	}
	panels, problems, err := h.SchoolPanels(actor, units...)
	if check("school_panel", problems, err) {
		var b []string
		for _, p := range panels {
			var ls []string
			for _, l := range p.GetLines() {
				ls = append(ls, l.GetText())
			}
			b = append(b, "unit "+u64s(p.GetUnitId())+": "+strings.Join(ls, " | "))
		}
		a.panels = strings.Join(b, "\n")
	}
	todos, problems, err := h.Todos(actor)
	if check("todos", problems, err) {
		var b []string
		for _, td := range todos {
			s := td.GetTitle()
			if d := td.GetDue(); d != nil {
				s += " @" + time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			}
			b = append(b, s)
		}
		a.todos = strings.Join(b, "\n")
	}
	figs, problems, err := h.Figures(actor)
	if check("figures", problems, err) {
		var b []string
		for _, f := range figs {
			b = append(b, f.GetLabel()+" = "+f.GetValue()+" ("+f.GetDetail()+")")
		}
		a.figures = strings.Join(b, "\n")
	}
	return a
}

func (a asked) all() string { return a.panels + "\n" + a.todos + "\n" + a.figures }

func u64s(id uint64) string { return strconv.FormatUint(id, 10) }

// panelOf is one unit's panel line text from asked panels.
func panelOf(a asked, unit uint64) string {
	for _, l := range strings.Split(a.panels, "\n") {
		if strings.HasPrefix(l, "unit "+u64s(unit)+": ") {
			return l
		}
	}
	return ""
}

// TestTheEvaluatorIsAskedForNothingButTheirToDos: the evaluator holds
// neither the panels' nor the figures' permission; their to-dos (asked of
// everyone logged in) are empty.
func TestTheEvaluatorIsAskedForNothingButTheirToDos(t *testing.T) {
	x := startRun(t, "sqlite")
	x.setUp()
	x.recruit()
	x.randomise(1)
	a := ask(t, x.h, x.eval, trialSchools...)
	if strings.Join(a.notAsked, ",") != "school_panel,figures" || strings.TrimSpace(a.all()) != "" {
		t.Fatalf("the evaluator: not asked %v, shown %q", a.notAsked, a.all())
	}
	// A head is asked about their own school alone, and sees no figures.
	a = ask(t, x.h, x.h.As(headOf(schoolD)), trialSchools...)
	if strings.Count(a.panels, "unit ") != 1 || panelOf(a, schoolD) == "" || strings.Join(a.notAsked, ",") != "figures" {
		t.Fatalf("the head of Dunmore: %q, not asked %v", a.panels, a.notAsked)
	}
}
