package tenancy_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

func TestSearchAndCount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		tn := f.tenant("cp")
		other := f.tenant("other")
		ash := f.school(tn.ID, "Ash Primary", "100123")
		beech := f.school(tn.ID, "beech academy", "100456")
		cedar := f.school(tn.ID, "Cedar 100% School_1", "200123")
		hub := f.group(tn.ID, tenancy.KindHub, "Academy Hub North")
		trust := f.group(tn.ID, tenancy.KindTrust, "Primary Trust")
		f.school(other.ID, "Ash Primary", "100124")
		f.group(other.ID, tenancy.KindHub, "Other Hub")

		names := func(us []tenancy.Unit) []string {
			out := make([]string, len(us))
			for i, u := range us {
				out[i] = u.Name
			}
			return out
		}
		for _, tc := range []struct {
			name  string
			q     tenancy.SearchQuery
			want  []string
			total int64
		}{
			{"everything but the root, by name", tenancy.SearchQuery{}, []string{"Academy Hub North", "Ash Primary", "beech academy", "Cedar 100% School_1", "Primary Trust"}, 5},
			{"name, any case", tenancy.SearchQuery{Text: "ACADEMY"}, []string{"Academy Hub North", "beech academy"}, 2},
			{"name substring", tenancy.SearchQuery{Text: "primary"}, []string{"Ash Primary", "Primary Trust"}, 2},
			{"kind", tenancy.SearchQuery{Text: "primary", Kind: tenancy.KindSchool}, []string{"Ash Primary"}, 1},
			{"URN prefix", tenancy.SearchQuery{Text: "1001"}, []string{"Ash Primary"}, 1},
			{"URN prefix, several", tenancy.SearchQuery{Text: "100"}, []string{"Ash Primary", "beech academy", "Cedar 100% School_1"}, 3},
			{"whole URN", tenancy.SearchQuery{Text: " 200123 "}, []string{"Cedar 100% School_1"}, 1},
			{"URN is a prefix, not a substring", tenancy.SearchQuery{Text: "0123"}, nil, 0},
			{"percent is literal", tenancy.SearchQuery{Text: "0%"}, []string{"Cedar 100% School_1"}, 1},
			{"underscore matches itself", tenancy.SearchQuery{Text: "l_1"}, []string{"Cedar 100% School_1"}, 1},
			{"underscore is literal", tenancy.SearchQuery{Text: "r_"}, nil, 0},
			{"within", tenancy.SearchQuery{Within: []uint{ash.ID, hub.ID, 99999}}, []string{"Academy Hub North", "Ash Primary"}, 2},
			{"within and text", tenancy.SearchQuery{Text: "ACADEMY", Within: []uint{beech.ID, cedar.ID}}, []string{"beech academy"}, 1},
			{"within nothing", tenancy.SearchQuery{Within: []uint{}}, nil, 0},
			{"within excludes the root", tenancy.SearchQuery{Within: []uint{1, 2, 3}, Kind: tenancy.KindTenant}, nil, -1},
			{"page", tenancy.SearchQuery{Limit: 2, Offset: 1}, []string{"Ash Primary", "beech academy"}, 5},
			{"page past the end", tenancy.SearchQuery{Limit: 2, Offset: 10}, nil, 5},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.Search(ctx, tn.ID, tc.q)
				if tc.total < 0 {
					var ve *tenancy.ValidationError
					if !errors.As(err, &ve) || ve.Field != "kind" {
						t.Fatalf("search for kind tenant: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(names(got)) != fmt.Sprint(tc.want) || total != tc.total || got == nil {
					t.Fatalf("got %q (total %d), want %q (total %d)", names(got), total, tc.want, tc.total)
				}
			})
		}
		// The root never shows; another tenant's units never show.
		got, _, _ := s.Search(ctx, tn.ID, tenancy.SearchQuery{Text: "Tenant"})
		if len(got) != 0 {
			t.Fatalf("root unit found by search: %v", names(got))
		}
		got, _, _ = s.Search(ctx, other.ID, tenancy.SearchQuery{Within: []uint{ash.ID, beech.ID}})
		if len(got) != 0 {
			t.Fatalf("other tenant found this tenant's units: %v", names(got))
		}
		// A long Within list (bound as one JSON parameter) works on both databases.
		long := make([]uint, 0, 40000)
		for i := uint(100000); len(long) < 40000; i++ {
			long = append(long, i)
		}
		long = append(long, trust.ID, cedar.ID)
		got, total, err := s.Search(ctx, tn.ID, tenancy.SearchQuery{Within: long})
		if err != nil || total != 2 || got[0].ID != cedar.ID || got[1].ID != trust.ID {
			t.Fatalf("long Within: %v (total %d), %v", names(got), total, err)
		}
		// Limits.
		for i := 0; i < 60; i++ {
			f.group(tn.ID, tenancy.KindCohort, fmt.Sprintf("Cohort %02d", i))
		}
		if got, total, _ := s.Search(ctx, tn.ID, tenancy.SearchQuery{Kind: tenancy.KindCohort}); len(got) != 50 || total != 60 || got[0].Name != "Cohort 00" {
			t.Fatalf("default limit: %d rows of %d", len(got), total)
		}
		if got, _, _ := s.Search(ctx, tn.ID, tenancy.SearchQuery{Limit: 100000}); len(got) != 65 {
			t.Fatalf("big limit: %d rows", len(got))
		}

		counts, err := s.CountByKind(ctx, tn.ID, nil)
		if err != nil || len(counts) != 4 || counts[tenancy.KindSchool] != 3 || counts[tenancy.KindHub] != 1 || counts[tenancy.KindTrust] != 1 ||
			counts[tenancy.KindCohort] != 60 || counts[tenancy.KindTenant] != 0 {
			t.Fatalf("CountByKind = %v, %v", counts, err)
		}
		counts, err = s.CountByKind(ctx, tn.ID, []uint{ash.ID, beech.ID, hub.ID})
		if err != nil || len(counts) != 2 || counts[tenancy.KindSchool] != 2 || counts[tenancy.KindHub] != 1 {
			t.Fatalf("CountByKind within = %v, %v", counts, err)
		}
		if counts, err := s.CountByKind(ctx, tn.ID, long); err != nil || len(counts) != 2 || counts[tenancy.KindSchool] != 1 || counts[tenancy.KindTrust] != 1 {
			t.Fatalf("CountByKind long within = %v, %v", counts, err)
		}
		if counts, err := s.CountByKind(ctx, tn.ID, []uint{}); err != nil || len(counts) != 0 {
			t.Fatalf("CountByKind within nothing = %v, %v", counts, err)
		}
		if counts, err := s.CountByKind(ctx, other.ID, []uint{ash.ID}); err != nil || len(counts) != 0 {
			t.Fatalf("CountByKind of another tenant's ids = %v, %v", counts, err)
		}
	})
}
