package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/cli"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// The import command: all-or-nothing with per-row errors and exit status,
// --dry-run, --valid-only, and an idempotent re-import.
func TestImportPupilsCommand(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storagetest.URL(t, d)
			dir := t.TempDir()
			// One data directory and pupil key for every run, as on an install.
			run := func(t *testing.T, db, stdin string, args ...string) (string, error) {
				t.Helper()
				root := cli.Root()
				var out bytes.Buffer
				root.SetOut(&out)
				root.SetErr(&out)
				root.SetArgs(append([]string{"--database-url", db, "--data-dir", dir, "--log-level", "error",
					"--pupil-key", "Kioqr6qL2Lm5f5uS1n8qk0m1sQ8i0Kx9w2VvYz0Z3bI="}, args...))
				err := root.ExecuteContext(context.Background())
				return out.String(), err
			}
			if out, err := run(t, db, "", "tenant", "create", "north", "North Trust"); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			createSchool(t, db, "north", "900001") // the CLI has no command for units
			var good bytes.Buffer
			if err := importtest.WriteCSV(&good, 0, 30, time.Now()); err != nil {
				t.Fatal(err)
			}
			bad := strings.Replace(good.String(), importtest.UPN(3)+",", "Q"+importtest.UPN(3)[1:]+",", 1)
			goodPath, badPath := filepath.Join(dir, "good.csv"), filepath.Join(dir, "bad.csv")
			os.WriteFile(goodPath, good.Bytes(), 0o600)
			os.WriteFile(badPath, []byte(bad), 0o600)

			out, err := run(t, db, "", "import", "pupils", "--tenant", "north", "--school", "900001", badPath)
			if err == nil || !strings.Contains(err.Error(), "1 rows have errors: nothing was imported") || !strings.Contains(out, "row 5, upn: UPN check letter") {
				t.Fatalf("bad file: %v\n%s", err, out)
			}
			if strings.Contains(out, importtest.UPN(3)[1:]) {
				t.Fatalf("output holds a UPN:\n%s", out)
			}
			out, err = run(t, db, "", "import", "pupils", "--tenant", "north", "--school", "900001", "--dry-run", goodPath)
			if err != nil || !strings.Contains(out, "30 new, 0 changed") || !strings.Contains(out, "Nothing was written") {
				t.Fatalf("dry run: %v\n%s", err, out)
			}
			out, err = run(t, db, "", "import", "pupils", "--tenant", "north", "--school", "900001", "--valid-only", badPath)
			if err != nil || !strings.Contains(out, "29 created, 0 updated") {
				t.Fatalf("valid only: %v\n%s", err, out)
			}
			out, err = run(t, db, "", "import", "pupils", "--tenant", "north", "--school", "900001", goodPath)
			if err != nil || !strings.Contains(out, "1 created, 0 updated (0 moved from another school), 29 unchanged") {
				t.Fatalf("good file: %v\n%s", err, out)
			}
			out, err = run(t, db, "", "import", "pupils", "--tenant", "north", "--school", "900001", goodPath)
			if err != nil || !strings.Contains(out, "0 created, 0 updated (0 moved from another school), 30 unchanged") {
				t.Fatalf("re-import: %v\n%s", err, out)
			}
			garbage := filepath.Join(dir, "garbage.csv")
			os.WriteFile(garbage, bytes.Repeat([]byte{0, 1, 2, 200}, 100), 0o600)
			if _, err = run(t, db, "", "import", "pupils", "--tenant", "north", "--school", "900001", garbage); err == nil || !strings.Contains(err.Error(), "binary data); nothing was imported") {
				t.Fatalf("garbage: %v", err)
			}
		})
	}
}

func createSchool(t *testing.T, dbURL, slug, urn string) {
	t.Helper()
	db, err := storage.Open(t.Context(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tenantID uint
	if err := db.Raw("SELECT id FROM tenants WHERE slug = ?", slug).Scan(&tenantID).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := db.Exec("INSERT INTO org_units (tenant_id, kind, name, urn, phase, ofsted_grade, created_at, updated_at) VALUES (?, 'school', 'North Primary', ?, 'primary', '', ?, ?)", tenantID, urn, now, now).Error; err != nil {
		t.Fatal(err)
	}
}
