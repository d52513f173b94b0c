package tenancy_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

type fixture struct {
	t   *testing.T
	db  *storage.DB
	svc *tenancy.Service
	ctx context.Context
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	return &fixture{t: t, db: db, svc: tenancy.NewService(db), ctx: context.Background()}
}

func (f *fixture) tenant(slug string, hosts ...string) tenancy.Tenant {
	f.t.Helper()
	tn, err := f.svc.CreateTenant(f.ctx, slug, "Tenant "+slug, hosts)
	if err != nil {
		f.t.Fatalf("create tenant %s: %v", slug, err)
	}
	return tn
}

func (f *fixture) unit(tenantID uint, in tenancy.UnitInput) tenancy.Unit {
	f.t.Helper()
	u, err := f.svc.CreateUnit(f.ctx, tenantID, in)
	if err != nil {
		f.t.Fatalf("create unit %+v: %v", in, err)
	}
	return u
}

func (f *fixture) school(tenantID uint, name, urn string) tenancy.Unit {
	f.t.Helper()
	return f.unit(tenantID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: name, URN: urn, Phase: "primary"})
}

func (f *fixture) group(tenantID uint, kind tenancy.Kind, name string) tenancy.Unit {
	f.t.Helper()
	return f.unit(tenantID, tenancy.UnitInput{Kind: kind, Name: name})
}

func (f *fixture) link(tenantID, parent, child uint) {
	f.t.Helper()
	if err := f.svc.Link(f.ctx, tenantID, parent, child); err != nil {
		f.t.Fatalf("link %d→%d: %v", parent, child, err)
	}
}

func (f *fixture) count(table string) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Table(table).Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) revision() int64 {
	f.t.Helper()
	r, err := storage.CurrentRevision(f.ctx, f.db.DB, storage.RevisionOrgGraph)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// snapshot counts every table a tenancy change may write, plus the graph revision.
type snapshot struct{ tenants, hosts, settings, units, edges, audit, rev int64 }

func (f *fixture) snap() snapshot {
	f.t.Helper()
	return snapshot{f.count("tenants"), f.count("tenant_hosts"), f.count("tenant_settings"),
		f.count("org_units"), f.count("org_edges"), f.count("audit_events"), f.revision()}
}

// refused asserts err is non-nil and matches want (ErrNotFound, ErrConflict,
// or nil for "a validation error on field"), and that nothing was written.
func (f *fixture) refused(before snapshot, err error, want error, field string) {
	f.t.Helper()
	if err == nil {
		f.t.Fatalf("change accepted, want refusal")
	}
	if want != nil && !errors.Is(err, want) {
		f.t.Fatalf("error %v, want %v", err, want)
	}
	if field != "" {
		var ve *tenancy.ValidationError
		if !errors.As(err, &ve) || ve.Field != field {
			f.t.Fatalf("error %v: want a validation error on field %q, got %+v", err, field, ve)
		}
		if ve.Message == "" {
			f.t.Fatalf("validation error without a message: %v", err)
		}
	}
	if after := f.snap(); after != before {
		f.t.Fatalf("refused change wrote data: before %+v after %+v (err %v)", before, after, err)
	}
}

// lastAudit returns the newest audit event.
func (f *fixture) lastAudit() auditRow {
	f.t.Helper()
	var e auditRow
	if err := f.db.Table("audit_events").Order("id DESC").Take(&e).Error; err != nil {
		f.t.Fatal(err)
	}
	return e
}

type auditRow struct {
	ID         uint
	TenantID   uint
	Action     string
	EntityType string
	EntityID   string
	Before     string
	After      string
}

func ptr[T any](v T) *T { return &v }

func idStr(id uint) string { return strconv.FormatUint(uint64(id), 10) }
