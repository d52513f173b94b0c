package sdk

import (
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"
)

func TestMigrateAppliesEachStepOnceAndAFailureLeavesThePreviousSchema(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		db := openTest(t, d)
		ctx := t.Context()
		type thingsV1 struct {
			ID       uint64 `gorm:"primaryKey"`
			TenantID uint64
		}
		steps := []Migration{
			{Version: 2, Name: "add name", Up: func(tx *gorm.DB) error {
				return tx.Exec("ALTER TABLE things_v1 ADD COLUMN name TEXT").Error
			}},
			{Version: 1, Name: "create things", Up: func(tx *gorm.DB) error { return tx.Migrator().CreateTable(&thingsV1{}) }},
		}
		from, to, err := migrate(ctx, db, pluginMigrationsTable, steps)
		if err != nil || from != 0 || to != 2 {
			t.Fatalf("first migrate: %d → %d, %v", from, to, err)
		}
		from, to, err = migrate(ctx, db, pluginMigrationsTable, steps)
		if err != nil || from != 2 || to != 2 {
			t.Fatalf("second migrate is not a no-op: %d → %d, %v", from, to, err)
		}
		// Step 3 creates a table and then fails: the table must not survive.
		bad := append(steps, Migration{Version: 3, Name: "half done", Up: func(tx *gorm.DB) error {
			if err := tx.Exec("CREATE TABLE leftovers (id INTEGER PRIMARY KEY)").Error; err != nil {
				return err
			}
			return errors.New("boom")
		}})
		from, to, err = migrate(ctx, db, pluginMigrationsTable, bad)
		if err == nil || !strings.Contains(err.Error(), "migration 3 (half done) failed; storage left at version 2") || from != 2 || to != 2 {
			t.Fatalf("failing migrate: %d → %d, %v", from, to, err)
		}
		if unscoped(db).Migrator().HasTable("leftovers") {
			t.Fatal("the failed migration's table survived")
		}
		var versions []int
		unscoped(db).Table(pluginMigrationsTable).Order("version").Pluck("version", &versions)
		if len(versions) != 2 || versions[1] != 2 {
			t.Fatalf("bookkeeping = %v", versions)
		}
		// A build that knows fewer steps (a downgrade) leaves the storage alone.
		from, to, err = migrate(ctx, db, pluginMigrationsTable, steps[1:])
		if err != nil || from != 2 || to != 2 {
			t.Fatalf("older build: %d → %d, %v", from, to, err)
		}
		// The fixed step 3 then applies.
		good := append(steps, Migration{Version: 3, Name: "fixed", Up: func(tx *gorm.DB) error {
			return tx.Exec("CREATE TABLE leftovers (id INTEGER PRIMARY KEY)").Error
		}})
		if from, to, err = migrate(ctx, db, pluginMigrationsTable, good); err != nil || from != 2 || to != 3 {
			t.Fatalf("fixed migrate: %d → %d, %v", from, to, err)
		}
	})
}

func TestMigrationListsAreChecked(t *testing.T) {
	up := func(*gorm.DB) error { return nil }
	for name, ms := range map[string][]Migration{
		"zero version": {{Version: 0, Name: "a", Up: up}},
		"no up":        {{Version: 1, Name: "a"}},
		"duplicate":    {{Version: 1, Name: "a", Up: up}, {Version: 1, Name: "b", Up: up}},
	} {
		if _, err := checkMigrations(ms); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
