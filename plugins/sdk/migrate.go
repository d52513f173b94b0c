package sdk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// schemaMigration is one applied step, in a bookkeeping table.
type schemaMigration struct {
	Version   int       `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"size:200;not null"`
	AppliedAt time.Time `gorm:"not null"`
}

// Bookkeeping tables: the plugin's steps, and the SDK's own (its audit
// outbox), numbered apart so that a plugin's numbering is its own.
const (
	pluginMigrationsTable = "plugin_schema_migrations"
	sdkMigrationsTable    = "upwards_sdk_schema_migrations"
)

// checkMigrations sorts the steps and refuses a bad list.
func checkMigrations(ms []Migration) ([]Migration, error) {
	out := slices.Clone(ms)
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		switch {
		case m.Version <= 0:
			return nil, fmt.Errorf("migration %q has version %d: versions start at 1", m.Name, m.Version)
		case m.Up == nil:
			return nil, fmt.Errorf("migration %d (%s) has no Up function", m.Version, m.Name)
		case i > 0 && out[i-1].Version == m.Version:
			return nil, fmt.Errorf("migration version %d is used twice (%s, %s)", m.Version, out[i-1].Name, m.Name)
		}
	}
	return out, nil
}

// latest is the highest migration version, 0 for none.
func latest(ms []Migration) int {
	v := 0
	for _, m := range ms {
		v = max(v, m.Version)
	}
	return v
}

// migrate applies, in order, every step above the storage's current
// version, each in its own transaction with its bookkeeping row in table,
// and returns the version before and after. Storage a newer build already
// took further is left alone.
func migrate(ctx context.Context, db *gorm.DB, table string, steps []Migration) (from, to int, err error) {
	steps, err = checkMigrations(steps)
	if err != nil {
		return 0, 0, err
	}
	db = unscoped(db.WithContext(ctx))
	book := func(tx *gorm.DB) *gorm.DB { return tx.Table(table) }
	if !book(db).Migrator().HasTable(table) {
		if err := book(db).Migrator().CreateTable(&schemaMigration{}); err != nil {
			return 0, 0, fmt.Errorf("create %s: %w", table, err)
		}
	}
	current := func() (int, error) {
		var v *int
		if err := book(db).Select("MAX(version)").Scan(&v).Error; err != nil {
			return 0, fmt.Errorf("read storage version: %w", err)
		}
		if v == nil {
			return 0, nil
		}
		return *v, nil
	}
	from, err = current()
	if err != nil {
		return 0, 0, err
	}
	to = from
	if s := scoperOf(db); s != nil {
		defer s.forget()
	}
	for _, m := range steps {
		if m.Version <= to {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := m.Up(tx); err != nil {
				return err
			}
			return book(tx).Create(&schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return from, to, fmt.Errorf("migration %d (%s) failed; storage left at version %d: %w", m.Version, m.Name, to, err)
		}
		to = m.Version
	}
	return from, to, nil
}
