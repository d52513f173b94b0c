package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPluginNewWritesAProject(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reviews")
	cmd := pluginNewCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"reviews", "--module", "example.org/upwards-reviews", "--dir", dir})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || !strings.HasPrefix(string(mod), "module example.org/upwards-reviews\n") || !strings.Contains(string(mod), "replace github.com/challengepartners/upwards/plugins/sdk => ") {
		t.Fatalf("go.mod: %v\n%s", err, mod)
	}
	if !strings.Contains(out.String(), "upwards plugin install ./reviews") || !strings.Contains(out.String(), "upwards plugin dev "+dir+" --tenant SLUG") {
		t.Fatalf("output:\n%s", out.String())
	}
	cmd = pluginNewCmd()
	cmd.SetArgs([]string{"reviews", "--dir", dir})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second run into the same directory: %v", err)
	}
}
