package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// The demo_seed job builds a tenant's demo programme through the store and
// the Host: only as a user who manages the programme, once.
func TestDemoSeedBuildsAMovingProgrammeOnce(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		payload := []byte(`{"today":"2019-10-01"}`)
		// The tenant's system actor may read no pupils; a teacher may not manage the programme.
		if err := h.RunJob(h.System(), "demo_seed", payload); err == nil || !strings.Contains(err.Error(), "FailedPrecondition") {
			t.Fatalf("seed as the system actor: %v", err)
		}
		if err := h.RunJob(h.As(mathsID), "demo_seed", payload); err == nil || !strings.Contains(err.Error(), "FailedPrecondition") {
			t.Fatalf("seed as a teacher: %v", err)
		}
		if st, _ := c.status(plugintest.AdminID, "GET", "/clusters/1", nil); st != 404 {
			t.Fatalf("a refused seed made a cluster: %d", st)
		}
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", []byte(`{"snapshots":5}`)); err == nil {
			t.Fatal("five snapshots were accepted")
		}
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", payload); err != nil {
			t.Fatalf("seed as the admin: %v", err)
		}
		// The year before the one running on 1 October 2019; the cluster unit's
		// three schools, its trio, the central team as programme lead.
		cluster := c.page(plugintest.AdminID, "/clusters/1")
		mustContain(t, "the demo cluster", cluster, "North Cluster", "2018-19", "Alder Primary School", "Birch Academy", "Damson Primary School",
			"Trio A", "Cora Central", "Hari Head")
		// The six workshops are dated at the facilitation school, with attendance.
		if n := strings.Count(cluster, "Alder Primary School</td></tr>"); n != 6 {
			t.Errorf("%d workshops held at Alder, want 6:\n%s", n, cluster)
		}
		// Alder's staff make a team that keeps the primary rule; its cohort is frozen with three snapshots.
		a := "/schools/" + id(plugintest.SchoolA) + "?year=1"
		if page := c.page(plugintest.AdminID, a); strings.Contains(page, `data-testid="violations"`) || !strings.Contains(page, "Tom Maths") || !strings.Contains(page, "Pia Para") {
			t.Fatalf("Alder's team:\n%s", page)
		}
		cohort := c.page(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"/cohort?year=1")
		mustContain(t, "Alder's cohort", cohort, ">Baseline<", ">October<", ">March<")
		// Bug 7: the baseline was taken on its snapshot's date, not on the day the demo ran;
		// the workshops fall on school days in term time.
		mustContain(t, "Alder's cohort", cohort, "Baseline taken on Thu 20 Sep 2018:", "Baseline</a> — 2018-09-20")
		held := regexp.MustCompile(`<td>(\d{4}-\d{2}-\d{2})</td><td>Alder Primary School</td></tr>`).FindAllStringSubmatch(cluster, -1)
		for _, m := range held {
			d, err := time.Parse(time.DateOnly, m[1])
			if err != nil || !rules.SchoolDay(d) {
				t.Errorf("a demo workshop on %s (%s), not a school day in term time", m[1], d.Weekday())
			}
		}
		// The matrix moves: Alder draws its pupils with arrows from the baseline to March.
		m := c.page(plugintest.AdminID, "/clusters/1/matrix?from=0&to=2")
		if n := strings.Count(m, `marker-end="url(#m-arrow-`); n < 3 {
			t.Fatalf("%d arrows on the demo cluster's matrix:\n%s", n, m)
		}
		// The reports show the year's impact on first run: the staff survey
		// (spring answered by the whole team and closed, summer open), the
		// trials with their decisions and scale-up plans, a case study.
		report := c.page(plugintest.AdminID, "/schools/"+id(plugintest.SchoolA)+"/report?year=1")
		mustContain(t, "Alder's report", report, "<h3>Spring 2019 (3 responses)</h3>", "<h3>Summer 2019 (0 responses)</h3>",
			`data-testid="report-trials"`, "Scale up across the school", "steps done", `data-testid="case-study"`,
			"Our 7 target pupils", "We trialled Growth-mindset feedback with 4 of them")
		if n := strings.Count(report, `data-testid="survey-results"`); n != 2 {
			t.Errorf("Alder's report shows %d survey rounds, want 2", n)
		}
		mustNotContain(t, "Alder's report", report, "Testpupil")
		cluster = c.page(plugintest.AdminID, "/clusters/1/report")
		mustContain(t, "the cluster's report", cluster, "<h3>Spring 2019 (5 responses)</h3>", `data-testid="report-trials"`,
			"Birch Academy</td><td>Mentoring by a trusted adult")
		mustNotContain(t, "the cluster's report", cluster, "Our 7 target pupils", "Testpupil")
		// The spring round is closed, the summer round open for the team.
		survey := c.page(mathsID, "/surveys/2")
		mustContain(t, "the summer round", survey, "open for answers", `data-testid="survey-form"`)
		mustNotContain(t, "the spring round", c.page(mathsID, "/surveys/1"), "open for answers", `data-testid="survey-form"`)
		// The first strategy's evidence compares its 4 pupils with the other 3, with numbers.
		trial := c.page(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"/trials/1?year=1")
		mustContain(t, "the trial's evidence", trial, "The 4 cohort pupils receiving the strategy against the 3 who are not",
			"Change of the gap in months", "95% interval")
		mustNotContain(t, "the trial's evidence", trial, "Too few pupils to compare")
		// The home page on the day the demo ran: Alder's panel tells the
		// past year; its head (the cluster lead) and Cora (the programme
		// lead) have the visit's action due in two weeks, the team the open
		// survey round; the central team the year's figures.
		h.SetClock(time.Date(2019, 10, 1, 9, 0, 0, 0, time.UTC))
		start := time.Now()
		panel := panelOf(t, h, plugintest.HeadID, plugintest.SchoolA)
		tPanel := time.Since(start)
		mustContain(t, "Alder's panel", strings.Join(panel, "\n"),
			"In North Cluster (2018-19), trio with Birch Academy and Damson Primary School [/clusters/1]",
			"Target cohort: 7 pupils, baseline taken Thu 20 Sep 2018 [/schools/10/cohort?year=1]",
			"March data: 7 of 7 pupils entered [/schools/10/snapshots/", "Workshops: 6 of 6 held [/clusters/1]", "Strategies: 2 trialled (")
		mustNotContain(t, "Alder's panel", strings.Join(panel, "\n"), "Testpupil", " !")
		action := "2019-10-15: Agreed at the visit to Alder Primary School: Present the year's results and the scale-up plan to the governors [/schools/10?year=1]"
		surveyTodo := "-: Answer the Challenge the Gap staff survey: Summer 2019 [/surveys/2]"
		start = time.Now()
		sameLines(t, "the demo head's to-dos", todosOf(t, h, plugintest.HeadID), action, surveyTodo)
		tTodos := time.Since(start)
		sameLines(t, "the demo programme lead's to-dos", todosOf(t, h, centralID), action)
		sameLines(t, "the demo teacher's to-dos", todosOf(t, h, mathsID), surveyTodo)
		start = time.Now()
		figs := figuresOf(t, h, centralID)
		tFigures := time.Since(start)
		for label, want := range map[string]string{"Clusters": "1", "Schools taking part": "3", "Workshops held": "6 of 6",
			"Pupils in target cohorts": "10", "Strategies trialled": "4"} {
			if f := figs[label]; f == nil || f.GetValue() != want {
				t.Errorf("demo figure %q = %v, want %q", label, f, want)
			}
		}
		t.Logf("extension calls on the demo: panel %v, to-dos %v, figures %v", tPanel, tTodos, tFigures)

		// A second run changes nothing: still one cluster.
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", payload); err != nil {
			t.Fatalf("second seed: %v", err)
		}
		if st, _ := c.status(plugintest.AdminID, "GET", "/clusters/2", nil); st != 404 {
			t.Fatalf("a second seed made another cluster: %d", st)
		}
	})
}
