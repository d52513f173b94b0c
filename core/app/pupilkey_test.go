package app_test

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/tenancy"
)

// configFor is the embedded default with flags as given (only --data-dir,
// --database-url and --pupil-key matter here).
func configFor(t *testing.T, dataDir, databaseURL, pupilKey string) config.Config {
	t.Helper()
	env := map[string]string{"UPWARDS_DATA_DIR": dataDir, "UPWARDS_DATABASE_URL": databaseURL, "UPWARDS_PUPIL_KEY": pupilKey, "UPWARDS_LOG_LEVEL": "error"}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func open(t *testing.T, cfg config.Config) (*app.App, error) {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, app.NewLogger(cfg, io.Discard))
	if err == nil {
		t.Cleanup(func() { _ = a.Close() })
	}
	return a, err
}

// withPupil migrates the install of cfg and gives it one pupil, whose UPN is
// sealed under the install's pupil key.
func withPupil(t *testing.T, cfg config.Config) {
	t.Helper()
	a, err := open(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tn, err := a.Tenancy.CreateTenant(ctx, "school", "School", nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.Tenancy.CreateUnit(ctx, tn.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "One", URN: "900001", Phase: "primary"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := upn.Build(202, 4321, 21, 1)
	dob := time.Date(pupils.ExpectedBirthYear(4, time.Now()), time.October, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	if _, err := a.Pupils.Create(ctx, pupils.SystemActor("test"), tn.ID, s.ID, pupils.Record{UPN: u, GivenName: "Ada", FamilyName: "Lovelace",
		DateOfBirth: dob, YearGroup: 4, Gender: "F", SEN: "N"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

func mustRefuse(t *testing.T, err error, says ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("the start was not refused")
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the refusal does not say %q: %v", s, err)
		}
	}
}

// The default database lives in the data directory, beside the pupil key,
// both readable by their owner only.
func TestTheDatabaseLivesInTheDataDirectory(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	a, err := open(t, configFor(t, dir, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if a.DB.Path != filepath.Join(dir, "upwards.db") || a.Config.DatabaseURL != "sqlite:"+filepath.Join(dir, "upwards.db") {
		t.Fatalf("database at %s", a.DB.Path)
	}
	for p, mode := range map[string]fs.FileMode{dir: fs.ModeDir | 0o700, a.DB.Path: 0o600, filepath.Join(dir, "pupil.key"): 0o600} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode()&(fs.ModeDir|fs.ModePerm) != mode {
			t.Errorf("%s: %v %v, want %v", p, fi.Mode(), err, mode)
		}
	}
}

// A database whose pupils are sealed never opens without its own key: with
// no key in the data directory (none is made), with another install's key,
// or with a wrong configured key. Each refusal names the files to put
// together; with its own key beside it, it opens.
func TestADatabaseNeverPartsFromItsKey(t *testing.T) {
	home, elsewhere := t.TempDir(), t.TempDir()
	withPupil(t, configFor(t, home, "", ""))
	db := "sqlite:" + filepath.Join(home, "upwards.db")
	strayKey := filepath.Join(elsewhere, "pupil.key")

	_, err := open(t, configFor(t, elsewhere, db, ""))
	mustRefuse(t, err, filepath.Join(home, "upwards.db"), strayKey, "kept together")
	if exists(strayKey) {
		t.Fatal("a new key was made for a database that has its own")
	}

	if err := os.WriteFile(strayKey, []byte(sealed.NewKey()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = open(t, configFor(t, elsewhere, db, ""))
	mustRefuse(t, err, strayKey, filepath.Join(home, "upwards.db"), "not made together")

	_, err = open(t, configFor(t, home, "", sealed.NewKey()))
	mustRefuse(t, err, "UPWARDS_PUPIL_KEY", "does not open")

	own, err := os.ReadFile(filepath.Join(home, "pupil.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(strayKey, own, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, configFor(t, elsewhere, db, "")); err != nil {
		t.Fatalf("the database with its own key beside it: %v", err)
	}
	if _, err := open(t, configFor(t, home, "", strings.TrimSpace(string(own)))); err != nil {
		t.Fatalf("the database with its own key configured: %v", err)
	}
	// An install with no pupil yet takes a new key wherever it starts.
	if _, err := open(t, configFor(t, t.TempDir(), "", "")); err != nil {
		t.Fatal(err)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// An install made before the database moved into the data directory keeps
// working when both were in ./var, and one started with another --data-dir
// is told to move its database there rather than given a new, empty one.
func TestInstallsFromBeforeTheMove(t *testing.T) {
	t.Chdir(t.TempDir())
	withPupil(t, configFor(t, "var", "sqlite:var/upwards.db", "")) // as the old defaults did
	a, err := open(t, configFor(t, "var", "", ""))
	if err != nil {
		t.Fatalf("./var for both: %v", err)
	}
	var n int64
	if a.DB.Table("pupils").Count(&n); n != 1 {
		t.Errorf("./var for both: %d pupils", n)
	}
	a.Close()

	_, err = open(t, configFor(t, "data", "", ""))
	mustRefuse(t, err, "move var/upwards.db", "into data", "--database-url sqlite:var/upwards.db")
	if exists(filepath.Join("data", "upwards.db")) {
		t.Fatal("an empty database was made in the new data directory")
	}
}
