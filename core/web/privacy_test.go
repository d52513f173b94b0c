package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
)

// addPupil inserts a pupil at school with the model directly.
func (w *world) addPupil(f tenantFixture, schoolID uint, given, family string, serial int) (pupils.Pupil, string) {
	w.t.Helper()
	u, err := upn.Build(201, 7000+serial, 16, serial)
	if err != nil {
		w.t.Fatal(err)
	}
	left := time.Now().UTC().AddDate(-1, -2, 0).Truncate(24 * time.Hour)
	p := pupils.Pupil{TenantID: f.tenant.ID, SchoolID: schoolID, UPNHash: w.app.Pupils.HashUPN(u), UPNSealed: w.app.Pupils.SealUPN(u),
		GivenName: given, FamilyName: family, DateOfBirth: "2014-09-01", YearGroup: 5, Gender: "M", SEN: "N", LeftOn: &left}
	if err := w.app.DB.Create(&p).Error; err != nil {
		w.t.Fatal(err)
	}
	return p, u
}

func (w *world) pupilCount(f tenantFixture, id uint) int64 {
	var n int64
	if err := w.app.DB.Model(&pupils.Pupil{}).Where("tenant_id = ? AND id = ?", f.tenant.ID, id).Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) auditActions(f tenantFixture, pupilID uint) []string {
	evs, err := audit.AccessesOfPupil(context.Background(), w.app.DB.DB, f.tenant.ID, pupilID)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Action+" "+e.ActorLabel)
	}
	return out
}

// Every subject-rights route needs core.privacy.manage at the tenant root
// and names pupils only in POST bodies.
func TestPrivacyRoutesArePostsForTenantAdmins(t *testing.T) {
	w := newWorld(t, "sqlite")
	n := 0
	for _, r := range w.server.Routes() {
		if !strings.HasPrefix(r.Path, "/privacy") {
			continue
		}
		n++
		if r.Permission != "core.privacy.manage" {
			t.Errorf("%s %s: permission %s", r.Method, r.Path, r.Permission)
		}
		if r.Path != "/privacy" && r.Method != http.MethodPost {
			t.Errorf("%s %s: a route naming a pupil must be a POST", r.Method, r.Path)
		}
	}
	if n != 4 {
		t.Fatalf("%d privacy routes, want 4", n)
	}
}

func TestSubjectRightsPage(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		a := w.a
		p, u := w.addPupil(a, a.hubSchool.ID, "Ada", "Lovelace", 1)
		bp, _ := w.addPupil(w.b, w.b.hubSchool.ID, "Bea", "Beta", 2)

		// Only the tenant admin may open or use it.
		for _, email := range []string{a.teacherEmail, a.hubMgrEmail, a.trustEmail} {
			c := w.client(a.host)
			c.login(email)
			if resp, body := c.get("/privacy"); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Subject rights</a>") {
				t.Errorf("%s GET /privacy: %d", email, resp.StatusCode)
			}
			for _, path := range []string{"/privacy/export", "/privacy/erase"} {
				if resp, _ := c.post(path, url.Values{"pupil_id": {fmt.Sprint(p.ID)}, "confirm": {"yes"}, "reason": {"The parent asked"}}); resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", email, path, resp.StatusCode)
				}
			}
			if resp, _ := c.post("/privacy/find", url.Values{"upn": {u}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST /privacy/find: %d", email, resp.StatusCode)
			}
		}
		if w.pupilCount(a, p.ID) != 1 {
			t.Fatal("a refused request erased the pupil")
		}
		for _, act := range w.auditActions(a, p.ID) {
			if strings.HasPrefix(act, "pupil.") {
				t.Fatalf("a refused request was served: %s", act)
			}
		}

		admin := w.client(a.host)
		admin.login(a.adminEmail)
		resp, body := admin.get("/privacy")
		if resp.StatusCode != 200 || !strings.Contains(body, `href="/privacy"`) || !strings.Contains(body, "365 days") {
			t.Fatalf("admin GET /privacy: %d %.500s", resp.StatusCode, body)
		}
		// Find by school and name.
		resp, body = admin.post("/privacy/find", url.Values{"school": {*a.hubSchool.URN}, "name": {"lovel"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Ada Lovelace") {
			t.Fatalf("find by name: %d %.500s", resp.StatusCode, body)
		}
		// Find by UPN: the page never shows the UPN back.
		resp, body = admin.post("/privacy/find", url.Values{"upn": {strings.ToLower(u[:4]) + " " + u[4:]}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Ada Lovelace") || strings.Contains(body, u) {
			t.Fatalf("find by UPN: %d", resp.StatusCode)
		}
		if resp, _ := admin.post("/privacy/find", url.Values{"upn": {"not a upn"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("find by a bad UPN: %d", resp.StatusCode)
		}
		// Another tenant's pupil is not found, by name or by id.
		if _, body := admin.post("/privacy/find", url.Values{"school": {*a.hubSchool.URN}, "name": {"Bea"}}); strings.Contains(body, "Beta") {
			t.Fatal("found tenant B's pupil")
		}
		for _, path := range []string{"/privacy/export", "/privacy/erase"} {
			if resp, _ := admin.post(path, url.Values{"pupil_id": {fmt.Sprint(bp.ID)}, "confirm": {"yes"}, "reason": {"The parent asked"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s with B's pupil: %d", path, resp.StatusCode)
			}
		}
		if w.pupilCount(w.b, bp.ID) != 1 {
			t.Fatal("tenant B's pupil was erased")
		}

		// Download the export.
		resp, body = admin.post("/privacy/export", url.Values{"pupil_id": {fmt.Sprint(p.ID)}})
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), fmt.Sprintf("pupil-%d-export", p.ID)) ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("export: %d %s", resp.StatusCode, resp.Header)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			got[f.Name] = string(b)
		}
		if !strings.Contains(got["core/pupil.json"], u) || !strings.Contains(got["manifest.json"], `"complete": true`) ||
			!strings.Contains(got["core/audit-events.json"], "POST /privacy/find") {
			t.Fatalf("archive: %v", got)
		}

		// Erase: a confirmation step first, then the erasure.
		resp, body = admin.post("/privacy/erase", url.Values{"pupil_id": {fmt.Sprint(p.ID)}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Ada Lovelace") || !strings.Contains(body, "cannot be undone") || w.pupilCount(a, p.ID) != 1 {
			t.Fatalf("confirmation step: %d", resp.StatusCode)
		}
		if resp, _ := admin.post("/privacy/erase", url.Values{"pupil_id": {fmt.Sprint(p.ID)}, "confirm": {"yes"}, "reason": {"Ada moved abroad"}}); resp.StatusCode != http.StatusUnprocessableEntity || w.pupilCount(a, p.ID) != 1 {
			t.Fatalf("a reason naming the pupil: %d", resp.StatusCode)
		}
		resp, _ = admin.post("/privacy/erase", url.Values{"pupil_id": {fmt.Sprint(p.ID)}, "confirm": {"yes"}, "reason": {"The parent asked for erasure"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/privacy" {
			t.Fatalf("erase: %d", resp.StatusCode)
		}
		if w.pupilCount(a, p.ID) != 0 {
			t.Fatal("the pupil survived the erasure")
		}
		_, body = admin.get("/privacy")
		if !strings.Contains(body, "is erased from the core and every plugin") || !strings.Contains(body, "The parent asked for erasure") {
			t.Fatalf("page after erasure: %.2000s", body)
		}
		acts := strings.Join(w.auditActions(a, p.ID), "; ")
		for _, want := range []string{"pupil.read " + a.adminEmail, "pupil.export " + a.adminEmail, "pupil.erase " + a.adminEmail} {
			if !strings.Contains(acts, want) {
				t.Errorf("audit lacks %q: %s", want, acts)
			}
		}

		// The retention period is a tenant setting.
		if resp, _ := admin.post("/settings", url.Values{privacy.SettingRetentionDays: {"a year"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad retention period: %d", resp.StatusCode)
		}
		admin.get("/settings")
		if resp, _ := admin.post("/settings", url.Values{privacy.SettingRetentionDays: {"30"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retention period: %d", resp.StatusCode)
		}
		if _, body := admin.get("/privacy"); !strings.Contains(body, "30 days") {
			t.Fatal("the page does not show the new period")
		}
	})
}

// The app schedules the retention sweep daily, as a registered job.
func TestRetentionSweepIsScheduledDaily(t *testing.T) {
	w := newWorld(t, "sqlite")
	found := false
	for _, s := range w.app.Jobs.Schedules() {
		if s.TaskType == privacy.TaskRetention && s.Cronspec == "@daily" {
			found = true
		}
	}
	if !found {
		t.Fatalf("schedules: %+v", w.app.Jobs.Schedules())
	}
}
