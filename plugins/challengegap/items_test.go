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
