package tenancy_test

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

// An archived school keeps its row and links but leaves searches, counts
// and new links; unarchiving brings it back. Both are audited once; a
// repeat changes nothing; the root cannot be archived.
func TestArchiveUnarchive(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		tn := f.tenant("cp")
		ash := f.school(tn.ID, "Ash Primary", "100123")
		beech := f.school(tn.ID, "Beech Primary", "100456")
		trust := f.group(tn.ID, tenancy.KindTrust, "Primary Trust")
		hub := f.group(tn.ID, tenancy.KindHub, "North Hub")
		f.link(tn.ID, trust.ID, ash.ID)

		u, changed, err := s.ArchiveUnit(ctx, tn.ID, ash.ID)
		if err != nil || !changed || !u.Archived() {
			t.Fatalf("archive: %+v %v %v", u, changed, err)
		}
		if a := f.lastAudit(); a.Action != "orgunit.archive" || a.EntityID != idStr(ash.ID) || !strings.Contains(a.After, "archived_at") {
			t.Fatalf("audit: %+v", a)
		}
		before := f.snap()
		if _, changed, err := s.ArchiveUnit(ctx, tn.ID, ash.ID); err != nil || changed {
			t.Fatalf("archive again: %v %v", changed, err)
		}
		if after := f.snap(); after != before {
			t.Fatalf("a repeated archive wrote: %+v → %+v", before, after)
		}
		got, total, err := s.Search(ctx, tn.ID, tenancy.SearchQuery{Text: "primary"})
		if err != nil || total != 2 || len(got) != 2 || got[0].Name != "Beech Primary" {
			t.Fatalf("search leaves the archived school out: %v %d %v", got, total, err)
		}
		got, total, err = s.Search(ctx, tn.ID, tenancy.SearchQuery{Archived: true})
		if err != nil || total != 1 || got[0].ID != ash.ID {
			t.Fatalf("search of the archived: %v %d %v", got, total, err)
		}
		counts, err := s.CountByKind(ctx, tn.ID, nil)
		if err != nil || counts[tenancy.KindSchool] != 1 {
			t.Fatalf("count: %v %v", counts, err)
		}
		// Kept with its history: still readable, still linked.
		if g, err := s.GetUnit(ctx, tn.ID, ash.ID); err != nil || g.Name != "Ash Primary" {
			t.Fatalf("get archived: %v", err)
		}
		if ps, err := s.Parents(ctx, tn.ID, ash.ID); err != nil || len(ps) != 1 || ps[0].ID != trust.ID {
			t.Fatalf("parents of archived: %v %v", ps, err)
		}
		// No new work: no new link to or from it.
		before = f.snap()
		f.refused(before, s.Link(ctx, tn.ID, hub.ID, ash.ID), nil, "child")
		if _, _, err := s.ArchiveUnit(ctx, tn.ID, hub.ID); err != nil {
			t.Fatal(err)
		}
		before = f.snap()
		f.refused(before, s.Link(ctx, tn.ID, hub.ID, beech.ID), nil, "parent")

		u, changed, err = s.UnarchiveUnit(ctx, tn.ID, ash.ID)
		if err != nil || !changed || u.Archived() {
			t.Fatalf("unarchive: %+v %v %v", u, changed, err)
		}
		if a := f.lastAudit(); a.Action != "orgunit.unarchive" {
			t.Fatalf("audit: %+v", a)
		}
		if _, total, _ := s.Search(ctx, tn.ID, tenancy.SearchQuery{Text: "primary", Kind: tenancy.KindSchool}); total != 2 {
			t.Fatalf("unarchived school not back in search: %d", total)
		}
		root, err := s.RootUnit(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		before = f.snap()
		_, _, err = s.ArchiveUnit(ctx, tn.ID, root.ID)
		f.refused(before, err, nil, "unit")
		other := f.tenant("other")
		before = f.snap()
		_, _, err = s.ArchiveUnit(ctx, other.ID, beech.ID)
		f.refused(before, err, tenancy.ErrNotFound, "")
	})
}
