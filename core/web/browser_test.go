package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/storage"
)

// chromePath finds Debian's Chromium (or UPWARDS_CHROME). The browser test
// fails, never skips, when it is missing: `make test` installs it.
func chromePath(t *testing.T) string {
	if p := os.Getenv("UPWARDS_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is required for the browser test: apt-get install chromium (make test does)")
	return ""
}

// newBrowser starts headless Chromium with the flags this sandbox needs.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromePath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

func text(ctx context.Context, t *testing.T, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("read %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// A trust leader logs in through the real login form in Chromium, searches
// the organisation for a school of the trust and opens its page.
func TestBrowserLoginAndFindSchool(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	browser := newBrowser(t)
	// Chromium resolves *.localhost to loopback, so the tenant's host name selects it.
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	school := w.a.trustSchool
	// The first action starts the browser and must not carry a deadline.
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/units")); err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("email")),
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
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("q"), "Primary"),
		chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=result-count]")),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
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
}
