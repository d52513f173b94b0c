package pluginhost

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/storage"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// A deliberately malicious plugin, calling the Host from inside a request,
// gets nothing with no token, a forged, expired, replayed or another
// plugin's token, nor with its own token for ids of another tenant or
// outside the user's reach.
func TestMaliciousPluginGetsNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		e.install("evil", e.a)
		a := e.a
		other, revokeOther := e.rt.tokens.mint(actor{PluginID: "echo", TenantID: a.tenant.ID, UserID: a.admin.ID, UserEmail: a.admin.Email}, time.Minute)
		defer revokeOther()
		expired, _ := e.rt.tokens.mint(actor{PluginID: "evil", TenantID: a.tenant.ID, UserID: a.admin.ID, UserEmail: a.admin.Email}, -time.Second)
		pupilsA, pupilsB := e.seedPupils(a), e.seedPupils(e.b)
		if resp, _ := e.get(a.host, a.hubMgrTok, "/p/evil/stash"); resp.StatusCode != 200 {
			t.Fatalf("stash: %d", resp.StatusCode)
		}
		ids := func(us ...uint) string {
			s := ""
			for i, u := range us {
				if i > 0 {
					s += ","
				}
				s += fmt.Sprint(u)
			}
			return s
		}
		q := url.Values{
			"other":   {other},
			"expired": {expired},
			"foreign": {ids(e.b.hubSchool.ID, e.b.trustSchool.ID, e.b.loneSchool.ID, e.b.hub.ID, e.b.root.ID)},
			"outside": {ids(a.trustSchool.ID, a.loneSchool.ID, a.trust.ID, a.root.ID)},
			"person":  {fmt.Sprint(e.b.teacher.ID)},
			"pupils":  {ids(append(pupilsA, pupilsB...)...)},
		}
		var got map[string]struct {
			Code string
			N    int
		}
		e.getJSON(a.host, a.hubMgrTok, "/p/evil/?"+q.Encode(), &got)
		want := map[string]string{
			"no_token": "Unauthenticated", "forged_token": "Unauthenticated", "expired_token": "Unauthenticated",
			"replayed_token": "Unauthenticated", "other_plugin_token": "PermissionDenied", "other_plugin_units": "PermissionDenied",
			"foreign_schools": "OK", "outside_schools": "OK", "foreign_units": "OK", "outside_units": "OK",
			"foreign_person": "OK", "people_at_foreign_units": "OK", "authorize_foreign": "OK",
			"audit_core_action": "InvalidArgument", "audit_as_other_plugin": "PermissionDenied",
			"enqueue_undeclared_job": "InvalidArgument", "enqueue_as_other_plugin": "PermissionDenied",
			"mail_foreign_person": "PermissionDenied", "settings_no_token": "Unauthenticated", "pupils": "OK",
			"foreign_pupils": "OK", "pupils_at_foreign_schools": "OK", "pupils_other_plugin_token": "PermissionDenied",
			"pupils_replayed_token": "Unauthenticated",
		}
		for name, code := range want {
			g, ok := got[name]
			if !ok {
				t.Errorf("%s: not attempted", name)
				continue
			}
			if g.Code != code || g.N != 0 {
				t.Errorf("%s: got code %s and %d items, want %s and nothing", name, g.Code, g.N, code)
			}
		}
		// The control: its own token reads what the hub manager reaches, the hub's school.
		if g := got["own_reach"]; g.Code != "OK" || g.N != 1 {
			t.Errorf("own token: %+v, want the hub's one school", g)
		}
		if n := e.auditCount(a.tenant.ID, "echo.forged"); n != 0 {
			t.Errorf("the plugin wrote %d audit rows as another plugin", n)
		}
		if n := e.auditCount(a.tenant.ID, pupils.ActionRead) + e.auditCount(e.b.tenant.ID, pupils.ActionRead); n != 0 {
			t.Errorf("%d pupil reads recorded for a user who may read none", n)
		}
		if n := e.auditCount(a.tenant.ID, "role.grant"); n != 3 {
			t.Errorf("role.grant rows in A: %d, want the fixture's 3", n)
		}
	})
}

// A token for a tenant that does not enable the plugin is refused, and so
// is every call once the tenant disables it.
func TestHostRefusesTenantWithoutThePlugin(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	h := &hostServer{rt: e.rt, pluginID: "echo"}
	tokB, revokeB := e.rt.tokens.mint(actor{PluginID: "echo", TenantID: e.b.tenant.ID, UserID: e.b.admin.ID}, time.Minute)
	defer revokeB()
	if _, err := h.GetSchools(e.ctx, &pluginv1.GetSchoolsRequest{ActorToken: tokB}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("tenant B never enabled echo: %v", err)
	}
	tokA, revokeA := e.rt.tokens.mint(actor{PluginID: "echo", TenantID: e.a.tenant.ID, UserID: e.a.admin.ID}, time.Minute)
	defer revokeA()
	r, err := h.GetSchools(e.ctx, &pluginv1.GetSchoolsRequest{ActorToken: tokA})
	if err != nil || len(r.GetSchools()) != 3 {
		t.Fatalf("tenant admin of A: %v %v", r, err)
	}
	u, err := h.GetOrgUnits(e.ctx, &pluginv1.GetOrgUnitsRequest{ActorToken: tokA, Kinds: []pluginv1.OrgUnitKind{pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST}})
	if err != nil || len(u.GetUnits()) != 1 || u.GetUnits()[0].GetId() != uint64(e.a.trust.ID) {
		t.Fatalf("trusts of A: %v %v", u, err)
	}
	p, err := h.GetPeople(e.ctx, &pluginv1.GetPeopleRequest{ActorToken: tokA, UnitIds: []uint64{uint64(e.a.hub.ID)}})
	if err != nil || len(p.GetPeople()) != 1 || p.GetPeople()[0].GetId() != uint64(e.a.hubMgr.ID) {
		t.Fatalf("people at A's hub: %v %v", p, err)
	}
	az, err := h.Authorize(e.ctx, &pluginv1.AuthorizeRequest{ActorToken: tokA, Checks: []*pluginv1.Check{
		{Permission: "echo.admin.manage"}, {Permission: "core.school.read", UnitId: uint64(e.a.hubSchool.ID)},
		{Permission: "core.school.read", UnitId: uint64(e.b.hubSchool.ID)}, {Permission: "public"}}})
	if err != nil || fmt.Sprint(az.GetAllowed()) != "[true true false false]" {
		t.Fatalf("authorize: %v %v", az, err)
	}
	e.must(e.rt.Disable(e.ctx, "echo", e.a.tenant.ID))
	if _, err := h.GetSchools(e.ctx, &pluginv1.GetSchoolsRequest{ActorToken: tokA}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("after tenant A disabled echo: %v", err)
	}
}
