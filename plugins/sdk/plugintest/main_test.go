package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Binaries built once for the tests.
var helloBin, brokenBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "plugintest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	helloBin, brokenBin = filepath.Join(dir, "hello"), filepath.Join(dir, "broken")
	for bin, pkg := range map[string]string{helloBin: "../internal/example/hello", brokenBin: "../internal/testplugins/broken"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
