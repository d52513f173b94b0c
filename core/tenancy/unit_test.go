package tenancy_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

func TestUnits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		tn := f.tenant("cp")
		other := f.tenant("other")

		rev := f.revision()
		pupils := 420
		sch, err := s.CreateUnit(ctx, tn.ID, tenancy.UnitInput{
			Kind: tenancy.KindSchool, Name: "  Ark Lane Primary ", URN: " 100001 ", Phase: "all-through",
			OfstedGrade: "RI", PupilsOnRoll: &pupils, Latitude: ptr(51.5), Longitude: ptr(-0.12),
		})
		if err != nil {
			t.Fatal(err)
		}
		if sch.Name != "Ark Lane Primary" || sch.URNString() != "100001" || sch.Phase != tenancy.PhaseAllThrough ||
			sch.OfstedGrade != tenancy.OfstedRequiresImprovement || *sch.PupilsOnRoll != 420 || *sch.Latitude != 51.5 || sch.TenantID != tn.ID {
			t.Fatalf("school not normalised: %+v", sch)
		}
		if f.revision() <= rev {
			t.Fatal("a new unit widens the root's reach: the graph revision must move")
		}
		ev := f.lastAudit()
		if ev.Action != "orgunit.create" || ev.EntityType != "org_unit" || ev.EntityID != idStr(sch.ID) || ev.TenantID != tn.ID || !strings.Contains(ev.After, `"urn":"100001"`) {
			t.Fatalf("create audit %+v", ev)
		}
		got, err := s.GetUnit(ctx, tn.ID, sch.ID)
		if err != nil || got.Name != sch.Name || got.URNString() != "100001" || *got.Longitude != -0.12 {
			t.Fatalf("GetUnit: %+v, %v", got, err)
		}
		if got, err := s.UnitByURN(ctx, tn.ID, "100001"); err != nil || got.ID != sch.ID {
			t.Fatalf("UnitByURN: %+v, %v", got, err)
		}
		if _, err := s.UnitByURN(ctx, tn.ID, "999999"); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("UnitByURN(unknown): %v", err)
		}
		hub := f.group(tn.ID, tenancy.KindHub, "London North Hub")
		if hub.URN != nil || hub.Phase != "" {
			t.Fatalf("hub has school fields: %+v", hub)
		}

		// Duplicate URN: a conflict naming the URN, nothing written.
		before := f.snap()
		_, err = s.CreateUnit(ctx, tn.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Copycat", URN: "100001", Phase: "primary"})
		f.refused(before, err, tenancy.ErrConflict, "urn")
		if !strings.Contains(err.Error(), "100001") {
			t.Fatalf("conflict does not name the URN: %v", err)
		}
		// ... but another tenant may have the same school.
		if _, err := s.CreateUnit(ctx, other.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Ark Lane Primary", URN: "100001", Phase: "primary"}); err != nil {
			t.Fatalf("same URN in another tenant: %v", err)
		}

		// Bad input: a validation error on the right field, nothing written.
		school := func(mod func(*tenancy.UnitInput)) tenancy.UnitInput {
			in := tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "New School", URN: "200002", Phase: "secondary"}
			mod(&in)
			return in
		}
		for _, tc := range []struct {
			name  string
			in    tenancy.UnitInput
			field string
		}{
			{"root kind", tenancy.UnitInput{Kind: tenancy.KindTenant, Name: "Second root"}, "kind"},
			{"unknown kind", tenancy.UnitInput{Kind: "academy", Name: "X"}, "kind"},
			{"no kind", tenancy.UnitInput{Name: "X"}, "kind"},
			{"no name", school(func(in *tenancy.UnitInput) { in.Name = "  " }), "name"},
			{"long name", school(func(in *tenancy.UnitInput) { in.Name = strings.Repeat("x", 201) }), "name"},
			{"newline in name", school(func(in *tenancy.UnitInput) { in.Name = "a\nb" }), "name"},
			{"no URN", school(func(in *tenancy.UnitInput) { in.URN = "" }), "urn"},
			{"short URN", school(func(in *tenancy.UnitInput) { in.URN = "12345" }), "urn"},
			{"letters URN", school(func(in *tenancy.UnitInput) { in.URN = "12345X" }), "urn"},
			{"no phase", school(func(in *tenancy.UnitInput) { in.Phase = "" }), "phase"},
			{"bad phase", school(func(in *tenancy.UnitInput) { in.Phase = "kindergarten" }), "phase"},
			{"bad grade", school(func(in *tenancy.UnitInput) { in.OfstedGrade = "brilliant" }), "ofsted_grade"},
			{"negative pupils", school(func(in *tenancy.UnitInput) { in.PupilsOnRoll = ptr(-1) }), "pupils_on_roll"},
			{"too many pupils", school(func(in *tenancy.UnitInput) { in.PupilsOnRoll = ptr(10001) }), "pupils_on_roll"},
			{"latitude alone", school(func(in *tenancy.UnitInput) { in.Latitude = ptr(51.0) }), "longitude"},
			{"longitude alone", school(func(in *tenancy.UnitInput) { in.Longitude = ptr(0.1) }), "latitude"},
			{"latitude range", school(func(in *tenancy.UnitInput) { in.Latitude, in.Longitude = ptr(91.0), ptr(0.0) }), "latitude"},
			{"longitude range", school(func(in *tenancy.UnitInput) { in.Latitude, in.Longitude = ptr(0.0), ptr(-181.0) }), "longitude"},
			{"NaN", school(func(in *tenancy.UnitInput) { in.Latitude, in.Longitude = ptr(math.NaN()), ptr(0.0) }), "latitude"},
			{"hub with URN", tenancy.UnitInput{Kind: tenancy.KindHub, Name: "Hub", URN: "300003"}, "urn"},
			{"trust with phase", tenancy.UnitInput{Kind: tenancy.KindTrust, Name: "Trust", Phase: "primary"}, "phase"},
			{"cluster with grade", tenancy.UnitInput{Kind: tenancy.KindCluster, Name: "C", OfstedGrade: "good"}, "ofsted_grade"},
			{"cohort with pupils", tenancy.UnitInput{Kind: tenancy.KindCohort, Name: "C", PupilsOnRoll: ptr(3)}, "pupils_on_roll"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.snap()
				_, err := s.CreateUnit(ctx, tn.ID, tc.in)
				f.refused(before, err, nil, tc.field)
				var fe tenancy.FieldErrors
				if !errors.As(err, &fe) || fe.For(tc.field) == "" {
					t.Fatalf("error %v is not FieldErrors naming %s", err, tc.field)
				}
			})
		}
		// Several problems are reported together.
		_, err = s.CreateUnit(ctx, tn.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, URN: "1", Phase: "x"})
		var fe tenancy.FieldErrors
		if !errors.As(err, &fe) || fe.For("name") == "" || fe.For("urn") == "" || fe.For("phase") == "" {
			t.Fatalf("want name, urn and phase problems together, got %v", err)
		}
		before = f.snap()
		_, err = s.CreateUnit(ctx, 999, tenancy.UnitInput{Kind: tenancy.KindHub, Name: "Orphan"})
		f.refused(before, err, tenancy.ErrNotFound, "")

		// Update: audited with before and after; the kind is fixed.
		second := f.school(tn.ID, "Beech Academy", "100002")
		upd, err := s.UpdateUnit(ctx, tn.ID, sch.ID, tenancy.UnitInput{Name: "Ark Lane School", URN: "100003", Phase: "Primary", OfstedGrade: "good"})
		if err != nil {
			t.Fatal(err)
		}
		if upd.Name != "Ark Lane School" || upd.URNString() != "100003" || upd.Phase != tenancy.PhasePrimary || upd.OfstedGrade != tenancy.OfstedGood ||
			upd.PupilsOnRoll != nil || upd.Latitude != nil || upd.Kind != tenancy.KindSchool || !upd.CreatedAt.Equal(sch.CreatedAt) {
			t.Fatalf("updated %+v", upd)
		}
		ev = f.lastAudit()
		var b, a tenancy.Unit
		if err := json.Unmarshal([]byte(ev.Before), &b); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(ev.After), &a); err != nil {
			t.Fatal(err)
		}
		if ev.Action != "orgunit.update" || b.Name != "Ark Lane Primary" || a.Name != "Ark Lane School" || a.URNString() != "100003" {
			t.Fatalf("update audit %+v", ev)
		}
		if _, err := s.UnitByURN(ctx, tn.ID, "100001"); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("old URN still found: %v", err)
		}
		// The same edit again changes nothing and records nothing.
		before = f.snap()
		if _, err := s.UpdateUnit(ctx, tn.ID, sch.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Ark Lane School", URN: "100003", Phase: "primary", OfstedGrade: "Good"}); err != nil {
			t.Fatal(err)
		}
		if f.snap() != before {
			t.Fatal("a no-op update wrote something")
		}
		root, _ := s.RootUnit(ctx, tn.ID)
		for _, tc := range []struct {
			name   string
			tenant uint
			id     uint
			in     tenancy.UnitInput
			want   error
			field  string
		}{
			{"URN taken", tn.ID, sch.ID, tenancy.UnitInput{Name: "A", URN: "100002", Phase: "primary"}, tenancy.ErrConflict, "urn"},
			{"kind change", tn.ID, hub.ID, tenancy.UnitInput{Kind: tenancy.KindTrust, Name: "Now a trust"}, nil, "kind"},
			{"school fields on hub", tn.ID, hub.ID, tenancy.UnitInput{Name: "Hub", URN: "400004"}, nil, "urn"},
			{"root", tn.ID, root.ID, tenancy.UnitInput{Name: "Renamed"}, nil, "kind"},
			{"bad name", tn.ID, hub.ID, tenancy.UnitInput{Name: ""}, nil, "name"},
			{"missing unit", tn.ID, 99999, tenancy.UnitInput{Name: "X"}, tenancy.ErrNotFound, ""},
			{"other tenant's unit", other.ID, second.ID, tenancy.UnitInput{Name: "Hijack", URN: "100002", Phase: "primary"}, tenancy.ErrNotFound, ""},
		} {
			t.Run("update "+tc.name, func(t *testing.T) {
				before := f.snap()
				_, err := s.UpdateUnit(ctx, tc.tenant, tc.id, tc.in)
				f.refused(before, err, tc.want, tc.field)
			})
		}
		if got, _ := s.GetUnit(ctx, tn.ID, second.ID); got.Name != "Beech Academy" {
			t.Fatalf("refused update changed the unit: %+v", got)
		}
		if hubNow, _ := s.UpdateUnit(ctx, tn.ID, hub.ID, tenancy.UnitInput{Kind: tenancy.KindHub, Name: "London N Hub"}); hubNow.Name != "London N Hub" {
			t.Fatalf("hub rename: %+v", hubNow)
		}
	})
}
