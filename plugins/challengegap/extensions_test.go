package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// panelOf returns school's panel as "text [link] !" lines (! for attention).
func panelOf(t *testing.T, h *plugintest.Harness, who uint64, school uint64) []string {
	t.Helper()
	panels, problems, err := h.SchoolPanels(h.As(who), school)
	if err != nil || len(problems) != 0 {
		t.Fatalf("panels as %d: %v, problems %q", who, err, problems)
	}
	if len(panels) != 1 || panels[0].GetUnitId() != school {
		t.Fatalf("panels as %d = %v, want one for %d", who, panels, school)
	}
	var out []string
	for _, l := range panels[0].GetLines() {
		s := l.GetText() + " [" + l.GetLink() + "]"
		if l.GetAttention() {
			s += " !"
		}
		out = append(out, s)
	}
	return out
}

// todosOf returns who's to-dos as "due: title [link]" in the core's order.
func todosOf(t *testing.T, h *plugintest.Harness, who uint64) []string {
	t.Helper()
	todos, problems, err := h.Todos(h.As(who))
	if err != nil || len(problems) != 0 {
		t.Fatalf("to-dos of %d: %v, problems %q", who, err, problems)
	}
	var out []string
	for _, td := range todos {
		due := "-"
		if d := td.GetDue(); d != nil {
			due = fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
		}
		out = append(out, due+": "+td.GetTitle()+" ["+td.GetLink()+"]")
	}
	return out
}

func sameLines(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func figuresOf(t *testing.T, h *plugintest.Harness, who uint64) map[string]*pluginv1.Figure {
	t.Helper()
	figs, problems, err := h.Figures(h.As(who))
	if err != nil || len(problems) != 0 {
		t.Fatalf("figures as %d: %v, problems %q", who, err, problems)
	}
	out := map[string]*pluginv1.Figure{}
	for _, f := range figs {
		out[f.GetLabel()] = f
	}
	return out
}

// TestHomePagePanelsTodosAndFigures follows A through 2017-18 on a moved
// clock: before the baseline, in the March window before and after data
// is entered, and after it; the school's panel, the to-dos of its team,
// leader and cluster lead, and the figures of the central team, and who is
// not asked.
func TestHomePagePanelsTodosAndFigures(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1002"))

		// Mon 15 Jan 2018: the cohort is chosen, the baseline not taken.
		sameLines(t, "A's panel for its head", panelOf(t, h, plugintest.HeadID, plugintest.SchoolA),
			"In North Cluster (2017-18) [/clusters/1]",
			"Team: 1 leader, 1 teacher, 1 para-professional [/schools/10?year=1]",
			"Target cohort: 2 of about 15 pupils chosen, baseline not taken [/schools/10/cohort?year=1] !",
			"Next workshop: Workshop 1, date to be set [/workshops/1]")
		// The hub manager sees the school's page, not its pupils: the cohort line links the school's page.
		hub := panelOf(t, h, hubID, plugintest.SchoolA)
		if hub[2] != "Target cohort: 2 of about 15 pupils chosen, baseline not taken [/schools/10?year=1] !" {
			t.Fatalf("the hub manager's cohort line: %q", hub[2])
		}
		sameLines(t, "the teacher's to-dos", todosOf(t, h, mathsID),
			"2017-09-30: Choose the target cohort of Alder Primary School (2 of about 15 pupils chosen) [/schools/10/cohort?year=1]")
		sameLines(t, "the head's (and cluster lead's) to-dos", todosOf(t, h, plugintest.HeadID),
			"2017-09-30: Take the baseline of Alder Primary School's target cohort (2 of about 15 pupils chosen) [/schools/10/cohort?year=1]",
			"-: Set the date of Workshop 1 of North Cluster (The starting line) [/workshops/1]")
		sameLines(t, "B's head's to-dos", todosOf(t, h, headBID),
			"2017-09-30: Choose the target cohort of Birch Academy (about 15 pupils) [/schools/11/cohort?year=1]")
		if got := todosOf(t, h, headEID); len(got) != 0 {
			t.Fatalf("E takes no part, yet its head has to-dos: %q", got)
		}
		// Not asked: a head of another school for A's panel, anyone without a role.
		if _, _, err := h.SchoolPanels(h.As(headEID), plugintest.SchoolA); !errors.Is(err, plugintest.ErrNotAsked) {
			t.Fatalf("E's head asked for A's panel: %v", err)
		}
		if _, _, err := h.Todos(h.NoGrants()); !errors.Is(err, plugintest.ErrNotAsked) {
			t.Fatalf("to-dos of a person without a role: %v", err)
		}

		// The baseline (2 Oct) with both pupils' values; workshop 1 held
		// without attendance recorded, workshop 2 dated.
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		grid := func(label string) string {
			return a + "/snapshots/" + firstID(t, c.page(mathsID, a+"/cohort?year=1"), `/snapshots/(\d+)">`+label)
		}
		c.post(mathsID, grid("Baseline"), form("age_1000", "30", "attitude_1000", "40", "age_1002", "30", "attitude_1002", "40"))
		c.post(plugintest.HeadID, "/workshops/1", form("held_on", "2017-09-28", "venue", "Alder"))
		c.post(plugintest.HeadID, "/workshops/2", form("held_on", "2018-03-20", "venue", "Alder"))

		// Sat 10 Mar 2018, in the March window: nothing entered yet.
		h.SetClock(time.Date(2018, 3, 10, 9, 0, 0, 0, time.UTC))
		sameLines(t, "A's panel in the window", panelOf(t, h, mathsID, plugintest.SchoolA),
			"In North Cluster (2017-18) [/clusters/1]",
			"Team: 1 leader, 1 teacher, 1 para-professional [/schools/10?year=1]",
			"Target cohort: 2 pupils, baseline taken Mon 2 Oct 2017 [/schools/10/cohort?year=1]",
			"March data: not started, due by Sat 31 Mar 2018 [/schools/10/cohort?year=1] !",
			"Next workshop: Workshop 2, Tue 20 Mar 2018 [/workshops/2]")
		sameLines(t, "the head's to-dos in the window", todosOf(t, h, plugintest.HeadID),
			"2017-09-28: Record attendance at Workshop 1 of North Cluster (Thu 28 Sep 2017) [/workshops/1]",
			"2018-03-20: Run Workshop 2 of North Cluster (A deep dive into pupil data) on Tue 20 Mar 2018 [/workshops/2]",
			"2018-03-31: Enter the March data of Alder Primary School's target cohort (not started) [/schools/10/cohort?year=1]",
			"2018-03-31: North Cluster: 1 of 1 school still to enter the March data [/clusters/1]")

		// The March snapshot with one pupil of two entered.
		c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-05"))
		march := grid("March")
		c.post(mathsID, march, form("age_1000", "40", "attitude_1000", "60"))
		link := march
		if got := panelOf(t, h, mathsID, plugintest.SchoolA)[3]; got != "March data: 1 of 2 pupils entered, due by Sat 31 Mar 2018 ["+link+"] !" {
			t.Fatalf("A's data line: %q", got)
		}
		sameLines(t, "the teacher's to-dos in the window", todosOf(t, h, mathsID),
			"2018-03-31: Enter the March data of Alder Primary School's target cohort (1 of 2 pupils entered) ["+link+"]")

		// Tue 3 Apr 2018: the window has closed; a survey round is open.
		h.SetClock(time.Date(2018, 4, 3, 9, 0, 0, 0, time.UTC))
		if got := panelOf(t, h, mathsID, plugintest.SchoolA)[3]; got != "March data: 1 of 2 pupils entered ["+link+"]" {
			t.Fatalf("A's data line after the window: %q", got)
		}
		c.post(centralID, "/years/1/surveys", form("label", "Summer 2018"))
		sameLines(t, "the teacher's to-dos after the window", todosOf(t, h, mathsID),
			"-: Answer the Challenge the Gap staff survey: Summer 2018 [/surveys/1]")
		// Cora, the cluster's programme lead, on no team: the cluster's to-dos.
		sameLines(t, "the programme lead's to-dos", todosOf(t, h, centralID),
			"2017-09-28: Record attendance at Workshop 1 of North Cluster (Thu 28 Sep 2017) [/workshops/1]",
			"2018-03-20: Record attendance at Workshop 2 of North Cluster (Tue 20 Mar 2018) [/workshops/2]",
			"-: Set the date of Workshop 3 of North Cluster (The Academically Competent Learner) [/workshops/3]")

		// The central team's figures match what was entered; the pupils'
		// movement rests on one pupil, so it is suppressed.
		figs := figuresOf(t, h, centralID)
		for label, want := range map[string]string{"Clusters": "1", "Schools taking part": "3", "Pupils in target cohorts": "2",
			"Workshops held": "2 of 6", "Pupils closing the gap since the baseline": "suppressed", "Pupils whose attitude to learning rose": "suppressed"} {
			if f := figs[label]; f == nil || f.GetValue() != want || f.GetLink() != "/years/1" {
				t.Errorf("figure %q = %v, want %q linking /years/1", label, f, want)
			}
		}
		if d := figs["Pupils in target cohorts"].GetDetail(); d != "2017-18, 1 school with a baseline" {
			t.Errorf("the pupils' detail: %q", d)
		}
		for _, who := range []uint64{plugintest.HeadID, trustID} {
			if _, _, err := h.Figures(h.As(who)); !errors.Is(err, plugintest.ErrNotAsked) {
				t.Errorf("figures asked of %d, who reads the programme below the root: %v", who, err)
			}
		}
	})
}
