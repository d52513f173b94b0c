package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"syscall"
	"time"

	"gorm.io/gorm"
)

// Migration is one versioned, reversible change to the core schema. Up and
// Down each run inside a transaction together with the bookkeeping row, so a
// failing migration leaves the schema exactly as it was.
type Migration struct {
	Version int
	Name    string
	Up      func(tx *gorm.DB, d Dialect) error
	Down    func(tx *gorm.DB, d Dialect) error
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int
	Name      string
	Applied   bool
	AppliedAt *time.Time
}

type schemaMigration struct {
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:200;not null"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrator applies a list of migrations to a DB.
type Migrator struct {
	db         *DB
	migrations []Migration
}

// NewMigrator returns a migrator for the given migrations (CoreMigrations for the core).
func NewMigrator(db *DB, migrations []Migration) (*Migrator, error) {
	ms := append([]Migration(nil), migrations...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version <= 0 || m.Up == nil || m.Down == nil || m.Name == "" {
			return nil, fmt.Errorf("migration %d %q: needs a positive version, a name, Up and Down", m.Version, m.Name)
		}
		if i > 0 && ms[i-1].Version == m.Version {
			return nil, fmt.Errorf("migration version %d appears twice", m.Version)
		}
	}
	return &Migrator{db: db, migrations: ms}, nil
}

// Up applies every pending migration, holding the migration lock so that two
// processes starting together apply each migration once. It returns the
// versions it applied.
func (m *Migrator) Up(ctx context.Context) ([]int, error) {
	var applied []int
	err := m.withLock(ctx, func() error {
		done, err := m.appliedSet(ctx)
		if err != nil {
			return err
		}
		for _, mig := range m.migrations {
			if _, ok := done[mig.Version]; ok {
				continue
			}
			err := m.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				if err := mig.Up(tx, m.db.Dialect); err != nil {
					return err
				}
				return tx.Create(&schemaMigration{Version: mig.Version, Name: mig.Name, AppliedAt: time.Now().UTC()}).Error
			})
			if err != nil {
				return fmt.Errorf("migration %d %s up: %w", mig.Version, mig.Name, err)
			}
			applied = append(applied, mig.Version)
		}
		return nil
	})
	return applied, err
}

// Down reverts the newest applied migrations, steps of them. It returns the
// versions it reverted.
func (m *Migrator) Down(ctx context.Context, steps int) ([]int, error) {
	if steps < 1 {
		return nil, fmt.Errorf("migrate down: steps must be at least 1, got %d", steps)
	}
	var reverted []int
	err := m.withLock(ctx, func() error {
		done, err := m.appliedSet(ctx)
		if err != nil {
			return err
		}
		for i := len(m.migrations) - 1; i >= 0 && len(reverted) < steps; i-- {
			mig := m.migrations[i]
			if _, ok := done[mig.Version]; !ok {
				continue
			}
			err := m.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				if err := mig.Down(tx, m.db.Dialect); err != nil {
					return err
				}
				return tx.Delete(&schemaMigration{}, "version = ?", mig.Version).Error
			})
			if err != nil {
				return fmt.Errorf("migration %d %s down: %w", mig.Version, mig.Name, err)
			}
			reverted = append(reverted, mig.Version)
		}
		return nil
	})
	return reverted, err
}

// Status lists every known migration and whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	if err := m.ensureTable(ctx); err != nil {
		return nil, err
	}
	done, err := m.appliedSet(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(m.migrations))
	for _, mig := range m.migrations {
		s := MigrationStatus{Version: mig.Version, Name: mig.Name}
		if row, ok := done[mig.Version]; ok {
			s.Applied = true
			at := row.AppliedAt
			s.AppliedAt = &at
		}
		out = append(out, s)
	}
	return out, nil
}

// Pending reports how many migrations are not yet applied.
func (m *Migrator) Pending(ctx context.Context) (int, error) {
	st, err := m.Status(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range st {
		if !s.Applied {
			n++
		}
	}
	return n, nil
}

func (m *Migrator) ensureTable(ctx context.Context) error {
	if err := m.db.WithContext(ctx).Migrator().AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}

func (m *Migrator) appliedSet(ctx context.Context) (map[int]schemaMigration, error) {
	var rows []schemaMigration
	if err := m.db.WithContext(ctx).Order("version").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := make(map[int]schemaMigration, len(rows))
	for _, r := range rows {
		out[r.Version] = r
	}
	return out, nil
}

// migrationLockKey is the PostgreSQL advisory lock key ("upwards" in ASCII, truncated).
const migrationLockKey = 0x7570776172

func (m *Migrator) withLock(ctx context.Context, fn func() error) error {
	switch m.db.Dialect {
	case Postgres:
		sqlDB, err := m.db.DB.DB()
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
		}()
		if err := m.ensureTable(ctx); err != nil {
			return err
		}
		return fn()
	default:
		if m.db.Path == ":memory:" {
			if err := m.ensureTable(ctx); err != nil {
				return err
			}
			return fn()
		}
		lockPath := m.db.Path + ".migrate.lock"
		f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return fmt.Errorf("migration lock %s: %w", lockPath, err)
		}
		defer f.Close()
		if err := flock(ctx, f); err != nil {
			return fmt.Errorf("migration lock %s: %w", lockPath, err)
		}
		defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // released on close too
		if err := m.ensureTable(ctx); err != nil {
			return err
		}
		return fn()
	}
}

// flock takes an exclusive lock on f, waiting until ctx ends.
func flock(ctx context.Context, f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}
