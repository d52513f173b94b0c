package main

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// todoList is what the core would show of a viewer's to-dos, one line each:
// "title | link | due", failing on any problem.
func todoList(t *testing.T, c client, who uint64) []string {
	t.Helper()
	todos, problems, err := c.h.Todos(c.h.As(who))
	if err != nil || len(problems) != 0 {
		t.Fatalf("to-dos of %d: %v, problems %q", who, err, problems)
	}
	var out []string
	for _, td := range todos {
		line := td.GetTitle() + " | " + td.GetLink() + " | "
		if d := td.GetDue(); d != nil {
			line += time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		out = append(out, line)
	}
	return out
}

// panelTexts is what the core would show of the viewer's panels, by school:
// each line's text, its link and "!" when it needs attention.
func panelTexts(t *testing.T, c client, who uint64, schools ...uint64) map[uint64][]string {
	t.Helper()
	panels, problems, err := c.h.SchoolPanels(c.h.As(who), schools...)
	if err != nil || len(problems) != 0 {
		t.Fatalf("panels of %d: %v, problems %q", who, err, problems)
	}
	out := map[uint64][]string{}
	for _, p := range panels {
		for _, l := range p.GetLines() {
			s := l.GetText() + " | " + l.GetLink()
			if l.GetAttention() {
				s += " !"
			}
			out[p.GetUnitId()] = append(out[p.GetUnitId()], s)
		}
	}
	return out
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The home and school pages through the year of the test cohort: to-dos
// for the manager (run, publish, quiet pairs), coaches and participants
// (next session, self-assessments) with their due dates on a moving clock;
// each school's panel as its manager, its participant, its coach and a
// participant's headteacher (only once shared) see it; the central team's
// headline figures. Nobody else is asked.
func TestHomeAndSchoolPageContributions(t *testing.T) {
	c := start(t, "sqlite")
	p := setUp(t, c)
	base := "/cohorts/" + p.cohort

	// Before the match: the manager runs it, Pol does the start round.
	same(t, "the manager's to-dos before the match", todoList(t, c, managerID), []string{
		"Run the match of Getting Ahead London 2017-18: 3 of 3 participants and 2 of 2 coaches have ranked | " + base + "/match | "})
	same(t, "Pol's to-dos before the match", todoList(t, c, polID), []string{
		"Complete your start-of-year self-assessment for Getting Ahead London 2017-18 | /participants/" + p.pol + "/assessment/start | 2017-10-31"})
	same(t, "Cleo's to-dos (no coach yet)", todoList(t, c, cleoID), nil)
	same(t, "the manager's panel at A before the match", panelTexts(t, c, managerID, plugintest.SchoolA)[plugintest.SchoolA], []string{
		"1 leader in the 2017-18 cohort, not yet matched with a coach | " + base + "/pairs",
		"Hosts a coach in the 2017-18 cohort, with 2 places | " + base + "/coaches"})
	for _, who := range []uint64{plugintest.TeacherID, headEID, plugintest.NoGrantsID} {
		if _, _, err := c.h.Todos(c.h.As(who)); !errors.Is(err, plugintest.ErrNotAsked) {
			t.Fatalf("to-dos of %d (no programme.read): %v, want ErrNotAsked", who, err)
		}
	}

	if err := c.h.RunJob(c.h.System(), "sync_trusts", nil); err != nil {
		t.Fatal(err)
	}
	c.post(managerID, base+"/match/run", nil)
	same(t, "the manager's to-dos with a draft", todoList(t, c, managerID), []string{
		"Publish the draft match of Getting Ahead London 2017-18, or run it again | " + base + "/match | "})
	c.post(managerID, base+"/match/publish", nil)
	pairs := c.page(managerID, base+"/pairs")
	polPair, piaPair := lastID(t, linkTo(t, pairs, "Pol Aspire with Cora Coach")), lastID(t, linkTo(t, pairs, "Pia Aspire with Hari Head"))

	// Cora logs Pol's first session; the next is due six weeks after it,
	// Pia's six weeks after her pair started on 2 October.
	c.h.SetClock(time.Date(2017, 10, 20, 9, 0, 0, 0, time.UTC))
	c.post(coraID, "/pairs/"+polPair+"/sessions", url.Values{"held_on": {"2017-10-16"}, "minutes": {"90"}, "mode": {"in_person"}, "theme_vision": {"yes"},
		"actions": {"Pol drafts a vision statement"}, "note": {"Cora's private worry"}})
	same(t, "the manager's to-dos once published", todoList(t, c, managerID), nil)
	same(t, "Cora's to-dos", todoList(t, c, coraID), []string{
		"Hold and log your next coaching session with Pol Aspire (1.5 of 10 hours so far) | /pairs/" + polPair + " | 2017-11-27"})
	same(t, "Colm's to-dos", todoList(t, c, colmID), []string{
		"Hold and log your next coaching session with Pia Aspire (0 of 10 hours so far) | /pairs/" + piaPair + " | 2017-11-13"})
	same(t, "Pol's to-dos", todoList(t, c, polID), []string{
		"Hold and log your next coaching session with Cora Coach, your coach (1.5 of 10 hours so far) | /pairs/" + polPair + " | 2017-11-27",
		"Complete your start-of-year self-assessment for Getting Ahead London 2017-18 | /participants/" + p.pol + "/assessment/start | 2017-10-31"})

	// The panels: the manager sees every school of the cohort; no panel
	// for D, which has nobody in it.
	got := panelTexts(t, c, managerID, plugintest.SchoolA, plugintest.SchoolB, plugintest.SchoolC, schoolD, schoolE)
	want := map[uint64][]string{
		plugintest.SchoolA: {"1 leader in the 2017-18 cohort, coached by a head from another school: 1.5 of 10 hours | " + base + "/pairs",
			"Hosts a coach in the 2017-18 cohort, coaching 1 leader from another school: 0 of 10 hours | " + base + "/coaches"},
		plugintest.SchoolB: {"1 leader in the 2017-18 cohort, not yet matched with a coach | " + base + "/pairs"},
		plugintest.SchoolC: {"Hosts a coach in the 2017-18 cohort, coaching 1 leader from another school: 1.5 of 10 hours | " + base + "/coaches"},
		schoolE:            {"1 leader in the 2017-18 cohort, coached by a head from another school: 0 of 10 hours | " + base + "/pairs"},
	}
	if len(got) != len(want) {
		t.Fatalf("the manager's panels: %v", got)
	}
	for school, lines := range want {
		same(t, "the manager's panel", got[school], lines)
	}
	// Pol sees himself at A, not Colm's coaching; Colm (A's head) his own
	// coaching, not Pol, who does not share.
	same(t, "Pol's panel", panelTexts(t, c, polID, plugintest.SchoolA)[plugintest.SchoolA], []string{
		"You are in the 2017-18 cohort, coached by Cora Coach: 1.5 of 10 hours | /participants/" + p.pol})
	same(t, "Colm's panel", panelTexts(t, c, colmID, plugintest.SchoolA)[plugintest.SchoolA], []string{
		"You coach 1 leader in the 2017-18 cohort: 0 of 10 hours | /coaches/" + p.colm})
	// Pia's head sees nothing until she shares, then her line, linked to her shared record.
	if got := panelTexts(t, c, headEID, schoolE); len(got) != 0 {
		t.Fatalf("Pia's head sees %v before she shares", got)
	}
	c.post(piaID, "/participants/"+p.pia+"/share", nil)
	same(t, "Pia's head's panel once shared", panelTexts(t, c, headEID, schoolE)[schoolE], []string{
		"1 leader in the 2017-18 cohort, coached by a head from another school: 0 of 10 hours | /shared/" + p.pia})
	// Nothing of a session's words reaches any panel or to-do.
	for _, who := range []uint64{managerID, coraID, polID, headEID} {
		all, _, _ := c.h.SchoolPanels(c.h.As(who), plugintest.SchoolA, plugintest.SchoolC, schoolE)
		todos, _, _ := c.h.Todos(c.h.As(who))
		s := (&pluginv1.GetSchoolPanelsResponse{Panels: all}).String() + (&pluginv1.GetTodosResponse{Todos: todos}).String()
		lacks(t, "the contributions", s, "vision statement", "private worry")
	}
	for _, tc := range []struct {
		who    uint64
		school uint64
	}{{plugintest.TeacherID, plugintest.SchoolB}, {otherPMID, plugintest.SchoolA}, {patID, schoolE}, {plugintest.NoGrantsID, plugintest.SchoolA}} {
		if _, _, err := c.h.SchoolPanels(c.h.As(tc.who), tc.school); !errors.Is(err, plugintest.ErrNotAsked) {
			t.Fatalf("the panel of %d as %d: %v, want ErrNotAsked", tc.school, tc.who, err)
		}
	}

	// At midnight in London on 13 November Pia's pair goes quiet: the
	// manager is to follow it up, and its line at E needs attention.
	c.h.SetClock(time.Date(2017, 11, 12, 23, 59, 0, 0, time.UTC))
	same(t, "the manager's to-dos the day before", todoList(t, c, managerID), nil)
	c.h.AdvanceClock(2 * time.Minute)
	same(t, "the manager's to-dos once a pair is quiet", todoList(t, c, managerID), []string{
		"Follow up 1 pair of Getting Ahead London 2017-18 with no session in six weeks | " + base + "/pairs | 2017-11-13"})
	same(t, "the manager's panel at E", panelTexts(t, c, managerID, schoolE)[schoolE], []string{
		"1 leader in the 2017-18 cohort, coached by a head from another school: 0 of 10 hours | " + base + "/pairs !"})

	// Pol does the start round; from June the end round is due by 15 July.
	scores := url.Values{}
	for _, k := range []string{"k_role", "k_accountability", "k_finance", "a_confidence", "a_resilience", "a_decisions", "v_vision", "v_equity", "v_integrity", "r_ready", "r_interview", "r_network"} {
		scores.Set("item_"+k, "3")
	}
	c.post(polID, "/participants/"+p.pol+"/assessment/start", scores)
	c.h.SetClock(time.Date(2018, 6, 2, 9, 0, 0, 0, time.UTC))
	same(t, "Pol's to-dos in June", todoList(t, c, polID), []string{
		"Hold and log your next coaching session with Cora Coach, your coach (1.5 of 10 hours so far) | /pairs/" + polPair + " | 2017-11-27",
		"Complete your end-of-year self-assessment for Getting Ahead London 2017-18 | /participants/" + p.pol + "/assessment/end | 2018-07-15"})

	// The central team's figures; a promotion counts at once.
	figures := func() []string {
		figs, problems, err := c.h.Figures(c.h.As(centralID))
		if err != nil || len(problems) != 0 {
			t.Fatalf("figures: %v, problems %q", err, problems)
		}
		var out []string
		for _, f := range figs {
			out = append(out, f.GetLabel()+": "+f.GetValue()+" ("+f.GetDetail()+") "+f.GetLink())
		}
		return out
	}
	wantFigures := []string{
		"Participants, 2017-18: 3 (Getting Ahead London 2017-18; 0 withdrawn) " + base + "/report",
		"Coaches, 2017-18: 2 (3 places; 2 pairs under way) ",
		"Hours of coaching, 2017-18: 1.5 (in 1 session; 10 expected per pair over the year) ",
		"Promoted to headship, every cohort: 0 (0 of 3 participants since 2017-18 (0%); 0 promoted to any post) ",
	}
	same(t, "the figures", figures(), wantFigures)
	c.post(polID, "/participants/"+p.pol+"/outcomes", url.Values{"kind": {"promoted_headship"}, "on": {"2018-05-01"}})
	wantFigures[3] = "Promoted to headship, every cohort: 1 (1 of 3 participants since 2017-18 (33%); 1 promoted to any post) "
	same(t, "the figures after Pol's promotion", figures(), wantFigures)
	for _, who := range []uint64{managerID, plugintest.HeadID, polID} {
		if _, _, err := c.h.Figures(c.h.As(who)); !errors.Is(err, plugintest.ErrNotAsked) {
			t.Fatalf("figures as %d (not at the root): %v, want ErrNotAsked", who, err)
		}
	}
}
