package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
)

// The check catches what it is for: on a page with an image without a text
// alternative, a field without a label and pale text, axe-core reports each
// rule with its elements; the same page made right reports nothing. The
// page is served with the core's Content-Security-Policy, which the
// injected script must get past.
func TestAxeFindsViolations(t *testing.T) {
	pages := map[string]string{
		"/bad": `<!doctype html><html lang="en"><head><title>Bad</title><link rel="stylesheet" href="/bad.css"></head><body><main>
<h1>Bad</h1><img src="/x.png"><form><input name="q"></form><p class="pale">Pale text</p></main></body></html>`,
		"/good": `<!doctype html><html lang="en"><head><title>Good</title></head><body><main>
<h1>Good</h1><img src="/x.png" alt="A chart"><form><label for="q">Search</label><input id="q" name="q"></form><p>Dark text</p></main></body></html>`,
		"/bad.css": `.pale { color:#c8c8c8; background:#fff; }`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'")
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".css") {
			w.Header().Set("Content-Type", "text/css")
		}
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	browser := browsertest.NewBrowser(t)
	if err := chromedp.Do(browser, chromedp.Navigate(srv.URL+"/bad")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	vs, err := browsertest.AxeViolations(ctx, t)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
		if len(v.Nodes) == 0 || v.Nodes[0].Target == "" || v.Help == "" || v.Impact == "" {
			t.Errorf("violation %s lacks its elements, help or impact: %+v", v.ID, v)
		}
	}
	for _, want := range []string{"image-alt", "label", "color-contrast"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe-core did not report %s on the bad page (it reported %v)", want, ids)
		}
	}
	msg := vs[0].String()
	if !strings.Contains(msg, vs[0].ID+" (") || !strings.Contains(msg, "at ") {
		t.Errorf("a violation reads %q", msg)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/good")); err != nil {
		t.Fatal(err)
	}
	browsertest.Axe(ctx, t, "the good page")
}

// Without axe-core the check fails, saying what to run; it never skips.
func TestAxeWithoutTheScriptFailsSayingWhatToRun(t *testing.T) {
	t.Setenv("UPWARDS_AXE", t.TempDir()+"/missing/axe.min.js")
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() { // Fatalf ends the goroutine it runs in
		defer close(done)
		browsertest.AxeSource(rec)
	}()
	<-done
	if !rec.failed || !strings.Contains(rec.msg, "scripts/ensure-test-deps.sh") {
		t.Fatalf("missing axe-core: failed %v, %q", rec.failed, rec.msg)
	}
}

// recorder is a testing.TB that records a fatal failure instead of ending the test.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
