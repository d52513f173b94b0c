// Package storagetest gives tests a real, migrated core database: a fresh
// SQLite file, and a fresh database on the PostgreSQL server named by
// UPWARDS_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// PostgreSQL being unreachable fails the test: the production path is never skipped.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/storage"
)

// AdminURL is the PostgreSQL server tests create their databases on.
func AdminURL() string {
	if u := os.Getenv("UPWARDS_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Dialects lists the databases every storage test runs against.
var Dialects = []storage.Dialect{storage.SQLite, storage.Postgres}

// Each runs fn as a subtest on a fresh migrated SQLite and a fresh migrated PostgreSQL database.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh database of dialect d with the core migrations applied.
func Open(t testing.TB, d storage.Dialect) *storage.DB {
	t.Helper()
	db := OpenEmpty(t, d)
	m, err := storage.NewMigrator(db, storage.CoreMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return db
}

// URL returns the URL of a fresh, empty database of dialect d, dropped when the test ends.
func URL(t testing.TB, d storage.Dialect) string {
	t.Helper()
	switch d {
	case storage.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "upwards.db")
	case storage.Postgres:
		return freshPostgres(t)
	}
	t.Fatalf("unknown dialect %q", d)
	return ""
}

// OpenEmpty returns a fresh database of dialect d with no tables.
func OpenEmpty(t testing.TB, d storage.Dialect) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), URL(t, d), nil)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func freshPostgres(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	admin, err := storage.Open(ctx, AdminURL(), nil)
	if err != nil {
		t.Fatalf("PostgreSQL is required for this test (make test starts it): %v", err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "upwards_test_" + hex.EncodeToString(b[:])
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := storage.Open(context.Background(), AdminURL(), nil)
		if err != nil {
			return
		}
		defer a.Close()
		_ = a.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)).Error
	})
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatalf("parse %s: %v", AdminURL(), err)
	}
	u.Path = "/" + name
	return u.String()
}
