package main

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

func TestTermlyNewsletterMailsEachTeamOncePerTerm(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		c.post(headBID, "/schools/"+id(plugintest.SchoolB)+"/team", form("year", "1", "person", id(headBID), "role", "leader"))
		page := c.page(plugintest.HeadID, cluster)
		first := "/workshops/" + firstID(t, page, `/workshops/(\d+)">The starting line`)
		second := "/workshops/" + firstID(t, page, `/workshops/(\d+)">A deep dive into pupil data`)
		c.post(plugintest.HeadID, first, form("held_on", "2017-09-28", "venue", "Alder Primary School hall"))
		c.post(plugintest.HeadID, second, form("held_on", "2018-01-20"))
		c.post(plugintest.HeadID, first+"/resources", form("title", "Baseline template", "url", "https://example.org/baseline.xlsx"))
		// A has a cohort of two with a baseline: too few to show any figure.
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1002"))
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-09-11"))

		run := func(day string) {
			t.Helper()
			if err := h.RunJob(h.System(), "newsletter", []byte(`{"today":"`+day+`"}`)); err != nil {
				t.Fatal(err)
			}
		}
		run("2016-09-15") // no programme year running
		if m := h.Host.Mails(); len(m) != 0 {
			t.Fatalf("mails outside a programme year: %+v", m)
		}
		run("2017-09-15")
		mails := h.Host.Mails()
		to := map[string]bool{}
		for _, m := range mails {
			to[m.To] = true
			if m.Subject != "Challenge the Gap: the Autumn term digest of North Cluster" {
				t.Fatalf("subject: %q", m.Subject)
			}
			mustContain(t, "the autumn digest", m.Body, "Baseline template (workshop 1: The starting line) https://example.org/baseline.xlsx",
				"- 2017-09-28: workshop 1, The starting line, at Alder Primary School hall", "- Target pupils: <5",
				"Months of gap closed on average: not shown (too few pupils)", "Counts below 5")
			mustNotContain(t, "the autumn digest", m.Body, "2018-01-20", "Amara", "Chen")
		}
		if len(mails) != 4 || !to["hari.head@test.example"] || !to["tom@test.example"] || !to["pia@test.example"] || !to["bea@test.example"] {
			t.Fatalf("mails = %+v", mails)
		}
		for _, m := range mails {
			if m.To == "bea@test.example" && !strings.Contains(m.Body, "a member of Birch") {
				t.Fatalf("B's mail names another school:\n%s", m.Body)
			}
		}
		run("2017-09-15") // again: nobody twice
		run("2017-11-01") // the same term
		if n := len(h.Host.Mails()); n != 4 {
			t.Fatalf("the same term again sent %d mails in all", n)
		}
		// The spring digest: nothing new since the autumn one; January's workshop is coming.
		run("2018-01-15")
		mails = h.Host.Mails()
		if len(mails) != 8 {
			t.Fatalf("%d mails after the spring digest", len(mails))
		}
		mustContain(t, "the spring digest", mails[7].Body, "the Spring term digest", "No new resource since the last digest.",
			"- 2018-01-20: workshop 2, A deep dive into pupil data")
	})
}
