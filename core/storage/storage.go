// Package storage opens Upwards' core database (an embedded SQLite file by
// default, PostgreSQL in production) through gorm, and runs the core's
// versioned, reversible migrations under a lock.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL dialect behind a DB.
type Dialect string

// The dialects Upwards runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the core database: a gorm handle plus what the migrator needs to know.
type DB struct {
	*gorm.DB
	Dialect Dialect
	// Path is the SQLite file (empty for PostgreSQL).
	Path string

	// slots limits the connections bound to a tenant at once (bound.go).
	slotsOnce sync.Once
	slots     chan struct{}
}

// Open connects to the database named by url ("sqlite:PATH" or "postgres://…").
// A new SQLite file is created readable by its owner only (0600), and so,
// since SQLite gives them the database file's mode, are its -wal and -shm
// files; its directory, when missing, is created 0700. An existing file keeps
// the mode it has.
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.Default()
	}
	cfg := &gorm.Config{
		Logger:                 newGormLogger(log),
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:         true,
	}
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("open database: sqlite: needs a file path")
		}
		if path != ":memory:" {
			if err := createPrivate(path); err != nil {
				return nil, fmt.Errorf("open database: %w", err)
			}
		}
		// gorm's own SQLite driver over mattn/go-sqlite3 (cgo): measured
		// against the pure-Go glebarez/modernc driver it made the pupil
		// import about 1.4 times as fast (docs/import.md). Both write times
		// in the same format, so a file written by one reads with the other.
		// Each connection keeps its last prepared statements
		// (_stmt_cache_size): a page runs the same few dozen statements
		// every time, and preparing them was 18% of the core's CPU on a
		// plugin-routed page (bench/plugins, profiled).
		dsn := "file:" + path + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=128"
		var g *gorm.DB
		err := whileLocked(ctx, func() error {
			var err error
			g, err = gorm.Open(sqlite.Open(dsn), cfg) // its first query opens the first connection
			if err != nil && g != nil {
				if sqlDB, derr := g.DB(); derr == nil {
					sqlDB.Close()
				}
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		// One writer at a time is SQLite's model; a small pool keeps readers concurrent under WAL.
		sqlDB.SetMaxOpenConns(4)
		if err := whileLocked(ctx, func() error { return sqlDB.PingContext(ctx) }); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		return &DB{DB: g, Dialect: SQLite, Path: path}, nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		g, err := gorm.Open(postgres.Open(url), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// maxBound of them at most are bound to a tenant at once (bound.go).
		sqlDB.SetMaxOpenConns(maxOpenPostgres)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		if err := sqlDB.PingContext(ctx); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return &DB{DB: g, Dialect: Postgres}, nil
	default:
		return nil, fmt.Errorf("open database: %q is neither sqlite:PATH nor postgres://", url)
	}
}

// createPrivate creates path as an empty file of mode 0600 (an empty file is
// an empty SQLite database), and its directory 0700 when missing, unless the
// file exists. SQLite itself would create it 0644, readable by every user of
// the machine.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create directory for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return nil
}

// whileLocked runs open (which opens a SQLite connection) and runs it again,
// for up to ten seconds, while the file is locked: turning a new file to WAL
// takes an exclusive lock, and when two processes open the same new file at
// once (a server and a migration, say) SQLite answers "database is locked"
// at once rather than let the two wait on each other.
func whileLocked(ctx context.Context, open func() error) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 250*time.Millisecond) {
		err := open()
		var se sqlite3.Error
		if err == nil || !errors.As(err, &se) || (se.Code != sqlite3.ErrBusy && se.Code != sqlite3.ErrLocked) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Ping checks the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

type gormLogger struct {
	log   *slog.Logger
	level logger.LogLevel
}

func newGormLogger(log *slog.Logger) logger.Interface {
	return &gormLogger{log: log.With("component", "gorm"), level: logger.Warn}
}

func (l *gormLogger) LogMode(level logger.LogLevel) logger.Interface {
	c := *l
	c.level = level
	return &c
}
func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	if l.level >= logger.Info {
		l.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
	}
}
func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	if l.level >= logger.Warn {
		l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
	}
}
func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	if l.level >= logger.Error {
		l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
	}
}

// Trace logs slow queries and unexpected errors. It never logs the SQL's bound
// values, which may hold personal data; only the statement with placeholders.
func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && err != gorm.ErrRecordNotFound && l.level >= logger.Error:
		l.log.DebugContext(ctx, "query failed", "error", err.Error(), "elapsed_ms", elapsed.Milliseconds())
	case elapsed > 500*time.Millisecond && l.level >= logger.Warn:
		l.log.WarnContext(ctx, "slow query", "elapsed_ms", elapsed.Milliseconds())
	}
}

// ParamsFilter keeps gorm from interpolating values into logged SQL.
func (l *gormLogger) ParamsFilter(ctx context.Context, sql string, params ...any) (string, []any) {
	return sql, nil
}

// Conn is one connection taken from the pool for a unit of work that needs
// the same connection throughout: per-connection settings made before a
// transaction (SQLite's PRAGMAs), or the driver's own API through SQL.Raw
// inside one (pgx's CopyFrom on PostgreSQL, whose *stdlib.Conn has Conn()).
type Conn struct {
	// SQL is the connection; statements on it run inside a transaction
	// opened by Transaction while that is open.
	SQL *sql.Conn
	db  *gorm.DB
}

// Transaction runs fn in a transaction on the connection.
func (c *Conn) Transaction(fn func(tx *gorm.DB) error) error {
	return c.db.Transaction(fn)
}

// OnConn runs fn with a connection of its own, returned to the pool after.
func (db *DB) OnConn(ctx context.Context, fn func(c *Conn) error) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return fmt.Errorf("take a connection: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("take a connection: %w", err)
	}
	defer conn.Close()
	g := db.DB.Session(&gorm.Session{NewDB: true, Context: ctx})
	g.Statement.ConnPool = conn
	return fn(&Conn{SQL: conn, db: g})
}
