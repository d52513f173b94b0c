package main

import (
	"html"
	"net/http"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// TestTrialEvidenceComparesReceivedWithTheRest enters a baseline and a
// March snapshot for six pupils, three receiving the strategy, and checks
// the trial's evidence against the figures worked by hand in
// internal/evidence's tests.
func TestTrialEvidenceComparesReceivedWithTheRest(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
			t.Fatal(err)
		}
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1001", "pupil", "1002", "pupil", "1101", "pupil", "1102", "pupil", "1103"))
		strategy := firstID(t, c.page(mathsID, a), `<option value="(\d+)">Learning journals`)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strategy))
		trial := a + "/trials/" + firstID(t, c.page(mathsID, a), `/trials/(\d+)">Learning journals`)
		mustContain(t, "the trial before a baseline", c.page(mathsID, trial), `data-testid="evidence-none"`)

		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		base := a + "/snapshots/" + firstID(t, c.page(mathsID, a+"/cohort?year=1"), `/snapshots/(\d+)">Baseline`)
		// Chronological ages from 2 October 2017 to 12 March 2018 grow by 6
		// months for 1000-1002 (born January-March 2015) and by 5 for
		// 1101-1103 (born May-July 2014).
		c.post(mathsID, base, form(
			"age_1000", "30", "reading_1000", "below", "age_1101", "40", "reading_1101", "below", "age_1102", "40", "reading_1102", "at",
			"age_1001", "30", "reading_1001", "below", "age_1002", "30", "reading_1002", "below", "age_1103", "38", "reading_1103", "below"))
		c.post(mathsID, trial+"/pupils", form("pupil", "1000", "pupil", "1101"))
		page := c.page(mathsID, trial)
		mustContain(t, "the evidence of two pupils", page, `data-testid="evidence"`, "Too few pupils to compare")

		c.post(mathsID, trial+"/pupils", form("pupil", "1000", "pupil", "1101", "pupil", "1102"))
		march := c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12"))
		// Gap changes: received +2, +4, +6 (mean +4); the rest -1, +1, +3 (mean +1).
		c.post(mathsID, march[len("/p/challengegap"):], form(
			"age_1000", "38", "reading_1000", "at", "age_1101", "49", "reading_1101", "above", "age_1102", "51", "reading_1102", "at",
			"age_1001", "35", "reading_1001", "below", "age_1002", "37", "reading_1002", "below", "age_1103", "46", "reading_1103", "below"))

		before := len(h.Host.Calls())
		page = html.UnescapeString(c.page(mathsID, trial))
		if n := len(h.Host.Calls()) - before; n > 2 {
			t.Fatalf("the trial page made %d Host calls, want at most 2", n)
		}
		mustContain(t, "the evidence", page,
			"The 3 cohort pupils receiving the strategy against the 3 who are not, from Baseline (2017-10-02) to March (2018-03-12)",
			"<td>+4.0 months (3)</td><td>+1.0 months (3)</td><td>+3.0 months</td><td>-1.5 months to +7.5 months</td>",
			"The interval includes zero",
			// At the baseline 1 of 3 against 0 of 3; in March 3 of 3 against 0 of 3 (Newcombe: 21 to 100 points).
			"<td>33% (1 of 3)</td><td>0% (0 of 3)</td><td>+33 points</td>",
			"<td>100% (3 of 3)</td><td>0% (0 of 3)</td><td>+100 points</td><td>+21 points to +100 points</td>",
			"At ARE: The interval is above zero: more of the pupils who received it are at ARE.",
			// The page leads with the evidence in words; the statistics are a click away.
			"Pupils who received it closed 3 more months of the gap than those who did not; the difference could be chance with groups this small. At March, 100% of them were at ARE against 0% of the others; the difference is clear.",
			`<details id="evidence">`, "<summary>The statistics",
			`<form method="get" action="/p/challengegap`+trial+`#evidence"`)
		// Any two snapshots: the baseline with itself changes nobody's gap.
		baseID := firstID(t, page, `<option value="(\d+)"[^>]*>Baseline`)
		mustContain(t, "the baseline against itself", html.UnescapeString(c.page(mathsID, trial+"?from="+baseID+"&to="+baseID)),
			"Every pupil's change is the same")
		// The school's leader decides on the page of the evidence; a teacher sees no decision form.
		mustNotContain(t, "the teacher's trial page", page, `data-testid="decide"`)
		decided := c.do(plugintest.HeadID, "POST", trial, form("decision", "scale_up", "from", "trial"))
		if loc := decided.GetHeaders(); decided.GetStatus() != http.StatusSeeOther || !hasHeader(decided, "X-Upwards-Flash", "Decision%20saved:%20Scale%20up%20across%20the%20school.") {
			t.Fatalf("deciding on the trial's page: %d %v", decided.GetStatus(), loc)
		}
		mustContain(t, "the leader's trial page", c.page(plugintest.HeadID, trial), `data-testid="decide"`, `<option value="scale_up" selected>`)
		if st, _ := c.status(centralID, "GET", trial, nil); st != http.StatusNotFound {
			t.Fatalf("the central team reading a trial's evidence: %d", st)
		}
	})
}
