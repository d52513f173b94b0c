package storage

import (
	"context"
	"fmt"
)

// The query planner's statistics.
//
// SQLite plans a statement from the statistics ANALYZE keeps in
// sqlite_stat1; with none it guesses, and since 3.4x it guesses badly for
// the org graph's walk: it reads every edge of the tenant at each step of
// the recursion and every school of the tenant to join them (1.3 ms for a
// hub's ten schools on the demo; 0.4 ms with statistics), and the plugins'
// aggregates fare the same. SQLite never gathers them by itself. SQLite's
// own advice (its documentation of PRAGMA optimize, 3.46 onwards) is what
// RefreshStatistics does: PRAGMA optimize=0x10002 analyzes, within a
// bounded effort, every table never analyzed or whose size changed much
// since; when nothing has changed it costs well under a millisecond.
// PostgreSQL's autovacuum keeps its own statistics (the demo's bulk load
// also runs ANALYZE: cli.BuildDemo).

// optimizeAll is PRAGMA optimize checking every table (0x10000), not only
// those this connection has used, with its default analyses (0x02).
const optimizeAll = "PRAGMA optimize=0x10002"

// RefreshStatistics brings the SQLite planner's statistics up to date where
// they are missing or out of date (see above); on PostgreSQL it does
// nothing. The core runs it when it starts, after migrations, after a bulk
// load (the demo, a pupil import) and hourly (app.TaskRefreshStatistics).
func (db *DB) RefreshStatistics(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	if err := db.Core(ctx).Exec(optimizeAll).Error; err != nil {
		return fmt.Errorf("refresh the query planner's statistics: %w", err)
	}
	return nil
}
