// Package browsertest is what the core's browser tests (chromedp, headless
// Chromium) share: Axe injects axe-core into the page a test has open and
// fails the test on every WCAG 2.0, 2.1 and 2.2 A or AA violation it finds,
// listing each (rule, impact, the elements, how to fix it).
//
// axe-core is not a Go module: scripts/ensure-test-deps.sh (run by `make
// test` and CI) installs the pinned version from npm into bin/tools/npm.
// Without it Axe fails the test, saying to run that script; it never skips.
// UPWARDS_AXE may name another axe.min.js.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeTags are the axe-core rule tags Axe runs: WCAG 2.0, 2.1 and 2.2, levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeScript is where scripts/ensure-test-deps.sh installs axe-core, from the
// repository's root.
const axeScript = "bin/tools/npm/node_modules/axe-core/axe.min.js"

// Violation is one rule axe-core found broken on a page.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s [%s]", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		html := n.HTML
		if len(html) > 160 {
			html = html[:160] + "…"
		}
		fmt.Fprintf(&b, "\n    at %s: %s\n      %s", n.Target, html, strings.ReplaceAll(n.Summary, "\n", "\n      "))
	}
	return b.String()
}

// AxeSource returns axe-core's script: UPWARDS_AXE, or the copy
// scripts/ensure-test-deps.sh installed under the repository's root (found
// from the working directory up). A missing script fails t.
func AxeSource(t testing.TB) string {
	t.Helper()
	path := os.Getenv("UPWARDS_AXE")
	if path == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatalf("axe-core: %v", err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, axeScript)); err == nil {
				path = filepath.Join(dir, axeScript)
				break
			}
			if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil || filepath.Dir(dir) == dir {
				path = filepath.Join(dir, axeScript) // the root, where it should be
				break
			}
			dir = filepath.Dir(dir)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core is required for the browser tests' accessibility check and is missing (%v): run scripts/ensure-test-deps.sh (make test does)", err)
	}
	return string(b)
}

// runAxe is the check, as a promise of the violations.
var runAxe = `(async () => {
	const r = await axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]});
	return r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""}))}));
})()`

// AxeViolations injects axe-core into the page open in ctx (once per page)
// and returns what it finds against AxeTags.
func AxeViolations(ctx context.Context, t testing.TB) ([]Violation, error) {
	t.Helper()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, fmt.Errorf("look for axe-core: %w", err)
	}
	if !loaded {
		// Runtime.evaluate is the DevTools' own: the page's CSP (script-src 'self') does not apply.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](AxeSource(t)+"\n;typeof window.axe === \"object\"")); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	tags := `["` + strings.Join(AxeTags, `","`) + `"]`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](fmt.Sprintf(runAxe, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	return vs, nil
}

// Axe checks the page open in ctx with axe-core and fails t (without
// stopping it) when it finds any violation of WCAG 2.2 A or AA, listing
// each. where names the page in the message.
func Axe(ctx context.Context, t testing.TB, where string) {
	t.Helper()
	vs, err := AxeViolations(ctx, t)
	if err != nil {
		t.Fatalf("axe-core on %s: %v", where, err)
	}
	if len(vs) == 0 {
		return
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = "  " + v.String()
	}
	t.Errorf("axe-core finds %d WCAG 2.2 A/AA violation(s) on %s:\n%s", len(vs), where, strings.Join(lines, "\n"))
}
