package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/storage"
)

func text(ctx context.Context, t *testing.T, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("read %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// A trust leader logs in through the real login form in Chromium, searches
// the organisation for a school of the trust and opens its page; axe-core
// finds no WCAG 2.2 A/AA violation on any page on the way, nor on the
// dashboard and the account page.
func TestBrowserLoginAndFindSchool(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	browser := browsertest.NewBrowser(t)
	// Chromium resolves *.localhost to loopback, so the tenant's host name selects it.
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	school := w.a.trustSchool
	// The first action starts the browser and must not carry a deadline.
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/units")); err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		t.Fatalf("the login page: %v", err)
	}
	browsertest.Axe(ctx, t, "the login page")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), w.a.trustEmail),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("q")),
	)
	if err != nil {
		t.Fatalf("log in: %v", err)
	}
	if got := text(ctx, t, "[data-testid=tenant]"); got != "Alpha Org" {
		t.Errorf("shell names tenant %q", got)
	}
	browsertest.Axe(ctx, t, "the organisation page")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("q"), "Primary"),
		chromedp.Submit(chromedp.ID("q")),
		// The count is on the page before the search too: wait for the results'.
		chromedp.WaitVisible(chromedp.Search(`//p[@data-testid="result-count"][contains(., "Primary")]`)),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	browsertest.Axe(ctx, t, "the search results")
	results := text(ctx, t, "[data-testid=units]")
	if !strings.Contains(results, school.Name) || strings.Contains(results, w.a.hubSchool.Name) {
		t.Errorf("search results %q: want the trust's school and none outside the trust", results)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(fmt.Sprintf(`//a[normalize-space(text())=%q]`, school.Name))),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=unit-name]")),
	)
	if err != nil {
		t.Fatalf("open school: %v", err)
	}
	heading, facts := text(ctx, t, "[data-testid=unit-name]"), text(ctx, t, "[data-testid=school-facts]")
	if heading != school.Name || !strings.Contains(facts, *school.URN) || !strings.Contains(facts, "Primary") {
		t.Errorf("school page: heading %q facts %q", heading, facts)
	}
	browsertest.Axe(ctx, t, "the school's page")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	browsertest.Axe(ctx, t, "the dashboard")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
		t.Fatalf("open the account page: %v", err)
	}
	browsertest.Axe(ctx, t, "the account page")
}
