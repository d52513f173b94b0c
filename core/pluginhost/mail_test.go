package pluginhost

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// staff adds a user of tenant f holding role at unit (no role when role is "").
func (e *env) staff(f tenantFix, local, role string, at tenancy.Unit) identity.User {
	e.t.Helper()
	u, err := e.ids.CreateUser(e.ctx, f.tenant.ID, local+"@"+f.tenant.Slug+".example.org", local, testPassword, false)
	e.must(err)
	if role != "" {
		e.must(e.az.Grant(e.ctx, f.tenant.ID, u.ID, role, at.ID, nil))
	}
	return u
}

// hostFor returns echo's Host and a token acting for user (nil: the tenant's
// system actor) of tenant f, as a job of echo would get.
func (e *env) hostFor(f tenantFix, user *identity.User) (*hostServer, string) {
	e.t.Helper()
	a := actor{PluginID: "echo", TenantID: f.tenant.ID}
	if user != nil {
		a.UserID, a.UserEmail = user.ID, user.Email
	}
	tok, revoke := e.rt.tokens.mint(a, time.Minute)
	e.t.Cleanup(revoke)
	return &hostServer{rt: e.rt, pluginID: "echo"}, tok
}

// outboxCount counts tenant f's queued mail.
func (e *env) outboxCount(f tenantFix) int {
	e.t.Helper()
	mails, err := e.outbox.List(e.ctx, f.tenant.ID, 500)
	e.must(err)
	return len(mails)
}

// Mail from a plugin goes only to people within the reach of the actor
// (core.user.read; the system actor: anyone holding a role in the tenant)
// or to the addresses the plugin declares; a batch is all or nothing and
// names the first mail it refuses.
func TestMailGoesOnlyWithinReach(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		a := e.a
		head := e.staff(a, "head", authz.RoleHeadteacher, a.trustSchool)
		ownStaff := e.staff(a, "ownteacher", authz.RoleTeacher, a.trustSchool)
		roleless := e.staff(a, "roleless", "", a.root)
		otherSchool := a.teacher // teacher at the lone school
		h, headTok := e.hostFor(a, &head)
		mail := func(tok string, ms ...*pluginv1.Mail) (*pluginv1.SendMailsResponse, error) {
			return h.SendMails(e.ctx, &pluginv1.SendMailsRequest{ActorToken: tok, Mails: ms})
		}
		to := func(id uint) *pluginv1.Mail {
			return &pluginv1.Mail{PersonId: uint64(id), Subject: "Visit on Monday", Body: "See you then."}
		}
		addr := func(s string) *pluginv1.Mail {
			return &pluginv1.Mail{To: s, Subject: "Visit on Monday", Body: "See you then."}
		}
		wantRefused := func(what string, err error, code codes.Code, position string) {
			t.Helper()
			if status.Code(err) != code || !strings.HasPrefix(status.Convert(err).Message(), position) {
				t.Fatalf("%s: %v, want %s naming %q", what, err, code, position)
			}
		}

		// The headteacher's job mails her school's staff, by id or by address.
		r, err := mail(headTok, to(ownStaff.ID), addr(ownStaff.Email), to(head.ID))
		if err != nil || len(r.GetMailIds()) != 3 {
			t.Fatalf("mail to her own school: %v %v", r, err)
		}
		if n := e.outboxCount(a); n != 3 {
			t.Fatalf("outbox holds %d mails, want 3", n)
		}
		// Not another school's: the whole batch is refused, naming mail 2.
		_, err = mail(headTok, to(ownStaff.ID), to(otherSchool.ID))
		wantRefused("another school's teacher", err, codes.PermissionDenied, "mail 2: person ")
		_, err = mail(headTok, to(ownStaff.ID), addr(otherSchool.Email))
		wantRefused("another school's teacher by address", err, codes.PermissionDenied, "mail 2: the address is neither")
		if strings.Contains(status.Convert(err).Message(), otherSchool.Email) {
			t.Fatalf("the refusal echoes the address: %v", err)
		}
		_, err = mail(headTok, to(e.b.teacher.ID))
		wantRefused("a person of another tenant", err, codes.PermissionDenied, "mail 1: person ")
		_, err = mail(headTok, to(999999))
		wantRefused("a person who does not exist", err, codes.PermissionDenied, "mail 1: person ")
		// A raw address is refused unless the plugin declares it.
		_, err = mail(headTok, addr("office@elsewhere.example"))
		wantRefused("an undeclared address", err, codes.PermissionDenied, "mail 1: the address is neither")
		e.must(e.ten.SetSetting(e.ctx, a.tenant.ID, SettingPrefix("echo")+"reply_to", "Office@Elsewhere.example"))
		if _, err = mail(headTok, addr("office@elsewhere.example")); err != nil {
			t.Fatalf("the declared reply_to address: %v", err)
		}
		// Bad mails are refused with their position, before anything is queued.
		_, err = mail(headTok, to(ownStaff.ID), &pluginv1.Mail{PersonId: uint64(ownStaff.ID), Subject: "two\nlines"})
		wantRefused("a bad subject", err, codes.InvalidArgument, "mail 2: the subject")
		_, err = mail(headTok, to(ownStaff.ID), &pluginv1.Mail{Subject: "x"})
		wantRefused("no recipient", err, codes.InvalidArgument, "mail 2: give person_id or to")
		if n := e.outboxCount(a); n != 4 {
			t.Fatalf("outbox holds %d mails after refused batches, want 4", n)
		}

		// The system actor of a schedule mails anyone holding a role in the
		// tenant, and no one without one.
		sys, sysTok := e.hostFor(a, nil)
		if _, err := sys.SendMails(e.ctx, &pluginv1.SendMailsRequest{ActorToken: sysTok, Mails: []*pluginv1.Mail{to(otherSchool.ID), to(a.hubMgr.ID)}}); err != nil {
			t.Fatalf("system actor to people with roles: %v", err)
		}
		_, err = sys.SendMails(e.ctx, &pluginv1.SendMailsRequest{ActorToken: sysTok, Mails: []*pluginv1.Mail{to(roleless.ID)}})
		wantRefused("system actor to a person without a role", err, codes.PermissionDenied, "mail 1: person ")

		// SendMail follows the same rule, without a position.
		_, err = h.SendMail(e.ctx, &pluginv1.SendMailRequest{ActorToken: headTok, PersonId: uint64(otherSchool.ID), Subject: "x", Body: "y"})
		wantRefused("SendMail to another school", err, codes.PermissionDenied, "person ")
		if one, err := h.SendMail(e.ctx, &pluginv1.SendMailRequest{ActorToken: headTok, PersonId: uint64(ownStaff.ID), Subject: "x", Body: "y"}); err != nil || one.GetMailId() == 0 {
			t.Fatalf("SendMail to her own staff: %v %v", one, err)
		}
		if _, err := mail(headTok, make([]*pluginv1.Mail, contract.MaxMails+1)...); status.Code(err) != codes.InvalidArgument {
			t.Fatalf("%d mails in one call: %v", contract.MaxMails+1, err)
		}
		if n := e.outboxCount(a); n != 7 {
			t.Fatalf("outbox holds %d mails, want 7", n)
		}
		if n := e.outboxCount(e.b); n != 0 {
			t.Fatalf("tenant B's outbox holds %d mails", n)
		}
	})
}

// GetPeople filters by role and unit (with units beneath on request),
// always within the actor's reach, showing only the asked roles.
func TestPeopleByRoleAndUnit(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		a := e.a
		reviewer := e.staff(a, "reviewer", authz.RoleReviewer, a.hubSchool)
		e.must(e.az.Grant(e.ctx, a.tenant.ID, reviewer.ID, authz.RoleTeacher, a.trustSchool.ID, nil))
		hubTeacher := e.staff(a, "hubteacher", authz.RoleTeacher, a.hubSchool)
		head := e.staff(a, "head", authz.RoleHeadteacher, a.trustSchool)
		h, adminTok := e.hostFor(a, &a.admin)
		_, headTok := e.hostFor(a, &head)
		_, hubMgrTok := e.hostFor(a, &a.hubMgr)
		people := func(tok string, q *pluginv1.GetPeopleRequest) string {
			t.Helper()
			q.ActorToken = tok
			r, err := h.GetPeople(e.ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range r.GetPeople() {
				var gs []string
				for _, g := range p.GetGrants() {
					gs = append(gs, g.GetRole())
				}
				out = append(out, strings.SplitN(p.GetEmail(), "@", 2)[0]+"="+strings.Join(gs, "+"))
			}
			return strings.Join(out, " ")
		}
		hub := []uint64{uint64(a.hub.ID)}
		cases := []struct {
			name, token string
			req         *pluginv1.GetPeopleRequest
			want        string
		}{
			{"the reviewers of the hub's schools", adminTok, &pluginv1.GetPeopleRequest{UnitIds: hub, IncludeDescendants: true, Roles: []string{"reviewer"}}, "reviewer=reviewer"},
			{"everyone at or beneath the hub", adminTok, &pluginv1.GetPeopleRequest{UnitIds: hub, IncludeDescendants: true}, "hubmanager=hub_manager reviewer=reviewer+teacher hubteacher=teacher"},
			{"at the hub itself only", adminTok, &pluginv1.GetPeopleRequest{UnitIds: hub}, "hubmanager=hub_manager"},
			{"teachers anywhere", adminTok, &pluginv1.GetPeopleRequest{Roles: []string{"teacher"}}, "teacher=teacher reviewer=teacher hubteacher=teacher"},
			{"beneath the root", adminTok, &pluginv1.GetPeopleRequest{UnitIds: []uint64{uint64(a.root.ID)}, IncludeDescendants: true, Roles: []string{"headteacher"}}, "head=headteacher"},
			{"by id and role", adminTok, &pluginv1.GetPeopleRequest{Ids: []uint64{uint64(reviewer.ID), uint64(hubTeacher.ID)}, Roles: []string{"reviewer"}}, "reviewer=reviewer"},
			{"a plugin role no one holds", adminTok, &pluginv1.GetPeopleRequest{Roles: []string{"echo.evaluator"}}, ""},
			// The headteacher reads people at her school only.
			{"teachers within a headteacher's reach", headTok, &pluginv1.GetPeopleRequest{Roles: []string{"teacher"}}, "reviewer=teacher"},
			{"beneath the hub, for a headteacher elsewhere", headTok, &pluginv1.GetPeopleRequest{UnitIds: hub, IncludeDescendants: true}, ""},
			// The hub manager may read no one.
			{"a hub manager", hubMgrTok, &pluginv1.GetPeopleRequest{UnitIds: hub, IncludeDescendants: true}, ""},
			{"ids that cannot exist", adminTok, &pluginv1.GetPeopleRequest{Ids: []uint64{0}}, ""},
		}
		for _, c := range cases {
			if got := people(c.token, c.req); got != c.want {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		if _, err := h.GetPeople(e.ctx, &pluginv1.GetPeopleRequest{ActorToken: adminTok, Roles: []string{""}}); status.Code(err) != codes.InvalidArgument {
			t.Errorf("an empty role name: %v", err)
		}
	})
}

// GetSchoolNames names any school of the actor's tenant, within reach or
// not, and tells nothing else: no URN, phase, parents or people, no other
// kind of unit and nothing of another tenant.
func TestSchoolNamesOutsideReach(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		a := e.a
		h, tok := e.hostFor(a, &a.teacher) // a teacher at the lone school
		ids := []uint64{uint64(a.hubSchool.ID), uint64(a.trustSchool.ID), uint64(a.loneSchool.ID), uint64(a.trust.ID),
			uint64(a.hub.ID), uint64(a.root.ID), uint64(e.b.hubSchool.ID), 0, 987654}
		r, err := h.GetSchoolNames(e.ctx, &pluginv1.GetSchoolNamesRequest{ActorToken: tok, Ids: ids})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range r.GetSchools() {
			got = append(got, s.GetName())
		}
		if strings.Join(got, ";") != "alpha Trust Primary;alpha Hub Primary;alpha Lone Primary" {
			t.Fatalf("names = %q", got)
		}
		// Her GetSchools still reaches her own school only.
		if s, err := h.GetSchools(e.ctx, &pluginv1.GetSchoolsRequest{ActorToken: tok, Ids: ids}); err != nil || len(s.GetSchools()) != 1 {
			t.Fatalf("GetSchools = %v, %v", s, err)
		}
		// The answer can carry nothing but ids and names.
		fields := r.GetSchools()[0].ProtoReflect().Descriptor().Fields()
		if fields.Len() != 2 || fields.ByName("id") == nil || fields.ByName("name") == nil {
			t.Fatalf("SchoolName has %d fields: it must hold an id and a name only", fields.Len())
		}
		if r, err := h.GetSchoolNames(e.ctx, &pluginv1.GetSchoolNamesRequest{ActorToken: tok}); err != nil || len(r.GetSchools()) != 0 {
			t.Fatalf("no ids gave %v, %v; want nothing (never every school)", r, err)
		}
		if _, err := h.GetSchoolNames(e.ctx, &pluginv1.GetSchoolNamesRequest{ActorToken: "forged", Ids: ids}); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("forged token: %v", err)
		}
	})
}
