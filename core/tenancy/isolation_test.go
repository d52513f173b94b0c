package tenancy_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

// TestTenantIsolation gives every method one tenant's id and another
// tenant's units: each answers ErrNotFound or nothing, and writes nothing.
func TestTenantIsolation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		a := f.tenant("alpha", "alpha.example.org")
		b := f.tenant("beta", "beta.example.org")
		aID := buildNetwork(f, a.ID)
		bTrust := f.group(b.ID, tenancy.KindTrust, "Beta Trust")
		bSchool := f.school(b.ID, "Beta School", "300001")
		f.link(b.ID, bTrust.ID, bSchool.ID)
		if err := s.SetSetting(ctx, a.ID, "secret", "alpha only"); err != nil {
			t.Fatal(err)
		}

		notFound := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, tenancy.ErrNotFound) {
				t.Errorf("%s: error %v, want ErrNotFound", what, err)
			}
		}
		before := f.snap()
		// Reads of alpha's units through beta.
		for _, name := range []string{"root", "trust", "s1", "top"} {
			id := aID[name]
			_, err := s.GetUnit(ctx, b.ID, id)
			notFound("GetUnit "+name, err)
			_, err = s.Parents(ctx, b.ID, id)
			notFound("Parents "+name, err)
			_, err = s.Children(ctx, b.ID, id)
			notFound("Children "+name, err)
			_, err = s.AncestorsOrSelf(ctx, b.ID, id)
			notFound("AncestorsOrSelf "+name, err)
			_, err = s.Descendants(ctx, b.ID, id)
			notFound("Descendants "+name, err)
			_, err = s.UpdateUnit(ctx, b.ID, id, tenancy.UnitInput{Name: "Hijacked"})
			notFound("UpdateUnit "+name, err)
		}
		_, err := s.UnitByURN(ctx, b.ID, "100001")
		notFound("UnitByURN", err)
		// Links across tenants, either way round.
		notFound("Link beta trust→alpha school", s.Link(ctx, b.ID, bTrust.ID, aID["s7"]))
		notFound("Link alpha trust→beta school", s.Link(ctx, a.ID, aID["trust"], bSchool.ID))
		notFound("Link alpha units via beta", s.Link(ctx, b.ID, aID["trust"], aID["s7"]))
		notFound("Unlink alpha edge via beta", s.Unlink(ctx, b.ID, aID["trust"], aID["s1"]))
		notFound("Unlink beta edge via alpha", s.Unlink(ctx, a.ID, bTrust.ID, bSchool.ID))
		if after := f.snap(); after != before {
			t.Fatalf("cross-tenant calls wrote data: %+v → %+v", before, after)
		}

		// Listings of beta hold nothing of alpha's.
		edges, err := s.Edges(ctx, b.ID)
		if err != nil || len(edges) != 1 || edges[0].ChildID != bSchool.ID {
			t.Fatalf("Edges(beta) = %+v, %v", edges, err)
		}
		bRoot, _ := s.RootUnit(ctx, b.ID)
		all, err := s.Descendants(ctx, b.ID, bRoot.ID)
		want := []uint{bRoot.ID, bTrust.ID, bSchool.ID}
		slices.Sort(want)
		if err != nil || !slices.Equal(all, want) {
			t.Fatalf("Descendants(beta root) = %v, %v; want %v", all, err, want)
		}
		g, err := s.LoadGraph(ctx, b.ID)
		if err != nil || g.Root() != bRoot.ID || !slices.Equal(g.Descendants(g.Root()), want) {
			t.Fatalf("beta graph: %v", err)
		}
		for _, id := range aID {
			if g.Contains(id) || g.AncestorsOrSelf(id) != nil || g.Descendants(id) != nil || g.Reaches(g.Root(), id) {
				t.Fatalf("beta's graph knows alpha's unit %d", id)
			}
		}
		units, total, err := s.Search(ctx, b.ID, tenancy.SearchQuery{})
		if err != nil || total != 2 || len(units) != 2 {
			t.Fatalf("Search(beta) = %d units, %v", total, err)
		}
		counts, _ := s.CountByKind(ctx, b.ID, nil)
		if counts[tenancy.KindSchool] != 1 || counts[tenancy.KindCluster] != 0 {
			t.Fatalf("CountByKind(beta) = %v", counts)
		}
		settings, err := s.Settings(ctx, b.ID)
		if err != nil || len(settings) != 0 {
			t.Fatalf("Settings(beta) = %v, %v", settings, err)
		}
		hosts, err := s.TenantHosts(ctx, b.ID)
		if err != nil || !slices.Equal(hosts, []string{"beta.example.org"}) {
			t.Fatalf("TenantHosts(beta) = %v, %v", hosts, err)
		}

		// A tenant that does not exist has nothing at all.
		const ghost = 999
		_, err = s.LoadGraph(ctx, ghost)
		notFound("LoadGraph", err)
		_, err = s.RootUnit(ctx, ghost)
		notFound("RootUnit", err)
		if edges, err := s.Edges(ctx, ghost); err != nil || len(edges) != 0 {
			t.Errorf("Edges(ghost) = %v, %v", edges, err)
		}
		if units, total, err := s.Search(ctx, ghost, tenancy.SearchQuery{}); err != nil || total != 0 || len(units) != 0 {
			t.Errorf("Search(ghost) = %v, %d, %v", units, total, err)
		}
	})
}
