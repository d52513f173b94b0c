package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

var binary string

// TestMain builds the plugin once; the tests run the binary as the core does.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "networkexcellence-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "networkexcellence")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the networkexcellence plugin: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// TestContract checks what the core relies on (manifest, migrations run
// twice, every route guarded and answering, jobs, health) on both kinds of
// storage the core hands a plugin.
func TestContract(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			driver, dsn, schema := testdb.Storage(t, d)
			plugintest.Run(t, binary, plugintest.WithStorage(driver, dsn, schema))
		})
	}
}

// TestImportsNothingFromTheCore keeps the plugin buildable outside the
// repository: it is built only on the contract and the SDK.
func TestImportsNothingFromTheCore(t *testing.T) {
	for _, args := range [][]string{{"list", "-deps", "./..."}, {"list", "-deps", "-test", "./..."}} {
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, "github.com/challengepartners/upwards/core") {
				t.Errorf("networkexcellence depends on %s (go %s); a plugin builds on plugins/ only", p, strings.Join(args, " "))
			}
		}
	}
}

func TestManifestVersionMatchesTheChangelog(t *testing.T) {
	m := manifest()
	if m.GetVersion() != Version || m.GetId() != "networkexcellence" {
		t.Fatalf("manifest %s %s", m.GetId(), m.GetVersion())
	}
	changelog, err := os.ReadFile("CHANGELOG.md")
	if err != nil || !strings.Contains(string(changelog), "## "+Version) {
		t.Fatalf("CHANGELOG.md has no entry for %s (%v)", Version, err)
	}
}

// TestDefaultGrantsAreTheNarrowest pins who holds what by default: the
// report is never another school's, senior partners read the hub but not
// its schools' reports, only the host head agrees, teachers hold nothing.
func TestDefaultGrantsAreTheNarrowest(t *testing.T) {
	holds := map[string]map[string]bool{}
	for _, p := range manifest().GetPermissions() {
		holds[p.GetName()] = map[string]bool{}
		for _, r := range p.GetDefaultRoles() {
			holds[p.GetName()][r] = true
		}
	}
	for _, c := range []struct {
		perm, role string
		want       bool
	}{
		{"networkexcellence.review.read", "hub_manager", true}, {"networkexcellence.review.read", "trust_leader", true},
		{"networkexcellence.review.read", "central_team", true}, {"networkexcellence.review.read", "senior_partner", false},
		{"networkexcellence.review.read", "reviewer", false}, {"networkexcellence.review.read", "lead_reviewer", false},
		{"networkexcellence.report.agree", "headteacher", true}, {"networkexcellence.report.agree", "senior_leader", false},
		{"networkexcellence.hub.plan", "hub_manager", true}, {"networkexcellence.hub.plan", "senior_partner", false},
		{"networkexcellence.hub.read", "senior_partner", true}, {"networkexcellence.programme.manage", "hub_manager", false},
		{"networkexcellence.trust.read", "trust_leader", true}, {"networkexcellence.trust.read", "headteacher", false},
		{"networkexcellence.board.read", "hub_manager", false}, {"networkexcellence.reviewer.self", "senior_leader", true},
		{"networkexcellence.directory.read", "teacher", true}, {"networkexcellence.directory.read", "para_professional", true},
		{"networkexcellence.day.book", "headteacher", true}, {"networkexcellence.day.book", "hub_manager", false},
		{"networkexcellence.day.host", "senior_leader", true}, {"networkexcellence.day.host", "reviewer", false},
	} {
		if holds[c.perm][c.role] != c.want {
			t.Errorf("%s granted to %s: %v, want %v", c.perm, c.role, !c.want, c.want)
		}
	}
	// Every registered user searches the Directory (that is its point: it
	// shows no pupil data and no report); teachers hold nothing else.
	for perm, roles := range holds {
		if perm != "networkexcellence.directory.read" && (roles["teacher"] || roles["para_professional"]) {
			t.Errorf("%s is granted to teachers or para-professionals", perm)
		}
	}
}
