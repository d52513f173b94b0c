package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// Correcting mistakes in the browser: editing and deleting programme
// years, clusters, a school's place, trios, strategies, resources, visits,
// survey rounds and scale-up steps, driven through the built binary as the
// core drives it. Refused changes answer 409 (or 422) and leave the data as
// it was; people without the right answer 403 (or 404 outside their reach).

// refused posts form and expects status with a body saying every want.
func (c client) refused(who uint64, path string, form map[string][]string, status int32, wants ...string) {
	c.t.Helper()
	st, body := c.status(who, "POST", path, form)
	if st != status {
		c.t.Fatalf("POST %s as %d = %d, want %d:\n%s", path, who, st, status, body)
	}
	mustContain(c.t, "the refusal of "+path, body, wants...)
}

// forbidden checks every request answers 403 for who.
func (c client) forbidden(who uint64, reqs ...[2]string) {
	c.t.Helper()
	for _, rq := range reqs {
		if st, _ := c.status(who, rq[0], rq[1], form("confirm", "yes")); st != http.StatusForbidden {
			c.t.Fatalf("%s %s as %d = %d, want 403", rq[0], rq[1], who, st)
		}
	}
}

// audited returns the audit entries of action.
func audited(h *plugintest.Harness, action string) []plugintest.AuditEntry {
	var out []plugintest.AuditEntry
	for _, a := range h.Host.Audits() {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

func TestCorrectAndDeleteProgrammeYears(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		// Only managers correct or delete years: a head (cluster lead) and a teacher get 403.
		for _, who := range []uint64{plugintest.HeadID, mathsID} {
			c.forbidden(who, [2]string{"GET", "/years/1/edit"}, [2]string{"POST", "/years/1/edit"}, [2]string{"POST", "/years/1/delete"})
		}
		mustNotContain(t, "a head's year page", c.page(plugintest.HeadID, "/years/1"), `data-testid="edit-year"`)
		mustContain(t, "a manager's year page", c.page(centralID, "/years/1"), `data-testid="edit-year"`)

		// A year typed wrong is corrected: label and dates.
		c.post(centralID, "/years", form("label", "2019-20"))
		if loc := c.post(centralID, "/years/2/edit", form("label", "2018-19")); loc != "/p/challengegap/years/2" {
			t.Fatalf("after the correction: %q", loc)
		}
		mustContain(t, "the corrected year", c.page(centralID, "/years/2"), "Challenge the Gap 2018-19", "2018-09-01 to 2019-08-31")
		c.refused(centralID, "/years/2/edit", form("label", "2017-18"), http.StatusConflict, "2017-18 already exists")
		c.refused(centralID, "/years/2/edit", form("label", "2018-20"), http.StatusUnprocessableEntity, "Academic year")
		mustContain(t, "the year after refusals", c.page(centralID, "/years/2"), "Challenge the Gap 2018-19")

		// A year with a cluster: the page says what depends on it, and the store refuses anyway.
		edit := c.page(centralID, "/years/1/edit")
		mustContain(t, "the year's edit page", edit, `data-testid="refused-delete"`, "2017-18 still has 1 cluster.")
		c.refused(centralID, "/years/1/delete", form("confirm", "yes"), http.StatusConflict, "2017-18 still has 1 cluster")
		mustContain(t, "the year after a refused delete", c.page(centralID, "/years/1"), "North Cluster", "Alder Primary School")

		// An empty year is deleted once the box is ticked.
		mustContain(t, "an empty year's edit page", c.page(centralID, "/years/2/edit"), "Delete the programme year 2018-19", `name="confirm" value="yes" required`)
		c.refused(centralID, "/years/2/delete", form(), http.StatusUnprocessableEntity, "tick the box")
		c.page(centralID, "/years/2")
		if loc := c.post(centralID, "/years/2/delete", form("confirm", "yes")); loc != "/p/challengegap/" {
			t.Fatalf("after the delete: %q", loc)
		}
		if st, _ := c.status(centralID, "GET", "/years/2", nil); st != http.StatusNotFound {
			t.Fatalf("the deleted year answers %d", st)
		}
		if u := audited(h, "challengegap.year.update"); len(u) != 1 || !strings.Contains(u[0].BeforeJSON, "2019-20") || !strings.Contains(u[0].AfterJSON, "2018-19") {
			t.Fatalf("year.update audits = %+v", u)
		}
		if d := audited(h, "challengegap.year.delete"); len(d) != 1 || d[0].EntityID != "2" {
			t.Fatalf("year.delete audits = %+v", d)
		}

		// Once a school has taken its baseline, the year's label is fixed.
		b := "/schools/" + id(plugintest.SchoolB)
		c.post(headBID, b+"/cohort?year=1", form("pupil", "1003", "pupil", "1004"))
		c.post(headBID, b+"/cohort/baseline?year=1", form())
		mustContain(t, "the edit page after a baseline", c.page(centralID, "/years/1/edit"), `data-testid="refused-year"`, "can no longer change")
		c.refused(centralID, "/years/1/edit", form("label", "2016-17"), http.StatusConflict, "baseline")
		mustContain(t, "the year after a refused correction", c.page(centralID, "/years/1"), "Challenge the Gap 2017-18")
	})
}

func TestCorrectClustersPlacesAndTrios(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		const southUnit uint64 = 5
		fx.Units = append(fx.Units, &pluginv1.OrgUnit{Id: southUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER, Name: "South Cluster",
			ParentIds: []uint64{plugintest.RootUnit}})
		south := strings.TrimPrefix(c.post(centralID, "/years/1/clusters", form("unit", id(southUnit))), "/p/challengegap")

		// Renaming and deleting a cluster is for managers; the cluster lead gets 403 and no link.
		c.forbidden(plugintest.HeadID, [2]string{"GET", cluster + "/edit"}, [2]string{"POST", cluster + "/edit"}, [2]string{"POST", cluster + "/delete"})
		mustNotContain(t, "the lead's cluster page", c.page(plugintest.HeadID, cluster), `data-testid="edit-cluster"`)
		mustContain(t, "the manager's cluster page", c.page(centralID, cluster), `data-testid="edit-cluster"`)
		c.post(centralID, cluster+"/edit", form("name", "North West Cluster"))
		mustContain(t, "the renamed cluster", c.page(centralID, "/years/1"), "North West Cluster")

		// A's team is data of the cluster's year: the cluster cannot be deleted.
		mustContain(t, "the cluster's edit page", c.page(centralID, cluster+"/edit"), `data-testid="refused-delete"`, "3 team members")
		c.refused(centralID, cluster+"/delete", form("confirm", "yes"), http.StatusConflict, "North West Cluster still has 3 team members")
		mustContain(t, "the cluster after a refused delete", c.page(centralID, cluster), "Alder Primary School</a>", "Damson Primary School</a>")

		// A trio of A, B and D; D is then in a trio and A the facilitation school: neither can leave.
		c.post(plugintest.HeadID, cluster+"/trios", form("name", "Trio North", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(schoolD)))
		d := cluster + "/schools/" + id(schoolD)
		mustContain(t, "D's place", c.page(plugintest.HeadID, d), `data-testid="refused-remove"`, "The school is in the trio Trio North")
		c.refused(plugintest.HeadID, d+"/remove", form("confirm", "yes"), http.StatusConflict, "trio Trio North")
		c.refused(plugintest.HeadID, cluster+"/schools/"+id(plugintest.SchoolA)+"/remove", form("confirm", "yes"), http.StatusConflict, "facilitation school")
		// Only the cluster's leads take schools out: a teacher of A gets 403.
		c.forbidden(mathsID, [2]string{"GET", d}, [2]string{"POST", d + "/remove"})

		// E joins; the lead puts E in D's place in the trio (the edit page), and D can leave.
		c.post(centralID, cluster+"/schools", form("school", id(schoolE)))
		page := c.page(plugintest.HeadID, cluster)
		trio := cluster + "/trios/" + firstID(t, page, `/trios/(\d+)/edit"`)
		c.forbidden(mathsID, [2]string{"GET", trio + "/edit"}, [2]string{"POST", trio + "/edit"}, [2]string{"POST", trio + "/delete"})
		mustContain(t, "the trio's edit page", c.page(plugintest.HeadID, trio+"/edit"), "Elm Secondary School", "Dissolve Trio North")
		c.refused(plugintest.HeadID, trio+"/edit", form("name", "Trio North", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(plugintest.SchoolB)), http.StatusUnprocessableEntity, "three different schools")
		c.post(plugintest.HeadID, trio+"/edit", form("name", "Trio North", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(schoolE)))
		mustContain(t, "D's place now", c.page(plugintest.HeadID, d), "Take Damson Primary School out of North West Cluster")
		c.refused(plugintest.HeadID, d+"/remove", form(), http.StatusUnprocessableEntity, "tick the box")
		c.post(plugintest.HeadID, d+"/remove", form("confirm", "yes"))
		page = c.page(plugintest.HeadID, cluster)
		mustNotContain(t, "the cluster without D", page, "Damson Primary School</a>")
		mustContain(t, "the trio", page, "Elm Secondary School")

		// After its baseline B cannot leave, even out of a trio; a manager moves it to South, data and all.
		c.post(plugintest.HeadID, trio+"/delete", form("confirm", "yes"))
		b := "/schools/" + id(plugintest.SchoolB)
		c.post(headBID, b+"/cohort?year=1", form("pupil", "1003", "pupil", "1004"))
		c.post(headBID, b+"/cohort/baseline?year=1", form())
		bPlace := cluster + "/schools/" + id(plugintest.SchoolB)
		lead := c.page(plugintest.HeadID, bPlace)
		mustContain(t, "B's place for the lead", lead, `data-testid="refused-remove"`, "The school took its baseline on")
		mustNotContain(t, "B's place for the lead", lead, `data-testid="form-move"`)
		c.refused(plugintest.HeadID, bPlace+"/remove", form("confirm", "yes"), http.StatusConflict, "took its baseline", "Move it to another cluster")
		mustContain(t, "the cluster after a refused removal", c.page(centralID, cluster), "Birch Academy</a>")
		// Moving is for managers of both clusters: the cluster lead gets 403.
		c.forbidden(plugintest.HeadID, [2]string{"POST", bPlace + "/move"})
		mustContain(t, "B's place for a manager", c.page(centralID, bPlace), `data-testid="form-move"`, "South Cluster")
		if loc := c.post(centralID, bPlace+"/move", form("cluster", strings.TrimPrefix(south, "/clusters/"))); loc != "/p/challengegap"+south {
			t.Fatalf("after the move: %q", loc)
		}
		mustContain(t, "South after the move", c.page(centralID, south), "Birch Academy</a>")
		mustNotContain(t, "North after the move", c.page(centralID, cluster), "Birch Academy</a>")
		mustContain(t, "B's page after the move", c.page(headBID, b+"?year=1"), "South Cluster", `data-testid="cohort-link"`)
		mustContain(t, "B's cohort after the move", c.page(headBID, b+"/cohort?year=1"), "Dara Testpupil")

		// A cluster set up in the wrong year, with schools and a trio but no data, is deleted with them.
		c.post(centralID, "/years", form("label", "2018-19"))
		wrong := strings.TrimPrefix(c.post(centralID, "/years/2/clusters", form("unit", id(clusterUnit), "add_schools", "1")), "/p/challengegap")
		c.post(centralID, wrong+"/trios", form("name", "Trio", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(schoolD)))
		mustContain(t, "the wrong cluster's edit page", c.page(centralID, wrong+"/edit"), "Delete North Cluster", "its trios and its six workshops go with it")
		if loc := c.post(centralID, wrong+"/delete", form("confirm", "yes")); loc != "/p/challengegap/years/2" {
			t.Fatalf("after deleting the cluster: %q", loc)
		}
		if st, _ := c.status(centralID, "GET", wrong, nil); st != http.StatusNotFound {
			t.Fatalf("the deleted cluster answers %d", st)
		}
		mustContain(t, "A's 2017-18 page", c.page(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"?year=1"), "North West Cluster", "Tom Maths")

		for _, action := range []string{"cluster.update", "cluster.delete", "participant.remove", "participant.move", "trio.update", "trio.delete"} {
			if len(audited(h, "challengegap."+action)) == 0 {
				t.Errorf("no audit challengegap.%s", action)
			}
		}
		if m := audited(h, "challengegap.participant.move"); len(m) != 1 || !strings.Contains(m[0].AfterJSON, `"cluster_id":`+strings.TrimPrefix(south, "/clusters/")) {
			t.Fatalf("participant.move audits = %+v", m)
		}
	})
}

func TestCorrectRetireAndDeleteStrategies(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
			t.Fatal(err)
		}
		catalogue := c.page(centralID, "/strategies")
		journals := "/strategies/" + firstID(t, catalogue, `/strategies/(\d+)/edit">Correct, retire or delete</a></dt><dd>A weekly written`)
		preteach := "/strategies/" + firstID(t, catalogue, `Pre-teaching key vocabulary <a href="/p/challengegap/strategies/(\d+)/edit"`)
		mustNotContain(t, "a teacher's catalogue", c.page(mathsID, "/strategies"), "/edit")
		c.forbidden(plugintest.HeadID, [2]string{"GET", journals + "/edit"}, [2]string{"POST", journals + "/edit"},
			[2]string{"POST", journals + "/retire"}, [2]string{"POST", journals + "/delete"})

		c.post(centralID, journals+"/edit", form("theme", "self_aware", "title", "Learning logs", "description", "Weekly."))
		mustContain(t, "the corrected catalogue", c.page(mathsID, "/strategies"), "Learning logs")
		c.refused(centralID, journals+"/edit", form("theme", "self_aware", "title", "Pre-teaching key vocabulary"), http.StatusConflict, "already has a strategy called")

		// A strategy A trials cannot be deleted; retired, it is no longer offered but its trial keeps it.
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strings.TrimPrefix(preteach, "/strategies/")))
		mustContain(t, "the strategy's edit page", c.page(centralID, preteach+"/edit"), `data-testid="refused-delete"`, "Retire it instead")
		c.refused(centralID, preteach+"/delete", form("confirm", "yes"), http.StatusConflict, "was trialled by schools (1 trial)", "retire it")
		mustContain(t, "the catalogue after a refused delete", c.page(mathsID, "/strategies"), "<dt>Pre-teaching key vocabulary</dt>")
		c.post(centralID, preteach+"/retire", form("retired", "1"))
		mustContain(t, "the catalogue after retiring", c.page(mathsID, "/strategies"), `data-testid="retired"`, "<li>Pre-teaching key vocabulary (")
		school := c.page(mathsID, a)
		mustContain(t, "A's trials", school, "Pre-teaching key vocabulary</a>")
		mustNotContain(t, "A's strategy picker", school, `">Pre-teaching key vocabulary (`)
		c.refused(mathsID, a+"/trials", form("year", "1", "strategy", strings.TrimPrefix(preteach, "/strategies/")), http.StatusUnprocessableEntity, "retired")
		c.post(centralID, preteach+"/retire", form("retired", "0"))
		mustContain(t, "A's strategy picker after bringing it back", c.page(mathsID, a), `">Pre-teaching key vocabulary (`)

		// A strategy nobody trialled is deleted.
		c.post(centralID, journals+"/delete", form("confirm", "yes"))
		mustNotContain(t, "the catalogue after the delete", c.page(mathsID, "/strategies"), "Learning logs")
		for _, action := range []string{"strategy.update", "strategy.retire", "strategy.restore", "strategy.delete"} {
			if len(audited(h, "challengegap."+action)) != 1 {
				t.Errorf("audits of challengegap.%s: %d", action, len(audited(h, "challengegap."+action)))
			}
		}
	})
}

func TestCorrectAndDeleteWorkshopResources(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		w := "/workshops/" + firstID(t, c.page(mathsID, cluster), `/workshops/(\d+)">The starting line`)
		c.post(plugintest.HeadID, w+"/resources", form("title", "Slides", "url", "https://example.org/slides"))
		res := w + "/resources/" + firstID(t, c.page(plugintest.HeadID, w), `/resources/(\d+)/edit"`)
		mustNotContain(t, "a member's workshop page", c.page(mathsID, w), "/resources/")
		c.forbidden(mathsID, [2]string{"GET", res + "/edit"}, [2]string{"POST", res + "/edit"}, [2]string{"POST", res + "/delete"})

		c.refused(plugintest.HeadID, res+"/edit", form("title", "Slides", "url", "javascript:alert(1)"), http.StatusUnprocessableEntity, "Link")
		c.post(plugintest.HeadID, res+"/edit", form("title", "Baseline slides", "url", "https://example.org/baseline"))
		mustContain(t, "the corrected resource", c.page(mathsID, w), `href="https://example.org/baseline"`, "Baseline slides")
		c.refused(plugintest.HeadID, res+"/delete", form(), http.StatusUnprocessableEntity, "tick the box")
		mustContain(t, "the resource after an unconfirmed delete", c.page(mathsID, w), "Baseline slides")
		c.post(plugintest.HeadID, res+"/delete", form("confirm", "yes"))
		mustContain(t, "the workshop after the delete", c.page(mathsID, w), "No resource shared yet")
		if len(audited(h, "challengegap.workshop.resource.update")) != 1 || len(audited(h, "challengegap.workshop.resource.delete")) != 1 {
			t.Fatalf("resource audits: %+v", h.Host.Audits())
		}
	})
}

func TestCorrectAndDeleteVisitsAndActions(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(centralID, a+"/visits", form("year", "1", "visited_on", "2017-10-12", "notes", "Privately noted."))
		visit := "/visits/" + firstID(t, c.page(centralID, a), `/visits/(\d+)/edit"`)
		c.post(centralID, visit+"/actions", form("text", "Share the baseline", "due_on", "2017-11-01"))
		c.post(centralID, visit+"/actions", form("text", "Book the hall"))

		// The school's head corrects the actions but not the visit; a teacher of A does neither.
		head := c.page(plugintest.HeadID, visit+"/edit")
		mustContain(t, "the head's visit page", head, "Agreed action: Share the baseline", "Agreed action: Book the hall")
		mustNotContain(t, "the head's visit page", head, "Correct the visit", "Delete the visit")
		c.forbidden(plugintest.HeadID, [2]string{"POST", visit + "/edit"}, [2]string{"POST", visit + "/delete"})
		c.forbidden(mathsID, [2]string{"GET", visit + "/edit"}, [2]string{"POST", visit + "/edit"})
		share := firstID(t, head, `/actions/(\d+)/edit"`)
		c.post(plugintest.HeadID, visit+"/actions/"+share+"/edit", form("text", "Share the baseline with all staff", "due_on", "2017-11-15"))
		c.post(plugintest.HeadID, visit+"/actions/"+share, form("done", "1"))

		// The programme lead corrects the visit; with an action done it cannot be deleted, nor the action.
		c.refused(centralID, visit+"/edit", form("visited_on", "13/10/2017"), http.StatusUnprocessableEntity, "Date of the visit")
		c.post(centralID, visit+"/edit", form("visited_on", "2017-10-13", "notes", "Team meets weekly."))
		lead := c.page(centralID, visit+"/edit")
		mustContain(t, "the lead's visit page", lead, "Correct the visit", `data-testid="refused-delete"`, `data-testid="refused-action-`+share+`-delete"`)
		c.refused(centralID, visit+"/delete", form("confirm", "yes"), http.StatusConflict, "1 agreed action marked done")
		c.refused(centralID, visit+"/actions/"+share+"/delete", form("confirm", "yes"), http.StatusConflict, "marked done")
		mustContain(t, "A after refused deletes", c.page(plugintest.HeadID, a), "2017-10-13 — Cora Central", "Team meets weekly.",
			"<s>Share the baseline with all staff</s>", "Book the hall")

		// The open action goes; reopened, the visit goes with the other.
		hall := firstID(t, lead, `/actions/(\d+)/delete"`)
		if hall == share {
			hall = firstID(t, lead[strings.Index(lead, "Agreed action: Book the hall"):], `/actions/(\d+)/delete"`)
		}
		c.post(plugintest.HeadID, visit+"/actions/"+hall+"/delete", form("confirm", "yes"))
		mustNotContain(t, "A after deleting an action", c.page(plugintest.HeadID, a), "Book the hall")
		c.post(plugintest.HeadID, visit+"/actions/"+share, form("done", "0"))
		c.post(centralID, visit+"/delete", form("confirm", "yes"))
		mustContain(t, "A after deleting the visit", c.page(plugintest.HeadID, a), "No visit recorded yet")

		// Audits of visits carry no notes and no visitor's name. (Marking an
		// action done is a visit.action.update too, since before this change.)
		for _, action := range []string{"visit.update", "visit.delete", "visit.action.update", "visit.action.delete"} {
			as := audited(h, "challengegap."+action)
			if len(as) == 0 {
				t.Fatalf("no audit challengegap.%s", action)
			}
			if j := as[0].BeforeJSON + as[0].AfterJSON; strings.Contains(j, "Privately") || strings.Contains(j, "weekly") || strings.Contains(j, "Cora") {
				t.Fatalf("%s audits notes or a name: %s", action, j)
			}
		}
		if u := audited(h, "challengegap.visit.update"); len(u) != 1 || !strings.Contains(u[0].BeforeJSON, "2017-10-12") || !strings.Contains(u[0].AfterJSON, "2017-10-13") {
			t.Fatalf("visit.update audits = %+v", u)
		}
	})
}

func TestCorrectAndDeleteSurveyRounds(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		c.post(centralID, "/years/1/surveys", form("label", "Sumer 2018"))
		c.post(centralID, "/years/1/surveys", form("label", "Spring 2018"))
		year := c.page(centralID, "/years/1")
		summer := "/surveys/" + firstID(t, year, `/surveys/(\d+)">Sumer 2018`)
		spring := "/surveys/" + firstID(t, year, `/surveys/(\d+)">Spring 2018`)
		c.forbidden(plugintest.HeadID, [2]string{"GET", summer + "/edit"}, [2]string{"POST", summer + "/edit"}, [2]string{"POST", summer + "/delete"})
		mustNotContain(t, "a member's survey page", c.page(mathsID, summer), `data-testid="edit-round"`)

		c.refused(centralID, summer+"/edit", form("label", "Spring 2018"), http.StatusConflict, "already has a survey round called Spring 2018")
		c.post(centralID, summer+"/edit", form("label", "Summer 2018"))
		answers := form("school", id(plugintest.SchoolA))
		for _, it := range rules.SurveyItems {
			answers.Set("item_"+it.Key, "4")
		}
		c.post(mathsID, summer, answers)
		mustContain(t, "the round's edit page", c.page(centralID, summer+"/edit"), `data-testid="refused-delete"`, "Summer 2018 has 1 answer")
		c.refused(centralID, summer+"/delete", form("confirm", "yes"), http.StatusConflict, "Summer 2018 has 1 answer", "Close the round")
		mustContain(t, "the answered round", c.page(mathsID, summer), "Staff survey: Summer 2018", `data-testid="survey-answered"`)

		c.post(centralID, spring+"/delete", form("confirm", "yes"))
		if st, _ := c.status(centralID, "GET", spring, nil); st != http.StatusNotFound {
			t.Fatalf("the deleted round answers %d", st)
		}
		if len(audited(h, "challengegap.survey.update")) != 1 || len(audited(h, "challengegap.survey.delete")) != 1 {
			t.Fatalf("survey audits: %+v", h.Host.Audits())
		}
	})
}

func TestCorrectAndDeleteScaleUpSteps(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
			t.Fatal(err)
		}
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", firstID(t, c.page(mathsID, a), `<option value="(\d+)">Learning journals`)))
		trial := a + "/trials/" + firstID(t, c.page(mathsID, a), `/trials/(\d+)">Learning journals`)
		c.post(plugintest.HeadID, trial, form("decision", "scale_up"))
		c.post(mathsID, trial+"/steps", form("year", "1", "what", "Train staf", "due_on", "2018-04-20"))
		step := trial + "/steps/" + firstID(t, c.page(mathsID, a), `/steps/(\d+)/edit\?year=1"`)

		// Readers without team rights have no link and cannot change it.
		mustNotContain(t, "the trust leader's view", c.page(trustID, a), "/edit?year=")
		for _, path := range []string{step + "/edit?year=1", step + "/delete?year=1"} {
			if st, _ := c.status(trustID, "POST", path, form("what", "X", "confirm", "yes")); st != http.StatusForbidden && st != http.StatusNotFound {
				t.Fatalf("the trust leader posting %s: %d", path, st)
			}
		}
		mustContain(t, "the step's edit page", c.page(paraID, step+"/edit?year=1"), `value="Train staf"`)
		c.refused(paraID, step+"/edit", form("year", "1", "what", "Train staff", "due_on", "soon"), http.StatusUnprocessableEntity, "Due date")
		c.post(paraID, step+"/edit", form("year", "1", "what", "Train staff", "who", "SENCo", "due_on", "2018-04-27"))
		mustContain(t, "the corrected step", c.page(plugintest.HeadID, a), "Train staff", "SENCo", "2018-04-27")

		// Done, it is the school's work: not deleted until reopened.
		c.post(mathsID, step, form("year", "1", "done", "1"))
		c.refused(mathsID, step+"/delete", form("year", "1", "confirm", "yes"), http.StatusConflict, "step is done")
		mustContain(t, "the plan after a refused delete", c.page(mathsID, a), "Steps done: 1 of 1.")
		c.post(mathsID, step, form("year", "1", "done", "0"))
		c.post(mathsID, step+"/delete", form("year", "1", "confirm", "yes"))
		mustContain(t, "the plan after the delete", c.page(mathsID, a), "Steps done: 0 of 0.")
		if len(audited(h, "challengegap.scaleup.step_update")) != 1 || len(audited(h, "challengegap.scaleup.step_delete")) != 1 {
			t.Fatalf("step audits: %+v", h.Host.Audits())
		}
	})
}
