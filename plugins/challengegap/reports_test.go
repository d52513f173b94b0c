package main

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// answers is a survey form answering every statement with v, then the overrides.
func answers(v string, overrides ...string) map[string][]string {
	f := form()
	for _, it := range rules.SurveyItems {
		f.Set("item_"+it.Key, v)
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		f.Set("item_"+overrides[i], overrides[i+1])
	}
	return f
}

func TestStaffSurveyOncePerTeamMember(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		if st, _ := c.status(plugintest.HeadID, "POST", "/years/1/surveys", form("label", "Summer 2018")); st != http.StatusForbidden {
			t.Fatalf("a head opening a survey round: %d", st)
		}
		c.post(centralID, "/years/1/surveys", form("label", "Summer 2018"))
		round := "/surveys/" + firstID(t, c.page(mathsID, "/years/1"), `/surveys/(\d+)">Summer 2018`)
		page := c.page(mathsID, round)
		mustContain(t, "the survey form", page, `data-testid="survey-form"`, "I can identify the specific barriers to learning in my school",
			"I would recommend the programme", `name="item_recommend" value="5"`, "Strongly agree")
		// Recommend: 5, 4, 2 (2 of 3 agree); barriers: 4 for all.
		c.post(mathsID, round, answers("4", "recommend", "5"))
		c.post(paraID, round, answers("4"))
		if st, _ := c.status(plugintest.HeadID, "POST", round, answers("4", "recommend", "0")); st != http.StatusUnprocessableEntity {
			t.Fatalf("an answer off the scale: %d", st)
		}
		c.post(plugintest.HeadID, round, answers("4", "recommend", "2"))
		// A second answer while the round is open corrects the first (issue 13):
		// still one response (TestSurveyAnswersCorrectedWhileOpen).
		c.post(mathsID, round, answers("4", "recommend", "5"))
		mustContain(t, "after answering", c.page(mathsID, round), `data-testid="survey-answered"`)
		// Tess teaches at B and is on no team.
		mustContain(t, "a teacher on no team", c.page(plugintest.TeacherID, round), `data-testid="survey-not-member"`)
		if st, _ := c.status(plugintest.TeacherID, "POST", round, answers("5")); st != http.StatusForbidden {
			t.Fatalf("a teacher on no team answering: %d", st)
		}
		for _, au := range h.Host.Audits() {
			if au.Action == "challengegap.survey.answer" && strings.Contains(au.AfterJSON, "recommend") {
				t.Fatalf("the audit of an answer carries the answers: %s", au.AfterJSON)
			}
		}

		// The school's report: % agree with n, for the school's own people.
		report := html.UnescapeString(c.page(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"/report?year=1"))
		mustContain(t, "the school report", report, "Summer 2018 (3 responses)",
			"<th scope=\"row\">I would recommend the programme</th><td>67%</td><td>2</td><td>3</td>",
			"<th scope=\"row\">I can identify the specific barriers to learning in my school</th><td>100%</td><td>3</td><td>3</td>")
		// Across schools, three answers are too few: nothing but "<5" and "suppressed".
		creport := html.UnescapeString(c.page(plugintest.HeadID, cluster+"/report"))
		mustContain(t, "the cluster report", creport, "Summer 2018 (<5 responses)",
			"<th scope=\"row\">I would recommend the programme</th><td>suppressed</td><td><5</td>")
		mustNotContain(t, "the cluster report", creport, "67%", "<td>3</td>")
		// Closed rounds take no answers.
		c.post(centralID, round+"/open", form("open", "0"))
		if st, _ := c.status(headBID, "POST", round, answers("5")); st != http.StatusForbidden && st != http.StatusConflict {
			t.Fatalf("an answer to a closed round: %d", st)
		}
	})
}

func TestSchoolAndClusterReports(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
			t.Fatal(err)
		}
		a := "/schools/" + id(plugintest.SchoolA)
		mustContain(t, "the report before a baseline", c.page(plugintest.HeadID, a+"/report?year=1"), `data-testid="no-impact"`, `data-testid="no-case-study"`)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1001", "pupil", "1002", "pupil", "1101", "pupil", "1102", "pupil", "1103"))
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		base := a + "/snapshots/" + firstID(t, c.page(mathsID, a+"/cohort?year=1"), `/snapshots/(\d+)">Baseline`)
		// As in the evidence test: gap changes +2, +4, +6, -1, +1, +3 (mean 2.5);
		// below ARE 5 of 6 at the baseline, 3 of 6 in March; attendance of
		// five pupils 90 → 94 and one without.
		c.post(mathsID, base, form(
			"age_1000", "30", "reading_1000", "below", "age_1101", "40", "reading_1101", "below", "age_1102", "40", "reading_1102", "at",
			"age_1001", "30", "reading_1001", "below", "age_1002", "30", "reading_1002", "below", "age_1103", "38", "reading_1103", "below",
			"attendance_1000", "90", "attendance_1001", "90", "attendance_1002", "90", "attendance_1101", "90", "attendance_1102", "90"))
		march := c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12"))
		c.post(mathsID, march[len("/p/challengegap"):], form(
			"age_1000", "38", "reading_1000", "at", "age_1101", "49", "reading_1101", "above", "age_1102", "51", "reading_1102", "at",
			"age_1001", "35", "reading_1001", "below", "age_1002", "37", "reading_1002", "below", "age_1103", "46", "reading_1103", "below",
			"attendance_1000", "94", "attendance_1001", "94", "attendance_1002", "94", "attendance_1101", "94", "attendance_1102", "94", "attendance_1103", "80"))
		strategy := firstID(t, c.page(mathsID, a), `<option value="(\d+)">Learning journals`)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strategy))
		trial := firstID(t, c.page(mathsID, a), `/trials/(\d+)">Learning journals`)
		c.post(plugintest.HeadID, a+"/trials/"+trial, form("decision", "scale_up"))

		// The case study: the school's leaders write it; a teacher may not.
		if st, _ := c.status(mathsID, "POST", a+"/casestudy", form("year", "1", "challenge", "X")); st != http.StatusNotFound {
			t.Fatalf("a teacher writing the case study: %d", st)
		}
		c.post(plugintest.HeadID, a+"/casestudy", form("year", "1", "challenge", "Reading in Y3-Y5", "response", "Learning journals", "outcome", "=1+1 closed"))

		before := len(h.Host.Calls())
		report := html.UnescapeString(c.page(plugintest.HeadID, a+"/report?year=1"))
		if n := len(h.Host.Calls()) - before; n > 1 {
			t.Fatalf("the school report made %d Host calls, want 1", n)
		}
		mustContain(t, "the school report", report, "From Baseline to March",
			"<td>6</td><td>2.5 months (n = 6)</td><td>83% (5 of 6)</td><td>50% (3 of 6)</td><td>90.0% → 94.0%</td><td>+4.0 points (n = 5)</td>",
			"<td>Learning journals</td><td>The Self-Aware Learner</td><td>0</td>", "Scale up", "0 of 0 steps done",
			`data-testid="case-study"`, "<dd>Reading in Y3-Y5</dd>", `name="challenge"`)
		// A teacher reads the report without the editor; it names no pupil.
		teacher := c.page(mathsID, a+"/report?year=1")
		mustNotContain(t, "the teacher's report", teacher, `name="challenge"`, "Amara", "Testpupil")
		if st, _ := c.status(headEID, "GET", a+"/report?year=1", nil); st != http.StatusNotFound {
			t.Fatalf("the head of a school outside the cluster: %d", st)
		}

		resp := c.do(plugintest.HeadID, "GET", a+"/report/csv?year=1", nil)
		body := string(resp.GetBody())
		if resp.GetStatus() != http.StatusOK || !strings.HasPrefix(header(resp, "Content-Type"), "text/csv") {
			t.Fatalf("the school CSV: %d %q", resp.GetStatus(), header(resp, "Content-Type"))
		}
		mustContain(t, "the school CSV", body, "section,measure,value,n\n", "impact,months of gap closed on average,2.5 months (n = 6),\n",
			"impact,below ARE at Baseline,83% (5 of 6),\n", "trial,Learning journals,Scale up across the school,0\n",
			"case study,outcome,'=1+1 closed,\n")

		// The cluster: aggregates with small counts suppressed. A has 6 pupils:
		// its mean shows; 1 of 6 at ARE at the baseline and 3 of 6 in March hide the shares.
		before = len(h.Host.Calls())
		creport := html.UnescapeString(c.page(plugintest.HeadID, cluster+"/report"))
		if n := len(h.Host.Calls()) - before; n > 1 {
			t.Fatalf("the cluster report made %d Host calls, want 1", n)
		}
		mustContain(t, "the cluster report", creport, "Counts below 5",
			"<td>6</td><td>2.5 months (n = 6)</td><td>suppressed (fewer than 5)</td><td>suppressed (fewer than 5)</td><td>90.0% → 94.0%</td><td>+4.0 points (n = 5)</td>",
			// B has no cohort.
			"<td><5</td><td>—</td>", "Learning journals")
		mustNotContain(t, "the cluster report", creport, "Amara", "83%", "Reading in Y3-Y5")
		// Cluster report access: its schools' staff and leads; not a head outside it.
		c.page(plugintest.TeacherID, cluster+"/report")
		if st, _ := c.status(headEID, "GET", cluster+"/report", nil); st != http.StatusForbidden {
			t.Fatalf("the head of a school outside the cluster: %d", st)
		}
		resp = c.do(centralID, "GET", cluster+"/report/csv", nil)
		mustContain(t, "the cluster CSV", string(resp.GetBody()), "impact,months of gap closed on average,2.5 months (n = 6),\n", "suppressed (fewer than 5)")
		var exported bool
		for _, au := range h.Host.Audits() {
			exported = exported || au.Action == "challengegap.report.cluster_export"
		}
		if !exported {
			t.Fatal("the cluster report's export was not audited")
		}
	})
}

// Two more teachers at A, so that A's team can give five answers.
const (
	sciID   uint64 = 111
	otherID uint64 = 112
)

// fixtureWithFiveAtA is fixture() with sciID and otherID teaching at A.
func fixtureWithFiveAtA() *plugintest.Fixture {
	f := fixture()
	f.People = append(f.People,
		&pluginv1.Person{Id: sciID, Name: "Sam Science", Email: "sam@test.example", Grants: []*pluginv1.RoleGrant{{Role: "teacher", UnitId: plugintest.SchoolA}}},
		&pluginv1.Person{Id: otherID, Name: "Ola Other", Email: "ola@test.example", Grants: []*pluginv1.RoleGrant{{Role: "teacher", UnitId: plugintest.SchoolA}}},
	)
	return f
}

// TestSchoolSurveyResultsPrivacy: a school's own leaders and team see its
// staff survey in full; anyone else who may see the school's report (the
// cluster lead from another school, the programme lead, a hub manager, the
// school's staff who are not on the team) sees a statement's result only
// when 5 or more answered it, on the page and in the CSV.
func TestSchoolSurveyResultsPrivacy(t *testing.T) {
	eachStorage(t, func(t *testing.T, _ *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		// Bea, head of B, leads the cluster; A's results are not hers.
		c.post(centralID, cluster+"/leads", form("facilitation_school", id(plugintest.SchoolA), "lead", id(headBID), "programme_lead", id(centralID)))
		c.post(centralID, "/years/1/surveys", form("label", "Summer 2018"))
		round := "/surveys/" + firstID(t, c.page(mathsID, "/years/1"), `/surveys/(\d+)">Summer 2018`)
		// Recommend: 5, 4, 2 (2 of 3 agree); barriers: 4 for all.
		c.post(mathsID, round, answers("4", "recommend", "5"))
		c.post(paraID, round, answers("4"))
		c.post(plugintest.HeadID, round, answers("4", "recommend", "2"))

		a := "/schools/" + id(plugintest.SchoolA)
		report := func(who uint64) string { return html.UnescapeString(c.page(who, a+"/report?year=1")) }
		csv := func(who uint64) string {
			t.Helper()
			resp := c.do(who, "GET", a+"/report/csv?year=1", nil)
			if resp.GetStatus() != http.StatusOK {
				t.Fatalf("the school CSV as %d: %d", who, resp.GetStatus())
			}
			return string(resp.GetBody())
		}
		recommend := `<th scope="row">I would recommend the programme</th>`
		barriers := `<th scope="row">I can identify the specific barriers to learning in my school</th>`

		// The school's leader and a member of its team: in full, n = 3.
		for _, who := range []uint64{plugintest.HeadID, mathsID} {
			mustContain(t, "the school's own report", report(who), `data-testid="survey-in-full"`, "Summer 2018 (3 responses)",
				recommend+"<td>67%</td><td>2</td><td>3</td>", barriers+"<td>100%</td><td>3</td><td>3</td>")
			mustContain(t, "the school's own CSV", csv(who), "survey Summer 2018,I would recommend the programme,67% agree,3\n",
				"survey Summer 2018,I can identify the specific barriers to learning in my school,100% agree,3\n")
		}

		// The cluster lead from another school, the programme lead, the hub
		// manager, and a teacher at A who is not on the team: 3 answers are
		// too few to show.
		for _, who := range []uint64{headBID, centralID, hubID, sciID} {
			page := report(who)
			mustContain(t, "another's report", page, `data-testid="survey-suppressed"`, "Summer 2018 (<5 responses)",
				recommend+"<td>fewer than 5 answers</td><td>—</td><td><5</td>", barriers+"<td>fewer than 5 answers</td>")
			mustNotContain(t, "another's report", page, "67%", "100%", `data-testid="survey-in-full"`, "<td>3</td>")
			body := csv(who)
			mustContain(t, "another's CSV", body, "survey Summer 2018,I would recommend the programme,fewer than 5 answers,<5\n",
				"survey Summer 2018,I can identify the specific barriers to learning in my school,fewer than 5 answers,<5\n")
			mustNotContain(t, "another's CSV", body, "67%", "100%", "agree,3")
		}

		// Two more on the team answer: recommend 5, 4, 2, 4, 1 (3 of 5);
		// barriers 4 for all (5 of 5). Five answers show to everyone.
		c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(sciID), "role", "teacher", "subject", "science"))
		c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(otherID), "role", "teacher", "subject", "other"))
		c.post(sciID, round, answers("4"))
		c.post(otherID, round, answers("4", "recommend", "1"))
		for _, who := range []uint64{headBID, centralID, plugintest.HeadID, sciID} {
			page := report(who)
			mustContain(t, "the report with 5 answers", page, "Summer 2018 (5 responses)",
				recommend+"<td>60%</td><td>3</td><td>5</td>", barriers+"<td>100%</td><td>5</td><td>5</td>")
			mustNotContain(t, "the report with 5 answers", page, "<td>fewer than 5 answers</td>")
			mustContain(t, "the CSV with 5 answers", csv(who), "survey Summer 2018,I would recommend the programme,60% agree,5\n")
		}
	}, plugintest.WithFixture(fixtureWithFiveAtA()))
}
