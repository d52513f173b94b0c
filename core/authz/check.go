package authz

import (
	"context"
	"fmt"
	"sort"
)

// Can reports whether the user holds perm at unitID: some role granted to
// the user at unitID or at one of its ancestors grants perm. The
// pseudo-permissions PermPublic and PermAuthenticated are answered without
// Casbin. A unit outside the tenant is never allowed.
func (e *Enforcer) Can(ctx context.Context, tenantID, userID uint, perm string, unitID uint) (bool, error) {
	if ok, handled := pseudo(perm, userID); handled {
		return ok, nil
	}
	if tenantID == 0 || userID == 0 || unitID == 0 {
		return false, nil
	}
	st, err := e.state(ctx, tenantID)
	if err != nil {
		return false, err
	}
	key, err := e.unit(ctx, st, unitID)
	if err != nil || key == "" {
		return false, err
	}
	return st.enforce(userID, key, perm)
}

// CanSomewhere reports whether the user holds perm at any unit of the tenant
// (to show a menu entry). Pages about the whole tenant use Can at its root.
func (e *Enforcer) CanSomewhere(ctx context.Context, tenantID, userID uint, perm string) (bool, error) {
	if ok, handled := pseudo(perm, userID); handled {
		return ok, nil
	}
	st, err := e.state(ctx, tenantID)
	if err != nil {
		return false, err
	}
	// perm holds somewhere exactly when it holds at one of the user's grant
	// units, the top of everything the user reaches.
	for _, g := range st.data.byUser[userID] {
		ok, err := e.canAt(ctx, st, userID, perm, g.UnitID)
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

func (e *Enforcer) canAt(ctx context.Context, st *tenantState, userID uint, perm string, unitID uint) (bool, error) {
	key, err := e.unit(ctx, st, unitID)
	if err != nil || key == "" {
		return false, err
	}
	return st.enforce(userID, key, perm)
}

// Reach returns the units where the user holds perm, ascending. all is true
// when perm holds at the tenant's root unit, i.e. everywhere; unitIDs is then
// nil (so a caller that ignores all filters everything out).
func (e *Enforcer) Reach(ctx context.Context, tenantID, userID uint, perm string) (all bool, unitIDs []uint, err error) {
	if ok, handled := pseudo(perm, userID); handled {
		return ok, nil, nil
	}
	st, err := e.state(ctx, tenantID)
	if err != nil {
		return false, nil, err
	}
	if st.data.rootID != 0 {
		if all, err = e.canAt(ctx, st, userID, perm, st.data.rootID); all || err != nil {
			return all, nil, err
		}
	}
	// A unit is reached through a grant unit where perm holds, and then so
	// is everything beneath it.
	set := map[uint]bool{}
	for _, g := range st.data.byUser[userID] {
		if set[g.UnitID] {
			continue
		}
		ok, err := e.canAt(ctx, st, userID, perm, g.UnitID)
		if err != nil {
			return false, nil, err
		}
		if !ok {
			continue
		}
		set[g.UnitID] = true
		below, err := e.graph.Descendants(ctx, tenantID, g.UnitID)
		if err != nil {
			return false, nil, fmt.Errorf("authz: descendants of unit %d: %w", g.UnitID, err)
		}
		for _, id := range below {
			set[id] = true
		}
	}
	for id := range set {
		unitIDs = append(unitIDs, id)
	}
	sort.Slice(unitIDs, func(i, j int) bool { return unitIDs[i] < unitIDs[j] })
	return false, unitIDs, nil
}
