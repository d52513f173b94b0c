package tenancy_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

func TestTenantsHostsSettings(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		actx := audit.WithActor(ctx, audit.Actor{Label: "cli"})
		rev0 := f.revision()

		cp, err := s.CreateTenant(actx, " partnership ", "  Challenge Partners ", []string{"CP.example.org:8443", "cp.example.org", "[::1]:8080"})
		if err != nil {
			t.Fatal(err)
		}
		if cp.ID == 0 || cp.Slug != "partnership" || cp.Name != "Challenge Partners" || cp.CreatedAt.IsZero() {
			t.Fatalf("tenant %+v", cp)
		}
		root, err := s.RootUnit(ctx, cp.ID)
		if err != nil || root.Kind != tenancy.KindTenant || root.Name != "Challenge Partners" || root.TenantID != cp.ID || !root.IsRoot() {
			t.Fatalf("root unit %+v, %v", root, err)
		}
		if f.revision() <= rev0 {
			t.Fatal("creating a tenant (a new graph) must bump the graph revision")
		}
		hosts, err := s.TenantHosts(ctx, cp.ID)
		if err != nil || !slices.Equal(hosts, []string{"::1", "cp.example.org"}) {
			t.Fatalf("hosts %v, %v", hosts, err)
		}
		// Audit: the tenant and its root unit, by the actor in ctx.
		evs, _, err := audit.List(ctx, db.DB, cp.ID, audit.Filter{})
		if err != nil || len(evs) != 2 {
			t.Fatalf("audit after create tenant: %+v, %v", evs, err)
		}
		if evs[1].Action != "tenant.create" || evs[1].EntityType != "tenant" || evs[1].ActorLabel != "cli" || !strings.Contains(evs[1].After, `"cp.example.org"`) {
			t.Fatalf("tenant.create event %+v", evs[1])
		}
		if evs[0].Action != "orgunit.create" || evs[0].EntityType != "org_unit" {
			t.Fatalf("root orgunit.create event %+v", evs[0])
		}

		mat := f.tenant("oak-mat", "oak.example.org")

		// Host resolution.
		for host, want := range map[string]uint{
			"cp.example.org": cp.ID, "CP.Example.Org:443": cp.ID, "cp.example.org.": cp.ID, "[::1]:3000": cp.ID,
			"oak.example.org": mat.ID, "OAK.example.org:8080": mat.ID,
		} {
			got, err := s.ResolveHost(ctx, host)
			if err != nil || got.ID != want {
				t.Errorf("ResolveHost(%q) = %+v, %v; want tenant %d", host, got, err, want)
			}
		}
		for _, host := range []string{"", "nope.example.org", "example.org", "oak.example.org.evil.com"} {
			if _, err := s.ResolveHost(ctx, host); !errors.Is(err, tenancy.ErrNotFound) {
				t.Errorf("ResolveHost(%q) error %v, want ErrNotFound", host, err)
			}
		}

		// Lookups.
		if got, err := s.TenantBySlug(ctx, "OAK-MAT"); err != nil || got.ID != mat.ID {
			t.Fatalf("TenantBySlug: %+v, %v", got, err)
		}
		if got, err := s.TenantByID(ctx, cp.ID); err != nil || got.Slug != "partnership" {
			t.Fatalf("TenantByID: %+v, %v", got, err)
		}
		if _, err := s.TenantBySlug(ctx, "nope"); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("TenantBySlug(nope): %v", err)
		}
		if _, err := s.TenantByID(ctx, 999); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("TenantByID(999): %v", err)
		}
		if _, err := s.TenantHosts(ctx, 999); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("TenantHosts(999): %v", err)
		}
		if _, err := s.RootUnit(ctx, 999); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("RootUnit(999): %v", err)
		}
		list, err := s.ListTenants(ctx)
		if err != nil || len(list) != 2 || list[0].ID != cp.ID || list[1].ID != mat.ID {
			t.Fatalf("ListTenants: %+v, %v", list, err)
		}

		// Refusals write nothing.
		for _, tc := range []struct {
			slug, name string
			hosts      []string
			want       error
			field      string
		}{
			{"oak-mat", "Again", nil, tenancy.ErrConflict, "slug"},
			{"new", "New", []string{"OAK.example.org:80"}, tenancy.ErrConflict, "hosts"},
			{"x", "Too short", nil, nil, "slug"},
			{"Upper", "Upper", nil, nil, "slug"},
			{"-lead", "Hyphen", nil, nil, "slug"},
			{"has space", "Space", nil, nil, "slug"},
			{strings.Repeat("a", 64), "Long", nil, nil, "slug"},
			{"ok-slug", "   ", nil, nil, "name"},
			{"ok-slug", strings.Repeat("n", 201), nil, nil, "name"},
			{"ok-slug", "Fine", []string{"bad host!"}, nil, "hosts"},
			{"ok-slug", "Fine", []string{"a..b"}, nil, "hosts"},
		} {
			before := f.snap()
			_, err := s.CreateTenant(ctx, tc.slug, tc.name, tc.hosts)
			f.refused(before, err, tc.want, tc.field)
		}
		if _, err := s.CreateTenant(ctx, "oak-mat", "Again", nil); !strings.Contains(err.Error(), "oak-mat") {
			t.Fatalf("slug conflict does not name the slug: %v", err)
		}
		if _, err := s.CreateTenant(ctx, "new", "New", []string{"oak.example.org"}); !strings.Contains(err.Error(), "oak.example.org") {
			t.Fatalf("host conflict does not name the host: %v", err)
		}

		// Hosts can be added and removed, and are still unique.
		before := f.snap()
		f.refused(before, s.AddHost(ctx, cp.ID, "oak.example.org"), tenancy.ErrConflict, "hosts")
		if err := s.AddHost(ctx, cp.ID, "Www.CP.example.org:80"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ResolveHost(ctx, "www.cp.example.org"); err != nil || got.ID != cp.ID {
			t.Fatalf("added host: %+v, %v", got, err)
		}
		if f.lastAudit().Action != "tenant.host_add" {
			t.Fatalf("host add not audited: %+v", f.lastAudit())
		}
		if err := s.RemoveHost(ctx, cp.ID, "www.cp.example.org"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveHost(ctx, "www.cp.example.org"); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("removed host still resolves: %v", err)
		}
		before = f.snap()
		f.refused(before, s.RemoveHost(ctx, mat.ID, "cp.example.org"), tenancy.ErrNotFound, "")

		// Settings.
		if got, err := s.Settings(ctx, cp.ID); err != nil || len(got) != 0 {
			t.Fatalf("fresh settings %v, %v", got, err)
		}
		if err := s.SetSetting(actx, cp.ID, "mail.from", "noreply@example.org"); err != nil {
			t.Fatal(err)
		}
		ev := f.lastAudit()
		if ev.Action != "setting.update" || ev.EntityType != "tenant_setting" || ev.EntityID != "mail.from" || ev.Before != "" || ev.TenantID != cp.ID {
			t.Fatalf("setting audit %+v", ev)
		}
		if err := s.SetSetting(actx, cp.ID, "mail.from", "hello@example.org"); err != nil {
			t.Fatal(err)
		}
		ev = f.lastAudit()
		var b, a struct{ Value string }
		_ = json.Unmarshal([]byte(ev.Before), &b)
		_ = json.Unmarshal([]byte(ev.After), &a)
		if b.Value != "noreply@example.org" || a.Value != "hello@example.org" {
			t.Fatalf("setting update audit before %q after %q", ev.Before, ev.After)
		}
		before = f.snap()
		if err := s.SetSetting(actx, cp.ID, "mail.from", "hello@example.org"); err != nil {
			t.Fatal(err)
		}
		if f.snap() != before {
			t.Fatal("setting the same value again wrote something")
		}
		if err := s.SetSetting(actx, mat.ID, "mail.from", "oak@example.org"); err != nil {
			t.Fatal(err)
		}
		got, err := s.Settings(ctx, cp.ID)
		if err != nil || len(got) != 1 || got["mail.from"] != "hello@example.org" {
			t.Fatalf("settings %v, %v", got, err)
		}
		if v, ok, err := s.Setting(ctx, mat.ID, "mail.from"); err != nil || !ok || v != "oak@example.org" {
			t.Fatalf("Setting: %q %v %v", v, ok, err)
		}
		if _, ok, err := s.Setting(ctx, mat.ID, "nope"); err != nil || ok {
			t.Fatalf("Setting(nope): %v %v", ok, err)
		}
		for _, tc := range []struct {
			tenant     uint
			key, value string
			want       error
			field      string
		}{
			{cp.ID, "", "v", nil, "key"},
			{cp.ID, "Mail.From", "v", nil, "key"},
			{cp.ID, "mail-from", "v", nil, "key"},
			{cp.ID, strings.Repeat("k", 101), "v", nil, "key"},
			{cp.ID, "k", strings.Repeat("v", 10001), nil, "value"},
			{cp.ID, "k", "nul\x00byte", nil, "value"},
			{999, "k", "v", tenancy.ErrNotFound, ""},
		} {
			before := f.snap()
			f.refused(before, s.SetSetting(ctx, tc.tenant, tc.key, tc.value), tc.want, tc.field)
		}
		if err := s.SetSetting(ctx, cp.ID, "k", strings.Repeat("é", 10000)); err != nil {
			t.Fatalf("10,000 characters must fit: %v", err)
		}
		if _, err := s.Settings(ctx, 999); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("Settings(999): %v", err)
		}
	})
}
