package scaffold

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// repoRoot is the Upwards checkout these tests run in.
func repoRoot(t *testing.T) string {
	t.Helper()
	root := LocateCheckout(".")
	if root == "" {
		t.Fatal("no Upwards checkout above the test's directory")
	}
	return root
}

func sdkPath(t *testing.T) string { return filepath.Join(repoRoot(t), SDKDir) }

// TestScaffoldBuildsAndPassesItsTestsOffline writes a project and runs go
// build, vet and test in it with the module proxy off: it must work from the
// module cache and the local checkout alone.
func TestScaffoldBuildsAndPassesItsTestsOffline(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reviews")
	if err := Write(dir, Options{Name: "reviews", Module: "example.org/upwards-reviews", SDKPath: sdkPath(t)}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go.mod", "go.sum", "main.go", "main_test.go", "README.md", ".gitignore"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("the scaffold wrote no %s: %v", f, err)
		}
	}
	for _, f := range []string{"main.go", "main_test.go"} {
		src, _ := os.ReadFile(filepath.Join(dir, f))
		if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
			t.Errorf("%s is not gofmt-clean (%v)", f, err)
		}
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in the scaffolded project: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == "test" && !strings.Contains(string(out), "ok  \texample.org/upwards-reviews") {
			t.Fatalf("go test did not pass:\n%s", out)
		}
	}
	mod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if !strings.Contains(string(mod), "module example.org/upwards-reviews\n") ||
		!strings.Contains(string(mod), "replace "+SDKModule+" => "+sdkPath(t)) {
		t.Fatalf("go.mod:\n%s", mod)
	}
	mf, err := modfile.Parse("go.mod", mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The slim SDK: the project requires the SDK and what it imports itself
	// directly, and nothing the core alone uses.
	var direct []string
	for _, r := range mf.Require {
		if !r.Indirect {
			direct = append(direct, r.Mod.Path)
		}
		for _, coreOnly := range []string{"github.com/labstack/echo", "github.com/hibiken/asynq", "github.com/chromedp",
			"github.com/spf13/cobra", "github.com/xuri/excelize", "github.com/casbin"} {
			if strings.HasPrefix(r.Mod.Path, coreOnly) {
				t.Errorf("the scaffold requires %s, which only the core uses", r.Mod.Path)
			}
		}
	}
	if strings.Join(direct, " ") != SDKModule+" gorm.io/gorm" {
		t.Errorf("direct requirements %v, want the SDK and gorm", direct)
	}
}

func TestWriteRefusesBadNamesAndNonEmptyDirectories(t *testing.T) {
	root := repoRoot(t)
	for _, name := range []string{"", "x", "Reviews", "9lives", "has-dash", strings.Repeat("a", 33)} {
		if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: name, SDKPath: filepath.Join(root, SDKDir)}); err == nil || !strings.Contains(err.Error(), "manifest id") {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: "ok", Module: "bad module", SDKPath: filepath.Join(root, SDKDir)}); err == nil {
		t.Error("a module path with a space was accepted")
	}
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "keep.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(busy, Options{Name: "reviews", SDKPath: filepath.Join(root, SDKDir)}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(busy, "keep.txt")); string(b) != "mine" {
		t.Error("the scaffold touched an existing file")
	}
	if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: "reviews"}); err == nil {
		t.Error("neither a checkout nor a version: accepted")
	}
	if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: "reviews", SDKPath: t.TempDir()}); err == nil {
		t.Error("a directory without the SDK's go.mod was accepted as the SDK")
	}
	if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: "reviews", SDKPath: root}); err == nil || !strings.Contains(err.Error(), "not the Upwards SDK") {
		t.Errorf("the checkout's root module accepted as the SDK: %v", err)
	}
}

func TestWriteWithAPublishedVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	if err := Write(dir, Options{Name: "reviews", Module: "example.org/r", SDKVersion: "v1.4.0"}); err != nil {
		t.Fatal(err)
	}
	mod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if string(mod) != "module example.org/r\n\ngo 1.26\n\nrequire github.com/challengepartners/upwards/plugins/sdk v1.4.0\n" {
		t.Fatalf("go.mod:\n%s", mod)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); !os.IsNotExist(err) {
		t.Fatalf("go.sum written without a checkout: %v", err)
	}
}

func TestLocateCheckout(t *testing.T) {
	root := repoRoot(t)
	if got := LocateCheckout(filepath.Join(root, "plugins", "sdk", "plugintest")); got != root {
		t.Fatalf("from a subdirectory: %q, want %q", got, root)
	}
	if got := LocateCheckout(t.TempDir()); got != "" {
		t.Fatalf("outside any checkout: %q", got)
	}
}
