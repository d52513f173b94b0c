package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// buildNetworkExcellence builds the Network of Excellence plugin into dir,
// as make build does.
func buildNetworkExcellence(t *testing.T, dir string) {
	t.Helper()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "networkexcellence"), "./plugins/networkexcellence")
	build.Dir = repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the networkexcellence plugin: %v\n%s", err, out)
	}
}

// slowPress submits with the button whose text is text and waits up to a
// minute for the answer (an allocation of the year solves first).
func (b *trustBrowser) slowPress(text string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.body.setAttribute("data-left", "1"), true`)); err != nil {
		b.t.Fatalf("press %s: mark the page: %v", text, err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(`(//button[normalize-space()=`+xpathLiteral(text)+`])[1]`)),
		chromedp.WaitNotPresent(chromedp.CSS("body[data-left]")), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		b.t.Fatalf("press %s: %v\n%s", text, err, b.text())
	}
}

// open navigates to a path of the install and waits for the page.
func (b *trustBrowser) open(path string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
}

// The "done when" for the Network of Excellence: on the demo
// install (`make run`), the central team opens the year board of the full
// network, runs and publishes an allocation; the Lead Reviewer writes the
// report of this week's review of Ruth Adeyemi's school, which Ruth, the
// host headteacher, agrees and the hub manager then reads; the headteacher
// of a school in another hub cannot see it. The core and the built plugin
// run together, on SQLite, with Chromium; axe-core finds no WCAG 2.2 A/AA
// violation on any page on the way.
func TestBrowserNetworkOfExcellenceReview(t *testing.T) {
	plugins := t.TempDir()
	buildNetworkExcellence(t, plugins)
	browsertest.Chrome(t)
	db := storagetest.URL(t, storage.SQLite)
	data := t.TempDir()
	start := time.Now()
	out := demoCommand(t, db, data, plugins)
	if !strings.Contains(out, "Network of Excellence is installed and enabled for the partnership tenant") {
		t.Fatalf("the demo did not install the plugin:\n%s", out)
	}
	t.Logf("the demo with the Network of Excellence took %.1f s", time.Since(start).Seconds())
	_, _, hs := startedApp(t, db, data)
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.PartnershipHost, ":")[0], 1)
	b := &trustBrowser{t: t, ctx: openBrowser(t, base+"/login", 300*time.Second), base: base}

	// The central team: the year board of the full network, then an allocation run and published.
	b.logIn("central@partnership.example.org")
	b.open("/p/networkexcellence/")
	b.axe("the programme's home")
	b.step("open this year's board", chromedp.Click(chromedp.Search(`(//a[starts-with(normalize-space(),"Year board")])[1]`)))
	b.sees("the year board", "Seats filled", "Reports overdue", "Reviews by week")
	b.axe("the year board")
	b.link("", "Allocation")
	b.axe("the allocation page")
	b.choose("f-term", "The whole year")
	b.fill("f-reason", "the week's withdrawals")
	b.slowPress("Run the allocation")
	b.sees("the run", "Allocation run", "Seats filled", "kept")
	b.axe("an allocation run")
	b.slowPress("Publish the allocation")
	b.sees("after publishing", "Published:", "Published")
	b.axe("the allocation page after publishing")
	// The central team's other pages, each checked by axe.
	board := strings.Trim(b.eval(`document.querySelector('nav[aria-label="Breadcrumb"] a[href*="/years/"]').getAttribute("href")`), `"`)
	for _, p := range []struct{ path, sees string }{
		{board + "/members", "Member schools"}, {board + "/schedule", "Reviews by week"},
		{"/p/networkexcellence/reviewers", "Reviewer register"}, {"/p/networkexcellence/trainings", "Reviewer training"},
		{"/p/networkexcellence/news", "News"},
	} {
		b.open(p.path)
		b.sees(p.path, p.sees)
		b.axe(p.path)
	}
	b.open(board + "/schedule")
	b.step("change a review", chromedp.Click(chromedp.Search(`(//table[@id="schedule"]//a[normalize-space()="Change"])[1]`)))
	b.sees("a review's schedule", "Save the schedule", "Cancel the review")
	b.axe("a review's schedule")
	b.open("/p/networkexcellence/trainings")
	b.step("open a session", chromedp.Click(chromedp.Search(`(//table[@id="trainings"]//a)[1]`)))
	b.sees("a training session", "Bookings")
	b.axe("a training session")
	b.open("/p/networkexcellence/reviewers")
	b.step("open a reviewer", chromedp.Click(chromedp.Search(`(//table[@id="register"]//tbody//a)[1]`)))
	b.sees("a reviewer", "Weeks unavailable", "Status and limit")
	b.axe("a reviewer's page")
	b.logOut()

	// The Lead Reviewer writes this week's report on the host's school.
	b.logIn("lead.reviewer@partnership.example.org")
	b.open("/p/networkexcellence/me")
	b.sees("Grace's page", "Your reviews", "Past reviews")
	b.axe("the Lead Reviewer's own page")
	b.link(`//section[.//h3[contains(., "Hospital School")]]`, "Write the report")
	review := strings.Trim(b.eval(`location.pathname`), `"`)
	b.sees("the review", "QA Review of", "Progress on last year")
	b.axe("the review's page, the report to write")
	b.fill("f-summary", "A calm, ambitious school whose leaders know its strengths and next steps.")
	b.eval(`[...document.querySelectorAll("select[name^=progress_]")].forEach(s => s.value = "good"), true`)
	b.press("Save the draft")
	b.sees("the saved draft", "Draft saved")
	b.choose("f-kind", "What Went Well")
	b.choose("f-theme", "Teaching and learning")
	b.fill("f-text", "Pupils explain their thinking in full sentences in every lesson.")
	b.press("Add")
	b.choose("f-kind", "Even Better If")
	b.choose("f-theme", "Assessment and feedback")
	b.fill("f-text", "Check understanding before moving on in mathematics.")
	b.press("Add")
	b.press("Submit the report to the host")
	b.sees("the submitted report", "Report submitted to the host headteacher", "Submitted to the host")
	b.axe("the submitted report")
	b.logOut()

	// The host headteacher agrees it.
	b.logIn("headteacher@partnership.example.org")
	b.open(review)
	b.sees("the host's view", "Pupils explain their thinking", "Agree the report")
	b.axe("the report to agree")
	b.press("Agree the report")
	b.sees("the agreed report", "Agreed by the host")
	b.axe("the agreed report")
	b.link("", "Network of Excellence")
	b.step("open the school's reviews", chromedp.Click(chromedp.Search(`(//a[contains(@href, "/p/networkexcellence/schools/")])[1]`)))
	b.sees("the school's history", "QA Reviews", "What Went Well")
	b.axe("the school's review history")
	b.logOut()

	// The hub manager reads it.
	b.logIn("hub.manager@partnership.example.org")
	b.open(review)
	b.sees("the hub manager's view", "Pupils explain their thinking", "Check understanding before moving on", "Agreed by the host")
	b.axe("the hub manager reading the report")
	b.open("/p/networkexcellence/")
	b.step("open the hub", chromedp.Click(chromedp.Search(`(//a[contains(@href, "/p/networkexcellence/hubs/")])[1]`)))
	b.sees("the hub's page", "Hub Action Plan", "Shared priorities", "Funding returned from membership fees")
	b.axe("the hub's page and plan")
	b.step("open an activity", chromedp.Click(chromedp.Search(`(//table[@id="activities"]//a)[1]`)))
	b.axe("an activity of the hub's plan")
	b.logOut()

	// The headteacher of a school in another hub cannot see it.
	b.logIn("head.otherhub@partnership.example.org")
	b.open(review)
	page := b.sees("another hub's headteacher", "Not found")
	if strings.Contains(page, "Pupils explain their thinking") {
		t.Fatalf("another hub's headteacher reads the report:\n%s", page)
	}
	b.open("/p/networkexcellence/")
	if page := b.text(); strings.Contains(page, "Hospital School") {
		t.Fatalf("another hub's headteacher is offered the host's reviews:\n%s", page)
	}
	b.axe("another hub's headteacher's home")
}
