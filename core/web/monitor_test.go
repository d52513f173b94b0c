package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// operatorEmail is the install operator operator() makes in tenant A.
const operatorEmail = "ops@alpha.example.org"

// operator makes an install operator of tenant A (once) and returns the
// email to log in with.
func (w *world) operator() string {
	w.t.Helper()
	if _, err := w.app.Identity.UserByEmail(context.Background(), w.a.tenant.ID, operatorEmail); err == nil {
		return operatorEmail
	}
	if _, err := w.app.Identity.CreateUser(context.Background(), w.a.tenant.ID, operatorEmail, "Ops", testPassword, true); err != nil {
		w.t.Fatal(err)
	}
	return operatorEmail
}

// An operator's unsafe call to the job monitor is refused unless the browser
// says it is same-origin or its Origin is exactly this site's: scheme, host
// and port whole (the test server's base URL is http://…, its host alpha.test).
func TestJobMonitorRefusesWritesFromOtherOrigins(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	ops := w.client(w.a.host)
	ops.login(w.operator())
	pause := "/admin/jobs/api/queues/default:pause"
	for _, origin := range []string{
		"http://alpha.test.attacker.net", "http://attacker-alpha.test", "http://x.alpha.test",
		"https://alpha.test", "http://alpha.test:8080", "http://alpha.test@attacker.net", "null", "",
	} {
		h := http.Header{"Sec-Fetch-Site": {"cross-site"}}
		if origin != "" {
			h.Set("Origin", origin)
		}
		if resp, _ := ops.do(http.MethodPost, pause, nil, h); resp.StatusCode != http.StatusForbidden {
			t.Errorf("Origin %q: status %d, want 403", origin, resp.StatusCode)
		}
	}
	for _, h := range []http.Header{
		{"Origin": {"http://alpha.test"}},
		{"Origin": {"http://ALPHA.test:80"}},
		{"Sec-Fetch-Site": {"same-origin"}},
	} {
		if resp, body := ops.do(http.MethodPost, pause, nil, h); resp.StatusCode == http.StatusForbidden {
			t.Errorf("%v: refused: %.200s", h, body)
		}
	}
}

// Only the job monitor's page widens the policy, by a nonce of its own;
// every other answer keeps script-src 'self' with no nonce and no
// 'unsafe-inline'.
func TestOnlyTheJobMonitorPageCarriesANonce(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	ops := w.client(w.a.host)
	ops.login(w.operator())
	resp, _ := ops.get("/admin/jobs")
	if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != 200 || !strings.Contains(csp, "script-src 'self' 'nonce-") {
		t.Fatalf("job monitor page: %d, policy %q", resp.StatusCode, csp)
	}
	for _, path := range []string{"/", "/units", "/admin/jobs/api/queues", "/login"} {
		resp, _ := ops.get(path)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "nonce-") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: policy %q", path, csp)
		}
	}
}
