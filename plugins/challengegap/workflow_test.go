package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// teamOfA puts Hari (leader), Tom (maths) and Pia (TA) on A's 2017-18 team.
func teamOfA(t *testing.T, c client) {
	t.Helper()
	a := "/schools/" + id(plugintest.SchoolA)
	c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(plugintest.HeadID), "role", "leader"))
	c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(mathsID), "role", "teacher", "subject", "maths"))
	c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(paraID), "role", "para", "para_type", "mentor"))
}

func TestWorkshopsDatesAttendanceAndResources(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		page := c.page(mathsID, cluster)
		mustContain(t, "the cluster's workshops", page, "The starting line", "A deep dive into pupil data", "The Academically Competent Learner",
			"The Self-Aware Learner", "The Resilient Learner", "So what… and what next?")
		w := "/workshops/" + firstID(t, page, `/workshops/(\d+)">The starting line`)

		// A team member sees the workshop but not the attendance register, and cannot change it.
		member := c.page(mathsID, w)
		mustContain(t, "a member's view", member, "Not fixed yet")
		mustNotContain(t, "a member's view", member, `data-testid="attendance"`, "<form")
		if st, _ := c.status(mathsID, "POST", w, form("held_on", "2017-09-28")); st != http.StatusForbidden {
			t.Fatalf("a member setting the date: %d", st)
		}

		// The cluster lead sets the date, records attendance and shares a resource.
		if st, body := c.status(plugintest.HeadID, "POST", w, form("held_on", "28/09/2017")); st != http.StatusUnprocessableEntity || !strings.Contains(body, "YYYY-MM-DD") {
			t.Fatalf("a bad date: %d %s", st, body)
		}
		c.post(plugintest.HeadID, w, form("held_on", "2017-09-28", "venue", "Alder Primary School hall"))
		lead := c.page(plugintest.HeadID, w)
		mustContain(t, "the lead's view", lead, "2017-09-28", "Tom Maths", "Pia Para", "Hari Head")
		tom := firstID(t, lead, `value="(\d+)" id="present-\d+"></td><td><label for="present-\d+">Tom Maths`)
		c.post(plugintest.HeadID, w+"/attendance", form("present", tom))
		lead = c.page(plugintest.HeadID, w)
		mustContain(t, "attendance", lead, `value="`+tom+`" id="present-`+tom+`" checked`)
		if strings.Count(lead, " checked>") != 1 {
			t.Fatalf("one person was present, the page ticks %d:\n%s", strings.Count(lead, " checked>"), lead)
		}
		if st, _ := c.status(plugintest.HeadID, "POST", w+"/attendance", form("present", "99999")); st != http.StatusUnprocessableEntity {
			t.Fatalf("attendance of someone outside the cluster: %d", st)
		}
		if st, _ := c.status(plugintest.HeadID, "POST", w+"/resources", form("title", "Slides", "url", "javascript:alert(1)")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a javascript: link: %d", st)
		}
		c.post(plugintest.HeadID, w+"/resources", form("title", "Baseline template", "url", "https://example.org/baseline.xlsx"))
		mustContain(t, "resources", c.page(mathsID, w), `href="https://example.org/baseline.xlsx"`, "Baseline template")
		mustContain(t, "the cluster page", c.page(mathsID, cluster), "2017-09-28", "Alder Primary School hall")
	})
}

func TestVisitsAndAgreedActions(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		a := "/schools/" + id(plugintest.SchoolA)

		// Only the programme lead (Cora) or a manager records visits; the school's head may not.
		if st, _ := c.status(plugintest.HeadID, "POST", a+"/visits", form("year", "1", "visited_on", "2017-10-12")); st != http.StatusForbidden {
			t.Fatalf("the head recording a visit: %d", st)
		}
		c.post(centralID, a+"/visits", form("year", "1", "visited_on", "2017-10-12", "notes", "Baseline data in place; team meets fortnightly."))
		page := c.page(plugintest.HeadID, a)
		mustContain(t, "the visit", page, "2017-10-12 — Cora Central", "team meets fortnightly")
		visit := firstID(t, page, `/visits/(\d+)/actions"`)

		// Agreed actions: added by the programme lead, marked done by the school's head.
		c.post(centralID, "/visits/"+visit+"/actions", form("text", "Share the baseline with all staff", "due_on", "2017-11-01"))
		page = c.page(plugintest.HeadID, a)
		action := firstID(t, page, `/visits/`+visit+`/actions/(\d+)"`)
		c.post(plugintest.HeadID, "/visits/"+visit+"/actions/"+action, form("done", "1"))
		mustContain(t, "the done action", c.page(plugintest.HeadID, a), "<s>Share the baseline with all staff</s> (done)")
		// A teacher of the school may not; the head of another school cannot even see it.
		if st, _ := c.status(mathsID, "POST", "/visits/"+visit+"/actions", form("text", "x")); st != http.StatusForbidden {
			t.Fatalf("a teacher adding an action: %d", st)
		}
		if st, _ := c.status(headEID, "POST", "/visits/"+visit+"/actions/"+action, form("done", "0")); st != http.StatusNotFound {
			t.Fatalf("another school's head: %d", st)
		}
		// A school in no cluster this year gets no visit.
		if st, _ := c.status(centralID, "POST", "/schools/"+id(schoolE)+"/visits", form("year", "1", "visited_on", "2017-10-12")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a visit to a school outside the programme: %d", st)
		}
	})
}

func TestStrategiesCatalogueAndTrials(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)

		// Enabling the plugin for a tenant fills an empty catalogue; a second time adds nothing.
		for range 2 {
			if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
				t.Fatal(err)
			}
		}
		page := c.page(mathsID, "/strategies")
		mustContain(t, "the catalogue", page, "The Academically Competent Learner", "The Self-Aware Learner", "The Resilient Learner",
			"Pre-teaching key vocabulary", "Learning journals", "Mentoring by a trusted adult")
		if strings.Count(page, "<dt>") != 6 {
			t.Fatalf("the starter catalogue has %d entries after two events:\n%s", strings.Count(page, "<dt>"), page)
		}
		if st, _ := c.status(plugintest.HeadID, "POST", "/strategies", form("theme", "resilient", "title", "X")); st != http.StatusForbidden {
			t.Fatalf("a head adding to the catalogue: %d", st)
		}
		c.post(centralID, "/strategies", form("theme", "self_aware", "title", "Exam wrappers", "description", "Reflect after each test."))
		mustContain(t, "the catalogue", c.page(mathsID, "/strategies"), "Exam wrappers")

		// Tom, on A's team, records a trial; Tess, a teacher at B on no team, may not.
		a := "/schools/" + id(plugintest.SchoolA)
		strategy := firstID(t, c.page(mathsID, a), `<option value="(\d+)">Pre-teaching key vocabulary`)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strategy, "started_on", "2017-10-02", "notes", "Y4 group"))
		if st, _ := c.status(plugintest.TeacherID, "POST", "/schools/"+id(plugintest.SchoolB)+"/trials", form("year", "1", "strategy", strategy)); st != http.StatusForbidden {
			t.Fatalf("a teacher on no team recording a trial: %d", st)
		}
		if st, _ := c.status(mathsID, "POST", a+"/trials", form("year", "1", "strategy", strategy)); st != http.StatusConflict {
			t.Fatalf("the same trial twice: %d", st)
		}
		// The head decides to scale it up; Tom sees the decision but no form.
		page = c.page(plugintest.HeadID, a)
		trial := firstID(t, page, `/trials/(\d+)"`)
		if st, _ := c.status(mathsID, "POST", a+"/trials/"+trial, form("decision", "scale_up")); st != http.StatusNotFound {
			t.Fatalf("a teacher deciding: %d", st)
		}
		c.post(plugintest.HeadID, a+"/trials/"+trial, form("decision", "scale_up"))
		mustContain(t, "the decision", c.page(mathsID, a), "Pre-teaching key vocabulary", "Scale up across the school", "Y4 group")
	})
}

func TestSyncJobAndSchoolEvents(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)

		// The core renames a school and a person; the nightly job (system actor) catches up in two batched reads.
		for _, s := range fx.Schools {
			if s.GetId() == plugintest.SchoolB {
				s.Name = "Birch Academy Trust School"
			}
		}
		for _, p := range fx.People {
			if p.GetId() == mathsID {
				p.Name = "Tom Maths-Smith"
			}
		}
		h.Host.Reset()
		if err := h.RunJob(h.System(), "sync_schools", nil); err != nil {
			t.Fatal(err)
		}
		if n, p := h.Host.CallCount("GetSchools"), h.Host.CallCount("GetPeople"); n != 1 || p != 1 {
			t.Fatalf("the job read schools %d and people %d times, want once each", n, p)
		}
		mustContain(t, "after the sync", c.page(centralID, cluster), "Birch Academy Trust School")
		mustContain(t, "after the sync", c.page(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)), "Tom Maths-Smith")
		if err := h.RunJob(h.System(), "sync_schools", []byte("not json")); err == nil || !strings.Contains(err.Error(), "FailedPrecondition") {
			t.Fatalf("a bad payload: %v", err)
		}

		// school.changed refreshes a known school, and ignores one the programme does not know.
		for _, s := range fx.Schools {
			if s.GetId() == schoolD {
				s.Phase = pluginv1.Phase_PHASE_ALL_THROUGH
			}
		}
		h.Host.Reset()
		if err := h.Event(h.System(), "school.changed", schoolE); err != nil {
			t.Fatal(err)
		}
		if n := h.Host.CallCount("GetSchools"); n != 0 {
			t.Fatalf("an unknown school was read %d times", n)
		}
		if err := h.Event(h.System(), "school.changed", schoolD); err != nil {
			t.Fatal(err)
		}
		mustContain(t, "D after the event", c.page(centralID, "/schools/"+id(schoolD)+"?year=1"), "The secondary rule applies")
	})
}

func TestSubjectExportAndErasure(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		c.post(centralID, "/schools/"+id(plugintest.SchoolA)+"/visits", form("year", "1", "visited_on", "2017-10-12"))
		ctx := t.Context()
		subject := func(p uint64) *pluginv1.Subject {
			return &pluginv1.Subject{Id: &pluginv1.Subject_PersonId{PersonId: p}}
		}

		exp, err := h.Client.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Actor: h.System(), Subject: subject(plugintest.HeadID)})
		if err != nil || len(exp.GetFiles()) != 1 {
			t.Fatalf("export: %v %v", exp, err)
		}
		body := string(exp.GetFiles()[0].GetContent())
		mustContain(t, "Hari's export", body, `"role": "leader"`, `"lead_name": "Hari Head"`)

		er, err := h.Client.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Actor: h.System(), Subject: subject(plugintest.HeadID)})
		if err != nil || er.GetErased() != 1 || er.GetAnonymised() != 1 {
			t.Fatalf("erase Hari: %v %v", er, err)
		}
		er, err = h.Client.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Actor: h.System(), Subject: subject(centralID)})
		if err != nil || er.GetAnonymised() != 2 { // programme lead of the cluster, visitor of A
			t.Fatalf("erase Cora: %v %v", er, err)
		}
		page := c.page(mathsID, "/schools/"+id(plugintest.SchoolA))
		mustContain(t, "A after erasure", page, "(erased)", "Tom Maths", `data-rule="leader"`)
		mustNotContain(t, "A after erasure", page, "Hari Head", "Cora Central")
		// A pupil subject: the plugin holds no pupil data yet.
		exp, err = h.Client.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Actor: h.System(), Subject: &pluginv1.Subject{Id: &pluginv1.Subject_PupilId{PupilId: 1000}}})
		if err != nil || len(exp.GetFiles()) != 0 {
			t.Fatalf("a pupil's export: %v %v", exp, err)
		}
	})
}
