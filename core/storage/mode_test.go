package storage_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// A new SQLite database, its -wal and -shm files and the migration lock are
// readable by their owner only, and the directory Open makes is 0700, under
// the usual umask 022 (which would leave SQLite's own default of 0644).
func TestNewSQLiteFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "var")
	path := filepath.Join(dir, "upwards.db")
	ctx := context.Background()
	db, err := storage.Open(ctx, "sqlite:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := storage.NewMigrator(db, storage.CoreMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]fs.FileMode{dir: 0o700 | fs.ModeDir, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600, path + ".migrate.lock": 0o600}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if got := fi.Mode() & (fs.ModePerm | fs.ModeDir); got != mode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), got, mode)
		}
	}
}
