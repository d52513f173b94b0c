// Package jobs holds the plugin's background work: keeping its record of
// the programme's schools and team members in step with the core, and
// reacting to core events.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// SyncName is the job that refreshes the plugin's record of schools and
// team members' names from the core.
const SyncName = "sync_schools"

// Sync refreshes, in two batched Host calls, the name, URN and phase of
// every school the plugin has recorded and the names of team members. Run
// by the schedule it acts as the tenant's system actor and reads the whole
// tenant; enqueued by a user it refreshes what that user can see. A school
// or person the Host no longer returns keeps its last record.
func Sync(ctx context.Context, payload []byte) error {
	if len(payload) > 0 && !json.Valid(payload) {
		return sdk.Permanent(fmt.Errorf("%s: the payload is not JSON", SyncName))
	}
	s := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	known, err := s.Schools()
	if err != nil {
		return err
	}
	if len(known) > 0 {
		if err := refreshSchools(ctx, s, keys(known)); err != nil {
			return err
		}
	}
	return refreshNames(ctx, s)
}

func keys(m map[uint64]store.School) []uint64 {
	out := make([]uint64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}

// refreshSchools re-reads the schools ids from the Host and records them.
func refreshSchools(ctx context.Context, s *store.Store, ids []uint64) error {
	found, err := sdk.HostFrom(ctx).Schools(ctx, ids...)
	if err != nil {
		return err
	}
	rec := make([]store.School, 0, len(found))
	for _, sc := range found {
		rec = append(rec, store.SchoolFromHost(sc))
	}
	return s.UpsertSchools(rec)
}

// refreshNames re-reads the names of team members from the Host.
func refreshNames(ctx context.Context, s *store.Store) error {
	ids, err := s.TeamPersonIDs()
	if err != nil || len(ids) == 0 {
		return err
	}
	people, err := sdk.HostFrom(ctx).People(ctx, ids, nil)
	if err != nil {
		return err
	}
	names := make(map[uint64]string, len(people))
	for _, p := range people {
		names[p.GetId()] = p.GetName()
	}
	return s.RenameMembers(names)
}

// OnEvent reacts to the core's events: a tenant enabling the plugin gets
// the starter catalogue of strategies; a school that changed is re-read if
// the programme knows it.
func OnEvent(ctx context.Context, ev sdk.Event) error {
	s := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	switch ev.Type {
	case "tenant.enabled":
		_, err := s.SeedStrategies()
		return err
	case "school.changed":
		known, err := s.Schools(ev.UnitID)
		if err != nil || len(known) == 0 {
			return err
		}
		return refreshSchools(ctx, s, []uint64{ev.UnitID})
	}
	return nil
}
