package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// setUpCluster has the central team add 2017-18 and the North Cluster with
// its core schools, and name Hari (head of A) cluster lead with A as the
// facilitation school and Cora programme lead. It returns the cluster path.
func setUpCluster(t *testing.T, c client) string {
	t.Helper()
	loc := c.post(centralID, "/years", form("label", "2017-18"))
	if loc != "/p/challengegap/years/1" {
		t.Fatalf("new year at %q", loc)
	}
	loc = c.post(centralID, "/years/1/clusters", form("unit", id(clusterUnit), "add_schools", "1"))
	path := strings.TrimPrefix(loc, "/p/challengegap")
	c.post(centralID, path+"/leads", form("facilitation_school", id(plugintest.SchoolA), "lead", id(plugintest.HeadID), "programme_lead", id(centralID)))
	return path
}

func TestProgrammeStructureAndRecruitment(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}

		// Only those managing the programme add years; bad labels lose nothing and say why.
		if st, _ := c.status(plugintest.TeacherID, "POST", "/years", form("label", "2017-18")); st != http.StatusForbidden {
			t.Fatalf("a teacher adding a year: %d", st)
		}
		st, body := c.status(centralID, "POST", "/years", form("label", "2017-19"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was saved") || !strings.Contains(body, "2017 is followed by 18") {
			t.Fatalf("a bad year: %d %s", st, body)
		}
		cluster := setUpCluster(t, c)
		if st, body := c.status(centralID, "POST", "/years", form("label", "2017-18")); st != http.StatusConflict || !strings.Contains(body, "already exists") {
			t.Fatalf("the same year twice: %d %s", st, body)
		}

		// The cluster took the schools the core places in it, with their names.
		page := c.page(centralID, cluster)
		mustContain(t, "the cluster page", page, "North Cluster", "Alder Primary School", "Birch Academy", "Damson Primary School",
			"Hari Head", "Cora Central", `name="_csrf" value="`+plugintest.CSRFToken+`"`)
		mustNotContain(t, "the cluster page", page, "Elm Secondary School</a>")
		year := c.page(centralID, "/years/1")
		mustContain(t, "the year page", year, "North Cluster", "Alder Primary School", "Hari Head")

		// Hari, the cluster lead, opens recruitment; a teacher may not.
		if st, _ := c.status(plugintest.TeacherID, "POST", cluster+"/recruiting", form("open", "1")); st != http.StatusForbidden {
			t.Fatalf("a teacher opening recruitment: %d", st)
		}
		c.post(plugintest.HeadID, cluster+"/recruiting", form("open", "1"))
		mustContain(t, "the recruitment page", c.page(headEID, "/recruitment"), "North Cluster", "Alder Primary School")

		// Eve, head of E, expresses interest from her school's page.
		school := c.page(headEID, "/schools/"+id(schoolE))
		mustContain(t, "E's page", school, "Join a cluster", "North Cluster")
		c.post(headEID, "/schools/"+id(schoolE)+"/interest", form("cluster", firstID(t, cluster, `/clusters/(\d+)`), "message", "We would like to join"))
		// Bea, head of B, cannot act for E: the core refuses a school outside her reach.
		if st, _ := c.status(headBID, "POST", "/schools/"+id(schoolE)+"/interest", form("cluster", "1")); st != http.StatusNotFound {
			t.Fatalf("another school's head expressing interest: %d", st)
		}

		// Hari sees the request and accepts it; E is then in the cluster. The
		// page reads names from the plugin's record: one Host call (Authorize).
		before := len(h.Host.Calls())
		page = c.page(plugintest.HeadID, cluster)
		if calls := h.Host.Calls()[before:]; len(calls) != 1 || calls[0].Method != "Authorize" {
			t.Fatalf("the cluster page made Host calls %+v, want one Authorize", calls)
		}
		mustContain(t, "the lead's cluster page", page, "Schools asking to join", "Elm Secondary School", "We would like to join")
		req := firstID(t, page, `/requests/(\d+)"`)
		if st, _ := c.status(plugintest.TeacherID, "POST", cluster+"/requests/"+req, form("decision", "accept")); st != http.StatusForbidden {
			t.Fatalf("a teacher accepting: %d", st)
		}
		c.post(plugintest.HeadID, cluster+"/requests/"+req, form("decision", "accept"))
		if st, _ := c.status(plugintest.HeadID, "POST", cluster+"/requests/"+req, form("decision", "decline")); st != http.StatusConflict {
			t.Fatalf("deciding twice: %d", st)
		}
		mustContain(t, "the cluster page after accepting", c.page(plugintest.HeadID, cluster), `Elm Secondary School</a>`, "No request waiting")

		// A trio: one lead school and two accelerators of the cluster.
		c.post(plugintest.HeadID, cluster+"/trios", form("name", "Trio North", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(schoolD)))
		st, body = c.status(plugintest.HeadID, "POST", cluster+"/trios", form("name", "Again", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(schoolE), "accelerator_two", id(plugintest.SchoolB)))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Trio North") {
			t.Fatalf("a school in two trios: %d %s", st, body)
		}
		mustContain(t, "the trios", c.page(hubID, cluster), "Trio North", "Damson Primary School")

		// Every change was audited under the plugin's prefix.
		actions := map[string]int{}
		for _, a := range h.Host.Audits() {
			actions[a.Action]++
		}
		for _, want := range []string{"challengegap.year.create", "challengegap.cluster.create", "challengegap.cluster.leads",
			"challengegap.cluster.recruiting", "challengegap.participant.interest", "challengegap.participant.accept", "challengegap.trio.create"} {
			if actions[want] == 0 {
				t.Errorf("no audit %s in %v", want, actions)
			}
		}
		if actions["challengegap.participant.add"] != 3 {
			t.Errorf("the cluster's three core schools were not audited as added: %v", actions)
		}

		// Another tenant sees none of it.
		other := h.As(centralID)
		other.TenantId = 2
		resp, err := h.HTTP(other, "GET", cluster, nil)
		if err != nil || resp.GetStatus() != http.StatusNotFound {
			t.Fatalf("another tenant's cluster: %v %v", resp.GetStatus(), err)
		}
	})
}

func TestSchoolTeamFollowsThePhaseRules(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		a := "/schools/" + id(plugintest.SchoolA)

		// Hari leads A: he sees its staff to choose from and the primary rule broken three ways.
		h.Host.Reset()
		page := c.page(plugintest.HeadID, a)
		mustContain(t, "A's page", page, "The primary rule applies", `data-rule="leader"`, `data-rule="teachers"`, `data-rule="paras"`,
			"A primary team needs 1 leader; this team has none.", "Tom Maths", "Pia Para")
		if n := len(h.Host.Calls()); n > 3 {
			t.Fatalf("the school page made %d Host calls, want at most 3: %+v", n, h.Host.Calls())
		}
		c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(plugintest.HeadID), "role", "leader"))
		c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(mathsID), "role", "teacher", "subject", "maths"))
		page = c.page(plugintest.HeadID, a)
		mustContain(t, "A's page", page, `data-rule="paras"`, "A primary team needs at least 1 para-professional; this team has 0.")
		mustNotContain(t, "A's page", page, `data-rule="leader"`, `data-rule="teachers"`)

		// A para-professional without a type, and someone who is not on A's staff, are refused.
		if st, body := c.status(plugintest.HeadID, "POST", a+"/team", form("year", "1", "person", id(paraID), "role", "para")); st != http.StatusUnprocessableEntity || !strings.Contains(body, "kind of para-professional") {
			t.Fatalf("a para-professional without a type: %d %s", st, body)
		}
		if st, body := c.status(plugintest.HeadID, "POST", a+"/team", form("year", "1", "person", id(plugintest.TeacherID), "role", "teacher", "subject", "maths")); st != http.StatusUnprocessableEntity || !strings.Contains(body, "choose a member of the school") {
			t.Fatalf("a teacher of another school: %d %s", st, body)
		}
		c.post(plugintest.HeadID, a+"/team", form("year", "1", "person", id(paraID), "role", "para", "para_type", "teaching_assistant"))
		page = c.page(plugintest.HeadID, a)
		mustContain(t, "A's complete team", page, `data-testid="team-complete"`, "Teaching assistant", "Maths", "Everyone with a role at the school is on the team")
		mustNotContain(t, "A's staff picker", page, `<option value="`+id(mathsID)+`">`)

		// A teacher reads but cannot choose the team: the core refuses a UNIT
		// route whose permission the actor lacks at the school with 404.
		if st, _ := c.status(mathsID, "POST", a+"/team", form("year", "1", "person", id(mathsID), "role", "leader")); st != http.StatusNotFound {
			t.Fatalf("a teacher changing the team: %d", st)
		}
		// The head of B cannot reach A at all.
		if st, _ := c.status(headBID, "POST", a+"/team", form("year", "1", "person", id(headBID), "role", "leader")); st != http.StatusNotFound {
			t.Fatalf("another school's head changing A's team: %d", st)
		}

		// Birch Academy is secondary: its rule wants 3 teachers with maths and English, and 2 para-professionals.
		b := "/schools/" + id(plugintest.SchoolB)
		c.post(headBID, b+"/team", form("year", "1", "person", id(headBID), "role", "leader"))
		c.post(headBID, b+"/team", form("year", "1", "person", id(plugintest.TeacherID), "role", "teacher", "subject", "science"))
		page = c.page(headBID, b)
		mustContain(t, "B's page", page, "The secondary rule applies", "A secondary team needs at least 3 teachers; this team has 1.",
			"A secondary team needs a teacher of Maths", "A secondary team needs a teacher of English", "at least 2 para-professionals")

		// The team shows on the cluster page as rules not met, and removing a member is audited without a name.
		mustContain(t, "the cluster page", c.page(centralID, "/clusters/1"), "4 rules not met", "3 members — complete")
		member := firstID(t, c.page(headBID, b), `/team/(\d+)/delete`)
		c.post(headBID, b+"/team/"+member+"/delete", form())
		for _, au := range h.Host.Audits() {
			if strings.HasPrefix(au.Action, "challengegap.team.") && (strings.Contains(au.AfterJSON, "Head") || strings.Contains(au.BeforeJSON, "Head")) {
				t.Fatalf("an audit of the team holds a name: %+v", au)
			}
		}
		// Removing A's member through B's path is not found.
		memberA := firstID(t, c.page(plugintest.HeadID, a), `/team/(\d+)/delete`)
		if st, _ := c.status(headBID, "POST", b+"/team/"+memberA+"/delete", form()); st != http.StatusNotFound {
			t.Fatalf("removing A's member through B: %d", st)
		}
	})
}

func TestWhoSeesASchoolPage(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		b := "/schools/" + id(plugintest.SchoolB)
		c.post(headBID, b+"/team", form("year", "1", "person", id(headBID), "role", "leader"))

		// The trust leader reads B (in the trust) without any form; Hari, the
		// cluster lead, sees B though the core gives him only A; the hub
		// manager, whose hub does not hold B, does not.
		page := c.page(trustID, b)
		mustContain(t, "the trust leader's view", page, "Bea Head", "Birch Academy")
		mustNotContain(t, "the trust leader's view", page, "<form method=\"post\"")
		mustContain(t, "the cluster lead's view", c.page(plugintest.HeadID, b), "Bea Head")
		if st, _ := c.status(hubID, "GET", b, nil); st != http.StatusNotFound {
			t.Fatalf("the hub manager sees B: %d", st)
		}
		// An id that is no school answers 404, not an error.
		if st, _ := c.status(centralID, "GET", "/schools/999", nil); st != http.StatusNotFound {
			t.Fatalf("an unknown school: %d", st)
		}
	})
}
