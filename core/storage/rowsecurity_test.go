package storage_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// ownedDatabase makes a database owned by a fresh LOGIN role that is no
// superuser (CREATEROLE, as the core's production role is), migrates it as
// that role and returns it open as that role: a superuser would bypass
// row-level security, so the tests act as production does.
func ownedDatabase(t *testing.T) (*storage.DB, string) {
	t.Helper()
	ctx := context.Background()
	admin, err := storage.Open(ctx, storagetest.AdminURL(), nil)
	if err != nil {
		t.Fatalf("PostgreSQL is required: %v", err)
	}
	defer admin.Close()
	var b [5]byte
	_, _ = rand.Read(b[:])
	role := "c4core_" + hex.EncodeToString(b[:])
	for _, s := range []string{
		"CREATE ROLE " + role + " LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS PASSWORD 'pw'",
		"CREATE DATABASE " + role + " OWNER " + role,
	} {
		if err := admin.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		a, err := storage.Open(context.Background(), storagetest.AdminURL(), nil)
		if err != nil {
			return
		}
		defer a.Close()
		_ = a.Exec("DROP DATABASE IF EXISTS " + role + " WITH (FORCE)").Error
		_ = a.Exec("DROP ROLE IF EXISTS " + role).Error
	})
	u, err := url.Parse(storagetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, "pw")
	u.Path = "/" + role
	db, err := storage.Open(ctx, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	m, err := storage.NewMigrator(db, storage.CoreMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrate as %s: %v", role, err)
	}
	return db, role
}

// tenantTables lists the tables of schema public with a tenant_id column.
func tenantTables(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var tables []string
	if err := db.Raw(`SELECT table_name FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1`).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	if len(tables) < 10 {
		t.Fatalf("only %d tenant tables: %v", len(tables), tables)
	}
	return tables
}

// Every core table with a tenant_id column has row-level security forced,
// with the tenant's policy and the core role's.
func TestEveryTenantTableIsGuarded(t *testing.T) {
	db, _ := ownedDatabase(t)
	for _, table := range tenantTables(t, db.DB) {
		var g struct {
			Enabled, Forced bool
			Policies        string
		}
		if err := db.Raw(`SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
			(SELECT string_agg(polname, ',' ORDER BY polname) FROM pg_policy WHERE polrelid = c.oid) AS policies
			FROM pg_class c WHERE c.oid = ('public.' || ?)::regclass`, table).Scan(&g).Error; err != nil {
			t.Fatal(err)
		}
		if !g.Enabled || !g.Forced || g.Policies != "upwards_core,upwards_tenant" {
			t.Errorf("%s: row security enabled %v, forced %v, policies %q", table, g.Enabled, g.Forced, g.Policies)
		}
	}
}

// A deliberately unscoped query, run as the core's tenant role, sees only
// the acting tenant's rows in every tenant table, cannot write another
// tenant's, and sees nothing with no tenant set; the core's own role (the
// documented escape, for migrations and cross-tenant jobs) sees all.
func TestRowSecurityAsTheCoreTenantRole(t *testing.T) {
	db, _ := ownedDatabase(t)
	ctx := context.Background()
	var tenants [2]uint
	for i, slug := range []string{"alpha", "beta"} {
		if err := db.Raw("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, now(), now()) RETURNING id", slug, slug).Scan(&tenants[i]).Error; err != nil {
			t.Fatal(err)
		}
		for j := 0; j <= i; j++ { // alpha one school, beta two
			if err := db.Exec("INSERT INTO org_units (tenant_id, kind, name, created_at, updated_at) VALUES (?, 'school', ?, now(), now())", tenants[i], slug).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Exec("INSERT INTO tenant_settings (tenant_id, key, value, updated_at) VALUES (?, ?, 'x', now())", tenants[i], slug+string(rune('a'+j))).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	tables := tenantTables(t, db.DB)
	var all int64
	if err := db.Raw("SELECT count(*) FROM org_units").Scan(&all).Error; err != nil || all != 3 {
		t.Fatalf("the core's role sees %d units (%v), want 3", all, err)
	}
	for i, tid := range tenants {
		err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := storage.ActAs(tx, db.Dialect, tid); err != nil {
				return err
			}
			var who string
			if err := tx.Raw("SELECT current_user").Scan(&who).Error; err != nil || who != storage.TenantRole {
				t.Errorf("acting as %q (%v)", who, err)
			}
			for _, table := range tables {
				var other, mine int64
				q := "SELECT count(*) FILTER (WHERE tenant_id <> ?), count(*) FILTER (WHERE tenant_id = ?) FROM " + tx.Statement.Quote(table)
				if err := tx.Raw(q, tid, tid).Row().Scan(&other, &mine); err != nil {
					return err
				}
				if other != 0 {
					t.Errorf("tenant %d sees %d rows of another tenant in %s", tid, other, table)
				}
				if table == "org_units" && mine != int64(i+1) {
					t.Errorf("tenant %d sees %d of its units, want %d", tid, mine, i+1)
				}
			}
			// A write for the other tenant is refused by the policy.
			if err := tx.Exec("SAVEPOINT w").Error; err != nil {
				return err
			}
			err := tx.Exec("INSERT INTO org_units (tenant_id, kind, name, created_at, updated_at) VALUES (?, 'school', 'planted', now(), now())", tenants[1-i]).Error
			if err == nil || !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("tenant %d wrote a unit of tenant %d: %v", tid, tenants[1-i], err)
			}
			return tx.Exec("ROLLBACK TO SAVEPOINT w").Error
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The tenant role with no tenant set sees nothing at all.
	errNone := errors.New("rolled back")
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL ROLE " + storage.TenantRole).Error; err != nil {
			return err
		}
		for _, table := range tables {
			var n int64
			if err := tx.Raw("SELECT count(*) FROM " + tx.Statement.Quote(table)).Scan(&n).Error; err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("with no tenant set, %s shows %d rows", table, n)
			}
		}
		return errNone
	})
	if !errors.Is(err, errNone) {
		t.Fatal(err)
	}
	// ActAs refuses to act for no tenant.
	if err := db.Transaction(func(tx *gorm.DB) error { return storage.ActAs(tx, db.Dialect, 0) }); err == nil {
		t.Error("ActAs acted for tenant 0")
	}
	// Outside the transaction the connection is the core's role again.
	var who string
	if err := db.Raw("SELECT current_user").Scan(&who).Error; err != nil || who == storage.TenantRole {
		t.Errorf("after the transaction the pool acts as %q (%v)", who, err)
	}
}
