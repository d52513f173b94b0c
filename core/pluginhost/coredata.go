package pluginhost

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

var kindNames = map[pluginv1.OrgUnitKind]string{
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT:          string(tenancy.KindTenant),
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST:           string(tenancy.KindTrust),
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_SCHOOL:          string(tenancy.KindSchool),
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB:             string(tenancy.KindHub),
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER:         string(tenancy.KindCluster),
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRIO:            string(tenancy.KindTrio),
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE: string(tenancy.KindDeliveryCentre),
	pluginv1.OrgUnitKind_ORG_UNIT_KIND_COHORT:          string(tenancy.KindCohort),
}

func kindEnum(k tenancy.Kind) pluginv1.OrgUnitKind {
	for e, name := range kindNames {
		if name == string(k) {
			return e
		}
	}
	return pluginv1.OrgUnitKind_ORG_UNIT_KIND_UNSPECIFIED
}

var phases = map[tenancy.Phase]pluginv1.Phase{
	tenancy.PhasePrimary:              pluginv1.Phase_PHASE_PRIMARY,
	tenancy.PhaseSecondary:            pluginv1.Phase_PHASE_SECONDARY,
	tenancy.PhaseSpecial:              pluginv1.Phase_PHASE_SPECIAL,
	tenancy.PhaseAlternativeProvision: pluginv1.Phase_PHASE_ALTERNATIVE_PROVISION,
	tenancy.PhaseMiddle:               pluginv1.Phase_PHASE_MIDDLE,
	tenancy.PhaseAllThrough:           pluginv1.Phase_PHASE_ALL_THROUGH,
	tenancy.PhaseSixteenPlus:          pluginv1.Phase_PHASE_SIXTEEN_PLUS,
}

var grades = map[tenancy.OfstedGrade]pluginv1.OfstedGrade{
	tenancy.OfstedOutstanding:         pluginv1.OfstedGrade_OFSTED_GRADE_OUTSTANDING,
	tenancy.OfstedGood:                pluginv1.OfstedGrade_OFSTED_GRADE_GOOD,
	tenancy.OfstedRequiresImprovement: pluginv1.OfstedGrade_OFSTED_GRADE_REQUIRES_IMPROVEMENT,
	tenancy.OfstedInadequate:          pluginv1.OfstedGrade_OFSTED_GRADE_INADEQUATE,
}

func schoolProto(u tenancy.Unit, parents []uint) *pluginv1.School {
	s := &pluginv1.School{Id: uint64(u.ID), Urn: u.URNString(), Name: u.Name, Phase: phases[u.Phase],
		OfstedGrade: grades[u.OfstedGrade], Latitude: u.Latitude, Longitude: u.Longitude, ParentIds: toU64(parents), Archived: u.Archived()}
	if u.PupilsOnRoll != nil {
		n := int32(*u.PupilsOnRoll)
		s.PupilsOnRoll = &n
	}
	return s
}

func keys(set map[uint]bool) []uint {
	out := make([]uint, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// units returns the tenant's units with the given ids (all when none) and
// kinds (any when none) that are within reach (all, or the set).
func (rt *Runtime) units(ctx context.Context, tenantID uint, ids []uint, kinds []string, all bool, set map[uint]bool) ([]tenancy.Unit, error) {
	if !all && len(set) == 0 {
		return nil, nil
	}
	q := rt.deps.DB.WithContext(ctx).Model(&tenancy.Unit{}).Where("tenant_id = ?", tenantID)
	if len(kinds) > 0 {
		q = q.Where("kind IN ?", kinds)
	}
	switch {
	case len(ids) > 0:
		q = q.Where("id IN ?", ids)
	case !all:
		q = q.Where("id IN ?", keys(set))
	}
	var found []tenancy.Unit
	if err := q.Order("id").Find(&found).Error; err != nil {
		return nil, fmt.Errorf("load units of tenant %d: %w", tenantID, err)
	}
	out := found[:0]
	for _, u := range found {
		if all || set[u.ID] {
			out = append(out, u)
		}
	}
	return out, nil
}

// parents maps each unit to its parents' ids.
func (rt *Runtime) parents(ctx context.Context, tenantID uint, units []tenancy.Unit) (map[uint][]uint, error) {
	out := map[uint][]uint{}
	if len(units) == 0 {
		return out, nil
	}
	ids := make([]uint, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	var edges []tenancy.Edge
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		var part []tenancy.Edge
		if err := rt.deps.DB.WithContext(ctx).Where("tenant_id = ? AND child_id IN ?", tenantID, chunk).Order("parent_id").Find(&part).Error; err != nil {
			return nil, fmt.Errorf("load parents: %w", err)
		}
		edges = append(edges, part...)
	}
	for _, e := range edges {
		out[e.ChildID] = append(out[e.ChildID], e.ParentID)
	}
	return out, nil
}

// peopleQuery is what GetPeople asks for: people by id, holding roles at
// units (or beneath them), of the given roles; every part optional.
type peopleQuery struct {
	ids, units  []uint
	roles       []string
	descendants bool
}

// people returns the tenant's people matching q (all when q is empty),
// visible within reach: through a role granted at a unit of the reach (of
// q.roles, when given), and showing only such roles (never a role of a
// plugin the tenant does not enable: such a grant grants nothing).
func (rt *Runtime) people(ctx context.Context, tenantID uint, q peopleQuery, all bool, set map[uint]bool) ([]*pluginv1.Person, error) {
	if !all && len(set) == 0 {
		return nil, nil
	}
	db := rt.deps.DB.WithContext(ctx)
	candidates := q.ids
	if len(q.units) > 0 || len(q.roles) > 0 {
		gq := db.Model(&authz.Grant{}).Where("tenant_id = ?", tenantID)
		if len(q.units) > 0 {
			units, every, err := rt.matchUnits(ctx, tenantID, q, all, set)
			if err != nil || !every && len(units) == 0 {
				return nil, err
			}
			if !every {
				gq = gq.Where("unit_id IN ?", units)
			}
		}
		if len(q.roles) > 0 {
			gq = gq.Where("role IN ?", q.roles)
		}
		if len(q.ids) > 0 {
			gq = gq.Where("user_id IN ?", q.ids)
		}
		var grants []authz.Grant
		if err := gq.Select("user_id, unit_id").Find(&grants).Error; err != nil {
			return nil, fmt.Errorf("people at units: %w", err)
		}
		seen := map[uint]bool{}
		candidates = nil
		for _, g := range grants {
			if (all || set[g.UnitID]) && !seen[g.UserID] {
				seen[g.UserID] = true
				candidates = append(candidates, g.UserID)
			}
		}
		if len(candidates) == 0 {
			return nil, nil
		}
	}
	var users []identity.User
	uq := db.Where("tenant_id = ?", tenantID)
	if len(candidates) > 0 {
		uq = uq.Where("id IN ?", candidates)
	}
	if err := uq.Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("load people of tenant %d: %w", tenantID, err)
	}
	if len(users) == 0 {
		return nil, nil
	}
	uids := make([]uint, len(users))
	for i, u := range users {
		uids[i] = u.ID
	}
	var grants []authz.Grant
	if err := db.Where("tenant_id = ? AND user_id IN ?", tenantID, uids).Order("id").Find(&grants).Error; err != nil {
		return nil, fmt.Errorf("load roles: %w", err)
	}
	byUser := map[uint][]*pluginv1.RoleGrant{}
	for _, g := range grants {
		active, err := rt.deps.Authz.ActiveRole(ctx, tenantID, g.Role) // not a role of a plugin the tenant disabled
		if err != nil {
			return nil, err
		}
		if active && (all || set[g.UnitID]) && (len(q.roles) == 0 || slices.Contains(q.roles, g.Role)) {
			byUser[g.UserID] = append(byUser[g.UserID], &pluginv1.RoleGrant{Role: g.Role, UnitId: uint64(g.UnitID)})
		}
	}
	var out []*pluginv1.Person
	for _, u := range users {
		gs := byUser[u.ID]
		// An actor reaching the whole tenant sees people without a role too,
		// unless it asked for roles.
		if len(gs) == 0 && (!all || len(q.roles) > 0) {
			continue
		}
		out = append(out, &pluginv1.Person{Id: uint64(u.ID), Name: u.Name, Email: u.Email, Grants: gs})
	}
	return out, nil
}

// matchUnits returns the units whose grants q's unit filter matches, within
// reach: q.units, and with q.descendants every unit beneath them. every is
// true when that is every unit of the tenant (the root with descendants).
func (rt *Runtime) matchUnits(ctx context.Context, tenantID uint, q peopleQuery, all bool, set map[uint]bool) (units []uint, every bool, err error) {
	want := q.units
	if q.descendants {
		g, err := rt.deps.Tenancy.LoadGraph(ctx, tenantID)
		if err != nil {
			return nil, false, fmt.Errorf("units beneath: %w", err)
		}
		seen := map[uint]bool{}
		want = nil
		for _, u := range q.units {
			if u == g.Root() && all {
				return nil, true, nil
			}
			for _, d := range g.Descendants(u) {
				if !seen[d] {
					seen[d] = true
					want = append(want, d)
				}
			}
		}
	}
	for _, u := range want {
		if all || set[u] {
			units = append(units, u)
		}
	}
	return units, false, nil
}
