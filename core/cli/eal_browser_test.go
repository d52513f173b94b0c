package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// fetchText gets a file of the site in the browser (with its session).
func (b *trustBrowser) fetchText(path string) string {
	b.t.Helper()
	raw := b.eval(`(() => { const x = new XMLHttpRequest(); x.open("GET", ` + jsQuote(path) + `, false); x.send();
		return x.status === 200 ? x.responseText : "HTTP " + x.status })()`)
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil || strings.HasPrefix(s, "HTTP ") {
		b.t.Fatalf("fetch %s: %v %s", path, err, s)
	}
	return s
}

// The EAL trial's acceptance (issue 16): on the demo install, the trial
// manager of the demo trial freezes the second wave's list, commits,
// allocates and reveals; the evaluator downloads the frozen list and the
// revealed seed and re-derives the allocation with the standalone command
// (cmd/ealrandomise), which matches the product's; the centre lead records
// the demo delegate's attendance, the facilitator logs the day, and the
// delegate answers the self-assessments before and after the course; the
// CONSORT diagram counts what the allocations hold. The core and the built
// plugin run together on SQLite with Chromium; axe-core finds no WCAG 2.2
// A/AA violation on any page the journey opens.
func TestBrowserEALTrialJourney(t *testing.T) {
	plugins := t.TempDir()
	buildPlugin(t, plugins, "eal")
	tools := t.TempDir()
	cmd := filepath.Join(tools, "ealrandomise")
	build := exec.Command("go", "build", "-o", cmd, "./plugins/eal/cmd/ealrandomise")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build ealrandomise: %v\n%s", err, out)
	}
	browsertest.Chrome(t)
	db := storagetest.URL(t, storage.SQLite)
	data := t.TempDir()
	started := time.Now()
	out := demoCommand(t, db, data, plugins)
	if !strings.Contains(out, "EAL in the mainstream classroom is installed and enabled") {
		t.Fatalf("the demo did not set up the EAL trial:\n%s", out)
	}
	t.Logf("the demo with the EAL trial: %v", time.Since(started))
	_, _, hs := startedApp(t, db, data)
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.PartnershipHost, ":")[0], 1)
	b := &trustBrowser{t: t, ctx: openBrowser(t, base+"/login", 180*time.Second), base: base}
	const trial = "EAL in the mainstream classroom 2017-19"

	// 1. The trial manager randomises the second wave.
	b.logIn(demo.EALTrialManager)
	b.link("//nav", "EAL trial")
	b.sees("the trials", trial)
	b.axe("the EAL trial's home")
	b.link("//table[@data-testid='trials']", trial)
	b.sees("the trial", "Randomised: 65 schools", "Not randomised yet: 6", "Progress per centre")
	b.axe("the trial's page")
	b.link("", "Randomisation")
	b.sees("the randomisation", "Wave 1", "Verified", "Freeze the list of these 6 schools")
	b.axe("the randomisation page")
	b.press("Freeze the list of these 6 schools")
	b.sees("wave 2 frozen", "Wave 2's list frozen", "Next: commit")
	b.press("Commit")
	b.sees("wave 2 committed", "Wave 2 committed", "eal-randomise v1 wave=2 schools=6", "Next: allocate")
	b.press("Allocate")
	b.sees("wave 2 allocated", "Wave 2 allocated", "Next: reveal")
	b.axe("an allocated wave")
	b.press("Reveal the seed")
	b.sees("wave 2 revealed", "Wave 2's seed revealed")
	if got := b.eval(`document.querySelector("[data-testid=wave-2] [data-testid=check]").innerText`); !strings.Contains(got, "Verified") {
		t.Fatalf("wave 2's check: %s", got)
	}
	// The evaluator's first export, and a school's page.
	b.link("//nav[@aria-label='Breadcrumb']", trial)
	b.link("", "Evaluator's exports")
	b.sees("the exports", "Columns the data-sharing agreement lists", "No export yet.")
	b.axe("the exports page")
	b.press("Freeze version 1")
	b.sees("version 1", "Version 1 frozen", "Version 1")
	b.link("//nav[@aria-label='Breadcrumb']", trial)
	b.link("//table[@data-testid='school-progress']", demo.EALDelegateSchool)
	b.sees("a school's page", "Eligibility", "Agreement", "Delegates", "Intervention")
	b.axe("a school's page in the trial")
	b.logOut()

	// 2. The evaluator re-derives wave 2 with the standalone command.
	b.logIn(demo.EALEvaluator)
	b.link("//nav", "EAL trial data")
	b.axe("the evaluator's home")
	b.link("//table[@data-testid='research-trials']", trial)
	page := b.sees("the evaluator's trial", "Wave 2", "Verified", "Randomised: 71 schools")
	b.axe("the evaluator's page")
	for _, name := range []string{demo.EALDelegateSchool, demo.EALCentre, "Imran Siddiqui", "Nadia Rahman"} {
		if strings.Contains(page, name) {
			t.Fatalf("the evaluator's page names %q", name)
		}
	}
	wave := func(n int, file string) string {
		return b.fetchText(fmt.Sprintf("/p/eal/research/trials/1/waves/%d/%s", n, file))
	}
	list := filepath.Join(tools, "wave-2-list.csv")
	if err := os.WriteFile(list, []byte(wave(2, "list.csv")), 0o600); err != nil {
		t.Fatal(err)
	}
	seed, allocation2, commit2 := strings.TrimSpace(wave(2, "seed.txt")), wave(2, "allocation.csv"), strings.TrimSpace(wave(2, "commitment.txt"))
	rederived, err := exec.Command(cmd, "--seed", seed, "--wave", "2", list).Output()
	if err != nil || string(rederived) != allocation2 {
		t.Fatalf("ealrandomise on the evaluator's files: %v\n%s\nthe product's allocation:\n%s", err, rederived, allocation2)
	}
	allocPath := filepath.Join(tools, "wave-2-allocation.csv")
	if err := os.WriteFile(allocPath, []byte(allocation2), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cmd, "--seed", seed, "--wave", "2", "--verify", commit2, allocPath).CombinedOutput(); err != nil {
		t.Fatalf("verify wave 2: %v\n%s", err, out)
	}
	// The CONSORT diagram counts what the two allocations hold; the demo's
	// one withdrawal is a control school lost to follow-up.
	all := wave(1, "allocation.csv") + allocation2
	arms := map[string]int{"intervention": strings.Count(all, ",intervention\n"), "control": strings.Count(all, ",control\n")}
	if arms["intervention"]+arms["control"] != 71 {
		t.Fatalf("the allocations hold %v", arms)
	}
	b.sees("the evaluator's CONSORT diagram", "Assessed for eligibility: 71 schools", "Excluded: 0 schools",
		fmt.Sprintf("Allocated to intervention: %d schools", arms["intervention"]),
		fmt.Sprintf("Allocated to control: %d schools", arms["control"]),
		"Control, lost to follow-up: 1 school", fmt.Sprintf("Control, analysed: %d schools", arms["control"]-1),
		fmt.Sprintf("Intervention, analysed: %d schools", arms["intervention"]))
	if got := b.eval(`document.querySelector("[data-testid=consort-diagram] svg").getAttribute("role")`); got != `"img"` {
		t.Fatalf("the CONSORT drawing's role: %s", got)
	}
	b.logOut()

	// 3. The centre lead records the demo delegate's attendance on day 1.
	b.logIn(demo.EALCentreLead)
	b.link("//nav", "EAL trial")
	b.link("//table[@data-testid='trials']", trial)
	b.link("//table[@data-testid='centre-progress']", demo.EALCentre)
	b.sees("the centre", demo.EALCentre, "Course days", "Imran Siddiqui")
	b.axe("a delivery centre's page")
	b.eval(`(() => { for (const tr of document.querySelectorAll("[data-testid=attendance-1] tbody tr"))
		if (tr.innerText.includes("Imran Siddiqui")) tr.querySelector("input").checked = true; return true })()`)
	b.press("Save day 1's attendance")
	b.sees("day 1 saved", "Day 1's attendance saved")
	if got := b.eval(`[...document.querySelectorAll("[data-testid=attendance-1] tbody tr")].some(tr => tr.innerText.includes("Imran Siddiqui") && tr.querySelector("input").checked)`); got != "true" {
		t.Fatal("the delegate's attendance was not kept")
	}
	b.logOut()

	// 4. The facilitator logs day 1.
	b.logIn(demo.EALFacilitator)
	b.link("//nav", "EAL trial")
	b.link("//table[@data-testid='trials']", trial)
	b.link("//table[@data-testid='centre-progress']", demo.EALCentre)
	b.choose("f-day", "Day 1")
	b.choose("f-fidelity", "4 Mostly as designed")
	b.fill("f-notes", "Group work on subject vocabulary ran long.")
	b.press("Log the session")
	b.sees("the session logged", "Session logged", "Group work on subject vocabulary ran long.")
	b.axe("the centre's page for its facilitator")
	b.logOut()

	// 5. The delegate answers the self-assessments.
	b.logIn(demo.EALDelegate)
	b.link("//nav", "EAL trial")
	b.link("", "Your course")
	b.sees("the delegate's course", "Your course days", "Before the course")
	b.axe("the delegate's course")
	answer := func(kind string, v string) {
		for _, item := range []string{"language", "demands", "learners", "confidence"} {
			id := b.eval(fmt.Sprintf(`document.querySelector("form input[name=kind][value=%s]").form.querySelector("select[name=%s]").id`, kind, item))
			var sel string
			_ = json.Unmarshal([]byte(id), &sel)
			b.choose(sel, v)
		}
		b.press("Save your answers")
		b.sees("answers saved", "Your answers are saved")
	}
	answer("pre", "2 Low")
	answer("post", "4 High")
	b.sees("both assessments", "Before the course", "After the course", "4 High")
	if got := b.eval(`[...document.querySelectorAll("table tbody tr")].some(tr => tr.innerText.startsWith("Day 1") && tr.innerText.trim().endsWith("Yes"))`); got != "true" {
		t.Fatalf("the delegate does not see day 1 attended:\n%s", b.text())
	}
	b.axe("the delegate's answers")
	// The school's EAL pupils, as its teacher sees them.
	b.link("//nav", "EAL trial")
	b.link("//table[@data-testid='trials']", trial)
	b.link("//table[@data-testid='school-progress']", demo.EALDelegateSchool)
	b.link("", "The school's EAL pupils")
	b.sees("the pupils", "EAL pupils", "Baseline: proficiency in English and test score")
	b.axe("the school's EAL pupils")
}
