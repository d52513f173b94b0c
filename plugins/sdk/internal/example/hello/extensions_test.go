package main

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// TestTheSchoolPanelCountsEachSchoolsGreetingsForThoseWhoMaySeeIt posts
// two greetings from school A and one from B: each panel counts its own,
// and the core asks only for the schools the viewer may read at.
func TestTheSchoolPanelCountsEachSchoolsGreetingsForThoseWhoMaySeeIt(t *testing.T) {
	h := plugintest.Start(t, binary)
	for _, p := range []struct{ school, msg string }{{"10", "one"}, {"10", "two"}, {"11", "three"}} {
		if resp, err := h.Post(h.AllPermissions(), "/greetings", url.Values{"school_id": {p.school}, "message": {p.msg}}); err != nil || resp.StatusCode != 303 {
			t.Fatalf("post: %v %v", resp, err)
		}
	}
	panels, problems, err := h.SchoolPanels(h.As(plugintest.AdminID), plugintest.SchoolA, plugintest.SchoolB, plugintest.SchoolC)
	if err != nil || len(problems) != 0 {
		t.Fatalf("panels: %v, problems %q", err, problems)
	}
	got := map[uint64]string{}
	for _, p := range panels {
		got[p.GetUnitId()] = p.GetLines()[0].GetText()
	}
	want := map[uint64]string{plugintest.SchoolA: "2 greetings sent from this school", plugintest.SchoolB: "1 greeting sent from this school"}
	if len(got) != len(want) || got[plugintest.SchoolA] != want[plugintest.SchoolA] || got[plugintest.SchoolB] != want[plugintest.SchoolB] {
		t.Fatalf("panels %v, want %v (none for school C, which sent nothing)", got, want)
	}
	// The headteacher of A is asked about A alone, whatever the page lists.
	panels, _, err = h.SchoolPanels(h.As(plugintest.HeadID), plugintest.SchoolA, plugintest.SchoolB)
	if err != nil || len(panels) != 1 || panels[0].GetUnitId() != plugintest.SchoolA {
		t.Fatalf("the head's panels = %v, %v; want school A's alone", panels, err)
	}
	if _, _, err := h.SchoolPanels(h.NoGrants(), plugintest.SchoolA); !errors.Is(err, plugintest.ErrNotAsked) {
		t.Fatalf("a person with no role: err = %v, want ErrNotAsked", err)
	}
}

// TestTheToDoIsDueByTheSettingUntilItPasses: a person who may post greetings
// is asked to, with the due date, until the London date has passed; a
// reader is never asked.
func TestTheToDoIsDueByTheSettingUntilItPasses(t *testing.T) {
	fx := plugintest.DefaultFixture()
	fx.Settings["due_by"] = "2026-07-17"
	h := plugintest.Start(t, binary, plugintest.WithFixture(fx))
	h.SetClock(time.Date(2026, 7, 17, 22, 59, 0, 0, time.UTC)) // 23:59 on the due date in London
	todos, problems, err := h.Todos(h.As(plugintest.AdminID))
	if err != nil || len(problems) != 0 || len(todos) != 1 {
		t.Fatalf("todos %v, problems %q, err %v; want one", todos, problems, err)
	}
	if d := todos[0].GetDue(); d.GetYear() != 2026 || d.GetMonth() != 7 || d.GetDay() != 17 || todos[0].GetLink() != "/" {
		t.Fatalf("todo %v, want due 2026-07-17 linking /", todos[0])
	}
	h.AdvanceClock(2 * time.Minute) // Sat 18 Jul in London
	if todos, _, err := h.Todos(h.As(plugintest.AdminID)); err != nil || len(todos) != 0 {
		t.Fatalf("after the due date: %v, %v; want none", todos, err)
	}
	if _, _, err := h.Todos(h.As(plugintest.TeacherID)); !errors.Is(err, plugintest.ErrNotAsked) {
		t.Fatalf("a teacher (may not post): err = %v, want ErrNotAsked", err)
	}
}

func TestTheFigureCountsTheTenantsGreetings(t *testing.T) {
	h := plugintest.Start(t, binary)
	if resp, err := h.Post(h.AllPermissions(), "/greetings", url.Values{"school_id": {"10"}, "message": {"hi"}}); err != nil || resp.StatusCode != 303 {
		t.Fatalf("post: %v %v", resp, err)
	}
	figs, problems, err := h.Figures(h.As(plugintest.AdminID))
	if err != nil || len(problems) != 0 || len(figs) != 1 || figs[0].GetValue() != "1" || figs[0].GetLabel() != "Greetings sent" {
		t.Fatalf("figures %v, problems %q, err %v", figs, problems, err)
	}
	// A headteacher reads greetings but not at the tenant's root: not asked.
	if _, _, err := h.Figures(h.As(plugintest.HeadID)); !errors.Is(err, plugintest.ErrNotAsked) {
		t.Fatalf("the head: err = %v, want ErrNotAsked", err)
	}
}
