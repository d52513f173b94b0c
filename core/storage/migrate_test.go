package storage_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// migrationsBefore lists the core migrations before version: the history
// a binary of that time knew.
func migrationsBefore(version int) []storage.Migration {
	var before []storage.Migration
	for _, m := range storage.CoreMigrations() {
		if m.Version < version {
			before = append(before, m)
		}
	}
	return before
}

// upBefore applies the core migrations before version, as an install of
// that time had them, so a test can write rows of that time before the rest.
func upBefore(t *testing.T, db *storage.DB, version int) {
	t.Helper()
	m, err := storage.NewMigrator(db, migrationsBefore(version))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func eachEmpty(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, storagetest.OpenEmpty(t, d)) })
	}
}

func TestMigrateUpDownUp(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m, err := storage.NewMigrator(db, storage.CoreMigrations())
		if err != nil {
			t.Fatal(err)
		}
		applied, err := m.Up(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != len(storage.CoreMigrations()) {
			t.Fatalf("applied %v", applied)
		}
		if !db.Migrator().HasTable("org_units") || !db.Migrator().HasTable("audit_events") {
			t.Fatal("tables missing after up")
		}
		again, err := m.Up(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second up applied %v, %v", again, err)
		}
		reverted, err := m.Down(ctx, len(applied))
		if err != nil {
			t.Fatal(err)
		}
		if len(reverted) != len(applied) || db.Migrator().HasTable("org_units") {
			t.Fatalf("down reverted %v; org_units still there: %v", reverted, db.Migrator().HasTable("org_units"))
		}
		if n, _ := m.Pending(ctx); n != len(applied) {
			t.Fatalf("pending after down = %d", n)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("up after down: %v", err)
		}
		st, err := m.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if !s.Applied || s.AppliedAt == nil {
				t.Errorf("migration %d not applied after up/down/up", s.Version)
			}
		}
	})
}

func TestFailingMigrationWritesNothing(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		broken := storage.Migration{
			Version: 99, Name: "broken",
			Up: func(tx *gorm.DB, _ storage.Dialect) error {
				if err := tx.Exec("CREATE TABLE half_done (id integer primary key)").Error; err != nil {
					return err
				}
				return errors.New("deliberate failure after creating a table")
			},
			Down: func(tx *gorm.DB, _ storage.Dialect) error { return nil },
		}
		m, err := storage.NewMigrator(db, append(storage.CoreMigrations(), broken))
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Up(ctx)
		if err == nil || !strings.Contains(err.Error(), "migration 99 broken") {
			t.Fatalf("want error naming the migration, got %v", err)
		}
		if db.Migrator().HasTable("half_done") {
			t.Fatal("failed migration left its table behind")
		}
		st, _ := m.Status(ctx)
		for _, s := range st {
			if s.Version == 99 && s.Applied {
				t.Fatal("failed migration recorded as applied")
			}
			if s.Version < 99 && !s.Applied {
				t.Fatalf("earlier migration %d should have been applied", s.Version)
			}
		}
	})
}

func TestConcurrentMigratorsApplyOnce(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := storagetest.URL(t, d)
			var wg sync.WaitGroup
			results := make([][]int, 3)
			errs := make([]error, 3)
			for i := range results {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					db, err := storage.Open(ctx, url, nil)
					if err != nil {
						errs[i] = err
						return
					}
					defer db.Close()
					m, _ := storage.NewMigrator(db, storage.CoreMigrations())
					results[i], errs[i] = m.Up(ctx)
				}(i)
			}
			wg.Wait()
			total := 0
			for i := range results {
				if errs[i] != nil {
					t.Fatalf("migrator %d: %v", i, errs[i])
				}
				total += len(results[i])
			}
			if total != len(storage.CoreMigrations()) {
				t.Fatalf("migrations applied %d times in all, want %d: %v", total, len(storage.CoreMigrations()), results)
			}
		})
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		if err := db.Exec("INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('t', 'T', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("INSERT INTO audit_events (tenant_id, action, created_at) VALUES (1, 'x', CURRENT_TIMESTAMP)").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE audit_events SET action = 'y'").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("update of audit row: %v", err)
		}
		if err := db.Exec("DELETE FROM audit_events").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("delete of audit row: %v", err)
		}
	})
}

func TestRevisionBump(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if v, err := storage.CurrentRevision(ctx, db.DB, "k"); err != nil || v != 0 {
			t.Fatalf("fresh revision %d %v", v, err)
		}
		for i := 0; i < 3; i++ {
			if err := storage.BumpRevision(db.DB, "k"); err != nil {
				t.Fatal(err)
			}
		}
		if v, _ := storage.CurrentRevision(ctx, db.DB, "k"); v != 3 {
			t.Fatalf("revision after 3 bumps = %d", v)
		}
	})
}

// NoteTenantChange bumps several keys in one statement, each once however
// often it is named, new keys and known ones alike.
func TestNoteTenantChangeBumpsEachKeyOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b, c := storage.TenantChangesKey(7), storage.UserChangesKey(7, 3, ""), storage.TenantErasuresKey(7)
		if err := storage.NoteTenantChange(ctx, db.DB, a); err != nil {
			t.Fatal(err)
		}
		if err := storage.NoteTenantChange(ctx, db.DB, b, a, b); err != nil {
			t.Fatal(err)
		}
		if err := storage.NoteTenantChange(ctx, db.DB); err != nil {
			t.Fatalf("no key: %v", err)
		}
		got, err := storage.Revisions(ctx, db.DB, a, b, c)
		if err != nil {
			t.Fatal(err)
		}
		if got[a] != 2 || got[b] != 1 || got[c] != 0 {
			t.Errorf("revisions %v; want %s 2, %s 1, %s 0", got, a, b, c)
		}
	})
}
