package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chrome returns the Chromium to drive: UPWARDS_CHROME, or the first of
// chromium, chromium-browser and google-chrome on PATH. None fails t: a
// browser test never skips (`make test` installs Debian's chromium).
func Chrome(t testing.TB) string {
	t.Helper()
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

// NewBrowser starts headless Chromium with the flags this sandbox and CI
// need (no sandbox, no GPU, no background networking, a fresh profile) and
// returns its context; the browser closes when t ends. The first action run
// on it starts the browser, so it must not carry a deadline: derive one with
// context.WithTimeout after it.
func NewBrowser(t testing.TB) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chrome(t)),
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
