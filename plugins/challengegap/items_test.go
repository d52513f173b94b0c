package main

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// Item 13: a trust's CEO who is a cluster's programme lead opens the next
// programme year and runs survey rounds without the tenant's admin.
func TestProgrammeLeadOpensYearsAndSurveyRounds(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		// Before being named programme lead, the trust leader may do neither.
		c.forbidden(trustID, [2]string{"POST", "/years"}, [2]string{"POST", "/years/1/surveys"})
		mustNotContain(t, "the trust leader's home", c.page(trustID, "/"), "Add a programme year")
		c.post(centralID, cluster+"/leads", form("facilitation_school", id(plugintest.SchoolA), "lead", id(plugintest.HeadID), "programme_lead", id(trustID)))

		mustContain(t, "the programme lead's home", c.page(trustID, "/"), "Add a programme year")
		mustContain(t, "the programme lead's year", c.page(trustID, "/years/1"), `action="/p/challengegap/years/1/surveys"`)
		c.post(trustID, "/years/1/surveys", form("label", "Summer 2018"))
		round := firstID(t, c.page(trustID, "/years/1"), `/surveys/(\d+)">Summer 2018`)
		mustContain(t, "the round's page", c.page(trustID, "/surveys/"+round), "Close the round")
		c.post(trustID, "/surveys/"+round+"/open", form("open", "0"))
		if loc := c.post(trustID, "/years", form("label", "2018-19")); loc != "/p/challengegap/years/2" {
			t.Fatalf("the new year at %q", loc)
		}
		if len(audited(h, "challengegap.year.create")) != 2 || len(audited(h, "challengegap.survey.create")) != 1 {
			t.Fatal("the programme lead's changes are not audited")
		}
		// Not a programme lead of 2018-19 (no cluster yet): no round there;
		// still no cluster set-up, which stays with managers.
		c.forbidden(trustID, [2]string{"POST", "/years/2/surveys"}, [2]string{"POST", "/years/2/clusters"})
		// A teacher is no programme lead.
		if st, _ := c.status(mathsID, "POST", "/years", form("label", "2019-20")); st != http.StatusForbidden {
			t.Fatalf("a teacher adding a year: %d", st)
		}
	})
}

// Item 14: a team member corrects their own answers while the round is
// open; the results count the corrected answers once; a closed round keeps them.
func TestSurveyAnswersCorrectedWhileOpen(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		c.post(centralID, "/years/1/surveys", form("label", "Summer 2018"))
		round := "/surveys/" + firstID(t, c.page(mathsID, "/years/1"), `/surveys/(\d+)">Summer 2018`)
		c.post(mathsID, round, answers("4", "recommend", "1"))
		page := c.page(mathsID, round)
		mustContain(t, "the answered round", page, `data-testid="survey-answered"`, `data-testid="survey-correct"`,
			`name="item_recommend" value="1" checked`, `name="item_barriers" value="4" checked`, "Correct my answers")
		// Only the person's own answers are shown to them: another member sees an empty form.
		mustNotContain(t, "another member's form", c.page(paraID, round), " checked")
		// A correction must answer every statement, and saves nothing otherwise.
		bad := answers("4", "recommend", "5")
		delete(bad, "item_barriers")
		c.refused(mathsID, round, bad, http.StatusUnprocessableEntity, "answer every statement")
		mustContain(t, "after a refused correction", c.page(mathsID, round), `name="item_recommend" value="1" checked`)
		if loc := c.post(mathsID, round, answers("4", "recommend", "5")); !strings.HasSuffix(loc, "?corrected=1") {
			t.Fatalf("a correction redirects to %q", loc)
		}
		mustContain(t, "the corrected answers", c.page(mathsID, round), `name="item_recommend" value="5" checked`)
		report := html.UnescapeString(c.page(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"/report?year=1"))
		mustContain(t, "the report after a correction", report, "Summer 2018 (1 response",
			"<th scope=\"row\">I would recommend the programme</th><td>100%</td><td>1</td><td>1</td>")
		corr := audited(h, "challengegap.survey.correct")
		if len(corr) != 1 || strings.Contains(corr[0].AfterJSON, "recommend") {
			t.Fatalf("corrections audited: %+v", corr)
		}
		// A closed round keeps the answers.
		c.post(centralID, round+"/open", form("open", "0"))
		c.refused(mathsID, round, answers("1"), http.StatusConflict, "closed")
		mustNotContain(t, "the closed round", c.page(mathsID, round), `data-testid="survey-correct"`)
	})
}

// Item 14: a school that leaves after its baseline is marked withdrawn:
// kept in the history, shown as such, out of the cluster's figures.
func TestSchoolWithdrawnAfterItsBaseline(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		b := "/schools/" + id(plugintest.SchoolB)
		place := cluster + "/schools/" + id(plugintest.SchoolB)
		// Before its baseline a school is taken out, not withdrawn.
		mustNotContain(t, "the place before a baseline", c.page(plugintest.HeadID, place), `data-testid="form-withdraw"`)
		c.refused(plugintest.HeadID, place+"/withdraw", form("withdrawn_on", "2018-03-01", "reason", "Left"), http.StatusUnprocessableEntity,
			"has taken no baseline")
		c.post(headBID, b+"/cohort?year=1", form("pupil", "1003", "pupil", "1004"))
		c.post(headBID, b+"/cohort/baseline?year=1", form("taken_on", "2017-10-09"))
		mustContain(t, "the place after the baseline", c.page(plugintest.HeadID, place), `data-testid="form-withdraw"`, "Date the school left")
		// Bad input is refused, naming the field; only the cluster's leads may.
		c.refused(plugintest.HeadID, place+"/withdraw", form("withdrawn_on", "2017-10-01", "reason", "Left"), http.StatusUnprocessableEntity,
			"Date the school left: Sun 1 Oct 2017 is not between the school&#39;s baseline (Mon 9 Oct 2017)")
		c.refused(plugintest.HeadID, place+"/withdraw", form("withdrawn_on", "2018-03-01"), http.StatusUnprocessableEntity, "Reason")
		c.forbidden(headBID, [2]string{"POST", place + "/withdraw"})
		c.post(plugintest.HeadID, place+"/withdraw", form("withdrawn_on", "2018-03-01", "reason", "A new head chose another programme"))
		if got := audited(h, "challengegap.participant.withdraw"); len(got) != 1 {
			t.Fatalf("withdrawals audited: %d", len(got))
		}
		page := c.page(plugintest.HeadID, cluster)
		mustContain(t, "the cluster page", page, `data-testid="withdrawn"`, `Birch Academy</a> <span class="ui-badge ui-tone-warning">Withdrawn</span> on Thu 1 Mar 2018`)
		mustNotContain(t, "the cluster page", page, "<td><a href=\"/p/challengegap/schools/11?year=1\">Birch Academy</a></td>")
		mustContain(t, "B's page", c.page(headBID, b+"?year=1"), `data-testid="withdrawn"`, "Withdrawn</span> from its cluster on Thu 1 Mar 2018")
		mustNotContain(t, "the cluster's report", c.page(plugintest.HeadID, cluster+"/report"), "Birch Academy")
		// Its history stays: the cohort and baseline are still there.
		mustContain(t, "B's cohort", c.page(headBID, b+"/cohort?year=1"), "Baseline</a> — 2017-10-09")
		// ... and is read-only: no snapshot after it left.
		if st, _ := c.status(headBID, "POST", b+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-14")); st != http.StatusForbidden {
			t.Fatalf("a snapshot of a withdrawn school: %d", st)
		}
		// It does not rejoin a cluster this year, directly or by asking.
		c.refused(centralID, cluster+"/schools", form("school", id(plugintest.SchoolB)), http.StatusConflict, "withdrew from its cluster on Thu 1 Mar 2018")
		// Once withdrawn, it cannot be withdrawn again.
		if st, _ := c.status(plugintest.HeadID, "POST", place+"/withdraw", form("withdrawn_on", "2018-03-02", "reason", "x")); st != http.StatusNotFound {
			t.Fatalf("a second withdrawal: %d", st)
		}
	})
}
