package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/Masterminds/semver/v3"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/cli"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// dataDirs is each test's one data directory: a database and the pupil
// key in its data directory must stay together from one command to the next.
var dataDirs sync.Map // *testing.T → string

// run executes the upwards command line in-process against dbURL, with the
// test's data directory.
func run(t *testing.T, dbURL string, stdin string, args ...string) (string, error) {
	t.Helper()
	dir, ok := dataDirs.Load(t)
	if !ok {
		dir, _ = dataDirs.LoadOrStore(t, t.TempDir())
		t.Cleanup(func() { dataDirs.Delete(t) })
	}
	root := cli.Root()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(append([]string{"--database-url", dbURL, "--data-dir", dir.(string), "--log-level", "error"}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestBadSettingFailsNamingIt(t *testing.T) {
	root := cli.Root()
	root.SetArgs([]string{"migrate", "status", "--database-url", "mysql://nope"})
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	err := root.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "UPWARDS_DATABASE_URL") {
		t.Fatalf("want an error naming the setting, got %v", err)
	}
	root = cli.Root()
	root.SetArgs([]string{"serve", "--session-ttl", "soon", "--database-url", "sqlite:" + filepath.Join(t.TempDir(), "x.db")})
	root.SetOut(&out)
	root.SetErr(&out)
	if err := root.ExecuteContext(context.Background()); err == nil || !strings.Contains(err.Error(), "session-ttl") {
		t.Fatalf("serve with a bad duration: %v", err)
	}
}

func TestMigrateUpDownUpThroughTheCLI(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Setenv("UPWARDS_PUPIL_KEY", testPupilKey)
			var versions []string
			for _, m := range storage.CoreMigrations() {
				versions = append(versions, fmt.Sprint(m.Version))
			}
			reversed := slices.Clone(versions)
			slices.Reverse(reversed)
			db := storagetest.URL(t, d)
			out, err := run(t, db, "", "migrate", "status")
			if err != nil || !strings.Contains(out, "pending") {
				t.Fatalf("status before up: %v\n%s", err, out)
			}
			if out, err = run(t, db, "", "migrate", "up"); err != nil || !strings.Contains(out, "Applied migrations ["+strings.Join(versions, " ")+"]") {
				t.Fatalf("up: %v\n%s", err, out)
			}
			if out, err = run(t, db, "", "migrate", "down", "--steps", fmt.Sprint(len(versions))); err != nil ||
				!strings.Contains(out, "Reverted migrations ["+strings.Join(reversed, " ")+"]") {
				t.Fatalf("down: %v\n%s", err, out)
			}
			if out, err = run(t, db, "", "migrate", "up"); err != nil || !strings.Contains(out, "Applied") {
				t.Fatalf("up again: %v\n%s", err, out)
			}
			if out, err = run(t, db, "", "migrate", "status"); err != nil || strings.Contains(out, "pending") {
				t.Fatalf("status after up: %v\n%s", err, out)
			}
		})
	}
}

func TestTenantAndUserCommands(t *testing.T) {
	db := storagetest.URL(t, storage.SQLite)
	mustRun := func(stdin string, args ...string) string {
		t.Helper()
		out, err := run(t, db, stdin, args...)
		if err != nil {
			t.Fatalf("upwards %v: %v\n%s", args, err, out)
		}
		return out
	}
	mustRun("", "tenant", "create", "northstar", "Northstar Learning Trust", "--host", "trust.example.org")
	if out := mustRun("", "tenant", "list"); !strings.Contains(out, "northstar") || !strings.Contains(out, "trust.example.org") {
		t.Fatalf("tenant list: %s", out)
	}
	out := mustRun("", "user", "create", "--email", "Head@Example.org", "--name", "A Head")
	if !strings.Contains(out, "Password: ") {
		t.Fatalf("generated password not printed: %s", out)
	}
	mustRun("a-long-enough-password\n", "user", "create", "--email", "ops@example.org", "--name", "Op", "--operator", "--password-stdin")
	mustRun("", "user", "grant", "--email", "head@example.org", "--role", "tenant_admin")
	if out := mustRun("", "user", "list"); !strings.Contains(out, "head@example.org") || !strings.Contains(out, "tenant_admin@") || !strings.Contains(out, "operator") {
		t.Fatalf("user list: %s", out)
	}
	// Bad input: a non-zero exit with a message, and nothing written.
	bad := [][]string{
		{"tenant", "create", "Bad Slug!", "X"},
		{"tenant", "create", "northstar", "Again"},
		{"user", "create", "--email", "not-an-email", "--name", "X"},
		{"user", "grant", "--email", "head@example.org", "--role", "emperor"},
		{"user", "grant", "--email", "head@example.org", "--role", "teacher", "--unit", "999999"},
		{"user", "grant", "--email", "nobody@example.org", "--role", "teacher"},
	}
	for _, args := range bad {
		if out, err := run(t, db, "", args...); err == nil {
			t.Errorf("upwards %v succeeded: %s", args, out)
		}
	}
	if out := mustRun("", "tenant", "list"); strings.Count(out, "\n") != 2 {
		t.Fatalf("a refused command created a tenant:\n%s", out)
	}
	if out := mustRun("", "user", "list"); strings.Count(out, "\n") != 3 || strings.Contains(out, "teacher") {
		t.Fatalf("a refused command wrote users or grants:\n%s", out)
	}
}

func TestDemoBuildsOnceAndPrintsLogins(t *testing.T) {
	db := storagetest.URL(t, storage.SQLite)
	out, err := run(t, db, "", "demo")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{"Built the demo install", "31 Hub", "11 Cluster", "11 Delivery centre", "1 Cohort", "7 School", "1 Trust",
		"admin@partnership.example.org", "ceo@northstar.example.org", "upwards-demo"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	out, err = run(t, db, "", "demo")
	if err != nil || !strings.Contains(out, "already built") || !strings.Contains(out, "hub.manager@partnership.example.org") {
		t.Fatalf("second demo run: %v\n%s", err, out)
	}
	if out, _ := run(t, db, "", "tenant", "list"); strings.Count(out, "\n") != 3 {
		t.Fatalf("demo tenants:\n%s", out)
	}
	// The banner gives the addresses the server really answers at.
	for _, tc := range []struct {
		flags []string
		want  []string
	}{
		{nil, []string{"At http://127.0.0.1:8080 ", "Challenge Partners (http://partnership.localhost:8080)", "http://trust.localhost:8080 select"}},
		{[]string{"--listen", "127.0.0.1:9123"}, []string{"At http://127.0.0.1:9123 ", "Challenge Partners (http://partnership.localhost:9123)",
			"Northstar Learning Trust (http://trust.localhost:9123)", "http://partnership.localhost:9123 and http://trust.localhost:9123 select"}},
		{[]string{"--listen", "0.0.0.0:9000", "--base-url", "https://upwards.example.org"}, []string{"At https://upwards.example.org ",
			"(http://partnership.localhost:9000)", "http://trust.localhost:9000 select"}},
		{[]string{"--base-url", "https://localhost:8443"}, []string{"At https://localhost:8443 ", "(https://partnership.localhost:8443)"}},
	} {
		out, err := run(t, db, "", append(tc.flags, "demo")...)
		if err != nil {
			t.Fatalf("%v: %v", tc.flags, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: the banner lacks %q:\n%s", tc.flags, w, out[max(0, len(out)-600):])
			}
		}
		if tc.flags != nil && strings.Contains(out, ":8080") {
			t.Errorf("%v: the banner still says :8080", tc.flags)
		}
	}
}

func TestVersion(t *testing.T) {
	out, err := run(t, "sqlite::memory:", "", "version")
	if err != nil || !strings.HasPrefix(out, "upwards "+app.Version+" ") {
		t.Fatalf("version: %v %q", err, out)
	}
	if _, err := semver.StrictNewVersion(strings.Fields(out)[1]); err != nil {
		t.Fatalf("upwards version prints %q: %v", out, err)
	}
}
