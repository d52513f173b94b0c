// Package testdb gives the plugin's tests real storage of both kinds the
// core hands a plugin: a fresh SQLite file, and a fresh schema on the
// PostgreSQL server named by UPWARDS_TEST_POSTGRES_URL (default
// postgres://postgres@127.0.0.1:5432/postgres). It imports nothing of the
// core: the plugin builds and tests outside the Upwards repository.
// PostgreSQL being unreachable fails the test; it is never skipped.
package testdb

import (
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// Dialects are the storage kinds every storage test runs on.
var Dialects = plugintest.Dialects

// Storage returns the driver and DSN of fresh, empty storage of dialect d
// (for postgres, a new schema on search_path, dropped when the test ends)
// and the schema name ("" for SQLite): what the core's Configure hands over.
func Storage(t testing.TB, d string) (driver, dsn, schema string) {
	t.Helper()
	st := plugintest.NewStorage(t, d)
	return st.GetDriver(), st.GetDsn(), st.GetSchema()
}

// Open returns fresh storage of dialect d with migrations applied, each
// step in a transaction as the SDK applies them.
func Open(t testing.TB, d string, migrations []sdk.Migration) *gorm.DB {
	t.Helper()
	driver, dsn, _ := Storage(t, d)
	db := Connect(t, driver, dsn)
	for _, m := range migrations {
		if err := db.Transaction(m.Up); err != nil {
			t.Fatalf("migration %d (%s) on %s: %v", m.Version, m.Name, d, err)
		}
	}
	return db
}

// Connect opens existing storage (driver "sqlite" or "postgres", and its
// DSN, as the core hands them over) as a plain handle, closed when the test
// ends.
func Connect(t testing.TB, driver, dsn string) *gorm.DB {
	t.Helper()
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true,
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
	var (
		db  *gorm.DB
		err error
	)
	if driver == "sqlite" {
		db, err = gorm.Open(sqlite.Open("file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"), cfg)
	} else {
		db, err = gorm.Open(postgres.Open(dsn), cfg)
	}
	if err != nil {
		t.Fatalf("open %s storage: %v", driver, err)
	}
	t.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			_ = s.Close()
		}
	})
	return db
}

// Each runs fn as a subtest on fresh migrated storage of every dialect.
func Each(t *testing.T, migrations []sdk.Migration, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { fn(t, Open(t, d, migrations)) })
	}
}
