package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

func TestDemoMatchesTheSchoolList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ts := tenancy.NewService(db)
		opts := identity.DefaultOptions()
		opts.Argon = identity.Params{Memory: 1024, Time: 1, Threads: 1}
		ids := identity.NewService(db, opts)
		az, err := authz.New(ctx, db, ts, authz.Options{})
		if err != nil {
			t.Fatal(err)
		}
		box, err := sealed.New(make([]byte, sealed.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		pup := pupils.NewService(db, box)
		pup.SetAccess(az, ts)
		res, err := demo.Build(ctx, demo.Services{Tenancy: ts, Identity: ids, Authz: az, Pupils: pup})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := demo.Rows()
		if err != nil {
			t.Fatal(err)
		}
		// Every group of the list, with exactly its schools (less the rows the rules refused).
		want := map[string]map[string]bool{}
		for _, r := range rows {
			if want[r.Group] == nil {
				want[r.Group] = map[string]bool{}
			}
			want[r.Group][r.School] = true
		}
		p, err := ts.TenantBySlug(ctx, demo.PartnershipSlug)
		if err != nil {
			t.Fatal(err)
		}
		var groups []tenancy.Unit
		for _, k := range tenancy.Kinds() {
			for offset := 0; ; offset += 500 {
				page, total, err := ts.Search(ctx, p.ID, tenancy.SearchQuery{Kind: k, Limit: 500, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				groups = append(groups, page...)
				if int64(offset+500) >= total {
					break
				}
			}
		}
		seen := 0
		for _, g := range groups {
			if g.Kind == tenancy.KindSchool {
				if g.URN == nil || tenancy.ValidateURN(*g.URN) != nil || !strings.HasPrefix(*g.URN, "9") {
					t.Errorf("school %s has URN %v", g.Name, g.URN)
				}
				continue
			}
			seen++
			children, err := ts.Children(ctx, p.ID, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(children) != len(want[g.Name]) {
				t.Errorf("%s has %d schools, the list %d", g.Name, len(children), len(want[g.Name]))
			}
			for _, c := range children {
				if !want[g.Name][c.Name] {
					t.Errorf("%s holds %s, which the list does not put there", g.Name, c.Name)
				}
			}
		}
		if seen != 31+11+11+1 {
			t.Fatalf("%d groups, want 54 (31 hubs, 11 clusters, 11 delivery centres, 1 cohort)", seen)
		}
		distinct := map[string]bool{}
		for _, r := range rows {
			distinct[r.School] = true
		}
		// 574 in the revised 2017-18 list (names printed two ways count twice).
		if c := res.Counts[demo.PartnershipSlug][tenancy.KindSchool]; c != int64(len(distinct)) || c != 574 {
			t.Errorf("partnership schools = %d, want the list's %d distinct schools (574)", c, len(distinct))
		}
		if c := res.Counts[demo.TrustSlug][tenancy.KindSchool]; c != 7 {
			t.Errorf("trust schools = %d, want 7", c)
		}
		// The trust leader reaches exactly the trust's seven schools.
		tr, _ := ts.TenantBySlug(ctx, demo.TrustSlug)
		ceo, err := ids.UserByEmail(ctx, tr.ID, "ceo@northstar.example.org")
		if err != nil {
			t.Fatal(err)
		}
		all, reach, err := az.Reach(ctx, tr.ID, ceo.ID, authz.PermSchoolRead)
		if err != nil || all {
			t.Fatalf("trust leader reach: all=%v %v", all, err)
		}
		schools, _, _ := ts.Search(ctx, tr.ID, tenancy.SearchQuery{Kind: tenancy.KindSchool, Within: reach})
		if len(schools) != 7 {
			t.Fatalf("trust leader reaches %d schools, want 7", len(schools))
		}
		if len(res.Logins) < 13 {
			t.Fatalf("%d logins", len(res.Logins))
		}
		// The trust's Challenge the Gap cluster: three of its schools, each
		// with generated staff enough for a team (primary 1/1/1, secondary 1/3/2).
		cl, _, _ := ts.Search(ctx, tr.ID, tenancy.SearchQuery{Kind: tenancy.KindCluster})
		if len(cl) != 1 || cl[0].Name != demo.TrustCluster {
			t.Fatalf("trust clusters: %+v", cl)
		}
		members, err := ts.Children(ctx, tr.ID, cl[0].ID)
		if err != nil || len(members) != 3 {
			t.Fatalf("the trust's cluster holds %d schools (%v), want 3", len(members), err)
		}
		if res.Staff[demo.TrustSlug] != 3+3+6 {
			t.Errorf("trust staff = %d, want 12 (two primaries and a secondary)", res.Staff[demo.TrustSlug])
		}
		if n := res.Staff[demo.PartnershipSlug]; n < 134*3 || n > 134*6 {
			t.Errorf("partnership staff = %d, want 3 to 6 for each of the 63 Challenge the Gap schools and the 71 EAL evaluation schools", n)
		}
		for _, m := range members {
			_, err := ids.UserByEmail(ctx, tr.ID, "para2."+*m.URN+"@northstar.example.org")
			if secondary := m.Phase == tenancy.PhaseSecondary; secondary != (err == nil) {
				t.Errorf("%s (%s) has a second para-professional: %v", m.Name, m.Phase, err == nil)
			}
		}
		checkDemoPupils(t, db, pup, res)
	})
}
