// Package authztest helps tests of core/authz and of the code built on it:
// a GraphSource that reads org_edges with SQL, and fixtures that create
// tenants, org units, edges and users with plain SQL inserts.
package authztest

import (
	"context"
	"fmt"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// SQLGraph is an authz.GraphSource answering from the org_edges table with
// recursive queries, standing in for core/tenancy. Like tenancy, it treats
// the tenant's root unit (kind "tenant") as above every unit of the tenant,
// linked by edges or not.
type SQLGraph struct{ DB *storage.DB }

// AncestorsOrSelf returns unitID, every unit above it and the tenant's root,
// ascending; nothing if unitID is not a unit of the tenant.
func (g SQLGraph) AncestorsOrSelf(ctx context.Context, tenantID, unitID uint) ([]uint, error) {
	var ids []uint
	err := g.DB.WithContext(ctx).Raw(`WITH RECURSIVE up(id) AS (
	SELECT id FROM org_units WHERE id = ? AND tenant_id = ?
	UNION
	SELECT e.parent_id FROM org_edges e JOIN up ON e.child_id = up.id WHERE e.tenant_id = ?
) SELECT id FROM up
UNION
SELECT r.id FROM org_units r WHERE r.tenant_id = ? AND r.kind = 'tenant'
	AND EXISTS (SELECT 1 FROM org_units u WHERE u.id = ? AND u.tenant_id = ?)
ORDER BY id`, unitID, tenantID, tenantID, tenantID, unitID, tenantID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("ancestors of unit %d: %w", unitID, err)
	}
	return ids, nil
}

// Descendants returns every unit beneath unitID (for the root, every other
// unit of the tenant), ascending, not unitID itself.
func (g SQLGraph) Descendants(ctx context.Context, tenantID, unitID uint) ([]uint, error) {
	var ids []uint
	err := g.DB.WithContext(ctx).Raw(`WITH RECURSIVE down(id) AS (
	SELECT e.child_id FROM org_edges e WHERE e.parent_id = ? AND e.tenant_id = ?
	UNION
	SELECT e.child_id FROM org_edges e JOIN down ON e.parent_id = down.id WHERE e.tenant_id = ?
) SELECT id FROM down WHERE id <> ?
UNION
SELECT u.id FROM org_units u WHERE u.tenant_id = ? AND u.id <> ?
	AND EXISTS (SELECT 1 FROM org_units r WHERE r.id = ? AND r.tenant_id = ? AND r.kind = 'tenant')
ORDER BY id`, unitID, tenantID, tenantID, unitID, tenantID, unitID, unitID, tenantID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("descendants of unit %d: %w", unitID, err)
	}
	return ids, nil
}

func insert(t testing.TB, db *storage.DB, sql string, args ...any) uint {
	t.Helper()
	var id uint
	if err := db.Raw(sql+" RETURNING id", args...).Scan(&id).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return id
}

// Tenant creates a tenant and its root unit (kind "tenant").
func Tenant(t testing.TB, db *storage.DB, slug string) (tenantID, rootID uint) {
	t.Helper()
	tenantID = insert(t, db, `INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, slug, slug)
	rootID = Unit(t, db, tenantID, "tenant", slug)
	return tenantID, rootID
}

// Unit creates an org unit of kind in the tenant, linked under parents.
func Unit(t testing.TB, db *storage.DB, tenantID uint, kind, name string, parents ...uint) uint {
	t.Helper()
	id := insert(t, db, `INSERT INTO org_units (tenant_id, kind, name, phase, ofsted_grade, created_at, updated_at) VALUES (?, ?, ?, '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, tenantID, kind, name)
	for _, p := range parents {
		Edge(t, db, tenantID, p, id)
	}
	return id
}

// Edge links child under parent. It does not bump the org_graph revision:
// tests that change the graph of a running enforcer call BumpGraph.
func Edge(t testing.TB, db *storage.DB, tenantID, parent, child uint) {
	t.Helper()
	if err := db.Exec(`INSERT INTO org_edges (tenant_id, parent_id, child_id, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)`, tenantID, parent, child).Error; err != nil {
		t.Fatalf("edge %d→%d: %v", parent, child, err)
	}
}

// BumpGraph bumps the org_graph revision, as core/tenancy does on an edge change.
func BumpGraph(t testing.TB, db *storage.DB) {
	t.Helper()
	if err := storage.BumpRevision(db.DB, storage.RevisionOrgGraph); err != nil {
		t.Fatal(err)
	}
}

// User creates a user of the tenant.
func User(t testing.TB, db *storage.DB, tenantID uint, email string) uint {
	t.Helper()
	return insert(t, db, `INSERT INTO users (tenant_id, email, name, password_hash, is_operator, created_at, updated_at) VALUES (?, ?, ?, '', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, tenantID, email, email, false)
}
