package main

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// The central team's year: every cluster's progress and the programme's
// figures, which agree with the cluster's report, and a CSV whose values
// and n are columns of their own. Aggregates only: no pupil is named, and
// only managers of the programme open it.
func TestYearOverviewForTheCentralTeam(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		h.SetClock(time.Date(2019, time.October, 1, 12, 0, 0, 0, time.UTC)) // the demo's today
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", []byte(`{"today":"2019-10-01"}`)); err != nil {
			t.Fatalf("seed: %v", err)
		}
		mustContain(t, "the year's page", c.page(centralID, "/years/1"), `href="/p/challengegap/years/1/overview"`)
		page := c.page(centralID, "/years/1/overview")
		// The cluster's report, the reference: "4.9 months (n = 31)".
		report := c.page(centralID, "/clusters/1/report")
		m := regexp.MustCompile(`(-?\d+\.\d) months \(n = (\d+)\)`).FindStringSubmatch(report)
		if m == nil {
			t.Fatalf("the cluster's report has no months closed:\n%s", report)
		}
		mustContain(t, "the year overview", page, "The year across all clusters", `data-testid="programme-figures"`, `data-testid="year-progress"`,
			"North Cluster", "<td>"+m[1]+"</td><td>"+m[2]+"</td>", "<td>"+m[1]+" ("+m[2]+")</td>",
			"<td>6 of 6</td>", // the six workshops, all held by 1 October 2019
			"Download these numbers as CSV")
		mustNotContain(t, "the year overview", page, "Amara", "Chen", "Testpupil")
		// Schools with a baseline, snapshots with data and trials decided read "k of n".
		if got := regexp.MustCompile(`<td>(\d+) of (\d+)</td>`).FindAllStringSubmatch(page, -1); len(got) != 4 {
			t.Fatalf("the progress columns: %v\n%s", got, page)
		}

		resp := c.do(centralID, "GET", "/years/1/overview/csv", nil)
		if resp.GetStatus() != http.StatusOK || !hasHeader(resp, "Content-Type", "text/csv; charset=utf-8") {
			t.Fatalf("the CSV: %d %v", resp.GetStatus(), resp.GetHeaders())
		}
		rows, err := csv.NewReader(strings.NewReader(string(resp.GetBody()))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "cluster,measure,value,n,note" {
			t.Fatalf("the CSV's header: %v", rows[0])
		}
		var found bool
		for _, r := range rows {
			if r[0] == "North Cluster" && r[1] == "months of gap closed (mean)" {
				found = r[2] == m[1] && r[3] == m[2]
			}
			if r[0] == "All clusters" && r[1] == "workshops held" && (r[2] != "6" || r[3] != "6") {
				t.Errorf("the programme's workshops: %v", r)
			}
		}
		if !found {
			t.Fatalf("the CSV lacks North Cluster's months closed as %s and n %s:\n%s", m[1], m[2], resp.GetBody())
		}
		audited := false
		for _, a := range h.Host.Audits() {
			audited = audited || a.Action == "challengegap.report.year_export"
		}
		if !audited {
			t.Error("the CSV download is not audited")
		}
		// Not for a teacher.
		if st, _ := c.status(mathsID, "GET", "/years/1/overview", nil); st == http.StatusOK {
			t.Fatalf("a teacher opened the year overview: %d", st)
		}
	})
}
