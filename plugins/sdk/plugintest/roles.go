package plugintest

import (
	"fmt"
	"strings"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// firstRoleHolder is the id of the first person AsRole adds (above the
// fixture's people).
const firstRoleHolder uint64 = 9000

// AsRole returns the actor of a person holding exactly one grant: role at
// unit (a unit or school of the fixture). The person is added to the
// fixture the first time, with an invented name and address, so the Host
// answers for them like for any other; the same role and unit give the same
// person again. role is a core role (CoreRoles) or one of the plugin's
// (declared in its manifest's roles, "eal.evaluator", or, deprecated, an
// undeclared "{id}_…" name of its default grants): the roles the core lets a
// tenant admin grant. Call it between
// requests, not while one runs.
//
//	hub := h.AsRole("hub_manager", plugintest.HubUnit)
//	eval := h.AsRole("eal.evaluator", plugintest.SchoolA)
func (h *Harness) AsRole(role string, unitID uint64) *pluginv1.Actor {
	h.t.Helper()
	if !h.knownRole(role) {
		h.t.Fatalf("plugintest: AsRole: %q is neither a core role (%s) nor one plugin %s declares (its manifest's roles, or the deprecated %q… names of its default grants)",
			role, strings.Join(CoreRoles, ", "), h.Manifest.GetId(), h.Manifest.GetId()+"_")
	}
	if !h.Fixture.hasUnit(unitID) {
		h.t.Fatalf("plugintest: AsRole: the fixture has no unit or school %d", unitID)
	}
	key := fmt.Sprintf("%s@%d", role, unitID)
	h.mu.Lock()
	id, ok := h.roles[key]
	if !ok {
		id = firstRoleHolder
		for _, p := range h.Fixture.People {
			id = max(id, p.GetId()+1)
		}
		h.Fixture.People = append(h.Fixture.People, &pluginv1.Person{
			Id: id, Name: fmt.Sprintf("%s at unit %d", role, unitID), Email: fmt.Sprintf("as-role-%d@test.example", id),
			Grants: []*pluginv1.RoleGrant{{Role: role, UnitId: unitID}},
		})
		if h.roles == nil {
			h.roles = map[string]uint64{}
		}
		h.roles[key] = id
	}
	h.mu.Unlock()
	return h.actor(id, false)
}

// knownRole reports whether role is a core role or the plugin's.
func (h *Harness) knownRole(role string) bool {
	return grantableRoles(h.Manifest)[role]
}
