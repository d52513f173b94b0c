package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

func TestSnapshotGridValidatesAndWorksOutTheGap(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1002"))
		// No termly snapshot before the baseline.
		if st, _ := c.status(mathsID, "POST", a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a snapshot before the baseline: %d", st)
		}
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		page := c.page(mathsID, a+"/cohort?year=1")
		mustContain(t, "the cohort page", page, `data-testid="snapshots"`, "Baseline</a> — 2017-10-02", `<option value="October">`)
		grid := a + "/snapshots/" + firstID(t, page, `/snapshots/(\d+)">Baseline`)

		page = c.page(mathsID, grid)
		mustContain(t, "the grid", page, "Amara Testpupil", "Chen Testpupil", `name="reading_1000"`, `name="attendance_1002"`)

		// Bad rows: nothing is saved, the rows say what is wrong, the input stays.
		st, body := c.status(mathsID, "POST", grid, form("reading_1000", "below", "age_1000", "20", "attendance_1002", "abc"))
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("a bad grid: %d %s", st, body)
		}
		mustContain(t, "the refused grid", body, "2 rows have problems: nothing was saved", `data-field="age_equivalent"`,
			`data-field="attendance"`, `name="attendance_1002" value="abc"`, `<option value="below" selected>`)
		mustNotContain(t, "the grid after a refusal", c.page(mathsID, grid), `<option value="below" selected>`)

		// A good grid: Amara (born 10 January 2015) is 32 months old on 2 October
		// 2017, so a number age of 30 months is a gap of -2.
		c.post(mathsID, grid, form("reading_1000", "below", "maths_1000", "at", "age_1000", "30", "attitude_1000", "55",
			"attendance_1000", "93.5", "writing_1002", "above"))
		page = c.page(mathsID, grid)
		mustContain(t, "the saved grid", page, `name="age_1000" value="30"`, "<td>-2</td>", `name="attendance_1000" value="93.5"`, `name="attitude_1000" value="55"`)
		for _, au := range h.Host.Audits() {
			if au.Action == "challengegap.snapshot.save" && (strings.Contains(au.AfterJSON, "93.5") || !strings.Contains(au.AfterJSON, "1000")) {
				t.Fatalf("the audit of a grid names the pupils, not their values: %s", au.AfterJSON)
			}
		}

		// Readers see values without inputs; the central team sees no pupil data.
		trust := c.page(trustID, grid)
		mustContain(t, "the trust leader's grid", trust, "Amara Testpupil", "<td>-2</td>")
		mustNotContain(t, "the trust leader's grid", trust, "<input")
		if st, _ := c.status(centralID, "GET", grid, nil); st != http.StatusNotFound {
			t.Fatalf("the central team reading a grid: %d", st)
		}

		// A termly snapshot comes after the baseline; each month once.
		loc := c.post(mathsID, a+"/snapshots?year=1", form("label", "March", "taken_on", "2018-03-12"))
		if !strings.Contains(loc, "/snapshots/") {
			t.Fatalf("a new snapshot redirects to %q", loc)
		}
		page = c.page(mathsID, a+"/cohort?year=1")
		mustContain(t, "the cohort page", page, "March</a> — 2018-03-12")
		mustNotContain(t, "the cohort page", page, `<option value="March">`)
		if st, _ := c.status(mathsID, "POST", a+"/snapshots?year=1", form("label", "July", "taken_on", "2017-09-01")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a snapshot dated before the last: %d", st)
		}
	})
}
