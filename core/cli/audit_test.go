package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestAuditVerifyAndHead(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Setenv("UPWARDS_PUPIL_KEY", testPupilKey)
			url := storagetest.URL(t, d)
			db, err := storage.Open(context.Background(), url, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			mustRun := func(args ...string) string {
				t.Helper()
				out, err := run(t, url, "", args...)
				if err != nil {
					t.Fatalf("upwards %v: %v\n%s", args, err, out)
				}
				return out
			}
			mustRun("tenant", "create", "alpha", "Alpha Trust")
			mustRun("tenant", "create", "beta", "Beta Trust")
			mustRun("user", "create", "--tenant", "alpha", "--email", "a@example.org", "--name", "A Person")
			var n1, n2 int64
			db.Table("audit_events").Where("tenant_id = 1").Count(&n1)
			db.Table("audit_events").Where("tenant_id = 2").Count(&n2)
			out := mustRun("audit", "verify")
			if n1 < 2 || !strings.Contains(out, fmt.Sprintf("tenant 1 alpha: OK, %d rows checked, head seq %d", n1, n1)) ||
				!strings.Contains(out, fmt.Sprintf("tenant 2 beta: OK, %d rows checked", n2)) {
				t.Fatalf("verify of untouched chains:\n%s", out)
			}
			if out := mustRun("audit", "verify", "--tenant", "beta"); strings.Contains(out, "alpha") {
				t.Fatalf("--tenant beta checked alpha too:\n%s", out)
			}
			heads := mustRun("audit", "head")
			lines := strings.Split(strings.TrimSpace(heads), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], fmt.Sprintf("1 alpha %d ", n1)) || len(strings.Fields(lines[0])[3]) != 64 {
				t.Fatalf("heads:\n%s", heads)
			}
			headsFile := filepath.Join(t.TempDir(), "heads.txt")
			if err := os.WriteFile(headsFile, []byte(heads), 0o600); err != nil {
				t.Fatal(err)
			}
			if out := mustRun("audit", "verify", "--heads", headsFile); !strings.Contains(out, fmt.Sprintf("tenant 1: head seq %d is still in the chain", n1)) {
				t.Fatalf("verify --heads of an untouched log:\n%s", out)
			}

			// Someone with the database owner's rights drops the trigger and edits the first row.
			drop := "DROP TRIGGER audit_events_no_update"
			if d == storage.Postgres {
				drop = "DROP TRIGGER audit_events_append_only ON audit_events"
			}
			var firstID uint
			db.Raw("SELECT id FROM audit_events WHERE tenant_id = 1 AND seq = 1").Scan(&firstID)
			for _, s := range []string{drop, "UPDATE audit_events SET actor_label = 'nobody' WHERE tenant_id = 1 AND seq = 1"} {
				if err := db.Exec(s).Error; err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			out, err = run(t, url, "", "audit", "verify")
			if err == nil || !strings.Contains(err.Error(), "1 broken") {
				t.Fatalf("verify of a tampered chain must fail: %v\n%s", err, out)
			}
			if want := "tenant 1 alpha: BROKEN at row id " + fmt.Sprint(firstID) + ", seq 1: stored hash"; !strings.Contains(out, want) {
				t.Fatalf("verify output does not name the broken row (%q):\n%s", want, out)
			}
			if !strings.Contains(out, "tenant 2 beta: OK") {
				t.Fatalf("the untouched tenant must still verify:\n%s", out)
			}
		})
	}
}

func TestAuditVerifyNeedsTheChainMigration(t *testing.T) {
	url := storagetest.URL(t, storage.SQLite)
	if out, err := run(t, url, "", "migrate", "status"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := run(t, url, "", "audit", "verify")
	if err == nil || !strings.Contains(err.Error(), "upwards migrate up") {
		t.Fatalf("verify of an unmigrated database: %v\n%s", err, out)
	}
}

func TestAuditVerifyHeadsCatchesACutLog(t *testing.T) {
	url := storagetest.URL(t, storage.SQLite)
	if out, err := run(t, url, "", "tenant", "create", "alpha", "Alpha Trust"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := run(t, url, "", "user", "create", "--email", "a@example.org", "--name", "A Person"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	heads, err := run(t, url, "", "audit", "head")
	if err != nil {
		t.Fatal(err)
	}
	headsFile := filepath.Join(t.TempDir(), "heads.txt")
	if err := os.WriteFile(headsFile, []byte("# taken before\n"+heads), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var last int64
	db.Raw("SELECT MAX(seq) FROM audit_events WHERE tenant_id = 1").Scan(&last)
	for _, s := range []string{"DROP TRIGGER audit_events_no_delete", fmt.Sprintf("DELETE FROM audit_events WHERE seq = %d", last)} {
		if err := db.Exec(s).Error; err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if out, err := run(t, url, "", "audit", "verify"); err != nil || !strings.Contains(out, fmt.Sprintf("OK, %d rows checked", last-1)) {
		t.Fatalf("the chain cut at its end verifies on its own: %v\n%s", err, out)
	}
	out, err := run(t, url, "", "audit", "verify", "--heads", headsFile)
	if err == nil || !strings.Contains(out, fmt.Sprintf("seq %d is no longer in the chain: the log was cut short", last)) {
		t.Fatalf("verify --heads after the newest row was deleted: %v\n%s", err, out)
	}
}

// testPupilKey is a fixed 32-byte key (base64) for the pupil-key setting PostgreSQL requires.
const testPupilKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
