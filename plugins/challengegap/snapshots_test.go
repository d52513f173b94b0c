package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
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
		mustContain(t, "the refused grid", body, "2 rows have problems: nothing was saved", `data-error="age_equivalent"`,
			`data-error="attendance"`, `name="attendance_1002" value="abc"`, `<option value="below" selected>`,
			// Each problem in its cell, naming the column, tied to its field.
			`<p class="ui-error-message" id="f-age-1000-error">Age equivalent: a whole number of months from 24 to 240</p>`,
			`<p class="ui-error-message" id="f-attendance-1002-error">Attendance: a percentage 0–100, such as 94.5</p>`,
			`aria-invalid="true" aria-describedby="f-attendance-1002-last f-attendance-1002-error"`,
			// Fields named with the pupil for screen readers; the level in words as well as colour.
			`aria-label="Reading, Amara Testpupil"`, `aria-label="Attendance, Chen Testpupil"`, "▼ Below")
		mustNotContain(t, "the grid after a refusal", c.page(mathsID, grid), `<option value="below" selected>`)

		// A good grid: Amara (born 10 January 2015) is 32 months old on 2 October
		// 2017, so a number age of 30 months is a gap of -2.
		saved := c.do(mathsID, "POST", grid, form("reading_1000", "below", "maths_1000", "at", "age_1000", "30", "attitude_1000", "55",
			"attendance_1000", "93.5", "writing_1002", "above"))
		if saved.GetStatus() != http.StatusSeeOther || !hasHeader(saved, "X-Upwards-Flash", "Baseline%20saved:%202%20pupils.") {
			t.Fatalf("a saved grid does not say so: %d %v", saved.GetStatus(), saved.GetHeaders())
		}
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
		// March's grid shows each pupil's baseline beside each field, and loads the paste script.
		march := c.page(mathsID, loc[strings.Index(loc, "/schools/"):])
		mustContain(t, "March's grid", march, "Under each field: the pupil's value at Baseline.", `id="f-age-1000-last">last: 30</small>`,
			`id="f-reading-1000-last">last: Below</small>`, `id="f-attendance-1000-last">last: 93.5</small>`, `id="f-age-1002-last">last: none</small>`,
			`<script src="/p/challengegap/assets/grid.js" defer></script>`, `data-paste-grid`)
		script := c.do(mathsID, "GET", "/assets/grid.js", nil)
		if script.GetStatus() != http.StatusOK || !hasHeader(script, "Content-Type", "text/javascript; charset=utf-8") || !strings.Contains(string(script.GetBody()), `addEventListener("paste"`) {
			t.Fatalf("the grid's script: %d %v", script.GetStatus(), script.GetHeaders())
		}
		if st, _ := c.status(mathsID, "POST", a+"/snapshots?year=1", form("label", "July", "taken_on", "2017-09-01")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a snapshot dated before the last: %d", st)
		}
	})
}

// upload posts a CSV file to path as a multipart form, as a browser does.
func upload(t *testing.T, h *plugintest.Harness, who uint64, path, content string) *pluginv1.HandleHTTPResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", plugintest.CSRFToken)
	fw, err := mw.CreateFormFile("file", "snapshot.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	resp, err := h.Do(h.As(who), &pluginv1.HandleHTTPRequest{Method: "POST", Path: path, Body: body.Bytes(),
		Headers: []*pluginv1.Header{{Name: "Content-Type", Values: []string{mw.FormDataContentType()}}}})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func header(r *pluginv1.HandleHTTPResponse, name string) string {
	for _, h := range r.GetHeaders() {
		if h.GetName() == name && len(h.GetValues()) > 0 {
			return h.GetValues()[0]
		}
	}
	return ""
}

func TestSnapshotCSVDownloadAndUpload(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		a := "/schools/" + id(plugintest.SchoolA)
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000", "pupil", "1002"))
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))
		grid := a + "/snapshots/" + firstID(t, c.page(mathsID, a+"/cohort?year=1"), `/snapshots/(\d+)">Baseline`)

		resp := c.do(mathsID, "GET", grid+"/csv", nil)
		if resp.GetStatus() != http.StatusOK || resp.GetFragment() || !strings.HasPrefix(header(resp, "Content-Type"), "text/csv") {
			t.Fatalf("download: %d fragment %v %q", resp.GetStatus(), resp.GetFragment(), header(resp, "Content-Type"))
		}
		mustContain(t, "the CSV", string(resp.GetBody()), "pupil_id,name,year_group,reading,writing,maths,age_equivalent_months,attitude,aspiration,attendance\n",
			"1000,Amara Testpupil,3,,,,,,,\n", "1002,Chen Testpupil,5,")

		// A file with bad rows saves nothing and lists the problems by row, without values.
		bad := "pupil_id,name,reading,attendance,age_equivalent_months\n1000,Amara,below,120,30\n1001,Ben,at,90,\n1002,Chen,sideways,,x\n"
		resp = upload(t, h, mathsID, grid+"/csv", bad)
		body := string(resp.GetBody())
		if resp.GetStatus() != http.StatusUnprocessableEntity {
			t.Fatalf("a bad file: %d %s", resp.GetStatus(), body)
		}
		mustContain(t, "the refusal", body, `data-testid="csv-errors"`, "<td>2</td><td>attendance</td>", "<td>3</td><td>pupil_id</td>",
			"<td>4</td><td>age_equivalent</td>", "<td>4</td><td>reading</td>")
		mustNotContain(t, "the refusal", body, "120", "sideways")
		mustNotContain(t, "the grid after a refused file", c.page(mathsID, grid), `<option value="below" selected>`)
		// Not a CSV of the snapshot at all.
		resp = upload(t, h, mathsID, grid+"/csv", "name,score\nAmara,3\n")
		mustContain(t, "a file without pupil_id", string(resp.GetBody()), "no pupil_id column")

		// A good file (semicolons, a byte-order mark, as spreadsheets save it) is saved, with the gap.
		good := "\xef\xbb\xbfpupil_id;name;year_group;reading;writing;maths;age_equivalent_months;attitude;aspiration;attendance\n" +
			"1000;Amara Testpupil;3;Below;at;;30;55;;93.5\n1002;Chen Testpupil;5;;;above;;;70;\n"
		resp = upload(t, h, mathsID, grid+"/csv", good)
		if resp.GetStatus() != http.StatusSeeOther {
			t.Fatalf("a good file: %d %s", resp.GetStatus(), resp.GetBody())
		}
		page := c.page(mathsID, grid)
		mustContain(t, "the grid after the file", page, `name="age_1000" value="30"`, "<td>-2</td>", `name="aspiration_1002" value="70"`,
			`name="attendance_1000" value="93.5"`)
		// A teacher of another school cannot download it; the central team neither.
		if st, _ := c.status(centralID, "GET", grid+"/csv", nil); st != http.StatusNotFound {
			t.Fatalf("the central team downloading: %d", st)
		}
		actions := map[string]int{}
		for _, au := range h.Host.Audits() {
			actions[au.Action]++
		}
		if actions["challengegap.snapshot.export"] != 1 || actions["challengegap.snapshot.import"] != 1 {
			t.Fatalf("audits: %v", actions)
		}
	})
}

func TestSnapshotReminderMailsEachTeamOnce(t *testing.T) {
	eachStorage(t, func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness) {
		c := client{t, h}
		setUpCluster(t, c)
		teamOfA(t, c)
		a := "/schools/" + id(plugintest.SchoolA)
		// B has a team but no frozen cohort: nothing is due there.
		c.post(headBID, "/schools/"+id(plugintest.SchoolB)+"/team", form("year", "1", "person", id(headBID), "role", "leader"))
		c.post(mathsID, a+"/cohort?year=1", form("pupil", "1000"))
		c.post(plugintest.HeadID, a+"/cohort/baseline?year=1", form("taken_on", "2017-10-02"))

		run := func(day string) {
			t.Helper()
			if err := h.RunJob(h.System(), "snapshot_reminder", []byte(`{"today":"`+day+`"}`)); err != nil {
				t.Fatal(err)
			}
		}
		run("2018-02-01") // not a snapshot month
		run("2016-03-01") // no programme year running
		if m := h.Host.Mails(); len(m) != 0 {
			t.Fatalf("mails outside a snapshot month: %+v", m)
		}
		run("2018-03-01")
		mails := h.Host.Mails()
		to := map[string]bool{}
		for _, m := range mails {
			to[m.To] = true
			if m.Subject != "Challenge the Gap: the March snapshot of Alder Primary School is due" || strings.Contains(m.Body, "Amara") {
				t.Fatalf("mail: %+v", m)
			}
		}
		if len(mails) != 3 || !to["hari.head@test.example"] || !to["tom@test.example"] || !to["pia@test.example"] {
			t.Fatalf("mails = %+v", mails)
		}
		run("2018-03-01") // again: nobody twice
		if n := len(h.Host.Mails()); n != 3 {
			t.Fatalf("a second run sent %d mails in all", n)
		}
		// A school that entered its July snapshot early is not reminded in July.
		c.post(mathsID, a+"/snapshots?year=1", form("label", "July", "taken_on", "2018-06-28"))
		run("2018-07-01")
		if n := len(h.Host.Mails()); n != 3 {
			t.Fatalf("a school with its snapshot was reminded: %d mails", n)
		}
		if err := h.RunJob(h.System(), "snapshot_reminder", []byte(`{"today":"1 March"}`)); err == nil || !strings.Contains(err.Error(), "FailedPrecondition") {
			t.Fatalf("a bad day: %v", err)
		}
	})
}

// hasHeader reports whether the plugin's response carries header name with value.
func hasHeader(resp *pluginv1.HandleHTTPResponse, name, value string) bool {
	for _, h := range resp.GetHeaders() {
		if strings.EqualFold(h.GetName(), name) {
			for _, v := range h.GetValues() {
				if v == value {
					return true
				}
			}
		}
	}
	return false
}
