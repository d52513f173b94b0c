package plugintest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// grantableRoles are the roles the core lets a tenant admin grant in a
// tenant enabling the plugin of manifest m: the core's roles, the roles m
// declares and (deprecated) the undeclared "{id}_…" roles its default
// grants name.
func grantableRoles(m *pluginv1.Manifest) map[string]bool {
	out := map[string]bool{}
	for _, r := range CoreRoles {
		out[r] = true
	}
	for _, r := range m.GetRoles() {
		out[r.GetName()] = true
	}
	for _, r := range contract.LegacyRoles(m, CoreRoles) {
		out[r] = true
	}
	return out
}

// CheckFixtureRoles returns an error naming every grant of f whose role the
// core would refuse to grant in a tenant enabling the plugin of m (a role
// neither the core nor m declares, e.g. a misspelt "eal.evaluater"), so a
// test cannot pass on a grant no real tenant could hold. Start and Run call
// it on their fixture.
func CheckFixtureRoles(f *Fixture, m *pluginv1.Manifest) error {
	ok := grantableRoles(m)
	var bad []string
	for _, p := range f.People {
		for _, g := range p.GetGrants() {
			if !ok[g.GetRole()] {
				bad = append(bad, fmt.Sprintf("person %d holds %q at unit %d", p.GetId(), g.GetRole(), g.GetUnitId()))
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	var declared []string
	for _, r := range m.GetRoles() {
		declared = append(declared, r.GetName())
	}
	slices.Sort(declared)
	return fmt.Errorf("the fixture grants roles the core would refuse: %s (grant a core role or one the manifest declares in roles; it declares [%s])",
		strings.Join(bad, "; "), strings.Join(declared, ", "))
}
