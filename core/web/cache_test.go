package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/storage"
)

// Every GET answer of the route table, pages, JSON and downloads alike,
// carries Cache-Control: no-store, whatever its status; only the embedded
// assets may be cached. The routes that carry pupil data must answer 200 in
// this walk, so that the check covers a real download and not only error pages.
func TestEveryAnswerForbidsCaching(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	ops, err := w.app.Identity.UserByEmail(ctx, w.a.tenant.ID, w.operator())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.app.Authz.Grant(ctx, w.a.tenant.ID, ops.ID, authz.RoleTenantAdmin, w.a.root.ID, nil); err != nil {
		t.Fatal(err)
	}
	tok, _, err := w.app.Identity.CreateAPIToken(ctx, w.a.tenant.ID, ops.ID, "cache test", 0)
	if err != nil {
		t.Fatal(err)
	}
	page := w.client(w.a.host)
	page.login(operatorEmail)
	a := w.a
	ids := strings.NewReplacer(":id", fmt.Sprint(a.hubSchool.ID), ":uid", fmt.Sprint(a.adminID), ":gid", fmt.Sprint(a.grantID),
		":tid", fmt.Sprint(a.tokenID), ":child", fmt.Sprint(a.otherSchool.ID), ":iid", "1", ":pid", fmt.Sprint(a.pupilID),
		":plugin", "none", "*", "")
	mustBeOK := map[string]bool{"/audit.csv": true, "/api/v1/audit": true, "/api/v1/pupils/:pid": true,
		"/api/v1/units/:id/pupils": true, "/pupils/:pid": true, "/admin/jobs/*": true, "/api/openapi.json": true}
	checked := 0
	for _, r := range w.server.Routes() {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/static/") {
			continue
		}
		path := ids.Replace(r.Path)
		var resp *http.Response
		if strings.HasPrefix(r.Path, "/api/") {
			resp, _ = page.api(http.MethodGet, path, tok, nil)
		} else {
			resp, _ = page.get(path)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s (%d): Cache-Control %q, want no-store", path, resp.StatusCode, got)
		}
		if mustBeOK[r.Path] && resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200 (the walk must reach the data)", path, resp.StatusCode)
		}
		delete(mustBeOK, r.Path)
		checked++
	}
	for p := range mustBeOK {
		t.Errorf("route %s is no longer in the route table; update this test", p)
	}
	if checked < 25 {
		t.Fatalf("only %d GET routes checked", checked)
	}
	// The embedded assets may be cached.
	if resp, _ := page.get("/static/app.css"); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") == "no-store" {
		t.Errorf("static asset: status %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}
