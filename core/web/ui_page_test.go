package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// The gallery of UI components is for install operators only; it renders
// every component through the SDK's ui package, in the shell, with the
// components' stylesheet.
func TestUIPageIsForOperators(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	if _, err := w.app.Identity.CreateUser(context.Background(), w.a.tenant.ID, "ops@alpha.example.org", "Ops", testPassword, true); err != nil {
		t.Fatal(err)
	}
	admin := w.client(w.a.host)
	admin.login(w.a.adminEmail)
	for _, r := range []struct{ method, path string }{{"GET", "/admin/ui"}, {"POST", "/admin/ui/sample"}, {"POST", "/admin/ui/delete"}} {
		var resp *http.Response
		if r.method == "GET" {
			resp, _ = admin.get(r.path)
		} else {
			resp, _ = admin.post(r.path, url.Values{"confirm": {"yes"}})
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("tenant admin (not an operator): %s %s → %d, want 403", r.method, r.path, resp.StatusCode)
		}
	}
	anon := w.client(w.a.host)
	if resp, _ := anon.get("/admin/ui"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to the login page", resp.StatusCode)
	}
	ops := w.client(w.a.host)
	ops.login("ops@alpha.example.org")
	resp, page := ops.get("/admin/ui")
	if resp.StatusCode != 200 {
		t.Fatalf("operator: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<link rel="stylesheet" href="/static/ui.css">`,
		`<nav class="ui-crumbs" aria-label="Breadcrumb">`, `<h1>UI components</h1>`,
		`<span class="ui-badge ui-tone-danger">Gap widened</span>`, `<p class="ui-stat-n">n = 149</p>`,
		`id="sample-table"`, `aria-sort="ascending"`, `<nav class="ui-pager" aria-label="Pagination">`,
		`No trio formed yet.`, `<form class="ui-form" method="post" action="/admin/ui/sample" novalidate>`,
		`<section class="ui-danger" aria-labelledby="delete-trio-title">`,
		`data-testid="chart-target-pupils-at-the-expected-standard"`, `data-testid="chart-attitude-to-learning-by-school"`,
		`data-testid="chart-attitude-against-the-reading-gap"`, `<details class="ui-chart-data">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/admin/ui lacks %s", want)
		}
	}
	// Sorted and paged by the query, as a plugin's handler would.
	_, page = ops.get("/admin/ui?sort=gap&dir=desc&page=1")
	if i, j := strings.Index(page, "Greystone Academy"), strings.Index(page, "Kingsmead Primary"); i < 0 || j < 0 || i > j {
		t.Errorf("sorted by gap closed, descending: Greystone (5.0) should come before Kingsmead (4.8)")
	}
	if strings.Contains(page, "Juniper Way School") {
		t.Errorf("page 1 of 3 shows a school of page 3")
	}
	for bad, says := range map[string]string{"/admin/ui?sort=phase": "no column", "/admin/ui?sort=name&dir=up": "no direction", "/admin/ui?page=0": "no page number"} {
		if resp, body := ops.get(bad); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, says) {
			t.Errorf("%s: %d, want 400 saying %q", bad, resp.StatusCode, says)
		}
	}
	// The stylesheet is the SDK's.
	resp, css := anon.get("/static/ui.css")
	if resp.StatusCode != 200 || css != ui.CSS || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("/static/ui.css: %d %s (%d bytes)", resp.StatusCode, resp.Header.Get("Content-Type"), len(css))
	}
}

// The sample form shows every problem beside its field, keeps what was
// typed, and confirms a save with a flash on the next page only.
func TestUIPageFormsKeepInputAndFlash(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	if _, err := w.app.Identity.CreateUser(context.Background(), w.a.tenant.ID, "ops@alpha.example.org", "Ops", testPassword, true); err != nil {
		t.Fatal(err)
	}
	ops := w.client(w.a.host)
	ops.login("ops@alpha.example.org")
	ops.get("/admin/ui")
	resp, page := ops.post("/admin/ui/sample", url.Values{"title": {`Workshop <2>`}, "held_on": {"2025-02-30"}, "attendance": {"300"}, "venue": {"library"}, "share": {"yes"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad sample form: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<h2 id="ui-error-summary-title">There are 2 problems</h2>`,
		`<a href="#f-held_on">Held on: Enter the date as a real date, e.g. 2025-10-01</a>`,
		`value="Workshop &lt;2&gt;"`, `value="300"`, `<option value="library" selected>`, `value="yes" checked>`,
		`id="f-attendance-error"`, `aria-invalid="true"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}
	if strings.Contains(page, `class="flash"`) {
		t.Error("a refused form shows a confirmation")
	}
	resp, _ = ops.post("/admin/ui/sample", url.Values{"title": {"Workshop 2"}, "held_on": {"2025-10-01"}, "venue": {"hall"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/ui" {
		t.Fatalf("good sample form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = ops.get("/admin/ui")
	if !strings.Contains(page, `<div class="flash" role="status">Workshop saved. (This is the sample page: nothing was stored.)</div>`) {
		t.Error("the page after the save does not confirm it")
	}
	if _, page = ops.get("/admin/ui"); strings.Contains(page, `class="flash"`) {
		t.Error("the confirmation shows twice")
	}
	// The danger zone: the server checks the box.
	resp, page = ops.post("/admin/ui/delete", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, ui.NotConfirmed) || !strings.Contains(page, `id="delete-trio-confirm-error"`) {
		t.Fatalf("an unticked danger zone: %d", resp.StatusCode)
	}
	if resp, _ = ops.post("/admin/ui/delete", url.Values{"confirm": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a ticked danger zone: %d", resp.StatusCode)
	}
	if _, page = ops.get("/admin/ui"); !strings.Contains(page, "The sample trio was deleted.") {
		t.Error("the delete is not confirmed")
	}
}
