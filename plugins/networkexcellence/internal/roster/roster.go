// Package roster keeps the plugin's copy of the core's facts it needs about
// the network: the hubs' names, and each member school's name, URN, phase,
// roll, hub and trust (and coordinates, when the core has them). It reads
// them through the Host in two batched calls and writes them through the
// store; pages then name any school of a review without a Host call, even
// one outside the reader's reach (a reviewer's host school).
package roster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// Network is the core's hubs and trusts and the schools in a hub, as the
// actor sees them.
type Network struct {
	Hubs, Trusts map[uint64]string
	Schools      []*pluginv1.School // those in a hub
}

// Read asks the Host for the hubs and trusts, then every school the actor
// reaches, keeping those in a hub.
func Read(ctx context.Context) (Network, error) {
	host := sdk.HostFrom(ctx)
	n := Network{Hubs: map[uint64]string{}, Trusts: map[uint64]string{}}
	units, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB, pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST)
	if err != nil {
		return n, fmt.Errorf("roster: %w", err)
	}
	for _, u := range units {
		switch u.GetKind() {
		case pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB:
			n.Hubs[u.GetId()] = u.GetName()
		case pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST:
			n.Trusts[u.GetId()] = u.GetName()
		}
	}
	schools, err := host.Schools(ctx)
	if err != nil {
		return n, fmt.Errorf("roster: %w", err)
	}
	for _, s := range schools {
		if n.HubOf(s) != 0 {
			n.Schools = append(n.Schools, s)
		}
	}
	return n, nil
}

// HubOf is the school's hub (the first hub among its parents), 0 for none.
func (n Network) HubOf(s *pluginv1.School) uint64 {
	for _, p := range s.GetParentIds() {
		if _, ok := n.Hubs[p]; ok {
			return p
		}
	}
	return 0
}

// TrustOf is the school's trust, 0 for none.
func (n Network) TrustOf(s *pluginv1.School) uint64 {
	for _, p := range s.GetParentIds() {
		if _, ok := n.Trusts[p]; ok {
			return p
		}
	}
	return 0
}

// Member is the plugin's record of a school.
func (n Network) Member(s *pluginv1.School) store.Member {
	m := store.Member{SchoolID: s.GetId(), HubID: n.HubOf(s), TrustID: n.TrustOf(s), Name: s.GetName(), URN: s.GetUrn(),
		Phase: Phase(s.GetPhase()), PupilsOnRoll: int(s.GetPupilsOnRoll())}
	if s.Latitude != nil && s.Longitude != nil {
		lat, lng := s.GetLatitude(), s.GetLongitude()
		m.Latitude, m.Longitude = &lat, &lng
	}
	return m
}

// Phase is the core's phase as the plugin stores it ("primary", "all_through").
func Phase(p pluginv1.Phase) string {
	if p == pluginv1.Phase_PHASE_UNSPECIFIED {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(p.String(), "PHASE_"))
}

// Join makes every school in a hub a member of the year (or refreshes the
// facts of those already members) and records the hubs' names. It returns
// how many schools it wrote.
func Join(ctx context.Context, s *store.Store, yearID uint64, n Network, at time.Time) (int, error) {
	if err := s.SaveHubs(n.Hubs, at); err != nil {
		return 0, err
	}
	ms := make([]store.Member, len(n.Schools))
	for i, sc := range n.Schools {
		ms[i] = n.Member(sc)
	}
	return len(ms), s.SaveMembers(yearID, ms, at)
}

// Refresh updates the facts of the year's members that the Host still
// answers for, and the hubs' names; it adds no school. It returns how many
// it refreshed.
func Refresh(ctx context.Context, s *store.Store, yearID uint64, n Network, at time.Time) (int, error) {
	if err := s.SaveHubs(n.Hubs, at); err != nil {
		return 0, err
	}
	current, err := s.Members(yearID)
	if err != nil {
		return 0, err
	}
	in := map[uint64]bool{}
	for _, m := range current {
		in[m.SchoolID] = true
	}
	var ms []store.Member
	for _, sc := range n.Schools {
		if in[sc.GetId()] {
			ms = append(ms, n.Member(sc))
		}
	}
	return len(ms), s.SaveMembers(yearID, ms, at)
}
