package cli_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

// filledDots are the places of the filled (latest snapshot) dots of a matrix drawing.
var filledDots = regexp.MustCompile(`<circle cx="([\d.]+)" cy="([\d.]+)" r="5" fill="#0072B2"`)

// openBrowser starts headless Chromium with the project's flags, opens url
// in it, and returns the browser's context with timeout for the test's
// actions; the browser closes when the test ends.
func openBrowser(t *testing.T, url string, timeout time.Duration) context.Context {
	t.Helper()
	browser := browsertest.NewBrowser(t)
	// The first action starts the browser and must not carry a deadline.
	if err := chromedp.Do(browser, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	ctx, cancel := context.WithTimeout(browser, timeout)
	t.Cleanup(cancel)
	return ctx
}

// Challenge the Gap in the browser, the test: in the demo install, a
// team member of the trust logs in through the login form, enters the March
// snapshot of the school's target pupils in the grid, and sees a dot move on
// the school's matrix. The core and the built plugin run together, on
// SQLite and on PostgreSQL. axe-core finds no WCAG 2.2 A/AA violation on the
// login page, the dashboard, the matrix or the grid.
func TestBrowserTeamMemberMovesADot(t *testing.T) {
	plugins := t.TempDir()
	buildChallengeGap(t, plugins)
	browsertest.Chrome(t) // no browser fails the test before the long set-up
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { browserTeamMemberMovesADot(t, d, plugins) })
	}
}

func browserTeamMemberMovesADot(t *testing.T, d storage.Dialect, plugins string) {
	db := storagetest.URL(t, d)
	data := t.TempDir()
	if d == storage.Postgres {
		t.Setenv("UPWARDS_PUPIL_KEY", testPupilKey) // PostgreSQL requires the setting; startedApp reads it too
	}
	demoCommand(t, db, data, plugins)
	ctx, a, hs := startedApp(t, db, data)
	tn, err := a.Tenancy.TenantBySlug(ctx, demo.TrustSlug)
	if err != nil {
		t.Fatal(err)
	}
	units, _, err := a.Tenancy.Search(ctx, tn.ID, tenancy.SearchQuery{Text: "Northstar Meadow", Kind: tenancy.KindSchool})
	if err != nil || len(units) != 1 {
		t.Fatalf("the trust's first school: %v %v", units, err)
	}
	// Chromium resolves *.localhost to loopback, so the tenant's host name selects it.
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.TrustHost, ":")[0], 1)
	school := base + "/p/challengegap/schools/" + strconv.FormatUint(uint64(units[0].ID), 10)

	bctx := openBrowser(t, base+"/login", 90*time.Second)
	if err := chromedp.Do(bctx, chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		t.Fatalf("the login page: %v", err)
	}
	browsertest.Axe(bctx, t, "the login page")
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("email"), "teacher@northstar.example.org"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitNotPresent(chromedp.ID("password")),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	browsertest.Axe(bctx, t, "the dashboard after logging in")
	read := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(bctx, a)
		if err != nil {
			t.Fatalf("read the page: %v", err)
		}
		return v
	}
	matrixSVG := func() (string, string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Navigate(school+"/matrix"), chromedp.WaitVisible(chromedp.CSS("[data-testid=matrix]"))); err != nil {
			t.Fatalf("open the matrix: %v", err)
		}
		return read(chromedp.OuterHTML(chromedp.CSS("[data-testid=matrix]"))), read(chromedp.OuterHTML(chromedp.CSS("html")))
	}
	before, page := matrixSVG()
	browsertest.Axe(bctx, t, "the school's matrix")
	dotsBefore := filledDots.FindAllStringSubmatch(before, -1)
	if len(dotsBefore) < 5 || !strings.Contains(before, `marker-end="url(#m-arrow-`) {
		t.Fatalf("the demo matrix shows %d dots and no arrow:\n%s", len(dotsBefore), before)
	}
	march := regexp.MustCompile(`<option value="(\d+)"[^>]*>March</option>`).FindStringSubmatch(page)
	if march == nil {
		t.Fatal("the matrix offers no March snapshot")
	}
	// The grid: the first pupil's attitude moves by 30 points (within 0-100).
	first := chromedp.CSS(`input[name^="attitude_"]`)
	if err := chromedp.Do(bctx, chromedp.Navigate(school+"/snapshots/"+march[1]), chromedp.WaitVisible(first)); err != nil {
		t.Fatalf("open the March grid: %v", err)
	}
	browsertest.Axe(bctx, t, "the March snapshot's grid")
	attr, err := chromedp.Run(bctx, chromedp.AttributeValue(first, "name"))
	if err != nil || !attr.Exists {
		t.Fatalf("the grid's first attitude: %v", err)
	}
	value := read(chromedp.Value(first))
	old, err := strconv.Atoi(value)
	if err != nil {
		t.Fatalf("attitude %q: %v", value, err)
	}
	next := old + 30
	if old > 50 {
		next = old - 30
	}
	sel := chromedp.CSS(`input[name="` + attr.Value + `"]`)
	// The page before the save is marked, so the wait below ends on the page the save answers.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.body.setAttribute("data-before-save", "1"), true`)); err != nil {
		t.Fatalf("mark the grid: %v", err)
	}
	if err := chromedp.Do(bctx,
		chromedp.SetValue(sel, strconv.Itoa(next)),
		chromedp.Submit(sel),
		chromedp.WaitNotPresent(chromedp.CSS("body[data-before-save]")),
		chromedp.WaitVisible(sel),
	); err != nil {
		t.Fatalf("save the grid: %v", err)
	}
	if got := read(chromedp.Value(sel)); got != strconv.Itoa(next) {
		t.Fatalf("after the save the grid shows attitude %q, want %d", got, next)
	}
	after, _ := matrixSVG()
	dotsAfter := filledDots.FindAllStringSubmatch(after, -1)
	if len(dotsAfter) != len(dotsBefore) {
		t.Fatalf("%d dots before the save, %d after", len(dotsBefore), len(dotsAfter))
	}
	moved := 0
	for i := range dotsBefore {
		if dotsBefore[i][0] != dotsAfter[i][0] {
			moved++
			if dotsBefore[i][1] != dotsAfter[i][1] {
				t.Errorf("dot %d moved across (%s to %s) though only its attitude changed", i+1, dotsBefore[i][1], dotsAfter[i][1])
			}
		}
	}
	if moved != 1 {
		t.Fatalf("%d dots moved after the grid saved one pupil's attitude, want 1", moved)
	}
}
