package cli_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/cli"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

// The privacy commands, on both databases, with a real plugin installed:
// export to a file, erase (incomplete while the plugin fails, finished by
// running it again), --upn-stdin, the retention sweep and the request list.
func TestPrivacyCommands(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "notes")
	if out, err := exec.Command("go", "build", "-o", bin, "../privacy/internal/testplugins/notes").CombinedOutput(); err != nil {
		t.Fatalf("build the notes plugin: %v\n%s", err, out)
	}
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { testPrivacyCommands(t, d, bin) })
	}
}

func testPrivacyCommands(t *testing.T, d storage.Dialect, bin string) {
	db := storagetest.URL(t, d)
	dataDir := t.TempDir()
	key := sealed.NewKey()
	cmd := func(stdin string, args ...string) (string, error) {
		t.Helper()
		root := cli.Root()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetIn(strings.NewReader(stdin))
		root.SetArgs(append([]string{"--database-url", db, "--data-dir", dataDir, "--log-level", "error", "--pupil-key", key}, args...))
		err := root.ExecuteContext(context.Background())
		return out.String(), err
	}
	mustRun := func(stdin string, args ...string) string {
		t.Helper()
		out, err := cmd(stdin, args...)
		if err != nil {
			t.Fatalf("upwards %v: %v\n%s", args, err, out)
		}
		return out
	}
	mustRun("", "migrate", "up")
	mustRun("", "tenant", "create", "alpha", "Alpha Org")
	mustRun("", "tenant", "create", "beta", "Beta Org")
	mustRun("", "plugin", "install", bin)
	mustRun("", "plugin", "enable", "notes", "--tenant", "alpha")

	// Pupils, inserted with the model and sealed with the install's key.
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	sdb, err := storage.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	k, _ := sealed.ParseKey(key)
	box, _ := sealed.New(k)
	ps := pupils.NewService(sdb, box)
	ten := tenancy.NewService(sdb)
	alpha, _ := ten.TenantBySlug(ctx, "alpha")
	school, err := ten.CreateUnit(ctx, alpha.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Alder Primary", URN: "930001", Phase: "primary"})
	if err != nil {
		t.Fatal(err)
	}
	add := func(n int, leftDaysAgo int) (pupils.Pupil, string) {
		u, _ := upn.Build(202, 5000, 17, n)
		p := pupils.Pupil{TenantID: alpha.ID, SchoolID: school.ID, UPNHash: ps.HashUPN(u), UPNSealed: ps.SealUPN(u),
			GivenName: "Pupil", FamilyName: "Number" + strconv.Itoa(n), DateOfBirth: "2013-01-02", YearGroup: 6, Gender: "U", SEN: "N"}
		if leftDaysAgo >= 0 {
			left := time.Now().UTC().AddDate(0, 0, -leftDaysAgo)
			p.LeftOn = &left
		}
		if err := sdb.Create(&p).Error; err != nil {
			t.Fatal(err)
		}
		return p, u
	}
	p1, u1 := add(1, -1)
	p2, u2 := add(2, -1)
	leaver, _ := add(3, 400)
	exists := func(id uint) bool {
		var n int64
		_ = sdb.Model(&pupils.Pupil{}).Where("id = ?", id).Count(&n).Error
		return n == 1
	}

	// Export to a file: the UPN is opened inside, the plugin is listed.
	archive := filepath.Join(t.TempDir(), "p1.zip")
	out := mustRun("", "privacy", "export", "--tenant", "alpha", "--pupil", strconv.Itoa(int(p1.ID)), "--out", archive)
	if !strings.Contains(out, "plugin:notes") || strings.Contains(out, u1) {
		t.Fatalf("export output: %s", out)
	}
	files := readZip(t, archive)
	if !strings.Contains(files["core/pupil.json"], u1) || !strings.Contains(files["manifest.json"], `"plugin:notes"`) {
		t.Fatalf("archive: %v", files)
	}
	if out, err := cmd("", "privacy", "export", "--tenant", "alpha", "--pupil", strconv.Itoa(int(p1.ID)), "--out", archive); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("export over an existing file: %v %s", err, out)
	}
	// Another tenant's pupil is not found; a UPN is never an argument.
	if _, err := cmd("", "privacy", "export", "--tenant", "beta", "--pupil", strconv.Itoa(int(p1.ID)), "--out", "-"); err == nil || !strings.Contains(err.Error(), "no such pupil") {
		t.Fatalf("export of alpha's pupil in beta: %v", err)
	}
	if _, err := cmd("", "privacy", "export", "--tenant", "alpha", "--upn", u1); err == nil {
		t.Fatal("a --upn argument was accepted")
	}

	// Erase while the plugin fails: incomplete, the core record kept.
	fail := filepath.Join(dataDir, "plugins", "notes", "fail-erase")
	if err := os.WriteFile(fail, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = cmd("", "privacy", "erase", "--tenant", "alpha", "--pupil", strconv.Itoa(int(p1.ID)), "--reason", "Parent's written request")
	if err == nil || !strings.Contains(out, "INCOMPLETE") || !strings.Contains(out, "notes storage is unavailable") || !exists(p1.ID) {
		t.Fatalf("erase with the plugin failing: %v\n%s", err, out)
	}
	if err := os.Remove(fail); err != nil {
		t.Fatal(err)
	}
	out = mustRun("", "privacy", "erase", "--tenant", "alpha", "--pupil", strconv.Itoa(int(p1.ID)), "--reason", "Parent's written request")
	if !strings.Contains(out, "is erased everywhere") || exists(p1.ID) {
		t.Fatalf("erase again: %s", out)
	}
	// By UPN on stdin.
	out = mustRun(u2+"\n", "privacy", "erase", "--tenant", "alpha", "--upn-stdin", "--reason", "Duplicate record")
	if !strings.Contains(out, "is erased everywhere") || exists(p2.ID) || strings.Contains(out, u2) {
		t.Fatalf("erase by UPN on stdin: %s", out)
	}
	if out, err := cmd("", "privacy", "erase", "--tenant", "alpha", "--pupil", "1", "--upn-stdin", "--reason", "x y z"); err == nil {
		t.Fatalf("--pupil and --upn-stdin together: %s", out)
	}

	// The retention sweep (default 365 days) erases the 400-day leaver.
	out = mustRun("", "privacy", "retention", "run", "--tenant", "alpha")
	if !strings.Contains(out, "Retention 365 days for alpha: 1 pupils") || !strings.Contains(out, "1 erased") || exists(leaver.ID) {
		t.Fatalf("retention run: %s", out)
	}
	out = mustRun("", "privacy", "requests", "--tenant", "alpha")
	if strings.Count(out, "erase ") != 3 || !strings.Contains(out, "retention") || !strings.Contains(out, "export") {
		t.Fatalf("requests: %s", out)
	}
}

func readZip(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}
