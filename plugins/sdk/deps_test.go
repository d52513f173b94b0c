package sdk

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNothingFromTheCore keeps the SDK buildable outside the
// repository: a plugin importing it must not pull in any core package.
func TestImportsNothingFromTheCore(t *testing.T) {
	// Every package of the SDK module, the contract included.
	out, err := exec.Command("go", "list", "-deps", "-test", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/challengepartners/upwards/core/") {
			t.Errorf("the SDK depends on %s; plugins must build against plugins/ only", p)
		}
	}
}
