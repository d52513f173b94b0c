package web

import (
	"context"
	"slices"
	"time"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/internal/ttlcache"
	"github.com/challengepartners/upwards/core/storage"
)

// The home page's places kept between visits.
//
// A person's places on the home page (homeGroups: the units they hold
// roles at and the schools beneath each) cost a walk of the org graph and
// two reads of units, the largest part of a repeat visit's cost beyond the
// plain dashboard (a hub manager's page: 1.69× the plain one with them
// read every time, 1.37× kept, on the demo). They change only with the
// person's grants (the authz revision), the graph (the org-graph revision:
// a unit created, moved, linked) or a unit's name or archiving (the
// tenant's units revision, storage.TenantUnitsKey, bumped by the tenancy
// service in the same transaction). The server keeps them under those three
// revisions, read in one statement, for at most the plugin panels' reuse
// time (Config.PluginPanelCache, which bounds a change made outside the
// services, e.g. straight to the database); 0 turns it off, as it turns off
// the reuse of plugins' contributions. Other changes in the tenant (a
// plugin's data entered, a pupil imported) leave them standing.

// homePlacesSize bounds the people whose places are kept: a few hundred
// bytes each.
const homePlacesSize = 4096

// placesKey identifies one person's places at the revisions they were read.
type placesKey struct {
	tenant, user        uint
	units, authz, graph int64
}

// homePlaces keeps people's places on the home page; nil when off.
type homePlaces = ttlcache.Cache[placesKey, []homeGroup]

func newHomePlaces(ttl time.Duration) *homePlaces {
	return ttlcache.New[placesKey, []homeGroup](homePlacesSize, ttl)
}

// cachedHomeGroups is homeGroups, kept until the person's grants, the
// graph or the tenant's units change (above). A failure to read the
// revisions only costs speed: the places are read afresh.
func (s *Server) cachedHomeGroups(ctx context.Context, tenantID, userID uint, grants []authz.Grant, all bool) ([]homeGroup, error) {
	hp := s.places
	if hp == nil || all || s.DB == nil {
		return s.homeGroups(ctx, tenantID, grants, all)
	}
	units := storage.TenantUnitsKey(tenantID)
	revs, err := storage.Revisions(ctx, s.DB.Core(ctx), units, storage.RevisionAuthz, storage.RevisionOrgGraph)
	if err != nil {
		s.Log.WarnContext(ctx, "home page: read the revisions; reading the places afresh", "error", err.Error())
		return s.homeGroups(ctx, tenantID, grants, all)
	}
	key := placesKey{tenant: tenantID, user: userID, units: revs[units], authz: revs[storage.RevisionAuthz], graph: revs[storage.RevisionOrgGraph]}
	now := time.Now()
	if groups, _, ok := hp.Get(key, now); ok {
		return cloneGroups(groups), nil
	}
	groups, err := s.homeGroups(ctx, tenantID, grants, all)
	if err != nil {
		return nil, err
	}
	hp.Add(key, cloneGroups(groups), now)
	return groups, nil
}

// cloneGroups copies groups down to their schools, whose panels a page
// fills in: what is kept and what a page is given share no slice.
func cloneGroups(groups []homeGroup) []homeGroup {
	out := slices.Clone(groups)
	for i := range out {
		out[i].Schools = slices.Clone(out[i].Schools)
	}
	return out
}
