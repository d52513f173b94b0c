package scaffold

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the Upwards checkout these tests run in.
func repoRoot(t *testing.T) string {
	t.Helper()
	root := LocateCheckout(".", DefaultUpwardsModule)
	if root == "" {
		t.Fatal("no Upwards checkout above the test's directory")
	}
	return root
}

// TestScaffoldBuildsAndPassesItsTestsOffline writes a project and runs go
// build, vet and test in it with the module proxy off: it must work from the
// module cache and the local checkout alone.
func TestScaffoldBuildsAndPassesItsTestsOffline(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reviews")
	if err := Write(dir, Options{Name: "reviews", Module: "example.org/upwards-reviews", UpwardsPath: repoRoot(t)}); err != nil {
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
		!strings.Contains(string(mod), "replace github.com/challengepartners/upwards => "+repoRoot(t)) {
		t.Fatalf("go.mod:\n%s", mod)
	}
}

func TestWriteRefusesBadNamesAndNonEmptyDirectories(t *testing.T) {
	root := repoRoot(t)
	for _, name := range []string{"", "x", "Reviews", "9lives", "has-dash", strings.Repeat("a", 33)} {
		if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: name, UpwardsPath: root}); err == nil || !strings.Contains(err.Error(), "manifest id") {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: "ok", Module: "bad module", UpwardsPath: root}); err == nil {
		t.Error("a module path with a space was accepted")
	}
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "keep.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(busy, Options{Name: "reviews", UpwardsPath: root}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(busy, "keep.txt")); string(b) != "mine" {
		t.Error("the scaffold touched an existing file")
	}
	if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: "reviews"}); err == nil {
		t.Error("neither a checkout nor a version: accepted")
	}
	if err := Write(filepath.Join(t.TempDir(), "p"), Options{Name: "reviews", UpwardsPath: t.TempDir()}); err == nil {
		t.Error("a directory without the Upwards go.mod was accepted as the checkout")
	}
}

func TestWriteWithAPublishedVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	if err := Write(dir, Options{Name: "reviews", Module: "example.org/r", UpwardsVersion: "v1.4.0"}); err != nil {
		t.Fatal(err)
	}
	mod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if string(mod) != "module example.org/r\n\ngo 1.26\n\nrequire github.com/challengepartners/upwards v1.4.0\n" {
		t.Fatalf("go.mod:\n%s", mod)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); !os.IsNotExist(err) {
		t.Fatalf("go.sum written without a checkout: %v", err)
	}
}

func TestLocateCheckout(t *testing.T) {
	root := repoRoot(t)
	if got := LocateCheckout(filepath.Join(root, "plugins", "sdk", "scaffold"), DefaultUpwardsModule); got != root {
		t.Fatalf("from a subdirectory: %q, want %q", got, root)
	}
	if got := LocateCheckout(t.TempDir(), DefaultUpwardsModule); got != "" {
		t.Fatalf("outside any checkout: %q", got)
	}
}
