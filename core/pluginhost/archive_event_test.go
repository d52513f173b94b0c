package pluginhost

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/storage"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// A school archived and unarchived on its page reaches each subscribed
// plugin of its tenant as unit.archived then unit.unarchived (through the
// SDK's OnEvent and the plugin's own Host call), and no other tenant's.
func TestArchiveUnitTellsPlugins(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a, e.b)
	b := e.login(e.a, e.a.admin.Email)
	school := e.a.hubSchool
	b.do(http.MethodGet, fmt.Sprintf("/units/%d", school.ID), nil)
	resp, body := b.do(http.MethodPost, fmt.Sprintf("/units/%d/archive", school.ID), map[string][]string{"_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d %.500s", resp.StatusCode, body)
	}
	types := func(tenantID uint) []string {
		var out []string
		for _, ev := range e.events(tenantID, "echo.event") {
			out = append(out, ev.EntityID)
		}
		return out
	}
	eventually(t, 5*time.Second, "unit.archived delivered", func() bool { return slices.Contains(types(e.a.tenant.ID), "unit.archived") })
	// The Host still gives the plugin the school, marked archived, so it
	// keeps its history and leaves the school out of its pickers.
	h, tok := e.hostFor(e.a, &e.a.admin)
	sr, err := h.GetSchools(e.ctx, &pluginv1.GetSchoolsRequest{ActorToken: tok})
	e.must(err)
	for _, s := range sr.GetSchools() {
		if s.GetArchived() != (s.GetId() == uint64(school.ID)) {
			t.Errorf("school %s: archived=%v", s.GetName(), s.GetArchived())
		}
	}
	ur, err := h.GetOrgUnits(e.ctx, &pluginv1.GetOrgUnitsRequest{ActorToken: tok, Ids: []uint64{uint64(school.ID)}})
	if err != nil || len(ur.GetUnits()) != 1 || !ur.GetUnits()[0].GetArchived() {
		t.Fatalf("GetOrgUnits of the archived school: %v %v", ur, err)
	}
	_, page := b.do(http.MethodGet, fmt.Sprintf("/units/%d", school.ID), nil)
	if !strings.Contains(page, "is archived") || !strings.Contains(page, "Unarchive "+school.Name) {
		t.Fatalf("the unit page does not say it is archived: %.3000s", page)
	}
	resp, body = b.do(http.MethodPost, fmt.Sprintf("/units/%d/unarchive", school.ID), map[string][]string{"_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unarchive: %d %.500s", resp.StatusCode, body)
	}
	eventually(t, 5*time.Second, "unit.unarchived delivered", func() bool { return slices.Contains(types(e.a.tenant.ID), "unit.unarchived") })
	got := types(e.a.tenant.ID)
	if fmt.Sprint(got) != "[tenant.enabled unit.archived unit.unarchived]" {
		t.Errorf("tenant A's plugin heard %v", got)
	}
	if got := types(e.b.tenant.ID); fmt.Sprint(got) != "[tenant.enabled]" {
		t.Errorf("tenant B's plugin heard %v", got)
	}
	// Deleting a unit is refused: archive it instead.
	resp, body = e.do(http.MethodDelete, e.a.host, e.a.adminTok, fmt.Sprintf("/api/v1/units/%d", school.ID), nil, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Archive it instead") {
		t.Fatalf("delete a unit: %d %s", resp.StatusCode, body)
	}
	if _, err := e.ten.GetUnit(e.ctx, e.a.tenant.ID, school.ID); err != nil {
		t.Fatalf("the unit is gone: %v", err)
	}
}
