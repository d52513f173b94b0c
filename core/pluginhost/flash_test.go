package pluginhost

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

// A plugin confirms a save with ui.Flash before its redirect: the proxy
// turns the header into the core's flash cookie, so the next page in the
// shell shows the message once, as a status; the header itself never
// reaches the browser, and a refused form confirms nothing. The plugin is
// the SDK's example, built on the SDK.
func TestPluginFlashShowsOnTheNextPage(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("hello", e.a)
	b := e.login(e.a, e.a.admin.Email)
	if resp, page := b.do(http.MethodGet, "/p/hello/", nil); resp.StatusCode != 200 || !strings.Contains(page, "No greetings yet.") {
		t.Fatalf("hello's page: %d %.500s", resp.StatusCode, page)
	}
	school := strconv.FormatUint(uint64(e.a.trustSchool.ID), 10)
	resp, page := b.do(http.MethodPost, "/p/hello/greetings", url.Values{"school_id": {"0"}, "message": {"Good luck"}, "_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(page, `class="flash"`) || cookieSet(resp, "upwards_flash") {
		t.Fatalf("a refused greeting: %d, or it confirmed: %.500s", resp.StatusCode, page)
	}
	resp, _ = b.do(http.MethodPost, "/p/hello/greetings", url.Values{"school_id": {school}, "message": {"Good luck"}, "_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/p/hello/" {
		t.Fatalf("the greeting: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if v := resp.Header.Get(contract.FlashHeader); v != "" || !cookieSet(resp, "upwards_flash") {
		t.Fatalf("the redirect passes the flash header on (%q) or sets no flash cookie: %v", v, resp.Header.Values("Set-Cookie"))
	}
	want := `<div class="flash" role="status">Greeting sent to alpha Trust Primary</div>`
	if _, page = b.do(http.MethodGet, "/p/hello/", nil); !strings.Contains(page, want) {
		t.Fatalf("the next page does not confirm the save:\n%.3000s", page)
	}
	if _, page = b.do(http.MethodGet, "/p/hello/", nil); strings.Contains(page, `class="flash"`) {
		t.Fatal("the confirmation shows a second time")
	}
}

// A page (a fragment) that asks for a flash shows it on itself, and leaves
// no cookie for the next page.
func TestPluginFlashOnAPageShowsOnIt(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	b := e.login(e.a, e.a.admin.Email)
	resp, page := b.do(http.MethodGet, "/p/echo/flash", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `<div class="flash" role="status">Settings saved</div>`) || !strings.Contains(page, "shown with its flash") {
		t.Fatalf("the page with a flash: %d\n%.2000s", resp.StatusCode, page)
	}
	if cookieSet(resp, "upwards_flash") || resp.Header.Get(contract.FlashHeader) != "" {
		t.Fatalf("the flash shown now also waits for the next page, or reached the browser: %v", resp.Header)
	}
	if _, page = b.do(http.MethodGet, "/p/echo/", nil); strings.Contains(page, `class="flash"`) {
		t.Fatal("the flash shows again on the next page")
	}
}

func cookieSet(resp *http.Response, name string) bool {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.MaxAge >= 0 && c.Value != "" {
			return true
		}
	}
	return false
}

// The flash text the shell shows: decoded, printable, bounded.
func TestFlashMessage(t *testing.T) {
	long := strings.Repeat("é", contract.FlashMaxLen+50)
	cases := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"Review%20saved"}, "Review saved"},
		{[]string{"first", "Second%20one"}, "Second one"},
		{[]string{"100%"}, "100%"}, // not valid escaping: taken as it is
		{[]string{"Line%0Abreak%00and\ttab"}, "Line break and tab"},
		{[]string{"%3Cb%3Ebold%3C%2Fb%3E"}, "<b>bold</b>"}, // the shell's template escapes it
		{[]string{"bad%FFbyte"}, "badbyte"},
		{[]string{url.PathEscape(long)}, strings.Repeat("é", contract.FlashMaxLen-1) + "…"},
	}
	for _, c := range cases {
		if got := flashMessage(c.in); got != c.want {
			t.Errorf("flashMessage(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
