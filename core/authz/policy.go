package authz

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	casbin "github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/challengepartners/upwards/policies"
)

// Casbin names: a user is "user:<id>", a unit its decimal id.
func userKey(id uint) string { return "user:" + strconv.FormatUint(uint64(id), 10) }
func unitKey(id uint) string { return strconv.FormatUint(uint64(id), 10) }

// rolePermLine is one role→permission line: g, role, perm, *.
type rolePermLine struct{ Role, Perm string }

func (l rolePermLine) rule() []string { return []string{l.Role, l.Perm, wildcardDomain} }

// parseCorePolicy reads policies/core_policy.csv and checks every line is a
// known core role granting a well-formed core permission.
func parseCorePolicy(text string) ([]rolePermLine, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", policies.CorePolicyFile, err)
	}
	var out []rolePermLine
	for i, rec := range recs {
		if len(rec) != 4 || rec[0] != "g" || rec[3] != wildcardDomain {
			return nil, fmt.Errorf("%s: record %d: want \"g, <role>, <permission>, *\", got %q", policies.CorePolicyFile, i+1, rec)
		}
		l := rolePermLine{Role: rec[1], Perm: rec[2]}
		if !isCoreRole(l.Role) {
			return nil, fmt.Errorf("%s: record %d: %q is not a core role", policies.CorePolicyFile, i+1, l.Role)
		}
		if !validPermission(l.Perm) || !strings.HasPrefix(l.Perm, "core.") {
			return nil, fmt.Errorf("%s: record %d: %q is not a core permission", policies.CorePolicyFile, i+1, l.Perm)
		}
		out = append(out, l)
	}
	return out, nil
}

// unitCache remembers the ancestors-or-self of the units asked about, as
// Casbin names. It is shared by the rebuilds of one tenant's state and dropped
// when the org graph changes.
type unitCache struct{ anc sync.Map } // unit key → []string

func (c *unitCache) ancestors(unit string) []string {
	if v, ok := c.anc.Load(unit); ok {
		return v.([]string)
	}
	return nil
}

// tenantData is a tenant's active grants as loaded from role_grants (a
// grant of a role of a plugin the tenant does not enable is left out) and
// the tenant's plugins.
type tenantData struct {
	tenantID uint
	rootID   uint // the unit of kind "tenant"; 0 if the tenant has none
	byUser   map[uint][]Grant
	grants   int
	plugins  *tenantPlugins // nil without a PluginSource
}

// tenantState is one tenant's Casbin enforcer and what it was built from.
// It is never changed once built (the counter aside): a change builds a new one.
type tenantState struct {
	data  *tenantData
	units *unitCache
	ce    *casbin.Enforcer
	// calls counts Enforce calls: Casbin's g() memoizes every distinct
	// (user, permission, unit) it answers for the life of the compiled
	// matcher, so the state is rebuilt after memoRebuildAfter calls to bound it.
	calls atomic.Int64
}

const memoRebuildAfter = 1 << 18

// buildState builds the Casbin enforcer of a tenant: the model from
// policies/model.conf, the role→permission lines, one g line per grant.
func buildState(d *tenantData, units *unitCache, lines []rolePermLine) (*tenantState, error) {
	m, err := model.NewModelFromString(policies.Model())
	if err != nil {
		return nil, fmt.Errorf("authz model: %w", err)
	}
	ce, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("authz enforcer: %w", err)
	}
	ce.SetRoleManager(newUnitRoleManager(units.ancestors))
	add := func(rule []string) error {
		return persist.LoadPolicyArray(append([]string{"g"}, rule...), m)
	}
	for _, l := range lines {
		if err := add(l.rule()); err != nil {
			return nil, fmt.Errorf("authz policy %v: %w", l, err)
		}
	}
	for _, gs := range d.byUser {
		for _, g := range gs {
			if err := add([]string{userKey(g.UserID), g.Role, unitKey(g.UnitID)}); err != nil {
				return nil, fmt.Errorf("authz grant %d: %w", g.ID, err)
			}
		}
	}
	if err := ce.BuildRoleLinks(); err != nil {
		return nil, fmt.Errorf("authz role links: %w", err)
	}
	return &tenantState{data: d, units: units, ce: ce}, nil
}

// enforce asks Casbin; the unit's ancestors must be in st.units already.
func (st *tenantState) enforce(userID uint, unit, perm string) (bool, error) {
	st.calls.Add(1)
	ok, err := st.ce.Enforce(userKey(userID), unit, perm)
	if err != nil {
		return false, fmt.Errorf("enforce %s at unit %s: %w", perm, unit, err)
	}
	return ok, nil
}
