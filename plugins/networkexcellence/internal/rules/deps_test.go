package rules

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRulesArePure keeps the package free of storage, the network, the
// SDK and the rest of the plugin.
func TestRulesArePure(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		for _, bad := range []string{"gorm.io", "net/http", "database/sql", "plugins/sdk", "upwards/core", "networkexcellence/internal/"} {
			if strings.Contains(p, bad) && !strings.HasSuffix(p, "/internal/rules") {
				t.Errorf("internal/rules depends on %s", p)
			}
		}
	}
}
