// Package demo builds the Network of Excellence's demo data in the demo
// install's partnership tenant, from the core's demo units (the real
// 2017-18 list's 31 hubs and their schools) read through the Host: two
// membership years (last year and this), every member school's review
// across the 38 school weeks of each, a generated reviewer register (about
// two per member school and 40 Lead Reviewers, some Advanced) with its
// training, last year's allocation with published reports, feedback and
// EBIs that carry forward, this year's allocation run and published so the
// board is full, reports for this year's reviews so far, hub plans and
// news. Coordinates are generated within each hub's area, so travel counts
// in the allocation.
//
// The core runs it once per tenant as the tenant's admin (upwards demo /
// make run); it does nothing once the tenant has a membership year. It
// writes through the store and the runner, in one transaction, audited as
// one entry. Names are generated, never real people's; demo feedback from
// people without an account carries a marker instead of a person id
// (DemoPerson). The School Support Directory part adds its own demo data
// after the reviews' (Seed).
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/roster"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// Name is the demo job's name, as the core's demo runs it.
const Name = "demo_seed"

// Demo logins the data is built around (core/demo creates them).
const (
	LeadReviewerEmail = "lead.reviewer@partnership.example.org"
	ReviewerEmail     = "reviewer@partnership.example.org"
	HostHeadEmail     = "headteacher@partnership.example.org"
	// SoonHeadEmail is the demo's head of a school in three programmes:
	// her school's review is booked for the next school week, so her home page
	// asks for its self-evaluation.
	SoonHeadEmail = "head.three@partnership.example.org"
)

// DemoPerson marks demo feedback from someone without an account: not a
// person id of the core.
func DemoPerson(kind uint64, id uint64) uint64 { return 1<<61 | kind<<40 | id }

// Seed builds the demo data unless the tenant already has a membership year.
func Seed(ctx context.Context, _ []byte) error {
	s := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	years, err := s.Years()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(years) > 0 {
		return nil
	}
	n, err := roster.Read(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(n.Schools) == 0 {
		return nil // a tenant without hubs (the trust's) runs no network
	}
	people, err := readPeople(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	b := &builder{ctx: ctx, net: n, people: people, rng: rand.New(rand.NewPCG(2017, 14)), today: sdk.Today(ctx), now: sdk.Now(ctx)}
	err = s.Tx(func(tx *store.Store) error {
		b.s = tx
		if err := b.build(); err != nil {
			return err
		}
		return sdk.AuditTx(ctx, tx.DB(), "networkexcellence.demo.seed", "tenant", fmt.Sprint(sdk.TenantID(ctx)), nil, b.summary)
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	sdk.Log(ctx).Info("networkexcellence demo built", "schools", len(n.Schools), "hubs", len(n.Hubs), "reviewers", b.summary["reviewers"])
	return nil
}

// people are the core's people the demo links to: by role, id → grants' units.
type people struct {
	lead, reviewer uint64            // the demo Lead Reviewer and reviewer
	heads          map[uint64]uint64 // school → its (first) headteacher
	hostHead       uint64            // the demo host headteacher's school
	soonHead       uint64            // the school of SoonHeadEmail's head
	names          map[uint64]string // person → name
}

func readPeople(ctx context.Context) (people, error) {
	ps, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{Roles: []string{sdk.RoleLeadReviewer, sdk.RoleReviewer, sdk.RoleHeadteacher}})
	if err != nil {
		return people{}, err
	}
	out := people{heads: map[uint64]uint64{}, names: map[uint64]string{}}
	for _, p := range ps {
		out.names[p.GetId()] = p.GetName()
		email := strings.ToLower(p.GetEmail())
		for _, g := range p.GetGrants() {
			switch {
			case g.GetRole() == sdk.RoleLeadReviewer && (email == LeadReviewerEmail || out.lead == 0):
				out.lead = p.GetId()
			case g.GetRole() == sdk.RoleReviewer && (email == ReviewerEmail || out.reviewer == 0):
				out.reviewer = p.GetId()
			case g.GetRole() == sdk.RoleHeadteacher:
				if _, ok := out.heads[g.GetUnitId()]; !ok || email == HostHeadEmail {
					out.heads[g.GetUnitId()] = p.GetId()
				}
				if email == HostHeadEmail {
					out.hostHead = g.GetUnitId()
				}
				if email == SoonHeadEmail {
					out.soonHead = g.GetUnitId()
				}
			}
		}
	}
	return out, nil
}
