package sdk

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
)

// The query planner's statistics of a plugin's SQLite storage.
//
// SQLite plans each statement from the statistics ANALYZE keeps, and
// never gathers them by itself: without them it guesses, and its guesses
// for joins and recursive walks over a few thousand rows can cost ten
// times the time. The SDK does what SQLite's documentation of PRAGMA
// optimize advises for a long-lived process: PRAGMA optimize=0x10002
// (analyze, within a bounded effort, every table never analyzed or whose
// size changed much since; well under a millisecond when nothing did)
// after the migrations, after every job (where bulk loads happen: a
// demo_seed, an import) and hourly. PostgreSQL keeps its own statistics
// (autovacuum), so there it does nothing.

// statisticsInterval is how often a plugin's SQLite statistics are
// refreshed besides after migrations and jobs.
const statisticsInterval = time.Hour

// refreshStatistics brings SQLite's statistics of db up to date where they
// are missing or stale; on PostgreSQL it does nothing.
func refreshStatistics(ctx context.Context, db *gorm.DB) error {
	if db == nil || db.Dialector.Name() != "sqlite" {
		return nil
	}
	if err := unscoped(db).WithContext(ctx).Exec("PRAGMA optimize=0x10002").Error; err != nil {
		return fmt.Errorf("refresh the query planner's statistics: %w", err)
	}
	return nil
}

// refreshStatisticsLogged is refreshStatistics whose failure is logged: it
// costs speed, never correctness.
func refreshStatisticsLogged(ctx context.Context, db *gorm.DB, log *slog.Logger) {
	if err := refreshStatistics(ctx, db); err != nil {
		log.Warn("storage statistics", "error", err.Error())
	}
}

// refreshStatisticsEvery refreshes db's statistics every interval until
// stop is closed.
func refreshStatisticsEvery(db *gorm.DB, interval time.Duration, log *slog.Logger, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			refreshStatisticsLogged(ctx, db, log)
			cancel()
		}
	}
}
