package plugintest

import (
	"context"
	"slices"
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
