package web_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/storage"
)

// cspWatch collects what a page reports about its Content-Security-Policy:
// securitypolicyviolation events (a listener installed before any script of
// the page runs), the browser log's security entries and uncaught exceptions.
type cspWatch struct {
	mu   sync.Mutex
	seen []string
}

func (cw *cspWatch) list() []string {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	return append([]string(nil), cw.seen...)
}

// watchCSP starts collecting on browser; call it before the first navigation.
func watchCSP(t *testing.T, browser context.Context) *cspWatch {
	t.Helper()
	cw := &cspWatch{}
	msgs := chromedp.Console(browser)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Source == "security" || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				cw.mu.Lock()
				cw.seen = append(cw.seen, m.String())
				cw.mu.Unlock()
			}
		}
	}()
	_, err := chromedp.Call(browser, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));`})
	if err != nil {
		t.Fatalf("watch CSP: %v", err)
	}
	return cw
}

// An operator opens the job monitor in Chromium: under the site's strict
// policy (script-src 'self', no 'unsafe-inline') it renders its queues table,
// with the queue that has a task, and nothing breaks the policy.
func TestBrowserJobMonitorRendersUnderTheCSP(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	ctx := context.Background()
	ops := w.operator()
	if _, err := w.app.Client.Enqueue(ctx, app.TaskPurgeSessions, nil); err != nil {
		t.Fatal(err)
	}
	browser := browsertest.NewBrowser(t)
	cw := watchCSP(t, browser)
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/admin/jobs")); err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	tctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	err := chromedp.Do(tctx,
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), ops),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.Search(`//table//*[normalize-space(text())="default"]`)),
	)
	if err != nil {
		loc, _ := chromedp.Run(browser, chromedp.Location())
		body, _ := chromedp.Run(browser, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("the job monitor did not render its queues table at %s: %v (page text %.300q; CSP reports %v)", loc, err, body, cw.list())
	}
	// Let the page settle (it polls the API every few seconds) before reading the reports.
	time.Sleep(2 * time.Second)
	violations, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`window.__csp`))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range append(violations, cw.list()...) {
		t.Errorf("CSP: %s", v)
	}
	if policy, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector('meta[property="csp-nonce"]') ? "nonce" : "none"`)); err != nil || policy != "nonce" {
		t.Errorf("the monitor's page announces no nonce to its styles: %q %v", policy, err)
	}
}
