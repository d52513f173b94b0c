package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// The user list shows each user's roles and places and filters by text,
// role and the name of the place.
func TestUserListShowsAndFiltersRolesAndPlaces(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	_, page := c.get("/users")
	if !strings.Contains(page, "Teacher at alpha Lone Primary") || !strings.Contains(page, "Hub Manager at alpha Hub") {
		t.Fatalf("roles and places not listed: %.4000s", page)
	}
	if !strings.Contains(page, "4 users") {
		t.Errorf("count: %.3000s", page)
	}
	for _, tc := range []struct {
		query       string
		want, not   []string
		countPhrase string
	}{
		{"role=teacher", []string{"teacher@alpha"}, []string{"admin@alpha", "hubmanager@alpha"}, "1 user matches"},
		{"place=lone", []string{"teacher@alpha"}, []string{"admin@alpha", "ceo@alpha"}, "1 user matches"},
		{"place=alpha", []string{"teacher@alpha", "ceo@alpha", "hubmanager@alpha"}, []string{"admin@alpha"}, "3 users match"},
		{"role=teacher&place=hub", nil, []string{"teacher@alpha"}, "0 users match"},
		{"q=ceo&place=trust", []string{"ceo@alpha"}, []string{"teacher@alpha"}, "1 user matches"},
	} {
		_, page := c.get("/users?" + tc.query)
		for _, s := range tc.want {
			if !strings.Contains(page, s) {
				t.Errorf("%s: %s missing", tc.query, s)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(page, s) {
				t.Errorf("%s: %s listed", tc.query, s)
			}
		}
		if !strings.Contains(page, tc.countPhrase) {
			t.Errorf("%s: want %q in %.300s", tc.query, tc.countPhrase, page[strings.Index(page, "user-count"):])
		}
	}
}

// A role is granted at a place found by name (no id or URN typed); a bad
// choice comes back beside its field with the choice kept, saving nothing.
func TestGrantPicksPlaceByName(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	path := fmt.Sprintf("/users/%d", w.a.teacherID)
	_, page := c.get(path + "?place=hub+prim")
	radio := fmt.Sprintf(`name="unit" value="%d"`, w.a.hubSchool.ID)
	if !strings.Contains(page, radio) || strings.Contains(page, fmt.Sprintf(`value="%d"`, w.a.trustSchool.ID)) {
		t.Fatalf("search for the place: %.5000s", page)
	}
	if strings.Contains(page, "unit id or URN") {
		t.Error("the form still asks for an id or URN")
	}
	_, page = c.get(path + "?place=nowhere")
	if !strings.Contains(page, `data-testid="no-place"`) {
		t.Error("no word that nothing matched")
	}
	resp, _ := c.post(path+"/grants", url.Values{"role": {"headteacher"}, "unit": {fmt.Sprint(w.a.hubSchool.ID)}, "place": {"hub prim"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d", resp.StatusCode)
	}
	_, page = c.get(path)
	if !strings.Contains(page, "Role granted.") || !strings.Contains(page, "alpha Hub Primary") {
		t.Fatalf("granted role not shown with a flash: %.4000s", page)
	}
	// The same grant again: refused beside the role, choice kept.
	resp, page = c.post(path+"/grants", url.Values{"role": {"headteacher"}, "unit": {fmt.Sprint(w.a.hubSchool.ID)}, "place": {"hub prim"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="g-role-error"`) ||
		!strings.Contains(page, radio+` checked`) || !strings.Contains(page, `value="headteacher" selected`) {
		t.Fatalf("repeated grant: %d %.6000s", resp.StatusCode, page)
	}
	if strings.Contains(page, "Back button") {
		t.Error("a form error sends the user back with the browser")
	}
	// A unit of another tenant is no choice.
	resp, page = c.post(path+"/grants", url.Values{"role": {"teacher"}, "unit": {fmt.Sprint(w.b.hubSchool.ID)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="g-unit-error"`) {
		t.Fatalf("another tenant's unit: %d %.3000s", resp.StatusCode, page)
	}
}

// A new user's form comes back with each error beside its field and the
// input kept (never the password).
func TestAddUserErrorsBesideFields(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	c.get("/users")
	resp, page := c.post("/users", url.Values{"name": {"Ann Other"}, "email": {w.a.teacherEmail}, "password": {"secret-enough-123"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="u-email-error"`) ||
		!strings.Contains(page, `value="Ann Other"`) || strings.Contains(page, "secret-enough-123") || !strings.Contains(page, "Nothing was saved") {
		t.Fatalf("taken email: %d %.5000s", resp.StatusCode, page)
	}
	resp, page = c.post("/users", url.Values{"name": {""}, "email": {"new@alpha.example.org"}, "password": {"secret-enough-123"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="u-name-error"`) || !strings.Contains(page, `value="new@alpha.example.org"`) {
		t.Fatalf("no name: %d %.5000s", resp.StatusCode, page)
	}
}

// An archived school leaves the list and cannot take a new role or import,
// stays readable, and comes back when unarchived.
func TestArchiveUnitPages(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	s := w.a.otherSchool
	c.get(fmt.Sprintf("/units/%d", s.ID))
	if resp, _ := c.post(fmt.Sprintf("/units/%d/archive", s.ID), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", resp.StatusCode)
	}
	_, page := c.get(fmt.Sprintf("/units/%d", s.ID))
	if !strings.Contains(page, "is archived") || !strings.Contains(page, `data-testid="archived"`) || strings.Contains(page, `data-testid="import-link"`) {
		t.Fatalf("archived unit page: %.4000s", page)
	}
	if _, page := c.get("/units"); strings.Contains(page, s.Name) {
		t.Error("archived school still listed")
	}
	if _, page := c.get("/units?archived=1"); !strings.Contains(page, s.Name) || !strings.Contains(page, "1 archived unit found") {
		t.Errorf("archived list: %.3000s", page)
	}
	if _, page := c.get(fmt.Sprintf("/users/%d?place=lone", w.a.teacherID)); strings.Contains(page, fmt.Sprintf(`value="%d"`, s.ID)) {
		t.Error("archived school offered in the place picker")
	}
	resp, page := c.post(fmt.Sprintf("/users/%d/grants", w.a.hubMgrID), url.Values{"role": {"teacher"}, "unit": {fmt.Sprint(s.ID)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "is archived") {
		t.Fatalf("grant at archived: %d %.3000s", resp.StatusCode, page)
	}
	resp, _ = c.api(http.MethodPost, fmt.Sprintf("/api/v1/users/%d/grants", w.a.hubMgrID), w.a.token, map[string]any{"role": "teacher", "unit_id": s.ID})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("API grant at archived: %d", resp.StatusCode)
	}
	if resp, _ := c.api(http.MethodDelete, fmt.Sprintf("/api/v1/units/%d", s.ID), w.a.token, nil); resp.StatusCode != http.StatusConflict {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	resp, body := c.api(http.MethodPost, fmt.Sprintf("/api/v1/units/%d/unarchive", s.ID), w.a.token, nil)
	if resp.StatusCode != http.StatusOK || body["archived_at"] != nil {
		t.Fatalf("unarchive: %d %v", resp.StatusCode, body)
	}
	if _, page := c.get("/units"); !strings.Contains(page, s.Name) {
		t.Error("unarchived school not listed")
	}
	// A teacher cannot archive.
	tc := w.client(w.a.host)
	tc.login(w.a.teacherEmail)
	if resp, _ := tc.post(fmt.Sprintf("/units/%d/archive", s.ID), nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("teacher archives: %d", resp.StatusCode)
	}
}

// The unit and settings forms come back with each error beside its field
// and the input kept; a refusal for lack of permission says nothing of
// saving or of input kept.
func TestUnitAndSettingsFormsKeepInput(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	c.get("/units")
	resp, page := c.post("/units", url.Values{"kind": {"school"}, "name": {"New Primary"}, "urn": {*w.a.hubSchool.URN}, "pupils_on_roll": {"lots"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="n-pupils_on_roll-error"`) || !strings.Contains(page, `value="New Primary"`) || !strings.Contains(page, `value="lots"`) {
		t.Fatalf("add unit: %d %.6000s", resp.StatusCode, page)
	}
	resp, page = c.post("/units", url.Values{"kind": {"school"}, "name": {"New Primary"}, "phase": {"primary"}, "urn": {*w.a.hubSchool.URN}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="n-urn-error"`) || !strings.Contains(page, "already used by") {
		t.Fatalf("taken URN: %d %.6000s", resp.StatusCode, page)
	}
	path := fmt.Sprintf("/units/%d", w.a.hubSchool.ID)
	resp, page = c.post(path, url.Values{"name": {""}, "urn": {"12"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-name-error"`) || !strings.Contains(page, `id="e-urn-error"`) || !strings.Contains(page, `value="12"`) {
		t.Fatalf("edit unit: %d %.6000s", resp.StatusCode, page)
	}
	c.get("/settings")
	resp, page = c.post("/settings", url.Values{"display_name": {"Alpha"}, "contact_email": {"nope"}, "academic_year_start_month": {"13"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="s-contact_email-error"`) ||
		!strings.Contains(page, `id="s-academic_year_start_month-error"`) || !strings.Contains(page, `value="nope"`) {
		t.Fatalf("settings: %d %.6000s", resp.StatusCode, page)
	}
	resp, _ = c.post("/settings", url.Values{"display_name": {"Alpha"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", resp.StatusCode)
	}
	if _, page := c.get("/settings"); !strings.Contains(page, "Settings saved (1 setting changed).") {
		t.Errorf("no flash, or a count that disagrees: %.3000s", page)
	}
	tc := w.client(w.a.host)
	tc.login(w.a.teacherEmail)
	resp, page = tc.post("/units", url.Values{"kind": {"school"}, "name": {"X"}})
	if resp.StatusCode != http.StatusForbidden || strings.Contains(page, "Nothing was saved") || strings.Contains(page, "kept") || strings.Contains(page, "Back button") {
		t.Fatalf("refused for lack of permission: %d %.3000s", resp.StatusCode, page)
	}
}

// A member is added to a group by finding it by name: only units the
// group may contain are offered, and no id or URN is typed.
func TestAddMemberByName(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	path := fmt.Sprintf("/units/%d", w.a.hub.ID)
	_, page := c.get(path + "?member=primary")
	if !strings.Contains(page, fmt.Sprintf(`id="m-%d"`, w.a.otherSchool.ID)) || strings.Contains(page, "Unit id or URN") ||
		strings.Contains(page, fmt.Sprintf(`id="m-%d"`, w.a.trust.ID)) {
		t.Fatalf("member picker: %.5000s", page)
	}
	resp, _ := c.post(path+"/children", url.Values{"child": {fmt.Sprint(w.a.otherSchool.ID)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add member: %d", resp.StatusCode)
	}
	if _, page := c.get(path); !strings.Contains(page, w.a.otherSchool.Name+" added.") {
		t.Errorf("no flash: %.3000s", page)
	}
}
