package plugintest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Dialects are the kinds of storage the core hands a plugin: "sqlite" (the
// embedded default) and "postgres" (production). Run every storage test on
// both.
var Dialects = []string{"sqlite", "postgres"}

// PostgresURL is the PostgreSQL server NewStorage makes schemas on:
// UPWARDS_TEST_POSTGRES_URL, or postgres://postgres@127.0.0.1:5432/postgres.
func PostgresURL() string {
	if u := os.Getenv("UPWARDS_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// EachDialect runs fn as a subtest for every dialect of Dialects.
func EachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

// NewStorage returns fresh, empty storage of dialect ("sqlite" or
// "postgres") as the core's Configure hands it over: a SQLite file in a
// temporary directory, or a new schema on PostgresURL named on the URL's
// search_path and dropped when the test ends. Pass it to WithStorage, or
// open it yourself. PostgreSQL being unreachable fails the test: it is never
// skipped.
func NewStorage(t testing.TB, dialect string) *pluginv1.Storage {
	t.Helper()
	switch dialect {
	case "sqlite":
		return &pluginv1.Storage{Driver: "sqlite", Dsn: filepath.Join(t.TempDir(), "plugin.db")}
	case "postgres":
	default:
		t.Fatalf("plugintest.NewStorage: unknown dialect %q (want sqlite or postgres)", dialect)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "plugin_test_" + hex.EncodeToString(b[:])
	if err := adminExec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL is required for this test (make test starts it): create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = adminExec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURL(), err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return &pluginv1.Storage{Driver: "postgres", Dsn: u.String(), Schema: schema}
}

// adminExec runs one statement on PostgresURL.
func adminExec(ctx context.Context, sql string) error {
	db, err := gorm.Open(postgres.Open(PostgresURL()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return err
	}
	if s, err := db.DB(); err == nil {
		defer s.Close()
	}
	return db.WithContext(ctx).Exec(sql).Error
}
