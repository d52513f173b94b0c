package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

// rlo is RIGHT-TO-LEFT OVERRIDE: "Ada \u202Eecalevol" shows as "Ada lovelace".
const rlo = "Ada \u202Eecalevol"

// Every name a person types, in a form or the JSON API, is refused when it
// holds a bidirectional override, with a message naming the field; nothing
// is written. The same names without the override are accepted, so the
// refusals are the override's doing.
func TestNamesWithBidiOverridesAreRefusedEverywhere(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	a := w.a
	api := w.client(a.host)
	u, err := upn.Build(202, 4321, 21, 77)
	if err != nil {
		t.Fatal(err)
	}
	dob := time.Date(pupils.ExpectedBirthYear(4, time.Now()), time.October, 12, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	pupil := func(given, family string) map[string]any {
		return map[string]any{"upn": u, "given_name": given, "family_name": family, "date_of_birth": dob, "year_group": 4, "gender": "F"}
	}
	cases := []struct {
		what, method, path, field string
		bad, good                 map[string]any
	}{
		{"unit", http.MethodPost, "/api/v1/units", "name",
			map[string]any{"kind": "hub", "name": rlo}, map[string]any{"kind": "hub", "name": "Ada Hub"}},
		{"unit rename", http.MethodPatch, fmt.Sprintf("/api/v1/units/%d", a.hub.ID), "name",
			map[string]any{"name": rlo}, map[string]any{"name": "Renamed Hub"}},
		{"user", http.MethodPost, "/api/v1/users", "name",
			map[string]any{"email": "ada@alpha.example.org", "name": rlo, "password": testPassword},
			map[string]any{"email": "ada@alpha.example.org", "name": "Ada Lovelace", "password": testPassword}},
		{"pupil given name", http.MethodPost, fmt.Sprintf("/api/v1/units/%d/pupils", a.otherSchool.ID), pupils.FieldGivenName,
			pupil(rlo, "Lovelace"), pupil("Ada", "Lovelace")},
		{"pupil family name", http.MethodPatch, fmt.Sprintf("/api/v1/pupils/%d", a.pupilID), pupils.FieldFamilyName,
			map[string]any{"family_name": "Love\u2066lace"}, map[string]any{"family_name": "Lovelace"}},
	}
	for _, tc := range cases {
		resp, out := api.api(tc.method, tc.path, a.token, tc.bad)
		msg := fmt.Sprint(out["error"])
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(msg, tc.field+": ") || !strings.Contains(msg, "invisible formatting characters") {
			t.Errorf("%s with an override: %d %q", tc.what, resp.StatusCode, msg)
		}
		if resp, out := api.api(tc.method, tc.path, a.token, tc.good); resp.StatusCode/100 != 2 {
			t.Errorf("%s without the override: %d %v", tc.what, resp.StatusCode, out)
		}
	}
	ctx := context.Background()
	if n, _, _ := w.app.Tenancy.Search(ctx, a.tenant.ID, tenancy.SearchQuery{Text: "ecalevol"}); len(n) != 0 {
		t.Errorf("a refused unit name was written: %v", n)
	}

	// Forms: an API token's name and the tenant's display name.
	page := w.client(a.host)
	page.login(a.adminEmail)
	page.get("/account")
	if resp, body := page.post("/account/tokens", url.Values{"name": {"ci\u200Btoken"}, "days": {"90"}, "scope": {"read"}, "area": {"units"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "invisible formatting characters") {
		t.Errorf("token name with a zero-width space: %d", resp.StatusCode)
	}
	page.get("/settings")
	if resp, body := page.post("/settings", url.Values{"display_name": {rlo}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "invisible formatting characters") {
		t.Errorf("display name with an override: %d", resp.StatusCode)
	}
	if s, _ := w.app.Tenancy.Settings(ctx, a.tenant.ID); s["display_name"] != "" {
		t.Errorf("a refused display name was saved")
	}
}
