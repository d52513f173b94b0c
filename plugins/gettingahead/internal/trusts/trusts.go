// Package trusts keeps the plugin's record of which trust each school is in,
// read from the core's org units, for the match's same-trust rule. A trust
// is an org unit of kind trust above the school; the core answers only
// within the actor's reach, so a school is recorded only when every unit
// above it could be read. The nightly update runs as the tenant's system
// actor, which reads the whole tenant.
package trusts

import (
	"context"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

// Refresh reads, as the actor, the trusts of schools and records
// those it learns for sure: a school whose every parent unit the actor can
// see. The others keep what was known (the nightly update, as the tenant's
// system actor, reads them all). Two Host calls.
func Refresh(ctx context.Context, host *sdk.Host, s *store.Store, schoolIDs []uint64) error {
	seen := map[uint64]bool{}
	var want []uint64
	for _, id := range schoolIDs {
		if id != 0 && !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	schools, err := host.Schools(ctx, want...)
	if err != nil {
		return err
	}
	var parentIDs []uint64
	for _, sc := range schools {
		parentIDs = append(parentIDs, sc.GetParentIds()...)
	}
	units := map[uint64]*pluginv1.OrgUnit{}
	if len(parentIDs) > 0 {
		us, err := host.OrgUnits(ctx, parentIDs)
		if err != nil {
			return err
		}
		for _, u := range us {
			units[u.GetId()] = u
		}
	}
	known := map[uint64]store.SchoolTrust{}
school:
	for _, sc := range schools {
		t := store.SchoolTrust{}
		for _, pid := range sc.GetParentIds() {
			u, ok := units[pid]
			if !ok {
				continue school // a parent out of sight: it may be a trust
			}
			if u.GetKind() == pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST {
				t = store.SchoolTrust{TrustID: u.GetId(), TrustName: u.GetName()}
			}
		}
		known[sc.GetId()] = t
	}
	return s.SetTrusts(known)
}
