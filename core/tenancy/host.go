package tenancy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// NormalizeHost reduces a Host header or configured host name to the form
// stored in tenant_hosts: trimmed, lower case, without port, brackets or a
// trailing dot ("Example.ORG:8080" → "example.org", "[::1]:80" → "::1").
func NormalizeHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(h, ".")
}

// checkHost returns a problem with a normalised host name, or "".
func checkHost(h string) string {
	if h == "" {
		return "a host name cannot be empty"
	}
	if net.ParseIP(h) != nil {
		return ""
	}
	if len(h) > 253 {
		return fmt.Sprintf("the host name %s is longer than 253 characters", quote(h))
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Sprintf("%s is not a valid host name", quote(h))
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("%s is not a valid host name", quote(h))
			}
		}
	}
	return ""
}

// normalizeHosts normalises, checks and de-duplicates hosts.
func normalizeHosts(hosts []string) ([]string, *ValidationError) {
	seen := map[string]bool{}
	out := []string{}
	for _, raw := range hosts {
		h := NormalizeHost(raw)
		if msg := checkHost(h); msg != "" {
			return nil, &ValidationError{Field: "hosts", Message: msg}
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out, nil
}

// hostFree returns a conflict naming the tenant that already has host h.
func hostFree(tx *gorm.DB, h string) error {
	var owner Tenant
	err := tx.Where("id = (SELECT tenant_id FROM tenant_hosts WHERE host = ?)", h).Take(&owner).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check host %s: %w", h, err)
	}
	return conflict("hosts", "the host %s already belongs to the tenant %q", h, owner.Slug)
}

// TenantHosts returns the tenant's host names, sorted; ErrNotFound if there is no such tenant.
func (s *Service) TenantHosts(ctx context.Context, tenantID uint) ([]string, error) {
	db := s.read(ctx, tenantID)
	if err := tenantExists(db, tenantID); err != nil {
		return nil, err
	}
	out := []string{}
	if err := db.Model(&tenantHost{}).Where("tenant_id = ?", tenantID).Order("host").Pluck("host", &out).Error; err != nil {
		return nil, fmt.Errorf("list hosts of tenant %d: %w", tenantID, err)
	}
	return out, nil
}

// ResolveHost returns the tenant serving host (a Host header: any port is
// ignored, case too), or ErrNotFound.
func (s *Service) ResolveHost(ctx context.Context, host string) (Tenant, error) {
	h := NormalizeHost(host)
	if h == "" {
		return Tenant{}, notFound("tenant for an empty host")
	}
	var t Tenant
	err := s.core(ctx).Where("id = (SELECT tenant_id FROM tenant_hosts WHERE host = ?)", h).Take(&t).Error
	if err != nil {
		return Tenant{}, dbErr(err, "tenant for host %s", h)
	}
	return t, nil
}

// AddHost makes host (normalised) serve the tenant; ErrConflict if another
// tenant has it, nothing happens if this tenant already has it.
func (s *Service) AddHost(ctx context.Context, tenantID uint, host string) error {
	hs, verr := normalizeHosts([]string{host})
	if verr != nil {
		return FieldErrors{*verr}
	}
	h := hs[0]
	// As the core's role: whether another tenant has the host is the point.
	err := s.core(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := lockTenant(tx, tenantID)
		if err != nil {
			return err
		}
		var mine int64
		if err := tx.Model(&tenantHost{}).Where("host = ? AND tenant_id = ?", h, tenantID).Count(&mine).Error; err != nil {
			return fmt.Errorf("check host: %w", err)
		}
		if mine > 0 {
			return nil
		}
		if err := hostFree(tx, h); err != nil {
			return err
		}
		row := tenantHost{Host: h, TenantID: tenantID}
		if err := tx.Create(&row).Error; err != nil {
			return dbErr(err, "add host")
		}
		return record(ctx, tx, t.ID, "tenant.host_add", entityTenant, idString(t.ID), nil, row)
	})
	if err != nil {
		return fmt.Errorf("add host %s to tenant %d: %w", h, tenantID, err)
	}
	return nil
}

// RemoveHost stops host serving the tenant; ErrNotFound if it does not.
func (s *Service) RemoveHost(ctx context.Context, tenantID uint, host string) error {
	h := NormalizeHost(host)
	err := s.write(ctx, tenantID, func(tx *gorm.DB) error {
		if _, err := lockTenant(tx, tenantID); err != nil {
			return err
		}
		var row tenantHost
		if err := tx.Where("host = ? AND tenant_id = ?", h, tenantID).Take(&row).Error; err != nil {
			return dbErr(err, "host")
		}
		if err := tx.Where("host = ? AND tenant_id = ?", h, tenantID).Delete(&tenantHost{}).Error; err != nil {
			return fmt.Errorf("delete host: %w", err)
		}
		return record(ctx, tx, tenantID, "tenant.host_remove", entityTenant, idString(tenantID), row, nil)
	})
	if err != nil {
		return fmt.Errorf("remove host %s from tenant %d: %w", h, tenantID, err)
	}
	return nil
}
