package tenancy_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

func TestLinkRules(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		tn := f.tenant("cp")
		other := f.tenant("other")
		root, _ := s.RootUnit(ctx, tn.ID)
		trustA := f.group(tn.ID, tenancy.KindTrust, "Oak Trust")
		trustB := f.group(tn.ID, tenancy.KindTrust, "Elm Trust")
		hubA := f.group(tn.ID, tenancy.KindHub, "North Hub")
		hubB := f.group(tn.ID, tenancy.KindHub, "South Hub")
		ca := f.group(tn.ID, tenancy.KindCluster, "Cluster A")
		cb := f.group(tn.ID, tenancy.KindCluster, "Cluster B")
		cc := f.group(tn.ID, tenancy.KindCluster, "Cluster C")
		trio := f.group(tn.ID, tenancy.KindTrio, "Trio 1")
		dc := f.group(tn.ID, tenancy.KindDeliveryCentre, "Delivery centre 1")
		cohort := f.group(tn.ID, tenancy.KindCohort, "Cohort 2018")
		sch := f.school(tn.ID, "Ash Primary", "100001")
		sch2 := f.school(tn.ID, "Birch Primary", "100002")
		foreign := f.school(other.ID, "Foreign School", "100009")

		// Allowed links are recorded, audited and bump the graph revision.
		for _, e := range [][2]tenancy.Unit{{trustA, sch}, {hubA, sch}, {ca, sch}, {cb, sch}, {trio, sch}, {dc, sch}, {cohort, sch}, {ca, cb}, {cb, cc}, {ca, trio}} {
			before := f.snap()
			f.link(tn.ID, e[0].ID, e[1].ID)
			after := f.snap()
			if after.edges != before.edges+1 || after.audit != before.audit+1 || after.rev <= before.rev {
				t.Fatalf("link %s→%s: before %+v after %+v", e[0].Name, e[1].Name, before, after)
			}
			ev := f.lastAudit()
			if ev.Action != "orgunit.link" || ev.EntityType != "org_edge" || ev.TenantID != tn.ID ||
				!strings.Contains(ev.After, fmt.Sprintf(`"parent_id":%d,"child_id":%d`, e[0].ID, e[1].ID)) {
				t.Fatalf("link audit %+v", ev)
			}
		}

		for _, tc := range []struct {
			name          string
			tenant        uint
			parent, child uint
			want          error
			field         string
			mention       []string
		}{
			{"school contains", tn.ID, sch.ID, sch2.ID, nil, "child", []string{"a school cannot contain a school"}},
			{"trust contains hub", tn.ID, trustA.ID, hubA.ID, nil, "child", []string{"a trust", "a hub"}},
			{"trio contains cluster", tn.ID, trio.ID, ca.ID, nil, "child", []string{"a trio", "a cluster"}},
			{"hub contains trust", tn.ID, hubB.ID, trustB.ID, nil, "child", []string{"a hub", "a trust"}},
			{"delivery centre contains cohort", tn.ID, dc.ID, cohort.ID, nil, "child", []string{"a delivery centre", "a cohort"}},
			{"cluster contains trust", tn.ID, ca.ID, trustA.ID, nil, "child", []string{"a cluster", "a trust"}},
			{"second trust", tn.ID, trustB.ID, sch.ID, tenancy.ErrConflict, "parent", []string{"Oak Trust"}},
			{"second hub", tn.ID, hubB.ID, sch.ID, tenancy.ErrConflict, "parent", []string{"North Hub"}},
			{"duplicate", tn.ID, ca.ID, sch.ID, tenancy.ErrConflict, "child", nil},
			{"cycle", tn.ID, cc.ID, ca.ID, tenancy.ErrConflict, "child", []string{"Cluster A", "Cluster C"}},
			{"two-cycle", tn.ID, cb.ID, ca.ID, tenancy.ErrConflict, "child", nil},
			{"self", tn.ID, ca.ID, ca.ID, nil, "child", nil},
			{"from root", tn.ID, root.ID, sch2.ID, nil, "parent", nil},
			{"into root's place", tn.ID, ca.ID, root.ID, nil, "child", nil},
			{"missing parent", tn.ID, 99999, sch2.ID, tenancy.ErrNotFound, "", nil},
			{"missing child", tn.ID, ca.ID, 99999, tenancy.ErrNotFound, "", nil},
			{"foreign child", tn.ID, ca.ID, foreign.ID, tenancy.ErrNotFound, "", nil},
			{"units of another tenant", other.ID, ca.ID, sch2.ID, tenancy.ErrNotFound, "", nil},
			{"missing tenant", 999, ca.ID, sch2.ID, tenancy.ErrNotFound, "", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.snap()
				err := s.Link(ctx, tc.tenant, tc.parent, tc.child)
				f.refused(before, err, tc.want, tc.field)
				for _, m := range tc.mention {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q does not mention %q", err, m)
					}
				}
			})
		}

		// A school may change trust once it has left the first.
		before := f.snap()
		if err := s.Unlink(ctx, tn.ID, trustA.ID, sch.ID); err != nil {
			t.Fatal(err)
		}
		after := f.snap()
		if after.edges != before.edges-1 || after.audit != before.audit+1 || after.rev <= before.rev {
			t.Fatalf("unlink: before %+v after %+v", before, after)
		}
		if ev := f.lastAudit(); ev.Action != "orgunit.unlink" || ev.EntityType != "org_edge" || ev.After != "" || !strings.Contains(ev.Before, `"parent_id"`) {
			t.Fatalf("unlink audit %+v", ev)
		}
		f.link(tn.ID, trustB.ID, sch.ID)
		// A second school can join the same trust.
		f.link(tn.ID, trustB.ID, sch2.ID)

		for _, tc := range []struct {
			name                  string
			tenant, parent, child uint
		}{
			{"not linked", tn.ID, trustA.ID, sch.ID},
			{"reversed", tn.ID, sch.ID, trustB.ID},
			{"other tenant", other.ID, trustB.ID, sch.ID},
		} {
			before := f.snap()
			f.refused(before, s.Unlink(ctx, tc.tenant, tc.parent, tc.child), tenancy.ErrNotFound, "")
		}
	})
}

// buildNetwork makes a tenant shaped like the partnership:
//
//	trust ─┬─ s1            hub ─┬─ s1
//	       └─ s2                 ├─ s3
//	cluster top ─┬─ cluster mid ─┬─ trio ─┬─ s2
//	             │               │        └─ s4
//	             │               └─ s5
//	             └─ s6
//	s7 (in nothing)
func buildNetwork(f *fixture, tenantID uint) map[string]uint {
	ids := map[string]uint{}
	root, err := f.svc.RootUnit(f.ctx, tenantID)
	if err != nil {
		f.t.Fatal(err)
	}
	ids["root"] = root.ID
	ids["trust"] = f.group(tenantID, tenancy.KindTrust, "Oak Trust").ID
	ids["hub"] = f.group(tenantID, tenancy.KindHub, "North Hub").ID
	ids["top"] = f.group(tenantID, tenancy.KindCluster, "Top Cluster").ID
	ids["mid"] = f.group(tenantID, tenancy.KindCluster, "Mid Cluster").ID
	ids["trio"] = f.group(tenantID, tenancy.KindTrio, "Trio").ID
	for i := 1; i <= 7; i++ {
		ids[fmt.Sprintf("s%d", i)] = f.school(tenantID, fmt.Sprintf("School %d", i), fmt.Sprintf("1%05d", i)).ID
	}
	for _, e := range [][2]string{
		{"trust", "s1"}, {"trust", "s2"}, {"hub", "s1"}, {"hub", "s3"},
		{"top", "mid"}, {"top", "s6"}, {"mid", "trio"}, {"mid", "s5"}, {"trio", "s2"}, {"trio", "s4"},
	} {
		f.link(tenantID, ids[e[0]], ids[e[1]])
	}
	return ids
}

func TestReach(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		tn := f.tenant("cp")
		id := buildNetwork(f, tn.ID)
		set := func(names ...string) []uint {
			out := make([]uint, len(names))
			for i, n := range names {
				out[i] = id[n]
			}
			slices.Sort(out)
			return out
		}
		all := func() []uint {
			var out []uint
			for _, v := range id {
				out = append(out, v)
			}
			slices.Sort(out)
			return out
		}()

		ancestors := map[string][]uint{
			"root":  set("root"),
			"trust": set("trust", "root"),
			"s1":    set("s1", "trust", "hub", "root"),
			"s2":    set("s2", "trust", "trio", "mid", "top", "root"),
			"s4":    set("s4", "trio", "mid", "top", "root"),
			"s5":    set("s5", "mid", "top", "root"),
			"s6":    set("s6", "top", "root"),
			"s7":    set("s7", "root"),
			"trio":  set("trio", "mid", "top", "root"),
		}
		descendants := map[string][]uint{
			"root":  all,
			"trust": set("trust", "s1", "s2"),
			"hub":   set("hub", "s1", "s3"),
			"top":   set("top", "mid", "trio", "s2", "s4", "s5", "s6"),
			"mid":   set("mid", "trio", "s2", "s4", "s5"),
			"trio":  set("trio", "s2", "s4"),
			"s1":    set("s1"),
			"s7":    set("s7"),
		}
		g, err := s.LoadGraph(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		if g.Root() != id["root"] || g.Len() != len(all) || g.TenantID() != tn.ID || g.Revision() != f.revision() {
			t.Fatalf("graph root %d len %d rev %d", g.Root(), g.Len(), g.Revision())
		}
		for name, want := range ancestors {
			got, err := s.AncestorsOrSelf(ctx, tn.ID, id[name])
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("AncestorsOrSelf(%s) = %v, %v; want %v", name, got, err, want)
			}
			if got := g.AncestorsOrSelf(id[name]); !slices.Equal(got, want) {
				t.Errorf("Graph.AncestorsOrSelf(%s) = %v; want %v", name, got, want)
			}
		}
		for name, want := range descendants {
			got, err := s.Descendants(ctx, tn.ID, id[name])
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("Descendants(%s) = %v, %v; want %v", name, got, err, want)
			}
			if got := g.Descendants(id[name]); !slices.Equal(got, want) {
				t.Errorf("Graph.Descendants(%s) = %v; want %v", name, got, want)
			}
		}
		for _, tc := range []struct {
			from, to string
			want     bool
		}{
			{"root", "s7", true}, {"top", "s2", true}, {"trust", "s2", true}, {"hub", "s2", false},
			{"s2", "trio", false}, {"trio", "trio", true}, {"mid", "s6", false},
		} {
			if got := g.Reaches(id[tc.from], id[tc.to]); got != tc.want {
				t.Errorf("Reaches(%s, %s) = %v", tc.from, tc.to, got)
			}
		}

		// Direct neighbours, by name.
		ps, err := s.Parents(ctx, tn.ID, id["s2"])
		if err != nil || len(ps) != 2 || ps[0].ID != id["trust"] || ps[1].ID != id["trio"] {
			t.Fatalf("Parents(s2) = %+v, %v", ps, err)
		}
		cs, err := s.Children(ctx, tn.ID, id["mid"])
		if err != nil || len(cs) != 2 || cs[0].Name != "School 5" || cs[1].Name != "Trio" {
			t.Fatalf("Children(mid) = %+v, %v", cs, err)
		}
		if cs, err := s.Children(ctx, tn.ID, id["s1"]); err != nil || cs == nil || len(cs) != 0 {
			t.Fatalf("Children(school) = %#v, %v", cs, err)
		}
		if !slices.Equal(g.Parents(id["s2"]), set("trust", "trio")) || !slices.Equal(g.Children(id["hub"]), set("s1", "s3")) {
			t.Fatalf("graph neighbours %v %v", g.Parents(id["s2"]), g.Children(id["hub"]))
		}
		edges, err := s.Edges(ctx, tn.ID)
		if err != nil || len(edges) != 10 || edges[0].ParentID != id["trust"] || edges[0].ChildID != id["s1"] {
			t.Fatalf("Edges = %+v, %v", edges, err)
		}

		// A loaded graph is a snapshot; the revision tells the cache to reload.
		rev := g.Revision()
		if err := s.Unlink(ctx, tn.ID, id["top"], id["mid"]); err != nil {
			t.Fatal(err)
		}
		if f.revision() == rev {
			t.Fatal("unlink did not move the revision")
		}
		if got := g.Descendants(id["top"]); !slices.Equal(got, descendants["top"]) {
			t.Fatalf("loaded graph changed under its readers: %v", got)
		}
		g2, err := s.LoadGraph(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := g2.Descendants(id["top"]); !slices.Equal(got, set("top", "s6")) {
			t.Fatalf("reloaded Descendants(top) = %v", got)
		}
		if got, _ := s.AncestorsOrSelf(ctx, tn.ID, id["s4"]); !slices.Equal(got, set("s4", "trio", "mid", "root")) {
			t.Fatalf("AncestorsOrSelf(s4) after unlink = %v", got)
		}
		if g2.AncestorsOrSelf(99999) != nil || g2.Descendants(99999) != nil || g2.Reaches(g2.Root(), 99999) {
			t.Fatal("graph answers for a unit it does not hold")
		}
	})
}

// TestGraphMatchesSQL builds a random graph under the rules and checks the
// in-memory Graph against the recursive SQL for every unit.
func TestGraphMatchesSQL(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		tn := f.tenant("cp")
		rnd := rand.New(rand.NewPCG(1, 2))
		var groups, schools []tenancy.Unit
		for i, k := range []tenancy.Kind{tenancy.KindTrust, tenancy.KindTrust, tenancy.KindHub, tenancy.KindHub, tenancy.KindCluster,
			tenancy.KindCluster, tenancy.KindCluster, tenancy.KindCluster, tenancy.KindTrio, tenancy.KindTrio, tenancy.KindDeliveryCentre, tenancy.KindCohort} {
			groups = append(groups, f.group(tn.ID, k, fmt.Sprintf("%s %d", k.Label(), i)))
		}
		for i := 0; i < 24; i++ {
			schools = append(schools, f.school(tn.ID, fmt.Sprintf("School %02d", i), fmt.Sprintf("2%05d", i)))
		}
		everything := append(slices.Clone(groups), schools...)
		linked, refused := 0, 0
		for i := 0; i < 90; i++ {
			p := groups[rnd.IntN(len(groups))]
			c := everything[rnd.IntN(len(everything))]
			err := s.Link(ctx, tn.ID, p.ID, c.ID)
			var ve *tenancy.ValidationError
			switch {
			case err == nil:
				linked++
			case errors.As(err, &ve):
				refused++
			default:
				t.Fatalf("link %s→%s: %v", p.Name, c.Name, err)
			}
		}
		if linked < 20 || refused == 0 {
			t.Fatalf("random graph too thin: %d linked, %d refused", linked, refused)
		}
		g, err := s.LoadGraph(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		root, _ := s.RootUnit(ctx, tn.ID)
		for _, u := range append(everything, root) {
			a, err := s.AncestorsOrSelf(ctx, tn.ID, u.ID)
			if err != nil || !slices.Equal(a, g.AncestorsOrSelf(u.ID)) {
				t.Fatalf("ancestors of %s: SQL %v (%v), graph %v", u.Name, a, err, g.AncestorsOrSelf(u.ID))
			}
			d, err := s.Descendants(ctx, tn.ID, u.ID)
			if err != nil || !slices.Equal(d, g.Descendants(u.ID)) {
				t.Fatalf("descendants of %s: SQL %v (%v), graph %v", u.Name, d, err, g.Descendants(u.ID))
			}
			for _, v := range d {
				if !g.Reaches(u.ID, v) {
					t.Fatalf("Reaches(%d, %d) false for a descendant", u.ID, v)
				}
			}
		}
		// Immutable after build: concurrent readers agree (run with -race to check).
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, u := range everything {
					_ = g.AncestorsOrSelf(u.ID)
					_ = g.Descendants(u.ID)
				}
			}()
		}
		wg.Wait()
	})
}

// SchoolsBelow gives the schools beneath a unit through every level of the
// graph, once each, by name, without archived ones or another tenant's.
func TestSchoolsBelow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		a, b := f.tenant("alpha"), f.tenant("beta")
		cluster := f.group(a.ID, tenancy.KindCluster, "Cluster")
		trio := f.group(a.ID, tenancy.KindTrio, "Trio")
		f.link(a.ID, cluster.ID, trio.ID)
		zed, amy, mid := f.school(a.ID, "Zed Primary", "100001"), f.school(a.ID, "Amy Academy", "100002"), f.school(a.ID, "Mid School", "100003")
		gone, elsewhere := f.school(a.ID, "Gone School", "100004"), f.school(a.ID, "Elsewhere School", "100005")
		f.link(a.ID, cluster.ID, zed.ID)
		f.link(a.ID, trio.ID, amy.ID)
		f.link(a.ID, cluster.ID, mid.ID)
		f.link(a.ID, trio.ID, mid.ID) // beneath the cluster twice
		f.link(a.ID, cluster.ID, gone.ID)
		if _, _, err := f.svc.ArchiveUnit(f.ctx, a.ID, gone.ID); err != nil {
			t.Fatal(err)
		}
		_ = elsewhere // in the tenant, beneath no group
		bHub := f.group(b.ID, tenancy.KindHub, "Beta Hub")
		f.link(b.ID, bHub.ID, f.school(b.ID, "Beta School", "100006").ID)

		names := func(tenantID, id uint) []string {
			t.Helper()
			us, err := f.svc.SchoolsBelow(f.ctx, tenantID, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, u := range us {
				out = append(out, u.Name)
			}
			return out
		}
		if got := names(a.ID, cluster.ID); !slices.Equal(got, []string{"Amy Academy", "Mid School", "Zed Primary"}) {
			t.Errorf("schools below the cluster: %q", got)
		}
		if got := names(a.ID, trio.ID); !slices.Equal(got, []string{"Amy Academy", "Mid School"}) {
			t.Errorf("schools below the trio: %q", got)
		}
		if got := names(a.ID, zed.ID); !slices.Equal(got, []string{"Zed Primary"}) {
			t.Errorf("schools below a school: %q", got)
		}
		if got := names(a.ID, bHub.ID); len(got) != 0 {
			t.Errorf("another tenant's cluster, asked as alpha: %q", got)
		}
	})
}
