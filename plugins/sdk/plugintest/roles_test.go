package plugintest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// A fixture person may hold a role the plugin declares: the test Host gives
// them what the manifest's default grants give that role, at the unit of
// the grant and beneath it, and nothing else (a plugin role grants only the
// plugin's permissions, so the greeter is also a teacher, to see a school).
func TestFixturePeopleHoldPluginRoles(t *testing.T) {
	const greeter = 300
	fx := DefaultFixture()
	fx.People = append(fx.People, &pluginv1.Person{Id: greeter, Name: "Gita Greeter", Email: "gita@test.example",
		Grants: []*pluginv1.RoleGrant{{Role: "hello.greeter", UnitId: SchoolC}, {Role: "teacher", UnitId: SchoolC}}})
	h := Start(t, helloBin, WithFixture(fx))
	post := func(who uint64) int32 {
		r, err := h.HTTP(h.As(who), "POST", "/greetings", url.Values{"message": {"Hello from Cedar"}, "school_id": {"12"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetStatus()
	}
	if got := post(greeter); got != http.StatusSeeOther {
		t.Errorf("the greeter posts: status %d, want 303", got)
	}
	if got := post(TeacherID); got != http.StatusForbidden {
		t.Errorf("a teacher, whom no default grant gives the write permission, posts: status %d, want 403", got)
	}
	tok := h.Host.Mint(greeter, false)
	a, err := h.Host.Authorize(t.Context(), &pluginv1.AuthorizeRequest{ActorToken: tok, Checks: []*pluginv1.Check{
		{Permission: "hello.greeting.write", UnitId: SchoolC},
		{Permission: "hello.greeting.write", UnitId: SchoolA},
		{Permission: "core.user.read", UnitId: SchoolC},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.GetAllowed(); len(got) != 3 || !got[0] || got[1] || got[2] {
		t.Errorf("the greeter's checks (write at C, write at A, people at C) = %v, want [true false false]", got)
	}
}

// A grant of a role the core would refuse (misspelt, or another plugin's)
// is caught before any test runs on it; core roles, declared roles and the
// deprecated undeclared "{id}_…" roles pass.
func TestCheckFixtureRolesNamesRolesTheCoreWouldRefuse(t *testing.T) {
	m := &pluginv1.Manifest{Id: "eal",
		Roles:       []*pluginv1.RoleDecl{{Name: "eal.evaluator", Label: "Evaluator"}},
		Permissions: []*pluginv1.PermissionDecl{{Name: "eal.trial.read", DefaultRoles: []string{"eal.evaluator", "eal_manager"}}}}
	fx := DefaultFixture()
	fx.People[3].Grants = []*pluginv1.RoleGrant{{Role: "eal.evaluator", UnitId: RootUnit}, {Role: "eal_manager", UnitId: HubUnit}}
	if err := CheckFixtureRoles(fx, m); err != nil {
		t.Fatalf("declared and legacy roles refused: %v", err)
	}
	fx.People[2].Grants = append(fx.People[2].Grants, &pluginv1.RoleGrant{Role: "eal.evaluater", UnitId: SchoolB}, &pluginv1.RoleGrant{Role: "gal.coach", UnitId: SchoolB})
	err := CheckFixtureRoles(fx, m)
	if err == nil {
		t.Fatal("a misspelt role and another plugin's role passed")
	}
	for _, want := range []string{`person 102 holds "eal.evaluater" at unit 11`, `"gal.coach"`, "declares [eal.evaluator]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
}
