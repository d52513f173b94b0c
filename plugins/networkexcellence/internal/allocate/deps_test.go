package allocate

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSolverImportsNoStorageNetworkOrSDK keeps the solver pure: neither the package
// nor its tests may depend on gorm, net/http, database/sql or the plugin SDK.
func TestSolverImportsNoStorageNetworkOrSDK(t *testing.T) {
	forbidden := []string{"gorm.io/", "net/http", "database/sql", "github.com/challengepartners/upwards/plugins/sdk", "github.com/challengepartners/upwards/core"}
	for _, args := range [][]string{{"list", "-deps", "."}, {"list", "-deps", "-test", "."}} {
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go %s listed %d packages: %q", strings.Join(args, " "), len(deps), deps)
		}
		for _, p := range deps {
			for _, f := range forbidden {
				if strings.HasPrefix(p, f) {
					t.Errorf("internal/allocate depends on %s (go %s); the solver is pure", p, strings.Join(args, " "))
				}
			}
		}
	}
}
