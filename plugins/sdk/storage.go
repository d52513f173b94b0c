package sdk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// openStorage opens the storage the core handed over: a SQLite file (WAL,
// busy timeout, foreign keys, immediate transactions, like the core's) or a
// PostgreSQL URL whose search_path is the plugin's schema. The tenant scope
// callbacks are installed on the handle.
func openStorage(ctx context.Context, st *pluginv1.Storage, log *slog.Logger) (*gorm.DB, error) {
	cfg := &gorm.Config{
		Logger:                 &gormLogger{log: log.With("component", "gorm"), level: logger.Warn},
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:         true,
	}
	var (
		db       *gorm.DB
		err      error
		maxConns int
	)
	switch st.GetDriver() {
	case "sqlite":
		dsn := st.GetDsn()
		if dsn == "" {
			return nil, errors.New("open storage: sqlite needs a file path")
		}
		if !strings.HasPrefix(dsn, "file:") {
			if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
				return nil, fmt.Errorf("open storage: create directory of %s: %w", dsn, err)
			}
			dsn = "file:" + dsn + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		}
		db, err = gorm.Open(sqlite.Open(dsn), cfg)
		maxConns = 4
	case "postgres":
		if st.GetDsn() == "" {
			return nil, errors.New("open storage: postgres needs a URL")
		}
		db, err = gorm.Open(postgres.Open(st.GetDsn()), cfg)
		maxConns = 10
	default:
		return nil, fmt.Errorf("open storage: unknown driver %q (want sqlite or postgres)", st.GetDriver())
	}
	if err != nil {
		return nil, fmt.Errorf("open %s storage: %w", st.GetDriver(), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s storage: %w", st.GetDriver(), err)
	}
	sqlDB.SetMaxOpenConns(maxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open %s storage: %w", st.GetDriver(), err)
	}
	if err := installScope(db); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return db, nil
}

func closeStorage(db *gorm.DB) {
	if db == nil {
		return
	}
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

// gormLogger logs slow statements and errors without their bound values,
// which may hold personal data.
type gormLogger struct {
	log   *slog.Logger
	level logger.LogLevel
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

// ParamsFilter drops the bound values from what Trace is given.
func (l *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && l.level >= logger.Error:
		sql, _ := fc()
		l.log.ErrorContext(ctx, "statement failed", "sql", sql, "error", err.Error(), "elapsed_ms", elapsed.Milliseconds())
	case elapsed > 500*time.Millisecond && l.level >= logger.Warn:
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow statement", "sql", sql, "rows", rows, "elapsed_ms", elapsed.Milliseconds())
	}
}
