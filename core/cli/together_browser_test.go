package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/cli"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// texts reads a JavaScript expression's array of strings in the browser.
func (b *trustBrowser) texts(js string) []string {
	b.t.Helper()
	var out []string
	if raw := b.eval(js); json.Unmarshal([]byte(raw), &out) != nil {
		b.t.Fatalf("%s is no list of strings: %s", js, raw)
	}
	return out
}

// programmeNames are the demo's programmes as the core's pages name them.
var programmeNames = []string{"Challenge the Gap", "Network of Excellence", "Getting Ahead London", "EAL in the mainstream classroom"}

// The demo with everything (issue 18's acceptance): on the demo install with
// all four programme plugins (`make run`), the headteacher of a school in
// three programmes logs in and sees what she must do next in each and her
// school's panel from each, and her school's page shows all three; the
// trust's leader sees only Challenge the Gap; the central team sees every
// programme's figures. The core and the built plugins run together on
// SQLite, with Chromium; axe-core finds no WCAG 2.2 A/AA violation on the
// pages.
func TestBrowserEveryProgrammeTogether(t *testing.T) {
	plugins := t.TempDir()
	for _, dp := range cli.DemoPlugins {
		buildPlugin(t, plugins, dp.ID)
	}
	browsertest.Chrome(t)
	db := storagetest.URL(t, storage.SQLite)
	data := t.TempDir()
	start := time.Now()
	out := demoCommand(t, db, data, plugins)
	t.Logf("the demo with the four programmes took %.1f s", time.Since(start).Seconds())
	for _, want := range []string{demo.ThreeHead, "her school is in three programmes", "See every programme together"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the demo's output lacks %q:\n%s", want, out)
		}
	}
	_, _, hs := startedApp(t, db, data)
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.PartnershipHost, ":")[0], 1)
	b := &trustBrowser{t: t, ctx: openBrowser(t, base+"/login", 120*time.Second), base: base}
	three := []string{"Challenge the Gap", "Getting Ahead London", "Network of Excellence"}
	set := func(xs []string) []string {
		xs = slices.Clone(xs)
		slices.Sort(xs)
		return slices.Compact(xs)
	}

	// The head of three programmes: a to-do of each, and her school's panel from each.
	b.logIn(demo.ThreeHead)
	b.open("/")
	home := b.sees("her home page", "What to do next", "Your schools", demo.ThreeHeadSchool,
		"self-evaluation", // the Network: her school's review next week
		"staff survey",    // Challenge the Gap: she leads her school's team
		"Rank the participants of Getting Ahead London") // Getting Ahead London: a new coach
	if got := set(b.texts(`[...document.querySelectorAll("[data-testid=todos] li > span.muted")].map(s => s.textContent.split(" · ")[0].trim())`)); !slices.Equal(got, three) {
		t.Fatalf("her to-dos come from %q, want %q:\n%s", got, three, home)
	}
	school := `[...document.querySelectorAll("[data-testid=my-schools] article")].find(a => a.querySelector("h3").textContent.trim() === ` + jsQuote(demo.ThreeHeadSchool) + `)`
	if got := set(b.texts(`[...` + school + `.querySelectorAll("section.panel")].map(s => s.getAttribute("aria-label"))`)); !slices.Equal(got, three) {
		t.Fatalf("her school's panels on her home page are %q, want %q:\n%s", got, three, home)
	}
	t.Logf("her to-dos: %q", b.texts(`[...document.querySelectorAll("[data-testid=todos] li")].map(li => li.textContent.replace(/\s+/g, " ").trim())`))
	b.axe("the home page of a head in three programmes")
	schoolPage := strings.Trim(b.eval(school+`.querySelector("h3 a").getAttribute("href")`), `"`)
	b.open(schoolPage)
	page := b.sees("her school's page", demo.ThreeHeadSchool, "Programmes", "QA Review booked for week")
	if got := set(b.texts(`[...document.querySelectorAll("[data-testid=programmes] section.panel")].map(s => s.getAttribute("aria-label"))`)); !slices.Equal(got, three) {
		t.Fatalf("her school's page shows the panels of %q, want %q:\n%s", got, three, page)
	}
	b.axe("the school page of a school in three programmes")
	b.logOut()

	// The central team: every programme's headline figures.
	b.logIn("central@partnership.example.org")
	b.open("/")
	b.sees("the central team's home page", "Programmes at a glance")
	if got, want := set(b.texts(`[...document.querySelectorAll("[data-testid=overview] h3")].map(h => h.textContent.trim())`)), set(programmeNames); !slices.Equal(got, want) {
		t.Fatalf("Programmes at a glance shows %q, want %q:\n%s", got, want, b.text())
	}
	b.axe("the central team's home page")
	b.logOut()

	// The trust runs Challenge the Gap alone: its leader sees nothing of the
	// others (and no figures: she holds her role at the trust, not the root).
	trust := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.TrustHost, ":")[0], 1)
	tb := &trustBrowser{t: t, ctx: b.ctx, base: trust}
	tb.logIn("ceo@northstar.example.org")
	tb.open("/")
	ceo := tb.sees("the trust leader's home page", "What to do next", "Your schools", "Challenge the Gap")
	named := tb.texts(`[...document.querySelectorAll("[data-testid=todos] li > span.muted, [data-testid=my-schools] section.panel, [data-testid=overview] h3")].map(e => e.getAttribute("aria-label") || e.textContent.split(" · ")[0].trim())`)
	if got := set(named); !slices.Equal(got, []string{"Challenge the Gap"}) {
		t.Fatalf("the trust leader's home page names the programmes %q, want Challenge the Gap alone:\n%s", got, ceo)
	}
	for _, other := range programmeNames[1:] {
		if strings.Contains(ceo, other) {
			t.Fatalf("the trust leader's home page names %s:\n%s", other, ceo)
		}
	}
}
