package match

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportsNoStorageNoWebNoSDK keeps the solver pure: neither it nor its
// tests may depend on gorm, net/http or the plugin SDK, so that cmd/gamatch
// and the plugin run the same code and it can be checked on its own.
func TestImportsNoStorageNoWebNoSDK(t *testing.T) {
	for _, args := range [][]string{{"list", "-deps", "."}, {"list", "-deps", "-test", "."}} {
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 5 || !slices.Contains(deps, "github.com/challengepartners/upwards/plugins/gettingahead/internal/match") {
			t.Fatalf("go %s listed %d packages, not this one: %s", strings.Join(args, " "), len(deps), out)
		}
		for _, p := range deps {
			if strings.HasPrefix(p, "gorm.io/") || p == "net/http" || strings.HasPrefix(p, "net/http/") ||
				strings.HasPrefix(p, "github.com/challengepartners/upwards/plugins/sdk") {
				t.Errorf("internal/match depends on %s (go %s); it must stay pure", p, strings.Join(args, " "))
			}
		}
	}
}
