package tenancy

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
)

// checkSlug returns a problem with a tenant slug, or "".
func checkSlug(slug string) string {
	if len(slug) < 2 || len(slug) > 63 {
		return "a slug is 2 to 63 characters"
	}
	for i := 0; i < len(slug); i++ {
		c := slug[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "a slug uses only lower-case letters a-z, digits and hyphens"
		}
	}
	if slug[0] == '-' || slug[len(slug)-1] == '-' {
		return "a slug cannot start or end with a hyphen"
	}
	return ""
}

// tenantCreated is what the audit log records for a new tenant.
type tenantCreated struct {
	Tenant
	Hosts      []string `json:"hosts"`
	RootUnitID uint     `json:"root_unit_id"`
}

// CreateTenant creates a tenant, its root unit (named like the tenant) and
// its host names. slug is 2-63 characters of a-z, 0-9 and inner hyphens;
// hosts are lower-cased and stripped of any port, and each may belong to one
// tenant only. A taken slug or host gives ErrConflict.
func (s *Service) CreateTenant(ctx context.Context, slug, name string, hosts []string) (Tenant, error) {
	slug = strings.TrimSpace(slug)
	name = strings.TrimSpace(name)
	var errs FieldErrors
	if msg := checkSlug(slug); msg != "" {
		errs.Add("slug", "%s", msg)
	}
	if msg := checkName(name); msg != "" {
		errs.Add("name", "%s", msg)
	}
	hs, err := normalizeHosts(hosts)
	if err != nil {
		errs = append(errs, *err)
	}
	if len(errs) > 0 {
		return Tenant{}, errs
	}
	var t Tenant
	err2 := s.core(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Tenant{}).Where("slug = ?", slug).Count(&n).Error; err != nil {
			return fmt.Errorf("check slug: %w", err)
		}
		if n > 0 {
			return conflict("slug", "the slug %q is already taken by another tenant", slug)
		}
		for _, h := range hs {
			if err := hostFree(tx, h); err != nil {
				return err
			}
		}
		t = Tenant{Slug: slug, Name: name}
		if err := tx.Create(&t).Error; err != nil {
			return dbErr(err, "create tenant %s", slug)
		}
		root := Unit{TenantID: t.ID, Kind: KindTenant, Name: name}
		if err := tx.Create(&root).Error; err != nil {
			return dbErr(err, "create root unit of tenant %s", slug)
		}
		for _, h := range hs {
			if err := tx.Create(&tenantHost{Host: h, TenantID: t.ID}).Error; err != nil {
				return dbErr(err, "add host %s", h)
			}
		}
		if err := record(ctx, tx, t.ID, "tenant.create", entityTenant, idString(t.ID), nil,
			tenantCreated{Tenant: t, Hosts: hs, RootUnitID: root.ID}); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, "orgunit.create", entityUnit, idString(root.ID), nil, root); err != nil {
			return err
		}
		return storage.BumpRevision(tx, storage.RevisionOrgGraph)
	})
	if err2 != nil {
		return Tenant{}, fmt.Errorf("create tenant %q: %w", slug, err2)
	}
	return t, nil
}

// ListTenants returns every tenant, by name.
func (s *Service) ListTenants(ctx context.Context) ([]Tenant, error) {
	var out []Tenant
	if err := s.core(ctx).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// TenantBySlug returns the tenant with this slug (case-insensitive), or ErrNotFound.
func (s *Service) TenantBySlug(ctx context.Context, slug string) (Tenant, error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	var t Tenant
	if err := s.core(ctx).Where("slug = ?", slug).Take(&t).Error; err != nil {
		return Tenant{}, dbErr(err, "tenant %q", slug)
	}
	return t, nil
}

// TenantByID returns the tenant with this id, or ErrNotFound.
func (s *Service) TenantByID(ctx context.Context, id uint) (Tenant, error) {
	var t Tenant
	if err := s.core(ctx).Where("id = ?", id).Take(&t).Error; err != nil {
		return Tenant{}, dbErr(err, "tenant %d", id)
	}
	return t, nil
}
