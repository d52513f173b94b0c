package pluginhost

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// Operators see each plugin's version, checksum, state, restarts, latency
// and tenants; nobody else opens the page.
func TestAdminPluginsPage(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	p := e.install("echo", e.a, e.b)
	e.install("other")
	for i := 0; i < 3; i++ {
		e.get(e.a.host, e.a.hubMgrTok, "/p/echo/")
	}
	if resp, _ := e.get(e.a.host, e.a.hubMgrTok, "/admin/plugins"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a non-operator opened the page: %d", resp.StatusCode)
	}
	resp, page := e.get(e.a.host, e.a.adminTok, "/admin/plugins")
	if resp.StatusCode != 200 {
		t.Fatalf("operator: %d %.300s", resp.StatusCode, page)
	}
	row := regexp.MustCompile(`(?s)<tr data-plugin="echo">.*?</tr>`).FindString(page)
	for _, want := range []string{"Echo", "1.0.0", p.ShortSHA(), `data-testid="state">running`, `data-testid="tenants">alpha, beta`, " ms / "} {
		if !strings.Contains(row, want) {
			t.Errorf("echo's row lacks %q: %s", want, row)
		}
	}
	other := regexp.MustCompile(`(?s)<tr data-plugin="other">.*?</tr>`).FindString(page)
	if !strings.Contains(other, `data-testid="state">stopped`) || !strings.Contains(other, "none") {
		t.Errorf("a plugin no tenant enables: %s", other)
	}
	if !strings.Contains(page, "plugin.install") || !strings.Contains(page, `href="/admin/plugins"`) {
		t.Errorf("install history or the nav entry missing")
	}
}
