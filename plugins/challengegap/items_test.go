package main

import (
	"net/http"
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
