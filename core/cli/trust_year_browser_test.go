package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// trustBrowser drives one headless Chromium through the demo's trust tenant
// the way its people would: by following links and filling forms. Every
// step marks the page it leaves, so a wait ends on the page the step answers.
type trustBrowser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// jsQuote quotes s as a JavaScript string literal.
func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// xpathLiteral quotes s for XPath 1.0 (no escapes: use the quote s lacks).
func xpathLiteral(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + s + "'"
}

// step runs the actions that leave the page (a click, a submit) and waits
// for the page that answers them.
func (b *trustBrowser) step(what string, leave ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.body.setAttribute("data-left", "1"), true`)); err != nil {
		b.t.Fatalf("%s: mark the page: %v", what, err)
	}
	steps := append(leave, chromedp.WaitNotPresent(chromedp.CSS("body[data-left]")), chromedp.WaitReady(chromedp.CSS("footer")))
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second) // a missing link or button fails soon
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.text())
	}
}

// link follows the first link whose text is text (within the element of
// the XPath scope, "" for the whole page).
func (b *trustBrowser) link(scope, text string) {
	b.t.Helper()
	b.step("follow "+text, chromedp.Click(chromedp.Search(fmt.Sprintf(`(%s//a[normalize-space()=%s])[1]`, scope, xpathLiteral(text)))))
}

// press submits a form with the button whose text is text.
func (b *trustBrowser) press(text string) {
	b.t.Helper()
	b.step("press "+text, chromedp.Click(chromedp.Search(fmt.Sprintf(`(//button[normalize-space()=%s])[1]`, xpathLiteral(text)))))
}

// fill types value into the field with this id (replacing what it holds).
func (b *trustBrowser) fill(id, value string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.ID(id), value)); err != nil {
		b.t.Fatalf("fill %s: %v", id, err)
	}
}

// choose picks the option of the select with this id whose text is label.
func (b *trustBrowser) choose(id, label string) {
	b.t.Helper()
	ok := b.eval(fmt.Sprintf(`(() => { const s = document.getElementById(%s); if (!s) return false;
		const o = [...s.options].find(o => o.text.trim() === %s); if (!o) return false; s.value = o.value; return true })()`, jsQuote(id), jsQuote(label)))
	if ok != "true" {
		b.t.Fatalf("the select %s offers no %q:\n%s", id, label, b.html(chromedp.ID(id)))
	}
}

// eval runs a JavaScript expression and returns its result as JSON text.
func (b *trustBrowser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return string(v)
}

// text is what the page shows (its main part's rendered text).
func (b *trustBrowser) text() string {
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`))
	if err != nil {
		return "(page unreadable: " + err.Error() + ")"
	}
	return v
}

func (b *trustBrowser) html(sel chromedp.ID) string {
	v, err := chromedp.Run(b.ctx, chromedp.OuterHTML(sel))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return v
}

// sees fails unless the page shows every one of want.
func (b *trustBrowser) sees(where string, want ...string) string {
	b.t.Helper()
	page := b.text()
	for _, w := range want {
		if !strings.Contains(page, w) {
			b.t.Fatalf("%s: the page does not show %q:\n%s", where, w, page)
		}
	}
	return page
}

// outer is the outer HTML of the first element matching css.
func (b *trustBrowser) outer(css string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("read %s: %v\n%s", css, err, b.text())
	}
	return v
}

// axe fails the test, listing them, when axe-core finds WCAG 2.2 A/AA
// violations on the page open now.
func (b *trustBrowser) axe(where string) {
	b.t.Helper()
	browsertest.Axe(b.ctx, b.t, where)
}

// logIn logs in through the login form as email.
func (b *trustBrowser) logIn(email string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		b.t.Fatalf("open the login page: %v", err)
	}
	b.fill("email", email)
	b.fill("password", demo.Password)
	b.press("Log in")
	if strings.Contains(b.text(), "Log in") && b.eval(`!!document.getElementById("password")`) == "true" {
		b.t.Fatalf("log in as %s:\n%s", email, b.text())
	}
}

func (b *trustBrowser) logOut() {
	b.t.Helper()
	b.press("Log out")
}

// yearGridRow is one pupil's row of a snapshot grid as the page shows it.
type yearGridRow struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	YearGroup int    `json:"yg"`
	Gap       string `json:"gap"`
}

func (b *trustBrowser) grid() []yearGridRow {
	b.t.Helper()
	raw := b.eval(`[...document.querySelectorAll("[data-testid=grid] tbody tr")].map(tr => ({
		id: tr.querySelector("input[name^=age_]").name.slice(4),
		name: tr.cells[0].innerText.trim(), yg: parseInt(tr.cells[1].innerText.trim().slice(1), 10),
		gap: tr.cells[6].innerText.trim()}))`)
	var rows []yearGridRow
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		b.t.Fatalf("read the grid: %v (%s)", err, raw)
	}
	return rows
}

// fillGrid types one row of values per pupil and saves the grid.
func (b *trustBrowser) fillGrid(rows []yearGridRow, values func(i int, r yearGridRow) (are [3]string, age, attitude, aspiration int, attendance string)) {
	b.t.Helper()
	for i, r := range rows {
		are, age, att, asp, atten := values(i, r)
		for j, f := range []string{"reading", "writing", "maths"} {
			if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(`select[name="`+f+"_"+r.ID+`"]`), are[j])); err != nil {
				b.t.Fatalf("choose %s: %v", f, err)
			}
		}
		for f, v := range map[string]string{"age": strconv.Itoa(age), "attitude": strconv.Itoa(att), "aspiration": strconv.Itoa(asp), "attendance": atten} {
			if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(`input[name="`+f+"_"+r.ID+`"]`), v)); err != nil {
				b.t.Fatalf("type %s: %v", f, err)
			}
		}
	}
	b.press("Save the snapshot")
	if strings.Contains(b.text(), "nothing was saved") {
		b.t.Fatalf("the grid refused the values:\n%s", b.text())
	}
}

var (
	yearFilledDot = regexp.MustCompile(`<circle cx="[\d.]+" cy="[\d.]+" r="5" fill="#0072B2"`)
	yearHollowDot = regexp.MustCompile(`<circle cx="[\d.]+" cy="[\d.]+" r="5" fill="#ffffff"`)
	yearArrow     = regexp.MustCompile(`marker-end="url\(#m-arrow-\d+\)"`)
)

// The acceptance: on `make run`, the demo's trust tenant (which
// enables only Challenge the Gap) runs a whole programme year in the
// browser. In a fresh year beside the demo's, its admin adds the year, the
// trust's cluster and its leads and opens a survey round; the headteacher of
// Northstar Meadow Primary, as cluster lead, forms the trio, puts the
// school's team together, chooses the target cohort, takes the baseline and
// records a workshop and its attendance; the teacher on the team enters the
// baseline and the October snapshot in the grid, reads the matrix (drawing
// and table), records a strategy trial and its pupils, and answers the
// survey; the headteacher decides on the trial, answers the survey and reads
// the school's report, then the cluster's pages, which name no pupil. The
// core and the built plugin run together, on SQLite, with Chromium; axe-core
// finds no WCAG 2.2 A/AA violation on the programme's pages on the way.
func TestBrowserTrustRunsAProgrammeYear(t *testing.T) {
	started := time.Now()
	plugins := t.TempDir()
	buildChallengeGap(t, plugins)
	db := storagetest.URL(t, storage.SQLite)
	data := t.TempDir()
	demoCommand(t, db, data, plugins)
	_, _, hs := startedApp(t, db, data)
	// Chromium resolves *.localhost to loopback, so the tenant's host name selects it.
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.TrustHost, ":")[0], 1)

	bctx := openBrowser(t, base+"/login", 120*time.Second)
	b := &trustBrowser{t: t, ctx: bctx, base: base}

	const (
		school    = "Northstar Meadow Primary Academy"
		head      = "Chris Doyle"
		teacher   = "Lee Carter"
		cluster   = demo.TrustCluster
		trio      = "Meadow trio"
		strategy  = "Daily reading with an adult"
		roundName = "Autumn survey"
	)

	// 1. The trust's admin: a fresh programme year (the demo filled the
	// previous one), the trust's cluster with its schools, its leads, and a
	// survey round.
	b.logIn("admin@northstar.example.org")
	b.link("//nav", "Challenge the Gap")
	page := b.sees("the programme's home", "Programme years", "Add a programme year")
	b.axe("Challenge the Gap's home")
	now := time.Now()
	first := now.Year()
	if now.Month() < time.September {
		first--
	}
	yearLabel := func(first int) string { return fmt.Sprintf("%d-%02d", first, (first+1)%100) }
	demoYear := yearLabel(first - 1)               // the demo seeds the year before the one running
	for strings.Contains(page, yearLabel(first)) { // the demo's year, or one a run before made
		first++
	}
	label := yearLabel(first)
	if !strings.Contains(page, demoYear) {
		t.Fatalf("the demo's programme year %s is not listed:\n%s", demoYear, page)
	}
	b.fill("label", label)
	b.press("Add year")
	b.sees("the new year", "Challenge the Gap "+label, fmt.Sprintf("%d-09-01 to %d-08-31", first, first+1), "No cluster in this year yet.")
	b.choose("unit", cluster)
	b.press("Add cluster")
	b.sees("the new cluster", "Challenge the Gap "+label, school, "Northstar Riverside Primary Academy", "Northstar Oakwood Academy", "No trio yet.")
	b.axe("a cluster's page")
	b.choose("facilitation_school", school)
	b.choose("lead", head)
	b.choose("programme_lead", "Alex Morgan")
	b.press("Save leads")
	b.sees("the cluster's leads", "Facilitation school\n"+school, "Cluster lead\n"+head, "Programme lead\nAlex Morgan")
	b.link("", label)
	b.fill("round-label", roundName)
	b.press("Open a survey round")
	b.sees("the year's surveys", roundName)
	b.logOut()

	// 2. The headteacher, the cluster's lead: the trio, the school's team, the
	// target cohort and its baseline.
	b.logIn("head@northstar.example.org")
	b.link("//nav", "Challenge the Gap")
	b.sees("the head's home", "Clusters you lead")
	b.step("open the new year's cluster", chromedp.Click(chromedp.Search(fmt.Sprintf(`(//ul[@data-testid='led-clusters']/li[contains(., %s)]/a)[1]`, xpathLiteral("("+label+")")))))
	b.sees("the cluster, led", cluster, "Form a trio")
	b.fill("t-name", trio)
	b.press("Form trio")
	b.sees("the trio", trio, "Lead school", school)
	b.link("//table[@data-testid='schools']", school)
	b.sees("the school's page", school, "Challenge the Gap "+label, "The primary rule applies", "Add a team member")
	b.axe("a school's programme page")
	// The school's para-professional: the one on last year's team (the demo's).
	b.choose("year", demoYear)
	b.press("Show")
	var para string
	if err := json.Unmarshal([]byte(b.eval(`(() => { for (const tr of document.querySelectorAll("[data-testid=team] tbody tr"))
		if (tr.cells[1].innerText.trim() === "Para-professional") return tr.cells[0].innerText.trim(); return "" })()`)), &para); err != nil || para == "" {
		t.Fatalf("last year's para-professional: %v\n%s", err, b.text())
	}
	b.choose("year", label)
	b.press("Show")
	b.sees("the school's page again", "Challenge the Gap "+label, "Add a team member")
	for _, m := range []struct{ person, role, subject, para string }{
		{head, "Leader", "", ""},
		{teacher, "Teacher", "Class teacher (all subjects)", ""},
		{"", "Para-professional", "", "Teaching assistant"},
	} {
		if m.person == "" {
			m.person = para
		}
		b.choose("person", m.person)
		b.choose("role", m.role)
		if m.subject != "" {
			b.choose("subject", m.subject)
		}
		if m.para != "" {
			b.choose("para_type", m.para)
		}
		b.press("Add to the team")
		b.sees("the team after adding "+m.role, m.person)
	}
	b.sees("the complete team", "The team meets the primary rule.")
	team := b.outer("[data-testid=team]")
	for _, w := range []string{head, teacher, "Leader", "Teacher", "Para-professional", "Teaching assistant"} {
		if !strings.Contains(team, w) {
			t.Fatalf("the team table lacks %q:\n%s", w, team)
		}
	}

	b.link("", "Target cohort")
	b.sees("the cohort page", "Target cohort", "No pupil chosen yet.", "Choose pupils")
	b.axe("the target cohort's page")
	// Six pupils with no eligibility warning.
	picked := b.eval(`(() => { const out = [];
		for (const tr of document.querySelectorAll("[data-testid=candidates] tbody tr")) {
			if (out.length === 6) break;
			if (tr.cells[4].innerText.trim() !== "—") continue;
			tr.querySelector("input[type=checkbox]").checked = true; out.push(tr.cells[1].innerText.trim()) }
		return out })()`)
	var names []string
	if err := json.Unmarshal([]byte(picked), &names); err != nil || len(names) != 6 {
		t.Fatalf("six eligible candidates: %v %s\n%s", err, picked, b.text())
	}
	b.press("Add to the cohort")
	b.sees("the cohort chosen", append([]string{"In the cohort (6"}, names...)...)
	baselineOn := fmt.Sprintf("%d-09-20", first)
	b.fill("b-taken-on", baselineOn)
	b.press("Take the baseline and freeze the cohort")
	b.sees("the frozen cohort", "Baseline taken on", "the cohort is frozen", "Baseline — "+baselineOn)
	b.axe("the frozen cohort's compact table")
	// A pupil's changes are on the pupil's own page.
	b.link("//table[@data-testid='members']", "Change or take out: "+names[0])
	b.sees("a cohort pupil's page", names[0], "Warnings", "Take out of the cohort", "Reason (needed: the baseline is taken)")
	b.axe("a cohort pupil's page")
	b.link("", "Target cohort of "+school)

	// The first workshop, dated, with its attendance (the lead's work).
	b.link("", school)
	b.link("", cluster)
	b.link("//table[@data-testid='workshops']", firstWorkshopTitle(b))
	workshopOn := fmt.Sprintf("%d-10-01", first)
	b.fill("held_on", workshopOn)
	b.fill("venue", school)
	b.press("Save")
	namesNoPupil(t, "the workshop's page", b.sees("the dated workshop", "Date\n"+workshopOn, "Venue\n"+school), names)
	b.axe("a workshop's page")
	b.eval(`(() => { for (const tr of document.querySelectorAll("[data-testid=attendance] tbody tr")) {
		const who = tr.cells[1].innerText.trim(); tr.querySelector("input").checked = (who === "Chris Doyle" || who === "Lee Carter") } return true })()`)
	b.press("Save attendance")
	present := b.eval(`[...document.querySelectorAll("[data-testid=attendance] tbody tr")].filter(tr => tr.querySelector("input").checked).map(tr => tr.cells[1].innerText.trim())`)
	if present != `["Chris Doyle","Lee Carter"]` && present != `["Lee Carter","Chris Doyle"]` {
		t.Fatalf("attendance after the save: %s", present)
	}
	b.link("", cluster)
	b.sees("the cluster's workshops", workshopOn)
	b.logOut()

	// 3. The teacher on the team: the baseline and October grids, the
	// matrix, a strategy trial and its pupils, the survey.
	b.logIn("teacher@northstar.example.org")
	b.link("//nav", "Challenge the Gap")
	b.sees("the teacher's home", "Your teams")
	b.step("open the team's school", chromedp.Click(chromedp.Search(fmt.Sprintf(`(//ul[@data-testid='my-teams']/li[contains(., %s)]/a)[1]`, xpathLiteral(label)))))
	b.sees("the teacher's school page", school, "Challenge the Gap "+label, "Record a strategy trialled")
	b.link("", "Target cohort")
	b.link("//ul[@data-testid='snapshots']", "Baseline")
	rows := b.grid()
	if len(rows) != 6 {
		t.Fatalf("the baseline grid has %d rows, want 6:\n%s", len(rows), b.text())
	}
	b.axe("the baseline's grid")
	ageOf := func(r yearGridRow) int { return (r.YearGroup + 4) * 12 } // about a year behind
	b.fillGrid(rows, func(i int, r yearGridRow) ([3]string, int, int, int, string) {
		return [3]string{"below", "below", "at"}, ageOf(r), 30 + 5*i, 40, "90"
	})
	base0 := b.grid()
	b.link("", "Target cohort of "+school)
	octoberOn := fmt.Sprintf("%d-10-15", first)
	b.choose("s-label", "October")
	b.fill("s-taken-on", octoberOn)
	b.press("Add snapshot")
	b.sees("the October grid", "October", "taken on "+octoberOn, "Under each field: the pupil's value at Baseline.", "last: Below", "last: 90")
	// The teacher pastes October's values as a block copied from a
	// spreadsheet (tab-separated, a line a pupil) into the first pupil's
	// reading: the grid's script fills every row and says so.
	var block strings.Builder
	for i, r := range b.grid() {
		are := []string{"Below", "at", "At"}
		if i%2 == 0 { // half reach ARE in every subject
			are = []string{"at", "At", "above"}
		}
		fmt.Fprintf(&block, "%s\t%s\t%s\t%d\t%d\t60\t95\n", are[0], are[1], are[2], ageOf(r)+4+i, 50+5*i)
	}
	b.paste(`select[name^="reading_"]`, block.String())
	b.sees("the pasted grid", "Pasted 42 values for 6 pupils. Check them, then save the snapshot.")
	b.axe("the October grid, pasted")
	b.press("Save the snapshot")
	b.sees("the saved October grid", "October saved: 6 pupils.")
	oct := b.grid()
	// The months of gap closed, from the gaps the grids show.
	closed := 0
	for i := range oct {
		g0, err0 := strconv.Atoi(base0[i].Gap)
		g1, err1 := strconv.Atoi(oct[i].Gap)
		if err0 != nil || err1 != nil || base0[i].ID != oct[i].ID {
			t.Fatalf("the grids' gaps: %+v %+v", base0[i], oct[i])
		}
		closed += g1 - g0
	}
	wantClosed := fmt.Sprintf("%.1f months (n = 6)", float64(closed)/6)

	b.link("", "Target cohort of "+school)
	b.link("", "The matrix")
	b.sees("the school's matrix", "The matrix", "Movers", "Every pupil")
	b.axe("the school's matrix")
	svg := b.outer("[data-testid=matrix]")
	if n := len(yearFilledDot.FindAllString(svg, -1)); n != 6 {
		t.Fatalf("the matrix draws %d filled dots, want 6:\n%s", n, svg)
	}
	if n := len(yearHollowDot.FindAllString(svg, -1)); n != 6 {
		t.Fatalf("the matrix draws %d hollow dots, want 6:\n%s", n, svg)
	}
	if n := len(yearArrow.FindAllString(svg, -1)); n != 6 {
		t.Fatalf("the matrix draws %d arrows, want 6 (every pupil moved):\n%s", n, svg)
	}
	if !strings.Contains(svg, "<title") || !strings.Contains(svg, "Baseline to October") {
		t.Fatalf("the drawing has no title comparing the baseline and October:\n%s", svg)
	}
	// The quadrants: the six pupils counted at both snapshots, and how many moved from each to each.
	quads := b.outer("[data-testid=quadrants]")
	if got := quadrantTotal(quads); got != [2]int{6, 6} {
		t.Fatalf("the quadrant table counts %v pupils at the baseline and October, want 6 and 6:\n%s", got, quads)
	}
	b.sees("the school's matrix", "Quadrants", "How many of the 6 pupils with both values moved from each quadrant at Baseline (rows) to each at October (columns)")
	table := b.outer("[data-testid=matrix-table]")
	for _, n := range names {
		if !strings.Contains(table, n) {
			t.Fatalf("the matrix's table does not list %s:\n%s", n, table)
		}
	}
	if got := strings.Count(table, "<tr>"); got != 7 {
		t.Fatalf("the matrix's table has %d rows, want a header and 6 pupils:\n%s", got, table)
	}

	b.link("", "Target cohort of "+school)
	b.link("", school)
	b.choose("strategy", strategy+" (The Academically Competent Learner)")
	b.fill("started_on", fmt.Sprintf("%d-10-02", first))
	b.fill("t-notes", "Ten minutes a day with a trained adult")
	b.press("Record")
	b.sees("the trial recorded", strategy, "Trial running")
	b.link("//table[@data-testid='trials']", strategy)
	b.sees("the trial's page", strategy, "Pupils receiving it")
	b.axe("a strategy trial's page")
	receiving := names[:3]
	b.eval(fmt.Sprintf(`(() => { const who = %s; for (const tr of document.querySelectorAll("[data-testid=receiving] tbody tr")) {
		tr.querySelector("input").checked = who.includes(tr.cells[1].innerText.trim()) } return true })()`, jsonOf(receiving)))
	b.press("Save")
	got := b.eval(`[...document.querySelectorAll("[data-testid=receiving] tbody tr")].filter(tr => tr.querySelector("input").checked).map(tr => tr.cells[1].innerText.trim())`)
	var gotNames []string
	_ = json.Unmarshal([]byte(got), &gotNames)
	slices.Sort(gotNames)
	want := slices.Clone(receiving)
	slices.Sort(want)
	if !slices.Equal(gotNames, want) {
		t.Fatalf("the trial's pupils after the save: %v, want %v", gotNames, want)
	}
	// The page leads with the evidence in words; the statistics open with a click.
	b.sees("the trial's evidence", "Evidence", "than those who did not", "The statistics: groups, intervals and how to read them")
	if _, err := chromedp.Run(b.ctx, chromedp.Click(chromedp.Search(`//details[@id="evidence"]/summary`))); err != nil {
		t.Fatalf("open the statistics: %v", err)
	}
	b.sees("the trial's statistics", "The 3 cohort pupils receiving the strategy against the 3 who are not", "Change of the gap in months")
	b.link("", school)
	b.sees("the school page's trial", strategy)
	if trials := b.outer("[data-testid=trials]"); !strings.Contains(trials, "<td>3</td>") {
		t.Fatalf("the school page does not count 3 pupils on the trial:\n%s", trials)
	} else {
		for _, n := range names {
			if strings.Contains(trials, n) {
				t.Fatalf("the school page's trials name pupil %s", n)
			}
		}
	}
	b.link("", "Staff surveys")
	b.link("//ul[@data-testid='survey-rounds']", roundName)
	b.sees("the survey form", "Staff survey: "+roundName, "How far do you agree?")
	b.axe("the staff survey")
	answerSurvey(b, func(key string) int { return 4 }) // agree with everything
	b.sees("the survey answered", "you have answered this round")
	b.logOut()

	// 4. The headteacher: the decision, the survey, the school's report,
	// and the cluster's views, which name no pupil.
	b.logIn("head@northstar.example.org")
	b.link("//nav", "Challenge the Gap")
	b.step("open the led cluster", chromedp.Click(chromedp.Search(fmt.Sprintf(`(//ul[@data-testid='led-clusters']/li[contains(., %s)]/a)[1]`, xpathLiteral("("+label+")")))))
	b.link("//table[@data-testid='schools']", school)
	// The decision is taken on the trial's page, under its evidence in words.
	b.link("//table[@data-testid='trials']", strategy)
	b.sees("the trial's evidence", "than those who did not", "The statistics")
	b.axe("the trial's page with the decision")
	b.choose("decision", "Scale up across the school")
	b.press("Save the decision")
	b.sees("the decision saved", "Decision saved: Scale up across the school.")
	b.link("", school)
	b.link("", "Staff surveys")
	b.link("//ul[@data-testid='survey-rounds']", roundName)
	answerSurvey(b, func(key string) int {
		if key == "recommend" {
			return 2 // disagree
		}
		return 5
	})
	b.sees("the head's survey answered", "you have answered this round")
	b.link("", "Challenge the Gap "+label)
	namesNoPupil(t, "the year's page", b.sees("the year's page", cluster, roundName), names)
	b.link("//table[@data-testid='clusters']", cluster)
	b.link("//table[@data-testid='schools']", school)
	b.link("", "The school's report")
	report := b.sees("the school's report", school+": Challenge the Gap "+label, "Impact on the target pupils",
		"From Baseline to October", wantClosed, "100% (6 of 6)", "50% (3 of 6)", "90.0% → 95.0%", "+5.0 points (n = 6)",
		roundName+" (2 responses)", "Scale up across the school")
	surveys := b.outer("[data-testid=survey-results]")
	for _, w := range []string{"I would recommend the programme</th><td>50%</td><td>1</td><td>2</td>", "I am more confident in closing the gap for disadvantaged pupils</th><td>100%</td><td>2</td><td>2</td>"} {
		if !strings.Contains(surveys, w) {
			t.Fatalf("the report's survey lacks %s:\n%s", w, surveys)
		}
	}
	namesNoPupil(t, "the school's report", report, names)
	b.axe("the school's report")

	b.link("", "The school's programme page")
	b.link("", cluster)
	namesNoPupil(t, "the cluster's page", b.text(), names)
	b.link("", "The cluster's matrix")
	cm := b.sees("the cluster's matrix", "by school letter and number", "A1", "A6", "Legend", "A: "+school+" (circle)", "Quadrants", "School by school")
	if n := len(yearFilledDot.FindAllString(b.outer("[data-testid=matrix]"), -1)); n != 6 {
		t.Fatalf("the cluster's matrix draws %d pupils, want 6", n)
	}
	if legend := b.outer("[data-testid=matrix-legend]"); !strings.Contains(legend, school) || !strings.Contains(legend, `aria-hidden="true"`) {
		t.Fatalf("the cluster's matrix legend:\n%s", legend)
	}
	if got := quadrantTotal(b.outer("[data-testid=quadrants]")); got != [2]int{6, 6} {
		t.Fatalf("the cluster's quadrant table counts %v pupils, want 6 and 6", got)
	}
	b.axe("the cluster's matrix")
	// The head may read the school's cohort: its pupils are named beside their pseudonyms.
	namedBesidePseudonyms(t, "the cluster's matrix", cm, names)
	b.link("", cluster)
	b.link("//table[@data-testid='trios']", trio)
	tm := b.sees("the trio's matrix", "The matrix of "+trio, "A1")
	namedBesidePseudonyms(t, "the trio's matrix", tm, names)
	b.link("", cluster)
	b.link("", "The cluster's report")
	cr := b.sees("the cluster's report", "Aggregates only", wantClosed, roundName, "suppressed")
	b.axe("the cluster's report")
	namesNoPupil(t, "the cluster's report", cr+b.outer("main"), names)
	b.logOut()

	// 5. The trust's admin, who manages the programme as the central team
	// does: the year across all clusters, with the cluster's progress and
	// the programme's figures (the same months closed as the report).
	b.logIn("admin@northstar.example.org")
	b.link("//nav", "Challenge the Gap")
	b.link("", label)
	b.link("", "The year across all clusters")
	yp := b.sees("the year across all clusters", "The programme's figures", "Each cluster's progress", cluster, "Download these numbers as CSV")
	progress := b.outer("[data-testid=year-progress]")
	for _, want := range []string{strings.Replace(wantClosed, " months (n = ", " (", 1), "2 of 2</td>", "1 of 1</td>"} {
		if !strings.Contains(progress, want) {
			t.Fatalf("the year's progress lacks %q:\n%s", want, progress)
		}
	}
	namesNoPupil(t, "the year across all clusters", yp+b.outer("main"), names)
	b.axe("the year across all clusters")
	b.logOut()

	if d := time.Since(started); d > 90*time.Second {
		t.Logf("the year in the browser took %s (the aim is under 90 s)", d.Round(time.Second))
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// firstWorkshopTitle is the first workshop's title as the cluster page shows it.
func firstWorkshopTitle(b *trustBrowser) string {
	b.t.Helper()
	var title string
	if err := json.Unmarshal([]byte(b.eval(`document.querySelector("[data-testid=workshops] tbody tr a").innerText.trim()`)), &title); err != nil || title == "" {
		b.t.Fatalf("the cluster's first workshop: %v\n%s", err, b.text())
	}
	return title
}

// answerSurvey answers every statement of the survey form with the point
// pick(key) of the agree scale (1-5) and sends it.
func answerSurvey(b *trustBrowser, pick func(key string) int) {
	b.t.Helper()
	keys := b.eval(`[...new Set([...document.querySelectorAll("[data-testid=survey-form] input[type=radio]")].map(i => i.name.slice(5)))]`)
	var ks []string
	if err := json.Unmarshal([]byte(keys), &ks); err != nil || len(ks) != 7 {
		b.t.Fatalf("the survey's seven statements: %v %s\n%s", err, keys, b.text())
	}
	for _, k := range ks {
		if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="item_%s"][value="%d"]`, k, pick(k))))); err != nil {
			b.t.Fatalf("answer %s: %v", k, err)
		}
	}
	b.press("Send my answers")
}

// namesNoPupil fails if page names any of the cohort's pupils.
func namesNoPupil(t *testing.T, where, page string, names []string) {
	t.Helper()
	for _, n := range names {
		if strings.Contains(page, n) {
			t.Fatalf("%s names the pupil %s", where, n)
		}
	}
}

// paste dispatches a paste event carrying text, as a spreadsheet's copied
// block arrives, on the first element matching css.
func (b *trustBrowser) paste(css, text string) {
	b.t.Helper()
	ok := b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (!el) return false;
		const dt = new DataTransfer(); dt.setData("text/plain", %s); el.focus();
		return !el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true})) })()`, jsQuote(css), jsQuote(text)))
	if ok != "true" {
		b.t.Fatalf("pasting into %s: the page's script did not take the paste (%s):\n%s", css, ok, b.text())
	}
}

// quadrantTotal adds up a quadrant table's two columns of counts.
func quadrantTotal(table string) [2]int {
	var got [2]int
	for _, m := range regexp.MustCompile(`</th><td>(\d+)</td><td>(\d+)</td></tr>`).FindAllStringSubmatch(table, -1) {
		a, _ := strconv.Atoi(m[1])
		c, _ := strconv.Atoi(m[2])
		got[0] += a
		got[1] += c
	}
	return got
}

// namedBesidePseudonyms fails unless every name appears, and only in
// brackets after a pseudonym ("A3 (Name)").
func namedBesidePseudonyms(t *testing.T, where, page string, names []string) {
	t.Helper()
	for _, n := range names {
		if !regexp.MustCompile(`[A-Z]+\d+ \(` + regexp.QuoteMeta(n) + `\)`).MatchString(page) {
			t.Fatalf("%s does not name %s beside a pseudonym:\n%s", where, n, page)
		}
		if strings.Count(page, n) != strings.Count(page, "("+n+")") {
			t.Fatalf("%s names %s other than beside a pseudonym:\n%s", where, n, page)
		}
	}
}
