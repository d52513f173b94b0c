package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

func TestSchoolMatrixShowsMovementAndStrategies(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		if err := h.Event(h.System(), "tenant.enabled", 0); err != nil {
			t.Fatal(err)
		}
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1002"))
		mustContain(t, "the matrix before a baseline", c.page(mathsID, a+"/matrix?year=1"), `data-testid="no-snapshots"`)
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		cohort := c.page(mathsID, a+"/cohort?year=1")
		base := a + "/snapshots/" + firstID(t, cohort, `/snapshots/(\d+)">Baseline`)
		// Amara is 32 months old at the baseline, Chen 30.
		c.post(mathsID, base, form("age_1000", "30", "attitude_1000", "55", "age_1002", "24", "attitude_1002", "40"))
		march := strings.TrimPrefix(c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12")), "/p/challengegap")
		// In March Amara is 38 months old, Chen 36.
		c.post(mathsID, march, form("age_1000", "40", "attitude_1000", "70", "age_1002", "30", "attitude_1002", "45"))
		// Amara received Learning journals.
		strategy := firstID(t, c.page(mathsID, a), `<option value="(\d+)">Learning journals`)
		c.post(mathsID, a+"/trials", form("year", "1", "strategy", strategy))
		trial := a + "/trials/" + firstID(t, c.page(mathsID, a), `/trials/(\d+)">Learning journals`)
		c.post(mathsID, trial+"/pupils", form("pupil", "1000"))

		before := len(h.Host.Calls())
		page := c.page(mathsID, a+"/matrix?year=1")
		if n := len(h.Host.Calls()) - before; n > 3 {
			t.Fatalf("the matrix page made %d Host calls, want at most 3", n)
		}
		mustContain(t, "the matrix", page, `data-testid="matrix"`, "<title id=\"m-title\">Attainment gap (months) against Attitude to learning: Baseline to March</title>",
			"Amara Testpupil: gap -2 → 2 months (&#43;4), attitude 55 → 70 (&#43;15); received: Learning journals",
			"Chen Testpupil: gap -6 → -6 months (0), attitude 40 → 45 (&#43;5); no strategy recorded")
		if n := strings.Count(page, `marker-end="url(#m-arrow-`); n != 2 {
			t.Fatalf("%d arrows, want 2:\n%s", n, page)
		}
		if strings.Index(page, "Amara Testpupil: gap") > strings.Index(page, "Chen Testpupil: gap") {
			t.Fatal("the movers are not ordered by the gap closed")
		}
		// Other axes, chosen on the page: attitude across, the gap up, with no extra Host call.
		before = len(h.Host.Calls())
		page = c.page(mathsID, a+"/matrix?year=1&x=attitude&y=gap")
		if n := len(h.Host.Calls()) - before; n > 3 {
			t.Fatalf("the matrix page on other axes made %d Host calls, want at most 3", n)
		}
		mustContain(t, "the matrix on other axes", page, "<title id=\"m-title\">Attitude to learning against Attainment gap (months): Baseline to March</title>",
			"Amara Testpupil: attitude 55 → 70 (&#43;15), gap -2 → 2 months (&#43;4)", `<option value="attitude" selected>`)
		if strings.Count(page, `marker-end="url(#m-arrow-`) != 2 {
			t.Fatalf("attitude across: not 2 arrows:\n%s", page)
		}
		// Attendance was not recorded: nobody is drawn on it.
		page = c.page(mathsID, a+"/matrix?year=1&x=attendance&y=attitude")
		mustContain(t, "the matrix on attendance", page, "2 pupils have no attendance and attitude at either snapshot")
		if strings.Contains(page, "<circle") {
			t.Fatal("a pupil without attendance is drawn")
		}
		// Comparing the baseline with itself: no arrow.
		baseID := firstID(t, cohort, `/snapshots/(\d+)">Baseline`)
		page = c.page(mathsID, a+"/matrix?year=1&from="+baseID+"&to="+baseID)
		if n := strings.Count(page, `marker-end="url(#m-arrow-`); n != 0 {
			t.Fatalf("%d arrows comparing a snapshot with itself", n)
		}
		// Pupil-level: the central team and the hub manager cannot see it.
		for _, who := range []uint64{centralID, hubID} {
			if st, _ := c.status(who, "GET", a+"/matrix?year=1", nil); st != http.StatusNotFound {
				t.Fatalf("person %d reading the school's matrix: %d", who, st)
			}
		}
	})
}

func TestClusterMatrixIsPseudonymousAndSuppressesSmallCounts(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		cluster := setUpCluster(t, c)
		teamOfA(t, c)
		mustContain(t, "the cluster matrix before any baseline", c.page(mathsID, cluster+"/matrix"), `data-testid="no-snapshots"`)
		enter := func(who uint64, school string, pupils []string) {
			t.Helper()
			f := form()
			for _, p := range pupils {
				f.Add("pupil", p)
			}
			c.post(who, school+"/cohort?year=1", f)
			c.post(plugintest.HeadID, "/schools/"+id(plugintest.SchoolA)+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		}
		a := "/schools/" + id(plugintest.SchoolA)
		enter(mathsID, a, []string{"1000", "1002", "1101", "1102", "1103"})
		grid := func(who uint64, school, label string) string {
			return school + "/snapshots/" + firstID(t, c.page(who, school+"/cohort?year=1"), `/snapshots/(\d+)">`+label)
		}
		base := form()
		march := form()
		for _, p := range []string{"1000", "1002", "1101", "1102", "1103"} {
			base.Set("age_"+p, "30")
			base.Set("attitude_"+p, "40")
			march.Set("age_"+p, "40")
			march.Set("attitude_"+p, "60")
		}
		c.post(mathsID, grid(mathsID, a, "Baseline"), base)
		c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12"))
		c.post(mathsID, grid(mathsID, a, "March"), march)
		// B has a cohort of two: too few to show across schools.
		b := "/schools/" + id(plugintest.SchoolB)
		c.post(headBID, b+"/cohort?year=1", form("pupil", "1003", "pupil", "1004"))
		c.post(headBID, b+"/cohort/baseline?year=1", form("taken_on", "2017-10-09"))
		c.post(headBID, grid(headBID, b, "Baseline"), form("age_1003", "40", "attitude_1003", "50", "age_1004", "40", "attitude_1004", "50"))

		// Age-equivalent scores 10 months up while the pupils grew about 5
		// months older: A's gap closed by 4.6 months on average (Amara, A1, by 4).
		// Tom, a teacher at A who may read A's cohort, sees A's pupils named
		// beside their pseudonyms (two Host calls: Authorize, then A's pupils'
		// names); no other school's.
		before := len(h.Host.Calls())
		page := c.page(mathsID, cluster+"/matrix?from=0&to=1")
		if calls := h.Host.Calls()[before:]; len(calls) != 2 || calls[0].Method != "Authorize" || calls[1].Method != "GetPupils" {
			t.Fatalf("the cluster matrix made Host calls %+v, want Authorize and GetPupils", calls)
		}
		mustContain(t, "the cluster matrix", page, `data-testid="matrix"`, "Baseline to March", ">A1</text>", ">A5</text>",
			"<td>Alder Primary School</td><td>5</td><td>4.6</td>", "<td>Birch Academy</td><td>fewer than 5</td>", "A1 (Amara Testpupil): gap &#43;4 months, attitude &#43;20",
			"<title>A1 (Amara Testpupil): gap ")
		// Bea, head of B, may not read A's cohort: A's pupils are pseudonyms only.
		bea := c.page(headBID, cluster+"/matrix?from=0&to=1")
		mustContain(t, "the cluster matrix for B's head", bea, "A1: gap &#43;4 months, attitude &#43;20", "<title>A1: gap ")
		mustNotContain(t, "the cluster matrix for B's head", bea, "Amara", "Chen", "Testpupil")
		mustNotContain(t, "the cluster matrix", page, "Dara", "Eli Testpupil", ">B1</text>", ">Amara")
		if n := strings.Count(page, `data-to="1"`); n != 10 {
			t.Fatalf("%d pupils drawn at March, want A's 5 on the combined drawing and 5 on A's own", n)
		}
		// The legend names each school drawn with its marker; the quadrant
		// tables count A's five: at the baseline (attitude 40) four behind and
		// A2 at no gap, at March (attitude 60) three behind and A1 and A2 at
		// or past no gap; A has its own small drawing; B (too few) is in none.
		mustContain(t, "the cluster matrix's legend and quadrants", page, `data-testid="matrix-legend"`, "A: Alder Primary School (circle)",
			`data-testid="quadrants"`, `<th scope="row">gap below 0, attitude 50 or more</th><td>0</td><td>3</td>`,
			`<th scope="row">gap 0 or more, attitude 50 or more</th><td>0</td><td>2</td>`, `<th scope="row">gap below 0, attitude below 50</th><td>4</td><td>0</td>`, "How many of the 5 pupils with both values moved",
			`data-testid="small-multiples"`, "<h3>A: Alder Primary School</h3>", "<title>A1 (Amara Testpupil): gap ")
		mustNotContain(t, "the cluster matrix's legend", page, "B: Birch Academy (")
		// Filtered to one school: only it; a school not drawn here is a 400 naming the parameter.
		only := c.page(mathsID, cluster+"/matrix?from=0&to=1&school="+id(plugintest.SchoolA))
		mustContain(t, "the cluster matrix of one school", only, `<option value="`+id(plugintest.SchoolA)+`" selected>A: Alder Primary School</option>`, ">A5</text>")
		mustNotContain(t, "the cluster matrix of one school", only, `data-testid="small-multiples"`)
		if st, body := c.status(mathsID, "GET", cluster+"/matrix?school=abc", nil); st != http.StatusBadRequest || !strings.Contains(body, "school") {
			t.Fatalf("a bad school filter answered %d:\n%s", st, body)
		}
		// Swapped axes: the schools' mean change is of attitude across (A1's +20 among them).
		page = c.page(mathsID, cluster+"/matrix?from=0&to=1&x=attitude&y=gap")
		mustContain(t, "the cluster matrix on other axes", page, "Mean change of attitude</th>", "A1 (Amara Testpupil): attitude &#43;20, gap &#43;4 months")
		// A trio of A, B and D draws the same (B is still too small); a head
		// outside the trio's schools is refused.
		c.post(plugintest.HeadID, cluster+"/trios", form("name", "Trio North", "lead_school", id(plugintest.SchoolA),
			"accelerator_one", id(plugintest.SchoolB), "accelerator_two", id(schoolD)))
		trio := cluster + "/trios/" + firstID(t, c.page(mathsID, cluster), `/trios/(\d+)/matrix">Trio North`) + "/matrix"
		mustContain(t, "the trio's matrix", c.page(mathsID, trio+"?from=0&to=1"), "The matrix of Trio North", ">A5</text>", "fewer than 5")
		if st, _ := c.status(headEID, "GET", trio, nil); st != http.StatusForbidden {
			t.Fatalf("a head outside the trio: %d", st)
		}
		if st, _ := c.status(mathsID, "GET", cluster+"/trios/999/matrix", nil); st != http.StatusNotFound {
			t.Fatalf("an unknown trio: %d", st)
		}
		// The staff of the cluster's schools, its leads and managers see it; others do not.
		c.page(headBID, cluster+"/matrix")
		c.page(centralID, cluster+"/matrix")
		if st, _ := c.status(hubID, "GET", cluster+"/matrix", nil); st != http.StatusForbidden {
			t.Fatalf("the hub manager: %d", st)
		}
		if st, _ := c.status(headEID, "GET", cluster+"/matrix", nil); st != http.StatusForbidden {
			t.Fatalf("a head outside the cluster: %d", st)
		}
	})
}
