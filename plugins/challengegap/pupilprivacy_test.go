package main

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// TestSchoolPupilFiguresPrivacy: a school's own leaders and team see its
// pupil figures in full on its programme page and its report (page and
// CSV), and so does a trust leader, who holds cohort.read at the trust's
// schools and may see the pupils themselves; anyone else who may open them
// (the cluster lead from another school, the programme lead, a hub
// manager) sees no pupil
// named and, as in the cluster report, a count below 5 as "<5" and a
// figure resting on one withheld. The pupil-level pages of the school
// (cohort, snapshots, matrix, a trial's pupils and evidence) refuse those
// without challengegap.cohort.read at the school.
func TestSchoolPupilFiguresPrivacy(t *testing.T) {
	eachStorage(t, func(t *testing.T, _ *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil { // the strategies catalogue
			t.Fatal(err)
		}
		// Bea, head of B, leads the cluster; A's pupils are not hers.
		c.post(centralID, cluster+"/leads", form("facilitation_school", id(plugintest.SchoolA), "lead", id(headBID), "programme_lead", id(centralID)))
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1001", "pupil", "1002", "pupil", "1101", "pupil", "1102", "pupil", "1103"))
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		baseID := firstID(t, c.page(mathsID, a+"/cohort?year=1"), `/snapshots/(\d+)">Baseline`)
		base := a + "/snapshots/" + baseID
		// Gap changes +2, +4, +6, -1, +1, +3 (mean 2.5, n = 6); below ARE
		// 5 of 6 at the baseline, 3 of 6 in March; attendance of four
		// pupils 90 → 94 (n = 4: too few to show outside the school).
		c.post(mathsID, base, form(
			"age_1000", "30", "reading_1000", "below", "age_1101", "40", "reading_1101", "below", "age_1102", "40", "reading_1102", "at",
			"age_1001", "30", "reading_1001", "below", "age_1002", "30", "reading_1002", "below", "age_1103", "38", "reading_1103", "below",
			"attendance_1000", "90", "attendance_1001", "90", "attendance_1002", "90", "attendance_1101", "90"))
		march := c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12"))
		c.post(mathsID, march[len("/p/challengegap"):], form(
			"age_1000", "38", "reading_1000", "at", "age_1101", "49", "reading_1101", "above", "age_1102", "51", "reading_1102", "at",
			"age_1001", "35", "reading_1001", "below", "age_1002", "37", "reading_1002", "below", "age_1103", "46", "reading_1103", "below",
			"attendance_1000", "94", "attendance_1001", "94", "attendance_1002", "94", "attendance_1101", "94"))
		strategy := firstID(t, c.page(mathsID, a), `<option value="(\d+)">Learning journals`)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strategy))
		trialID := firstID(t, c.page(mathsID, a), `/trials/(\d+)">Learning journals`)
		trial := a + "/trials/" + trialID
		// Three pupils receive it: fewer than 5.
		c.post(mathsID, trial+"/pupils", form("pupil", "1000", "pupil", "1001", "pupil", "1002"))

		school := func(who uint64) string { return html.UnescapeString(c.page(who, a+"?year=1")) }
		report := func(who uint64) string { return html.UnescapeString(c.page(who, a+"/report?year=1")) }
		csv := func(who uint64) string {
			t.Helper()
			resp := c.do(who, "GET", a+"/report/csv?year=1", nil)
			if resp.GetStatus() != http.StatusOK {
				t.Fatalf("the school CSV as %d: %d", who, resp.GetStatus())
			}
			return string(resp.GetBody())
		}
		// No pupil's name or date of birth (the fixture's pupils of A are
		// Amara, Ben, Chen, Iris, Jude and Kai Testpupil, born 2014-15).
		names := []string{"Testpupil", "Amara", "Ben ", "Chen", "Iris", "Jude", "Kai ", "2015-0", "2014-0"}
		trialCell := `<td>Learning journals</td><td>The Self-Aware Learner</td>`

		// The school's leader, a member of its team and the trust leader: every figure.
		for _, who := range []uint64{plugintest.HeadID, mathsID, trustID} {
			page := report(who)
			mustContain(t, "the school's own report", page,
				"<td>6</td><td>2.5 months (n = 6)</td><td>83% (5 of 6)</td><td>50% (3 of 6)</td><td>90.0% → 94.0%</td><td>+4.0 points (n = 4)</td>",
				trialCell+"<td>3</td>")
			mustNotContain(t, "the school's own report", page, `data-testid="pupils-suppressed"`, "suppressed (fewer than 5)", "<5")
			// (A leading + is quoted for spreadsheets.)
			mustContain(t, "the school's own CSV", csv(who), "impact,school,Alder Primary School,6\n",
				"impact,months of gap closed on average,2.5 months (n = 6),\n", "impact,below ARE at Baseline,83% (5 of 6),\n",
				"impact,below ARE at March,50% (3 of 6),\n", "impact,attendance change,'+4.0 points (n = 4),\n",
				"trial,Learning journals,Trial running,3\n")
			sp := school(who)
			mustContain(t, "the school's own page", sp, "<td>3</td>")
			mustNotContain(t, "the school's own page", sp, `data-testid="pupils-suppressed"`, "<5")
		}

		// Anyone else who may open the school's pages: the cluster lead
		// from another school, the programme lead (central team), the hub
		// manager.
		for _, who := range []uint64{headBID, centralID, hubID} {
			page := report(who)
			mustContain(t, "another's report", page, `data-testid="pupils-suppressed"`,
				// 6 pupils and a mean of 6 show; 1 of 6 at ARE then and 3 of 6
				// now hide the shares; a mean of 4 pupils is withheld.
				"<td>6</td><td>2.5 months (n = 6)</td><td>suppressed (fewer than 5)</td><td>suppressed (fewer than 5)</td><td>— → —</td><td>fewer than 5 pupils</td>",
				trialCell+"<td><5</td>")
			mustNotContain(t, "another's report", page, append([]string{"83%", "50%", "94.0%", "+4.0 points", "(n = 4)", trialCell + "<td>3</td>"}, names...)...)
			body := csv(who)
			mustContain(t, "another's CSV", body, "impact,school,Alder Primary School,6\n",
				"impact,months of gap closed on average,2.5 months (n = 6),\n", "impact,below ARE at Baseline,suppressed (fewer than 5),\n",
				"impact,below ARE at March,suppressed (fewer than 5),\n", "impact,attendance change,fewer than 5 pupils,\n",
				"impact,attendance at Baseline,—,\n", "trial,Learning journals,Trial running,<5\n")
			mustNotContain(t, "another's CSV", body, append([]string{"83%", "50%", "94.0", "(n = 4)", "Trial running,3"}, names...)...)
			sp := school(who)
			mustContain(t, "another's view of the school's page", sp, `data-testid="pupils-suppressed"`, "<td><5</td>")
			mustNotContain(t, "another's view of the school's page", sp, append([]string{"<td>3</td>"}, names...)...)
		}

		// The school's pupil-level pages are for holders of cohort.read at
		// the school: the core refuses the others before the plugin runs.
		for _, who := range []uint64{headBID, centralID, hubID} {
			for _, path := range []string{a + "/cohort?year=1", a + "/matrix?year=1", base, base + "/csv", trial} {
				if st, body := c.status(who, "GET", path, nil); st != http.StatusForbidden && st != http.StatusNotFound {
					t.Fatalf("GET %s as %d = %d, want 403 or 404:\n%s", path, who, st, body)
				} else if strings.Contains(body, "Testpupil") {
					t.Fatalf("GET %s as %d names a pupil:\n%s", path, who, body)
				}
			}
		}

		// The cluster report is as before: its own rules for every reader.
		creport := html.UnescapeString(c.page(plugintest.HeadID, cluster+"/report"))
		mustContain(t, "the cluster report", creport,
			"<td>6</td><td>2.5 months (n = 6)</td><td>suppressed (fewer than 5)</td><td>suppressed (fewer than 5)</td><td>— → —</td><td>fewer than 5 pupils</td>")
	})
}
