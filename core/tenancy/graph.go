package tenancy

import (
	"context"
	"fmt"
	"slices"

	"github.com/challengepartners/upwards/core/storage"
)

// Graph is a tenant's org graph in memory, for answering "where does a role
// reach" on every request without a query. It never changes after LoadGraph
// returns, so any number of goroutines may read it. Keep one per tenant and
// load a new one when storage.CurrentRevision(RevisionOrgGraph) differs from
// Revision().
type Graph struct {
	tenantID uint
	root     uint
	revision int64
	units    []uint // every unit, sorted
	known    map[uint]bool
	parents  map[uint][]uint
	children map[uint][]uint
}

// LoadGraph reads the tenant's units and edges (in one statement, so they
// agree) into a Graph. ErrNotFound if there is no such tenant.
func (s *Service) LoadGraph(ctx context.Context, tenantID uint) (*Graph, error) {
	db := s.read(ctx, tenantID)
	// Read the revision first: a change committed after this is newer than
	// the graph claims to be, so the cache reloads; never the other way round.
	rev, err := storage.CurrentRevision(ctx, db, storage.RevisionOrgGraph)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		U    uint
		P    uint
		Kind string
	}
	err = db.Raw(`SELECT id AS u, 0 AS p, kind FROM org_units WHERE tenant_id = ?
UNION ALL
SELECT child_id AS u, parent_id AS p, '' AS kind FROM org_edges WHERE tenant_id = ?`, tenantID, tenantID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load graph of tenant %d: %w", tenantID, err)
	}
	g := &Graph{tenantID: tenantID, revision: rev, known: map[uint]bool{}, parents: map[uint][]uint{}, children: map[uint][]uint{}}
	for _, r := range rows {
		if r.P == 0 {
			g.known[r.U] = true
			g.units = append(g.units, r.U)
			if Kind(r.Kind) == KindTenant {
				g.root = r.U
			}
			continue
		}
		g.parents[r.U] = append(g.parents[r.U], r.P)
		g.children[r.P] = append(g.children[r.P], r.U)
	}
	if g.root == 0 {
		return nil, notFound("graph of tenant %d", tenantID)
	}
	slices.Sort(g.units)
	return g, nil
}

// TenantID is the tenant the graph belongs to.
func (g *Graph) TenantID() uint { return g.tenantID }

// Root is the id of the tenant's root unit.
func (g *Graph) Root() uint { return g.root }

// Revision is the RevisionOrgGraph value the graph was loaded at.
func (g *Graph) Revision() int64 { return g.revision }

// Len is the number of units in the graph, the root included.
func (g *Graph) Len() int { return len(g.units) }

// Contains reports whether id is a unit of the graph's tenant.
func (g *Graph) Contains(id uint) bool { return g.known[id] }

// Parents returns the units directly containing id, sorted.
func (g *Graph) Parents(id uint) []uint { return sortedCopy(g.parents[id]) }

// Children returns the units id directly contains, sorted.
func (g *Graph) Children(id uint) []uint { return sortedCopy(g.children[id]) }

// AncestorsOrSelf returns, sorted, id, every unit containing it and the
// root; nil if id is not a unit of this tenant (as loaded).
func (g *Graph) AncestorsOrSelf(id uint) []uint {
	if !g.known[id] {
		return nil
	}
	out := g.walk(id, g.parents)
	if !slices.Contains(out, g.root) {
		out = append(out, g.root)
		slices.Sort(out)
	}
	return out
}

// Descendants returns, sorted, id and every unit inside it; for the root,
// every unit. nil if id is not a unit of this tenant (as loaded).
func (g *Graph) Descendants(id uint) []uint {
	if !g.known[id] {
		return nil
	}
	if id == g.root {
		return slices.Clone(g.units)
	}
	return g.walk(id, g.children)
}

// Reaches reports whether a role held at unit from reaches unit to: to is
// from, or inside it, or from is the root.
func (g *Graph) Reaches(from, to uint) bool {
	if !g.known[from] || !g.known[to] {
		return false
	}
	if from == g.root || from == to {
		return true
	}
	seen := map[uint]bool{to: true}
	stack := []uint{to}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range g.parents[n] {
			if p == from {
				return true
			}
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return false
}

func (g *Graph) walk(id uint, next map[uint][]uint) []uint {
	seen := map[uint]bool{id: true}
	out := []uint{id}
	for i := 0; i < len(out); i++ {
		for _, n := range next[out[i]] {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

func sortedCopy(ids []uint) []uint {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
