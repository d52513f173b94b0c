package main

import (
	"net/http"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

func TestScaleUpPlanOnTheSchoolPage(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
			t.Fatal(err)
		}
		a := "/schools/" + id(plugintest.SchoolA)
		strategy := firstID(t, c.page(mathsID, a), `<option value="(\d+)">Learning journals`)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strategy))
		trial := a + "/trials/" + firstID(t, c.page(mathsID, a), `/trials/(\d+)">Learning journals`)
		// No plan for a trial still running.
		mustNotContain(t, "the school page of a running trial", c.page(mathsID, a), `data-testid="scaleup-plan"`)
		if st, _ := c.status(mathsID, "POST", trial+"/steps", form("year", "1", "what", "Train staff")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a step for a running trial: %d", st)
		}
		c.post(plugintest.HeadID, trial, form("decision", "scale_up"))

		c.post(mathsID, trial+"/steps", form("year", "1", "what", "Extend to Y5", "who", "Head of KS2", "due_on", "2018-06-01"))
		c.post(paraID, trial+"/steps", form("year", "1", "what", "Train teaching assistants", "who", "Pia", "due_on", "2018-04-20"))
		c.post(mathsID, trial+"/reach", form("year", "1", "year_groups", "4, 3", "classes", "3R, 4B"))
		if st, body := c.status(mathsID, "POST", trial+"/reach", form("year", "1", "year_groups", "Y20")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a bad year group: %d %s", st, body)
		}
		page := c.page(mathsID, a)
		mustContain(t, "the plan", page, `data-testid="scaleup-plan"`, "Reached: year groups Y3, Y4; classes 3R, 4B. Steps done: 0 of 2.")
		// Steps are listed by due date: the teaching assistants' training first.
		first := firstID(t, page, `/steps/(\d+)"`)
		c.post(mathsID, trial+"/steps/"+first, form("year", "1", "done", "1"))
		page = c.page(plugintest.HeadID, a)
		mustContain(t, "after a step is done", page, "Steps done: 1 of 2.", "<s>Train teaching assistants</s>")
		// Readers without team rights see the plan without forms.
		trust := c.page(trustID, a)
		mustContain(t, "the trust leader's view", trust, "Steps done: 1 of 2.")
		mustNotContain(t, "the trust leader's view", trust, "Add step")
		if st, _ := c.status(plugintest.TeacherID, "POST", trial+"/steps", form("year", "1", "what", "X")); st != http.StatusNotFound {
			t.Fatalf("a teacher of another school adding a step: %d", st)
		}
		var audited bool
		for _, au := range h.Host.Audits() {
			audited = audited || au.Action == "challengegap.scaleup.step_done"
		}
		if !audited {
			t.Fatal("marking a step done was not audited")
		}
	})
}
