package pluginhost

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/storage"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// seedPupils gives each school of f two pupils and the lone school a third
// who has left, and returns their ids: trust school's, hub school's, lone
// school's (the leaver last).
func (e *env) seedPupils(f tenantFix) []uint {
	e.t.Helper()
	sys := pupils.SystemActor("test")
	var out []uint
	serial := 0
	add := func(school uint, given string, y int, edit func(*pupils.Record)) pupils.Pupil {
		serial++
		u, err := upn.Build(202, int(f.tenant.ID), 20, serial)
		e.must(err)
		r := pupils.Record{UPN: u, GivenName: given, FamilyName: "Testpupil", YearGroup: y, Gender: "M", SEN: "N",
			DateOfBirth: time.Date(pupils.ExpectedBirthYear(y, time.Now()), time.March, 9, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}
		if edit != nil {
			edit(&r)
		}
		p, err := e.pup.Create(e.ctx, sys, f.tenant.ID, school, r)
		e.must(err)
		out = append(out, p.ID)
		return p
	}
	for _, s := range []uint{f.trustSchool.ID, f.hubSchool.ID, f.loneSchool.ID} {
		add(s, "First", 3, func(r *pupils.Record) { r.EALProficiency, r.SEN, r.FSM, r.FSMEver6 = "C", "K", true, true })
		add(s, "Second", 5, nil)
	}
	left := add(f.loneSchool.ID, "Leaver", 6, nil)
	_, err := e.pup.MarkLeft(e.ctx, sys, f.tenant.ID, left.ID, time.Now().AddDate(0, -1, 0))
	e.must(err)
	return out
}

func TestHostGetPupils(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a, e.b)
		a := e.a
		pa, pb := e.seedPupils(a), e.seedPupils(e.b)
		trustPupils, hubPupils, lonePupils, leaver := pa[0:2], pa[2:4], pa[4:6], pa[6]
		h := &hostServer{rt: e.rt, pluginID: "echo"}
		tok := func(userID uint, email string) string {
			tk, revoke := e.rt.tokens.mint(actor{PluginID: "echo", TenantID: a.tenant.ID, UserID: userID, UserEmail: email}, time.Minute)
			t.Cleanup(revoke)
			return tk
		}
		get := func(token string, ids, schools []uint) []uint {
			t.Helper()
			r, err := h.GetPupils(e.ctx, &pluginv1.GetPupilsRequest{ActorToken: token, Ids: toU64(ids), SchoolIds: toU64(schools)})
			if err != nil {
				t.Fatalf("GetPupils: %v", err)
			}
			var out []uint
			for _, p := range r.GetPupils() {
				out = append(out, uint(p.GetId()))
			}
			return out
		}
		teacher := tok(a.teacher.ID, a.teacher.Email) // teacher at the lone school
		// Everything in reach: the lone school's pupils on roll.
		if got := get(teacher, nil, nil); !slices.Equal(got, lonePupils) {
			t.Errorf("teacher, everything: %v, want %v", got, lonePupils)
		}
		// By school: only the school in reach counts.
		if got := get(teacher, nil, []uint{a.trustSchool.ID, a.hubSchool.ID, a.loneSchool.ID, e.b.loneSchool.ID}); !slices.Equal(got, lonePupils) {
			t.Errorf("teacher, by school: %v", got)
		}
		// By id: the leaver too, but never pupils of other schools or tenants.
		if got := get(teacher, append(append(slices.Clone(pa), pb...), 0, 987654), nil); !slices.Equal(got, append(slices.Clone(lonePupils), leaver)) {
			t.Errorf("teacher, by id: %v", got)
		}
		// Ids that cannot exist are nothing, not "everything".
		r, err := h.GetPupils(e.ctx, &pluginv1.GetPupilsRequest{ActorToken: teacher, Ids: []uint64{0}})
		if err != nil || len(r.GetPupils()) != 0 {
			t.Errorf("id 0: %v %v", r, err)
		}
		// The answer carries the record (never a UPN; the message has no field for it).
		r, _ = h.GetPupils(e.ctx, &pluginv1.GetPupilsRequest{ActorToken: teacher, Ids: []uint64{uint64(lonePupils[0])}})
		p := r.GetPupils()[0]
		if p.GetGivenName() != "First" || p.GetSchoolId() != uint64(a.loneSchool.ID) || p.GetYearGroup() != 3 || !p.GetEal() ||
			p.GetEalProficiency() != pluginv1.EALProficiency_EAL_PROFICIENCY_C_DEVELOPING_COMPETENCE ||
			p.GetSen() != pluginv1.SENProvision_SEN_PROVISION_SUPPORT || !p.GetFsm() || p.GetDateOfBirth().GetMonth() != 3 {
			t.Errorf("pupil as given: %v", p)
		}

		// Every answer is in the audit log: who, which pupils, through the plugin.
		evs, _, err := audit.List(e.ctx, e.db.DB, a.tenant.ID, audit.Filter{Action: pupils.ActionRead, Limit: 100})
		e.must(err)
		if len(evs) != 4 {
			t.Fatalf("%d reads recorded, want the 4 answers with pupils", len(evs))
		}
		var last struct {
			Via      string `json:"via"`
			PupilIDs []uint `json:"pupil_ids"`
		}
		e.must(json.Unmarshal([]byte(evs[0].After), &last))
		if last.Via != "plugin:echo" || !slices.Equal(last.PupilIDs, lonePupils[:1]) || evs[0].ActorLabel != a.teacher.Email {
			t.Errorf("audit entry %+v by %s", last, evs[0].ActorLabel)
		}

		// The admin reaches the tenant; the hub manager and a plugin job reach no pupil, and nothing is recorded.
		if got := get(tok(a.admin.ID, a.admin.Email), nil, nil); !slices.Equal(got, slices.Concat(trustPupils, hubPupils, lonePupils)) {
			t.Errorf("admin: %v", got)
		}
		n := e.auditCount(a.tenant.ID, pupils.ActionRead)
		if got := get(tok(a.hubMgr.ID, a.hubMgr.Email), pa, nil); len(got) != 0 {
			t.Errorf("hub manager: %v", got)
		}
		if got := get(tok(a.hubMgr.ID, a.hubMgr.Email), nil, []uint{a.hubSchool.ID}); len(got) != 0 {
			t.Errorf("hub manager by school: %v", got)
		}
		if got := get(tok(0, ""), pa, nil); len(got) != 0 {
			t.Errorf("system actor: %v", got)
		}
		// The central team and a reviewer see aggregates only: no pupil through the Host either.
		for _, role := range []struct {
			name string
			at   uint
		}{{authz.RoleCentralTeam, a.root.ID}, {authz.RoleReviewer, a.loneSchool.ID}, {authz.RoleLeadReviewer, a.hubSchool.ID}, {authz.RoleSeniorPartner, a.hub.ID}} {
			u, err := e.ids.CreateUser(e.ctx, a.tenant.ID, role.name+"@alpha.example.org", role.name, testPassword, false)
			e.must(err)
			e.must(e.az.Grant(e.ctx, a.tenant.ID, u.ID, role.name, role.at, nil))
			if got := get(tok(u.ID, u.Email), pa, nil); len(got) != 0 {
				t.Errorf("%s by id: %v", role.name, got)
			}
			if got := get(tok(u.ID, u.Email), nil, nil); len(got) != 0 {
				t.Errorf("%s, everything: %v", role.name, got)
			}
		}
		if e.auditCount(a.tenant.ID, pupils.ActionRead) != n {
			t.Error("an empty answer was recorded")
		}
		// Too many ids at once: refused.
		many := make([]uint64, maxIDs+1)
		for i := range many {
			many[i] = uint64(i + 1)
		}
		if _, err := h.GetPupils(e.ctx, &pluginv1.GetPupilsRequest{ActorToken: teacher, Ids: many}); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%d ids: %v", len(many), err)
		}
	})
}
