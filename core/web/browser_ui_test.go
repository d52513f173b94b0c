package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/storage"
)

// An operator opens /admin/ui in Chromium: every component of the SDK's ui
// package, the three SVG charts and their tables included, passes axe-core's
// WCAG 2.2 A and AA rules, first as it shows, then with the sample form
// refused (errors beside the fields and in the summary), then with the flash
// after a save. The page is saved as a full-page screenshot (its path is
// logged; UPWARDS_SCREENSHOTS names a directory to keep it in).
func TestBrowserUIComponentsPassAxe(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	if _, err := w.app.Identity.CreateUser(context.Background(), w.a.tenant.ID, "ops@alpha.example.org", "Ops", testPassword, true); err != nil {
		t.Fatal(err)
	}
	browser := browsertest.NewBrowser(t)
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/login")); err != nil {
		t.Fatalf("open the login page: %v", err)
	}
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	browsertest.Axe(ctx, t, "the login page")
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ops@alpha.example.org"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitNotPresent(chromedp.ID("password")),
		chromedp.Navigate(base+"/admin/ui"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=chart-attitude-against-the-reading-gap]")),
	); err != nil {
		t.Fatalf("log in and open /admin/ui: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: a PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("UPWARDS_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "admin-ui.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of /admin/ui: %s (%d bytes)", path, len(shot))
	// The charts are drawn: marks with hover titles, in the sheet's colours.
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".ui-marks > * > title").length`))
	if err != nil || marks != 8+8+10 {
		t.Fatalf("%d chart marks with titles, want 26 (%v)", marks, err)
	}
	// The stylesheet applies: a danger badge is not the default colour.
	colour, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".ui-badge.ui-tone-danger")).color`))
	if err != nil || colour != "rgb(164, 38, 44)" {
		t.Fatalf("a danger badge is %q, want rgb(164, 38, 44) from ui.css (%v)", colour, err)
	}
	openDetails := chromedp.Evaluate[bool](`document.querySelectorAll("details").forEach(d => d.open = true), true`)
	if _, err := chromedp.Run(ctx, openDetails); err != nil {
		t.Fatal(err)
	}
	browsertest.Axe(ctx, t, "/admin/ui")

	// The sample form sent empty: errors in the summary and beside the fields.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Save the workshop"]`)),
		chromedp.WaitVisible(chromedp.CSS(".ui-error-summary")),
	); err != nil {
		t.Fatalf("send the sample form empty: %v", err)
	}
	errs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("[aria-invalid=true]").length`))
	if err != nil || errs != 3 {
		t.Fatalf("%d fields marked invalid, want 3 (title, date, venue): %v", errs, err)
	}
	browsertest.Axe(ctx, t, "/admin/ui with the sample form refused")

	// Filled in: the next page confirms the save.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("f-title"), "Workshop 2: the matrix"),
		chromedp.SetValue(chromedp.ID("f-held_on"), "2025-10-01"),
		chromedp.SetValue(chromedp.ID("f-venue"), "hall"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Save the workshop"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash[role=status]")),
	); err != nil {
		t.Fatalf("save the sample form: %v", err)
	}
	browsertest.Axe(ctx, t, "/admin/ui with the flash after a save")
}
