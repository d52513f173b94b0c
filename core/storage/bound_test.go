package storage_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// twoTenants makes tenants alpha (one unit, one setting) and beta (two of
// each) and returns their ids.
func twoTenants(t *testing.T, db *storage.DB) [2]uint {
	t.Helper()
	var tenants [2]uint
	for i, slug := range []string{"alpha", "beta"} {
		if err := db.Raw("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES (?, ?, now(), now()) RETURNING id", slug, slug).Scan(&tenants[i]).Error; err != nil {
			t.Fatal(err)
		}
		for j := 0; j <= i; j++ {
			if err := db.Exec("INSERT INTO org_units (tenant_id, kind, name, created_at, updated_at) VALUES (?, 'school', ?, now(), now())", tenants[i], slug).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Exec("INSERT INTO tenant_settings (tenant_id, key, value, updated_at) VALUES (?, ?, 'x', now())", tenants[i], slug+string(rune('a'+j))).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	return tenants
}

// A unit of work bound to a tenant runs, through For, on a connection of its
// own as the tenant role with the tenant set: a deliberately unscoped query
// sees that tenant's rows alone in every tenant table, and a write for the
// other tenant is refused. Unbound, the core's login role sees every
// tenant's rows (its explicit policy); a plugin-like role sees none of the
// core's tables. Release makes the pooled connection the core's role again.
func TestBoundWorkSeesOneTenant(t *testing.T) {
	db, coreRole := ownedDatabase(t)
	ctx := context.Background()
	tenants := twoTenants(t, db)
	tables := tenantTables(t, db.DB)
	sqlDB, err := db.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	// One connection: the one bound is the one the pool hands out after.
	sqlDB.SetMaxOpenConns(2)
	sqlDB.SetMaxIdleConns(2)

	var all int64
	if err := db.Core(ctx).Raw("SELECT count(*) FROM org_units").Scan(&all).Error; err != nil || all != 3 {
		t.Fatalf("the core's role, unbound, sees %d units (%v), want 3", all, err)
	}
	if _, ok := storage.BoundTenant(ctx); ok {
		t.Fatal("a fresh context is bound")
	}
	for i, tid := range tenants {
		bctx, release, err := db.Bind(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := storage.BoundTenant(bctx); !ok || got != tid {
			t.Fatalf("bound to %d, %v; want %d", got, ok, tid)
		}
		g := db.For(bctx, tid)
		var who struct {
			User, Tenant string
			Pid          int
		}
		if err := g.Raw("SELECT current_user AS user, current_setting('upwards.tenant_id', true) AS tenant, pg_backend_pid() AS pid").Scan(&who).Error; err != nil {
			t.Fatal(err)
		}
		if who.User != storage.TenantRole || who.Tenant == "" {
			t.Fatalf("bound work runs as %q for tenant %q", who.User, who.Tenant)
		}
		for _, table := range tables {
			var other, mine int64
			q := "SELECT count(*) FILTER (WHERE tenant_id <> ?), count(*) FILTER (WHERE tenant_id = ?) FROM " + g.Statement.Quote(table)
			if err := g.Raw(q, tid, tid).Row().Scan(&other, &mine); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			if other != 0 {
				t.Errorf("tenant %d sees %d rows of another tenant in %s", tid, other, table)
			}
			if (table == "org_units" || table == "tenant_settings") && mine != int64(i+1) {
				t.Errorf("tenant %d sees %d of its rows in %s, want %d", tid, mine, table, i+1)
			}
		}
		// gorm's own unscoped statements, as a forgetful service would write them.
		var units []struct{ TenantID uint }
		if err := db.For(bctx, tid).Table("org_units").Find(&units).Error; err != nil || len(units) != i+1 {
			t.Errorf("tenant %d: unscoped Find gave %d units (%v)", tid, len(units), err)
		}
		// A transaction on the binding stays on it; ActAs inside is harmless.
		err = db.For(bctx, tid).Transaction(func(tx *gorm.DB) error {
			if err := storage.ActAs(tx, db.Dialect, tid); err != nil {
				return err
			}
			var pid int
			if err := tx.Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
				return err
			}
			if pid != who.Pid {
				t.Errorf("the transaction ran on connection %d, not the bound %d", pid, who.Pid)
			}
			err := tx.Exec("INSERT INTO org_units (tenant_id, kind, name, created_at, updated_at) VALUES (?, 'school', 'planted', now(), now())", tenants[1-i]).Error
			if err == nil || !strings.Contains(err.Error(), "row-level security") {
				t.Errorf("tenant %d wrote a unit of tenant %d: %v", tid, tenants[1-i], err)
			}
			return err
		})
		if err == nil {
			t.Error("the planted write committed")
		}
		// Still bound after the transaction.
		var after string
		if err := db.For(bctx, tid).Raw("SELECT current_user").Scan(&after).Error; err != nil || after != storage.TenantRole {
			t.Errorf("after a transaction the binding runs as %q (%v)", after, err)
		}
		// Another tenant through the binding: refused, never the pool.
		var n int64
		err = db.For(bctx, tenants[1-i]).Table("org_units").Count(&n).Error
		if !errors.Is(err, storage.ErrOtherTenant) {
			t.Errorf("asking a binding of %d for tenant %d: %v", tid, tenants[1-i], err)
		}
		err = db.For(bctx, tenants[1-i]).Transaction(func(*gorm.DB) error { return nil })
		if !errors.Is(err, storage.ErrOtherTenant) {
			t.Errorf("a transaction for another tenant: %v", err)
		}
		// Core is the explicit escape, bound or not.
		if err := db.Core(bctx).Raw("SELECT count(*) FROM org_units").Scan(&all).Error; err != nil || all != 3 {
			t.Errorf("Core in bound work sees %d units (%v), want 3", all, err)
		}
		// One binding per unit of work.
		if _, _, err := db.Bind(bctx, tid); err == nil {
			t.Error("bound twice")
		}
		release()
		release() // idempotent

		// The pool's connections, the one just released among them, are the
		// core's own role with no tenant.
		seen := false
		for range 4 {
			err := db.Core(ctx).Connection(func(c *gorm.DB) error {
				var back struct {
					User   string
					Tenant *string
					Pid    int
				}
				if err := c.Raw("SELECT current_user AS user, current_setting('upwards.tenant_id', true) AS tenant, pg_backend_pid() AS pid").Scan(&back).Error; err != nil {
					return err
				}
				seen = seen || back.Pid == who.Pid
				if back.User != coreRole || (back.Tenant != nil && *back.Tenant != "") {
					t.Errorf("after release the pool runs as %q with tenant %v", back.User, back.Tenant)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if !seen {
			t.Log("the released connection was not handed out again (pool reuse not observed)")
		}
	}
	if _, _, err := db.Bind(ctx, 0); err == nil {
		t.Error("bound to no tenant")
	}

	// A plugin's role (LOGIN, CONNECT on the database and nothing else, as
	// provisioning leaves it) reads none of the core's tables.
	plugin := coreRole + "_plugin"
	for _, s := range []string{
		"CREATE ROLE " + plugin + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'pw'",
		"GRANT CONNECT ON DATABASE " + coreRole + " TO " + plugin,
	} {
		if err := db.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		a, err := storage.Open(context.Background(), storagetest.AdminURL(), nil)
		if err == nil {
			_ = a.Exec("DROP OWNED BY " + plugin + " CASCADE").Error
			_ = a.Exec("DROP ROLE IF EXISTS " + plugin).Error
			a.Close()
		}
	})
	u, err := url.Parse(storagetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(plugin, "pw")
	u.Path = "/" + coreRole
	pdb, err := storage.Open(ctx, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pdb.Close()
	for _, table := range tables {
		var n int64
		err := pdb.Raw("SELECT count(*) FROM public." + pdb.Statement.Quote(table)).Scan(&n).Error
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("a plugin's role reads %s: %d rows, %v", table, n, err)
		}
	}
}

// On SQLite nothing is bound: Bind returns the context as it was and For is
// the pool, exactly as before.
func TestBindOnSQLiteIsANoOp(t *testing.T) {
	db := storagetest.Open(t, storage.SQLite)
	ctx := context.Background()
	bctx, release, err := db.Bind(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if bctx != ctx {
		t.Error("Bind changed the context on SQLite")
	}
	if _, ok := storage.BoundTenant(bctx); ok {
		t.Error("bound on SQLite")
	}
	var n int64
	if err := db.For(bctx, 8).Table("org_units").Count(&n).Error; err != nil {
		t.Error(err)
	}
}

// Leaf work (a plugin's Host call) binds without a bound slot: with every
// slot held by requests that wait on it, it still gets its connection.
func TestLeafWorkBindsWhileEverySlotIsHeld(t *testing.T) {
	db, _ := ownedDatabase(t)
	ctx := context.Background()
	tenants := twoTenants(t, db)
	var releases []func()
	defer func() {
		for _, r := range releases {
			r()
		}
	}()
	for range storage.MaxBoundForTest {
		_, release, err := db.Bind(ctx, tenants[0])
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if _, _, err := db.Bind(short, tenants[1]); err == nil {
		t.Fatal("a request bound beyond the slots")
	}
	lctx, release, err := db.BindLeaf(ctx, tenants[1])
	if err != nil {
		t.Fatalf("leaf work with every slot held: %v", err)
	}
	defer release()
	var tid uint
	if err := db.For(lctx, tenants[1]).Raw("SELECT current_setting('" + storage.TenantSetting + "')::bigint").Scan(&tid).Error; err != nil || tid != tenants[1] {
		t.Errorf("leaf work bound to %d (%v), want %d", tid, err, tenants[1])
	}
}
