package plugintest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func TestTestHostAnswersWithinReach(t *testing.T) {
	m := &pluginv1.Manifest{Id: "demo", Permissions: []*pluginv1.PermissionDecl{{Name: "demo.x.read", DefaultRoles: []string{"headteacher"}}}}
	h := NewTestHost(DefaultFixture(), m)
	ctx := context.Background()
	head, sys := h.Mint(HeadID, false), h.Mint(0, false)

	schools := func(tok string) []uint64 {
		r, err := h.GetSchools(ctx, &pluginv1.GetSchoolsRequest{ActorToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint64
		for _, s := range r.GetSchools() {
			ids = append(ids, s.GetId())
		}
		return ids
	}
	if got := schools(head); !slices.Equal(got, []uint64{SchoolA}) {
		t.Errorf("headteacher's schools %v", got)
	}
	if got := schools(sys); len(got) != 3 {
		t.Errorf("system actor's schools %v", got)
	}
	a, _ := h.Authorize(ctx, &pluginv1.AuthorizeRequest{ActorToken: head, Checks: []*pluginv1.Check{
		{Permission: "demo.x.read", UnitId: SchoolA}, {Permission: "demo.x.read", UnitId: SchoolB}, {Permission: "demo.x.read"}, {Permission: "authenticated"}, {Permission: "public"}}})
	if !slices.Equal(a.GetAllowed(), []bool{true, false, true, true, false}) {
		t.Errorf("headteacher's checks %v", a.GetAllowed())
	}
	a, _ = h.Authorize(ctx, &pluginv1.AuthorizeRequest{ActorToken: sys, Checks: []*pluginv1.Check{{Permission: "demo.x.read"}}})
	if a.GetAllowed()[0] {
		t.Error("the system actor holds a permission")
	}
	// A trust leader's grant at the trust reaches the trust's schools.
	fx := DefaultFixture()
	fx.People = append(fx.People, &pluginv1.Person{Id: 200, Name: "Tara Trust", Email: "tara@test.example", Grants: []*pluginv1.RoleGrant{{Role: "trust_leader", UnitId: TrustUnit}}})
	h2 := NewTestHost(fx, m)
	p, _ := h2.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: h2.Mint(200, false)})
	if len(p.GetPupils()) != 6 {
		t.Errorf("trust leader reads %d pupils, want the 6 of schools A and B", len(p.GetPupils()))
	}
	// As from the core, a job's system actor reads no pupil.
	if p, err := h2.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: h2.Mint(0, false)}); err != nil || len(p.GetPupils()) != 0 {
		t.Errorf("system actor reads %d pupils (%v)", len(p.GetPupils()), err)
	}
	h.Revoke(head)
	if _, err := h.GetSchools(ctx, &pluginv1.GetSchoolsRequest{ActorToken: head}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("revoked token: %v", err)
	}
	h.noPupils = true
	if _, err := h.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: sys}); status.Code(err) != codes.Unimplemented {
		t.Errorf("WithoutPupils: %v", err)
	}
	if n := h.CallCount("GetSchools"); n != 2 {
		t.Errorf("recorded %d GetSchools calls, want 2 (the refused one is not a call)", n)
	}
}

// The test Host mails like the core: people within the actor's reach (the
// system actor: anyone holding a role), declared addresses, all or nothing.
func TestTestHostMailsWithinReach(t *testing.T) {
	m := &pluginv1.Manifest{Id: "demo", Settings: []*pluginv1.SettingDecl{{Key: "office", Type: pluginv1.SettingType_SETTING_TYPE_EMAIL}}}
	fx := DefaultFixture()
	fx.Settings["office"] = "Office@Alder.example"
	h := NewTestHost(fx, m)
	ctx := context.Background()
	head, sys := h.Mint(HeadID, false), h.Mint(0, false)
	mail := func(tok string, ms ...*pluginv1.Mail) error {
		_, err := h.SendMails(ctx, &pluginv1.SendMailsRequest{ActorToken: tok, Mails: ms})
		return err
	}
	person := func(id uint64) *pluginv1.Mail { return &pluginv1.Mail{PersonId: id, Subject: "s", Body: "b"} }
	addr := func(a string) *pluginv1.Mail { return &pluginv1.Mail{To: a, Subject: "s", Body: "b"} }
	for name, c := range map[string]struct {
		err  error
		code codes.Code
	}{
		"the head to herself":              {mail(head, person(HeadID), addr("hari.head@test.example")), codes.OK},
		"the head to the declared address": {mail(head, addr("office@alder.example")), codes.OK},
		"the head to the teacher at B":     {mail(head, person(HeadID), person(TeacherID)), codes.PermissionDenied},
		"the head to an address":           {mail(head, addr("someone@else.example")), codes.PermissionDenied},
		"the system actor to the teacher":  {mail(sys, person(TeacherID), person(AdminID)), codes.OK},
		"the system actor to no role":      {mail(sys, person(NoGrantsID)), codes.PermissionDenied},
		"no recipient":                     {mail(sys, &pluginv1.Mail{Subject: "s"}), codes.InvalidArgument},
	} {
		if status.Code(c.err) != c.code {
			t.Errorf("%s: %v, want %s", name, c.err, c.code)
		}
	}
	if err := mail(head, person(HeadID), person(TeacherID)); !strings.Contains(err.Error(), "mail 2: person 102") {
		t.Errorf("the refusal does not name mail 2: %v", err)
	}
	if n := len(h.Mails()); n != 5 {
		t.Errorf("%d mails recorded, want the 5 of the accepted batches", n)
	}
}

// The test Host filters people by role and unit, and names schools outside
// the actor's reach, like the core.
func TestTestHostPeopleAndSchoolNames(t *testing.T) {
	h := NewTestHost(DefaultFixture(), &pluginv1.Manifest{Id: "demo"})
	ctx := context.Background()
	admin, teacher := h.Mint(AdminID, false), h.Mint(TeacherID, false)
	ids := func(req *pluginv1.GetPeopleRequest) []uint64 {
		req.ActorToken = admin
		r, err := h.GetPeople(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, p := range r.GetPeople() {
			out = append(out, p.GetId())
		}
		return out
	}
	if got := ids(&pluginv1.GetPeopleRequest{UnitIds: []uint64{TrustUnit}, IncludeDescendants: true}); !slices.Equal(got, []uint64{HeadID, TeacherID}) {
		t.Errorf("people beneath the trust: %v", got)
	}
	if got := ids(&pluginv1.GetPeopleRequest{UnitIds: []uint64{TrustUnit}}); len(got) != 0 {
		t.Errorf("people at the trust itself: %v", got)
	}
	if got := ids(&pluginv1.GetPeopleRequest{Roles: []string{"teacher", "headteacher"}}); !slices.Equal(got, []uint64{HeadID, TeacherID}) {
		t.Errorf("teachers and heads: %v", got)
	}
	if got := ids(&pluginv1.GetPeopleRequest{}); len(got) != 4 {
		t.Errorf("everyone: %v", got)
	}
	r, err := h.GetSchoolNames(ctx, &pluginv1.GetSchoolNamesRequest{ActorToken: teacher, Ids: []uint64{SchoolA, SchoolC, HubUnit}})
	if err != nil || len(r.GetSchools()) != 2 || r.GetSchools()[0].GetName() != "Alder Primary School" {
		t.Errorf("school names for the teacher at B: %v, %v", r, err)
	}
}

// The test Host records a delivered entry once per key, refuses one whose
// seal it did not make for the actor named, and obeys its switches.
func TestTestHostDeliverAudit(t *testing.T) {
	h := NewTestHost(DefaultFixture(), &pluginv1.Manifest{Id: "demo"})
	ctx := context.Background()
	a := &pluginv1.Actor{TenantId: TenantID, UserId: HeadID, UserEmail: "hari.head@test.example", RequestId: "r1"}
	entry := func(key, action string) *pluginv1.AuditEntry {
		return &pluginv1.AuditEntry{Key: key, Seal: h.AuditSeal(a), TenantId: a.TenantId, UserId: a.UserId, UserEmail: a.UserEmail,
			RequestId: a.RequestId, Action: action, EntityType: "x", EntityId: "1", AtUnixMicro: 1}
	}
	deliver := func(es ...*pluginv1.AuditEntry) (*pluginv1.DeliverAuditResponse, error) {
		return h.DeliverAudit(ctx, &pluginv1.DeliverAuditRequest{Entries: es})
	}
	one, two := entry("k0000000000000001", "demo.x.create"), entry("k0000000000000002", "demo.x.update")
	if r, err := deliver(one, two); err != nil || r.GetRecorded() != 2 {
		t.Fatalf("deliver: %v, %v", r, err)
	}
	other := entry("k0000000000000003", "demo.x.delete")
	other.UserId = AdminID // the head's seal, the admin's name
	if r, _ := deliver(one, other, two); r.GetRecorded() != 1 || !strings.HasPrefix(r.GetRefused(), "entry 2 (key k0000000000000003): its seal") {
		t.Fatalf("another actor's name: %v", r)
	}
	h.RefuseAudits(true)
	if _, err := deliver(entry("k0000000000000004", "demo.x.create")); status.Code(err) != codes.Unavailable {
		t.Fatalf("RefuseAudits: %v", err)
	}
	h.RefuseAudits(false)
	h.LoseAuditAcks(true)
	if _, err := deliver(entry("k0000000000000005", "demo.x.create")); status.Code(err) != codes.Unavailable {
		t.Fatalf("LoseAuditAcks: %v", err)
	}
	h.LoseAuditAcks(false)
	if r, err := deliver(entry("k0000000000000005", "demo.x.create")); err != nil || r.GetRecorded() != 1 {
		t.Fatalf("redelivery: %v, %v", r, err)
	}
	var keys []string
	for _, e := range h.Audits() {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, ",") != "k0000000000000001,k0000000000000002,k0000000000000005" {
		t.Fatalf("recorded %v, want each accepted key once", keys)
	}
}
