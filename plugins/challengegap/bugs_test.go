package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// baselineOfA sets up the cluster and A's team, takes A's baseline of
// pupils with pupils on 2017-10-02 and returns A's path and the grid's path.
func baselineOfA(t *testing.T, c client, pupils ...string) (string, string) {
	t.Helper()
	setUpCluster(t, c)
	teamOfA(t, c)
	a := "/schools/" + id(plugintest.SchoolA)
	f := form()
	for _, p := range pupils {
		f.Add("pupil", p)
	}
	c.post(mathsID, a+"/cohort?year=1", f)
	c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
	return a, a + "/snapshots/" + firstID(t, c.page(mathsID, a+"/cohort?year=1"), `/snapshots/(\d+)">Baseline`)
}

// Bug 2: numbers are rounded for display (page and CSV), kept in full in storage.
func TestNumbersAreRoundedForDisplay(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		_, grid := baselineOfA(t, c, "1000", "1002")
		c.post(mathsID, grid, form("attendance_1000", "93.39999999999999", "attendance_1002", "88.25"))
		page := c.page(mathsID, grid)
		mustContain(t, "the grid", page, `name="attendance_1000" value="93.4"`, `name="attendance_1002" value="88.25"`)
		mustNotContain(t, "the grid", page, "93.39999")
		csv := string(c.do(mathsID, "GET", grid+"/csv", nil).GetBody())
		mustContain(t, "the CSV", csv, ",93.4\n", ",88.25\n")
		mustNotContain(t, "the CSV", csv, "93.39999")
	})
}

// Bug 6: a malformed query parameter is a 400 naming it, not a form to correct.
func TestBadQueryParameterIs400NamingIt(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		a := "/schools/" + id(plugintest.SchoolA)
		for _, q := range []string{"?year=abc", "?year=99"} {
			for _, path := range []string{a, a + "/cohort", a + "/report"} {
				st, body := c.status(plugintest.HeadID, "GET", path+q, nil)
				if st != http.StatusBadRequest || !strings.Contains(body, "parameter year") || strings.Contains(body, "your input is kept") {
					t.Fatalf("GET %s%s: %d %s", path, q, st, body)
				}
			}
		}
	})
}

// Bug 3: one pseudonymous label per pupil per year, the same on the school's
// matrix, the cluster's and a trio's, and unmoved by a pupil taken out.
func TestOnePupilOneLabelInEveryView(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		pupils := []string{"1101", "1000", "1002", "1102", "1103", "1100"}
		a, grid := baselineOfA(t, c, pupils...)
		cluster := "/clusters/1"
		f := form()
		for _, p := range pupils {
			f.Set("age_"+p, "30")
			f.Set("attitude_"+p, "40")
		}
		c.post(mathsID, grid, f)
		// Iris (1101) joined the cohort first: A1; Chen (1002) third: A3.
		// Taking out Amara (A2, first on the cohort page) renumbers nobody.
		cohort := c.page(plugintest.HeadID, a+"/cohort?year=1")
		member := firstID(t, cohort, `/cohort/(\d+)\?year=`)
		c.post(plugintest.HeadID, a+"/cohort/"+member+"/remove?year=1", form("reason", "left the school"))
		school := c.page(mathsID, a+"/matrix?year=1")
		mustContain(t, "the school's matrix", school, "<td>A1</td><td>Iris Testpupil</td>", "<td>A3</td><td>Chen Testpupil</td>", ">A3</text>")
		mustNotContain(t, "the school's matrix", school, "Amara", "<td>A2</td>")
		if table := school[strings.Index(school, `data-testid="matrix-table"`):]; regexp.MustCompile(`<tr><td>\d+</td>`).MatchString(table[:strings.Index(table, "</table>")]) {
			t.Errorf("the school's matrix numbers its pupils instead of labelling them:\n%s", table)
		}
		cm := c.page(mathsID, cluster+"/matrix")
		mustContain(t, "the cluster's matrix", cm, ">A1</text>", ">A3</text>", ">A6</text>")
		mustNotContain(t, "the cluster's matrix", cm, ">A2</text>")
		// A trio whose schools are listed in another order keeps the cluster's letters.
		c.post(plugintest.HeadID, cluster+"/trios", form("name", "Trio North", "lead_school", id(schoolD),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(plugintest.SchoolA)))
		trio := cluster + "/trios/" + firstID(t, c.page(mathsID, cluster), `/trios/(\d+)/matrix">Trio North`) + "/matrix"
		mustContain(t, "the trio's matrix", c.page(mathsID, trio), ">A1</text>", ">A3</text>", ">A6</text>")
	})
}

// Bug 4: year groups are the programme year's, not today's: looked at a
// year later, the 2017-18 cohort keeps its 2017-18 year groups and warnings.
func TestYearGroupsAreTheProgrammeYears(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		a, grid := baselineOfA(t, c, "1000", "1100")
		// A year on, the core records Gio (Y6 in 2017-18) in Y7 and Amara in Y4.
		for _, p := range fx.Pupils {
			if p.GetSchoolId() == plugintest.SchoolA {
				p.YearGroup++
			}
		}
		h.SetClock(time.Date(2019, time.January, 15, 10, 0, 0, 0, time.UTC))
		cohort := c.page(plugintest.HeadID, a+"/cohort?year=1")
		mustContain(t, "the cohort a year on", cohort, `<th scope="row">Amara Testpupil</th><td>Y3</td>`)
		if !regexp.MustCompile(`<th scope="row">Gio Testpupil</th><td>Y6</td>(?:(?:[^<]|<[^/]|</[^t]|</t[^r])*)⚠ exam year`).MatchString(cohort) {
			t.Errorf("the cohort a year on does not show Gio in Y6 with the exam year's warning:\n%s", cohort)
		}
		mustNotContain(t, "the cohort a year on", cohort, "<td>Y7</td>")
		mustContain(t, "the grid a year on", c.page(plugintest.HeadID, grid), `<th scope="row">Amara Testpupil</th><td>Y3</td>`)
		mustContain(t, "the CSV a year on", string(c.do(plugintest.HeadID, "GET", grid+"/csv", nil).GetBody()), "1000,Amara Testpupil,3,")
	})
}

// Bug 1: an empty snapshot blanks nothing; dates outside the programme year
// are refused; an empty snapshot can be deleted (audited).
func TestAnEmptySnapshotBlanksNothing(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		pupils := []string{"1000", "1002", "1101", "1102", "1103"}
		a, base := baselineOfA(t, c, pupils...)
		grid := func(who uint64, school, label string) string {
			return school + "/snapshots/" + firstID(t, c.page(who, school+"/cohort?year=1"), `/snapshots/(\d+)">`+label)
		}
		before, march := form(), form()
		for _, p := range pupils {
			before.Set("age_"+p, "30")
			before.Set("attitude_"+p, "40")
			march.Set("age_"+p, "40")
			march.Set("attitude_"+p, "60")
		}
		c.post(mathsID, base, before)
		c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12"))
		c.post(mathsID, grid(mathsID, a, "March"), march)
		b := "/schools/" + id(plugintest.SchoolB)
		c.post(headBID, b+"/cohort?year=1", form("pupil", "1003", "pupil", "1004"))
		c.refused(headBID, b+"/cohort/baseline?year=1", form("taken_on", "2017-08-31"), http.StatusUnprocessableEntity,
			"Thu 31 Aug 2017 is outside the programme year 2017-18")
		c.post(headBID, b+"/cohort/baseline?year=1", form("taken_on", "2017-10-09"))
		c.post(headBID, grid(headBID, b, "Baseline"), form("age_1003", "40", "age_1004", "40"))
		c.post(headBID, b+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-14"))
		c.post(headBID, grid(headBID, b, "March"), form("age_1003", "44", "age_1004", "44"))

		// Dates outside 2017-18 are refused, naming the date and the year's range.
		c.refused(mathsID, a+"/snapshots?year=1", form("label", "July", "taken_on", "2018-09-05"), http.StatusUnprocessableEntity,
			"Date of the snapshot: Wed 5 Sep 2018 is outside the programme year 2017-18, which runs from Fri 1 Sep 2017 to Fri 31 Aug 2018")

		// A adds July and enters nothing: the cluster still compares March.
		july := c.post(mathsID, a+"/snapshots?year=1", form("label", "July", "taken_on", "2018-07-02"))
		july = strings.TrimPrefix(july, "/p/challengegap")
		page := c.page(mathsID, "/clusters/1/matrix")
		mustContain(t, "the cluster matrix with an empty snapshot", page, "Baseline to March", "<td>Alder Primary School</td><td>5</td><td>4.6</td>")
		mustContain(t, "A's report with an empty snapshot", c.page(plugintest.HeadID, a+"/report?year=1"), "4.6 months (n = 5)")

		// The empty snapshot can be deleted, audited; one with data cannot.
		mustContain(t, "the empty snapshot", c.page(mathsID, july), `data-testid="snapshot-delete"`)
		mustNotContain(t, "a snapshot with data", c.page(mathsID, grid(mathsID, a, "March")), `data-testid="snapshot-delete"`)
		c.refused(mathsID, grid(mathsID, a, "March")+"/delete", form("confirm", "yes"), http.StatusConflict, "holds data for 5 pupils")
		// The SDK's danger zone: the box must be ticked.
		c.refused(mathsID, july+"/delete", nil, http.StatusUnprocessableEntity, "Tick the box to confirm; nothing was deleted")
		c.post(mathsID, july+"/delete", form("confirm", "yes"))
		if got := audited(h, "challengegap.snapshot.delete"); len(got) != 1 {
			t.Fatalf("snapshot deletions audited: %d", len(got))
		}
		mustNotContain(t, "the cohort page", c.page(mathsID, a+"/cohort?year=1"), ">July</a>")
		c.refused(mathsID, grid(mathsID, a, "March")+"/delete", form("confirm", "yes"), http.StatusConflict, "holds data for 5 pupils")
		c.refused(mathsID, base+"/delete", form("confirm", "yes"), http.StatusConflict, "The baseline cannot be deleted")
		if st, _ := c.status(centralID, "POST", grid(mathsID, a, "March")+"/delete", form("confirm", "yes")); st != http.StatusNotFound && st != http.StatusForbidden {
			t.Fatalf("the central team deleting a snapshot: %d", st)
		}
	})
}

// Bug 5: a cluster's page links only to pages its viewer may open: every
// link answers 200 for every role.
func TestClusterPageLinksOnlyWhatTheViewerMayOpen(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		c.post(plugintest.HeadID, cluster+"/trios", form("name", "Trio North", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(schoolD)))
		href := regexp.MustCompile(`href="/p/challengegap(/[^"#]*)"`)
		for _, who := range []uint64{centralID, plugintest.HeadID, headBID, mathsID, plugintest.TeacherID, trustID, hubID} {
			page := c.page(who, cluster)
			links := href.FindAllStringSubmatch(page, -1)
			// The pages that lead to the cluster's, too.
			links = append(links, href.FindAllStringSubmatch(c.page(who, "/years/1"), -1)...)
			links = append(links, href.FindAllStringSubmatch(c.page(who, "/"), -1)...)
			if len(links) < 3 {
				t.Fatalf("the cluster page as %d has %d links", who, len(links))
			}
			for _, l := range links {
				path := strings.ReplaceAll(l[1], "&amp;", "&")
				if st, _ := c.status(who, "GET", path, nil); st != http.StatusOK {
					t.Errorf("the cluster page as %d links to %s, which answers %d", who, path, st)
				}
			}
		}
		// The hub manager sees the schools' names, not links to them, and no matrix.
		hub := c.page(hubID, cluster)
		mustContain(t, "the hub manager's cluster page", hub, "<td>Alder Primary School</td>", "<td>Trio North</td>")
		mustNotContain(t, "the hub manager's cluster page", hub, `data-testid="cluster-matrix-link"`)
		// The head of A sees them all.
		mustContain(t, "the head's cluster page", c.page(plugintest.HeadID, cluster), `data-testid="cluster-matrix-link"`, ">Birch Academy</a>")
	})
}
