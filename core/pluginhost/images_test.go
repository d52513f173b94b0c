package pluginhost

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// A plugin page may show images from a few https origins it names
// (image_origins, e.g. its map's tile server): the core adds them to the
// img-src of that response's Content-Security-Policy alone; other pages
// keep 'self' data:, and an answer naming a bad origin (not https, a path,
// a wildcard, more than four) is refused with 502 and the core's policy.
func TestPluginImageOrigins(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	const core = "img-src 'self' data:;"
	get := func(origins ...string) (*http.Response, string) {
		t.Helper()
		return e.do(http.MethodGet, e.a.host, e.a.hubMgrTok, "/p/echo/images?"+url.Values{"o": origins}.Encode(), nil, nil)
	}
	resp, page := get()
	if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != 200 || !strings.Contains(csp, core) || !strings.Contains(page, `data-testid="images"`) {
		t.Fatalf("no origins: %d %q %.300s", resp.StatusCode, csp, page)
	}
	resp, _ = get("https://tiles.example.org", "https://127.0.0.1:8443")
	want := "img-src 'self' data: https://tiles.example.org https://127.0.0.1:8443;"
	if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != 200 || !strings.Contains(csp, want) ||
		!strings.HasPrefix(csp, "default-src 'self';") || !strings.Contains(csp, "script-src 'self';") {
		t.Fatalf("good origins: %d %q", resp.StatusCode, csp)
	}
	// The next page of the same plugin has the core's policy again.
	resp, _ = e.do(http.MethodGet, e.a.host, e.a.hubMgrTok, "/p/echo/raw", nil, nil)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, core) || strings.Contains(csp, "tiles.example.org") {
		t.Fatalf("another page: %q", csp)
	}
	for _, bad := range [][]string{
		{"http://tiles.example.org"}, {"https://*.example.org"}, {"https://tiles.example.org/{z}/{x}/{y}.png"},
		{"https://tiles.example.org; script-src *"}, {"https://tiles.example.org 'unsafe-inline'"}, {"data:"}, {"*"},
		{"https://a.example", "https://b.example", "https://c.example", "https://d.example", "https://e.example"},
	} {
		resp, page := get(bad...)
		if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != http.StatusBadGateway || !strings.Contains(csp, core) ||
			strings.Contains(csp, "example") || strings.Contains(page, `data-testid="images"`) {
			t.Errorf("bad origins %q: %d %q", bad, resp.StatusCode, csp)
		}
	}
}
