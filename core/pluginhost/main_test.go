package pluginhost

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// binDir holds the test plugin binaries TestMain builds.
var binDir string

// builds are the test plugins: name → package (under internal/testplugins,
// or a full import path) and -X flags.
var builds = map[string]struct {
	pkg   string
	flags []string
}{
	"echo":        {"echo", nil},
	"panels":      {"echo", []string{"main.pluginID=panels", "main.name=Panels", "main.panels=1"}},
	"echo2":       {"echo", []string{"main.version=2.0.0"}},
	"echo3":       {"echo", []string{"main.version=3.0.0", "main.extra=1"}},
	"other":       {"echo", []string{"main.pluginID=other", "main.name=Other"}},
	"daily":       {"echo", []string{"main.pluginID=daily", "main.name=Daily", "'main.tickCron=0 7 * * *'"}},
	"store":       {"store", nil},
	"storefail":   {"store", []string{"main.version=2.0.0", "main.failMigrate=1"}},
	"evil":        {"evil", nil},
	"badmanifest": {"badmanifest", nil},
	"future":      {"future", nil},
	// The SDK's example, built on the SDK (pages from its ui package).
	"hello": {"github.com/challengepartners/upwards/plugins/sdk/internal/example/hello", nil},
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "upwards-testplugins-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	if err := buildPlugins(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildPlugins builds every test plugin into dir, two at a time.
func buildPlugins(dir string) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	sem := make(chan struct{}, 2)
	for name, b := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := []string{"build", "-o", filepath.Join(dir, name)}
			if len(b.flags) > 0 {
				args = append(args, "-ldflags", "-X "+strings.Join(b.flags, " -X "))
			}
			pkg := b.pkg
			if !strings.Contains(pkg, "/") {
				pkg = "./internal/testplugins/" + pkg
			}
			args = append(args, pkg)
			out, err := exec.Command("go", args...).CombinedOutput()
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("build test plugin %s: %v\n%s", name, err, out))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// binary returns the path of test plugin name.
func binary(name string) string { return filepath.Join(binDir, name) }

// copyBinary copies test plugin name into a test's own directory (for
// tests that change the file).
func copyBinary(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(binary(name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
