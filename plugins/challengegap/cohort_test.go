package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func TestTargetCohortWithWarningsFrozenAtBaseline(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		cohort := "/schools/" + id(plugintest.SchoolA) + "/cohort?year=1"

		// Tom, on A's team, sees A's pupils with warnings that explain, in three Host calls.
		h.Host.Reset()
		page := c.page(mathsID, cohort)
		if n := len(h.Host.Calls()); n > 3 {
			t.Fatalf("the cohort page made %d Host calls, want at most 3", n)
		}
		mustContain(t, "the candidates", page, "Amara Testpupil", "Ben Testpupil", "Gio Testpupil", `data-warning="not_disadvantaged"`,
			`data-warning="exam_year"`, "⚠ exam year", "(Y6, Y11, Y13)", `data-testid="candidate-warnings"`)
		mustNotContain(t, "the candidates", page, "Dara Testpupil") // B's pupil

		// He adds three; Gio keeps the exam-year warning in the cohort.
		c.post(mathsID, cohort, form("pupil", "1000", "pupil", "1002", "pupil", id(y6Pupil)))
		page = c.page(mathsID, cohort)
		members := page[strings.Index(page, `data-testid="members"`):strings.Index(page, "Choose pupils")]
		mustContain(t, "the cohort", members, "Amara Testpupil", "Chen Testpupil", "Gio Testpupil", `data-warning="exam_year"`)
		mustContain(t, "the cohort page", page, "In the cohort (3 of about 15)")
		mustNotContain(t, "the cohort", members, "Ben Testpupil")
		for _, a := range h.Host.Audits() {
			if a.Action == "challengegap.cohort.add" && (strings.Contains(a.AfterJSON, "Amara") || !strings.Contains(a.AfterJSON, "1000")) {
				t.Fatalf("the cohort audit must carry pupil ids and no names: %s", a.AfterJSON)
			}
		}

		// Bea, head of B, cannot put A's pupil into B's cohort; Tess, a teacher
		// at B on no team, may not change B's cohort at all.
		b := "/schools/" + id(plugintest.SchoolB) + "/cohort?year=1"
		if st, body := c.status(headBID, "POST", b, form("pupil", "1000")); st != http.StatusUnprocessableEntity || strings.Contains(body, "Amara") {
			t.Fatalf("another school's pupil: %d %s", st, body)
		}
		if st, _ := c.status(plugintest.TeacherID, "POST", b, form("pupil", "1003")); st != http.StatusForbidden {
			t.Fatalf("a teacher on no team: %d", st)
		}
		// The central team sees no pupil-level data; the trust leader reads without forms.
		if st, _ := c.status(centralID, "GET", cohort, nil); st != http.StatusNotFound {
			t.Fatalf("the central team reading the cohort: %d", st)
		}
		trust := c.page(trustID, cohort)
		mustContain(t, "the trust leader's view", trust, "Amara Testpupil")
		mustNotContain(t, "the trust leader's view", trust, `method="post"`)

		// Other intervention: recorded by the team, shown as a warning.
		page = c.page(mathsID, cohort)
		// The cohort is one compact table: a pupil's changes are on the pupil's own page.
		mustNotContain(t, "the compact cohort", page[strings.Index(page, `data-testid="members"`):strings.Index(page, "Choose pupils")], "<form")
		amara := firstID(t, page, `/cohort/(\d+)\?year=1">Change or take out<span class="visually-hidden">: Amara Testpupil`)
		own := c.page(mathsID, "/schools/"+id(plugintest.SchoolA)+"/cohort/"+amara+"?year=1")
		mustContain(t, "Amara's page in the cohort", own, "<h1>Amara Testpupil</h1>", "/cohort/"+amara+"/intervention?year=1", "/cohort/"+amara+"/remove?year=1",
			"Take out of the cohort", "Reason (optional)")
		c.post(mathsID, "/schools/"+id(plugintest.SchoolA)+"/cohort/"+amara+"/intervention?year=1", form("other", "1"))
		page = c.page(mathsID, cohort)
		mustContain(t, "the intervention", page, `data-warning="other_intervention"`, "⚠ other intervention", `data-testid="member-warnings"`,
			"already receiving another intervention")
		mustContain(t, "Amara's page after the intervention", c.page(mathsID, "/schools/"+id(plugintest.SchoolA)+"/cohort/"+amara+"?year=1"),
			"Already receiving another intervention: its effect cannot be told apart")
		// The trust leader reads the pupil's page without forms; another school's member is not found.
		mustNotContain(t, "the trust leader's view of Amara", c.page(trustID, "/schools/"+id(plugintest.SchoolA)+"/cohort/"+amara+"?year=1"), `method="post"`)
		if st, _ := c.status(headBID, "GET", "/schools/"+id(plugintest.SchoolB)+"/cohort/"+amara+"?year=1", nil); st != http.StatusNotFound {
			t.Fatalf("Amara through B's cohort: %d", st)
		}

		// Only a school leader takes the baseline; then every change needs a reason.
		if st, _ := c.status(mathsID, "POST", "/schools/"+id(plugintest.SchoolA)+"/cohort/baseline?year=1", form()); st != http.StatusNotFound {
			t.Fatalf("a teacher taking the baseline: %d", st)
		}
		c.post(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"/cohort/baseline?year=1", form())
		page = c.page(mathsID, cohort)
		mustContain(t, "the frozen cohort", page, `data-testid="frozen"`)
		mustContain(t, "Amara's page after the baseline", c.page(mathsID, "/schools/"+id(plugintest.SchoolA)+"/cohort/"+amara+"?year=1"),
			"Reason (needed: the baseline is taken)", `name="reason" maxlength="1000" required`)
		remove := "/schools/" + id(plugintest.SchoolA) + "/cohort/" + amara + "/remove?year=1"
		if st, body := c.status(mathsID, "POST", remove, form()); st != http.StatusUnprocessableEntity || !strings.Contains(body, "say why") {
			t.Fatalf("a change after the baseline without a reason: %d %s", st, body)
		}
		c.post(mathsID, remove, form("reason", "Moved school"))
		mustContain(t, "the changes", c.page(mathsID, cohort), "Amara Testpupil removed after the baseline — Moved school")
		if st, _ := c.status(plugintest.HeadID, "POST", "/schools/"+id(plugintest.SchoolA)+"/cohort/baseline?year=1", form()); st != http.StatusConflict {
			t.Fatalf("a second baseline: %d", st)
		}

		// The school page links the cohort for those who may read it.
		mustContain(t, "A's page", c.page(mathsID, "/schools/"+id(plugintest.SchoolA)), `data-testid="cohort-link"`)
		mustNotContain(t, "A's page for the central team", c.page(centralID, "/schools/"+id(plugintest.SchoolA)), `data-testid="cohort-link"`)

		// A pupil's records are exported and erased by the core's pupil id.
		ctx := t.Context()
		pupil := &pluginv1.Subject{Id: &pluginv1.Subject_PupilId{PupilId: 1000}}
		exp, err := h.Client.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Actor: h.System(), Subject: pupil})
		if err != nil || len(exp.GetFiles()) != 1 || !strings.Contains(string(exp.GetFiles()[0].GetContent()), "Moved school") {
			t.Fatalf("export of a pupil: %v %v", exp, err)
		}
		er, err := h.Client.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Actor: h.System(), Subject: pupil})
		if err != nil || er.GetErased() != 3 { // the membership, its addition and its removal
			t.Fatalf("erasure of a pupil: %v %v", er, err)
		}
		mustNotContain(t, "the cohort after erasure", c.page(mathsID, cohort), "removed after the baseline")
	})
}

func TestCohortWhenTheCoreKeepsNoPupils(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		mustContain(t, "the cohort page", c.page(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"/cohort?year=1"), `data-testid="no-pupils"`)
		// A school outside the programme this year has no cohort.
		mustContain(t, "E's cohort page", c.page(headEID, "/schools/"+id(schoolE)+"/cohort?year=1"), `data-testid="not-in-cluster"`)
	}, plugintest.WithoutPupils())
}

func TestPupilsReceivingATrialComeFromTheCohort(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
			t.Fatal(err)
		}
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1002"))
		strategy := firstID(t, c.page(mathsID, a), `<option value="(\d+)">Learning journals`)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strategy))
		trial := a + "/trials/" + firstID(t, c.page(mathsID, a), `/trials/(\d+)">Learning journals`)

		page := c.page(mathsID, trial)
		mustContain(t, "the trial page", page, "Learning journals", "Amara Testpupil", "Chen Testpupil", `name="pupil" value="1000"`)
		mustNotContain(t, "the trial page", page, "Ben Testpupil") // not in the cohort
		c.post(mathsID, trial+"/pupils", form("pupil", "1000"))
		mustContain(t, "after saving", c.page(mathsID, trial), `value="1000" id="p-1000" checked`)
		if st, _ := c.status(mathsID, "POST", trial+"/pupils", form("pupil", "1001")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a pupil outside the cohort: %d", st)
		}
		// The school page counts the pupils and names none of them; the hub
		// manager (A is in the hub) gets no link to the pupils, and, not
		// being at the school, sees a count below 5 as "<5".
		mustContain(t, "the team member's school page", c.page(mathsID, a), "<td>1</td>", "Learning journals")
		school := c.page(hubID, a)
		mustContain(t, "the school page", school, "<td>&lt;5</td>", "Learning journals")
		mustNotContain(t, "the hub manager's school page", school, "Amara", "/trials/")
		if st, _ := c.status(centralID, "GET", trial, nil); st != http.StatusNotFound {
			t.Fatalf("the central team reading the pupils of a trial: %d", st)
		}
		mustNotContain(t, "the trust leader's view", c.page(trustID, trial), `method="post"`)
		if st, _ := c.status(plugintest.TeacherID, "POST", trial+"/pupils", form("pupil", "1000")); st != http.StatusNotFound {
			t.Fatalf("a teacher of another school: %d", st)
		}
	})
}
