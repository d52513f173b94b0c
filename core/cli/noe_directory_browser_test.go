package cli_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/security"
	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/app"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// The "done when" for the School Support Directory (issue 15): on
// the demo install (`make run`), a headteacher searches the Directory for
// schools strong in oracy, sees them on the map (drawn by the vendored
// Leaflet on the plain outline of England), books a Leadership Development
// Day at one for two of her leaders, is refused a second booking of the
// same person with a clear message, and rates a day she attended; the
// central team sees the figures. With a tile server set (a local https
// server), the map page, and it alone, may load the tiles: they are drawn
// with no Content-Security-Policy violation. The core and the built plugin run
// together, on SQLite, with Chromium; axe-core finds no WCAG 2.2 A/AA
// violation on any page on the way, the map and the SVG charts included.
func TestBrowserNetworkOfExcellenceDirectory(t *testing.T) {
	plugins := t.TempDir()
	buildNetworkExcellence(t, plugins)
	browsertest.Chrome(t)
	db := storagetest.URL(t, storage.SQLite)
	data := t.TempDir()
	demoCommand(t, db, data, plugins)
	ctx0, a, hs := startedApp(t, db, data)
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.PartnershipHost, ":")[0], 1)
	b := &trustBrowser{t: t, ctx: openBrowser(t, base+"/login", 600*time.Second), base: base}

	// The headteacher searches the Directory for oracy.
	b.logIn("headteacher@partnership.example.org")
	b.open("/p/networkexcellence/directory")
	b.axe("the Directory")
	b.fill("f-q", "oracy")
	b.press("Search")
	b.sees("the oracy search", "Area of Excellence:", "Why it matched")
	b.axe("the Directory's results")

	// The map: the vendored library draws the schools on the outline of England.
	b.link("", "See these schools on the map")
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#ne-map[data-state="ready"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ne-map path.leaflet-interactive, #ne-map .ne-cluster`))); err != nil {
		cancel()
		t.Fatalf("the map was not drawn: %v\n%s", err, b.outer("#ne-map"))
	}
	cancel()
	if n := b.eval(`document.getElementById("ne-map").dataset.count`); n == `"0"` || n == "null" {
		t.Fatalf("no school on the map: %s", n)
	}
	if ext := b.eval(`performance.getEntriesByType("resource").filter(e => !e.name.startsWith(location.origin)).length`); ext != "0" {
		t.Fatalf("the map loaded %s resources from other sites", ext)
	}
	b.sees("the map page", "schools on the map", "plain outline of England")
	b.axe("the map")
	b.mapWithTiles(ctx0, a)

	// A day of oracy outside her hub, with places: she books herself and a colleague.
	b.open("/p/networkexcellence/days")
	b.axe("the days on offer")
	day := strings.Trim(b.eval(`(() => { for (const a of document.querySelectorAll('a[href*="/p/networkexcellence/days/"]')) {
		if (!/oracy/i.test(a.textContent)) continue;
		const x = new XMLHttpRequest(); x.open("GET", a.href, false); x.send();
		if (x.responseText.includes("Book for")) return a.getAttribute("href"); } return "" })()`), `"`)
	if day == "" {
		t.Fatal("no oracy day the headteacher can book")
	}
	b.open(day)
	b.sees("the day", "What visitors will see", "Book for", "pairs booked")
	b.axe("a Leadership Development Day")
	pick := func(name, person string) {
		ok := b.eval(`(() => { const s = document.querySelector('select[name="` + name + `"]'); const o = [...s.options].find(o => o.text.trim() === "` + person + `");
			if (!o) return false; s.value = o.value; return true })()`)
		if ok != "true" {
			t.Fatalf("%s offers no %s:\n%s", name, person, b.text())
		}
	}
	pick("leader_1", "Ruth Adeyemi")
	pick("leader_2", "Owen Hughes")
	b.press("Book")
	b.sees("the booking", "Booked: Ruth Adeyemi and Owen Hughes", "Your school's bookings")
	b.axe("the day after booking")
	// A second booking of the same person is refused, saying why.
	pick("leader_1", "Ruth Adeyemi")
	pick("leader_2", "Maya Collins")
	b.press("Book")
	b.sees("the refused booking", "There is a problem", "already booked on this day")
	b.axe("the refused booking")

	// A day she attended earlier this term: she rates it.
	b.open("/p/networkexcellence/days")
	b.sees("her days", "Your days", "Rate it")
	b.link(`//table[@id="your-days"]`, "Rate it")
	rate := strings.Trim(b.eval(`location.pathname`), `"`)
	b.open(rate)
	b.fill("f-score", "11")
	b.press("Send the rating")
	b.sees("a rating out of range", "from 1 to 10")
	b.axe("the refused rating")
	b.fill("f-score", "9")
	b.press("Send the rating")
	b.sees("the rating", "your rating is recorded", "Rated")
	b.logOut()

	// The central team: the figures, the taxonomy, the Areas of Excellence.
	b.logIn("central@partnership.example.org")
	b.open("/p/networkexcellence/figures")
	b.sees("the figures", "Programme figures", "pairs", "/10", "of hubs", "Download the figures (CSV)")
	if n := b.eval(`document.querySelectorAll("figure svg").length`); n == "0" {
		t.Fatal("no chart on the figures page")
	}
	b.axe("the programme's figures and charts")
	csv := b.fetchText("/p/networkexcellence/figures.csv")
	if !strings.HasPrefix(csv, "year,reviews_scheduled") {
		t.Fatalf("figures.csv:\n%s", csv)
	}
	b.open("/p/networkexcellence/taxonomy")
	b.sees("the taxonomy", "Oracy", "Middle leadership")
	b.axe("the taxonomy")
	b.open("/p/networkexcellence/aoes")
	b.sees("the Areas of Excellence", "Accredited", "Accredit an area directly")
	b.axe("the Areas of Excellence")
	b.open("/p/networkexcellence/events")
	b.sees("the events", "Partnership events", "Add an event")
	b.axe("the partnership's events")
	// A hub's meetings and "who can help us with this?".
	b.open("/p/networkexcellence/directory")
	hub := strings.Trim(b.eval(`document.querySelector("#f-hub option:nth-child(2)").value`), `"`)
	b.open("/p/networkexcellence/hubs/" + hub + "/help")
	b.sees("who can help", "Who can help us with this?", "Schools that can help", "matching the hub")
	b.axe("who can help us with this")
	b.open("/p/networkexcellence/hubs/" + hub + "/meetings")
	b.sees("the hub's meetings", "Hub meetings", "Plan a meeting")
	b.axe("the hub's meetings")
}

// mapWithTiles sets the plugin's tile server (map_tiles) to a local https
// server of PNG tiles, as an operator would, and opens the map again: the
// core allows the tile server's origin for images on this page only (the
// plugin's image_origins), so Leaflet draws the tiles under the schools
// with no Content-Security-Policy violation and no console error; other
// pages keep the core's policy.
func (b *trustBrowser) mapWithTiles(ctx context.Context, a *app.App) {
	t := b.t
	t.Helper()
	var tile bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: color.RGBA{R: 0xcc, G: 0xdd, B: 0xcc, A: 0xff}}, image.Point{}, draw.Src)
	if err := png.Encode(&tile, img); err != nil {
		t.Fatal(err)
	}
	var tiles atomic.Int64
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !regexp.MustCompile(`^/osm/\d+/\d+/\d+\.png$`).MatchString(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		tiles.Add(1)
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(tile.Bytes())
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // Chromium's first handshakes, before it trusts the certificate
	t.Cleanup(ts.Close)
	tn, err := a.Tenancy.TenantBySlug(ctx, demo.PartnershipSlug)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"map_tiles": ts.URL + "/osm/{z}/{x}/{y}.png", "map_tiles_attribution": "Test tiles"} {
		if err := a.Tenancy.SetSetting(ctx, tn.ID, pluginhost.SettingPrefix("networkexcellence")+k, v); err != nil {
			t.Fatal(err)
		}
	}
	defer func() {
		for _, k := range []string{"map_tiles", "map_tiles_attribution"} {
			_ = a.Tenancy.SetSetting(ctx, tn.ID, pluginhost.SettingPrefix("networkexcellence")+k, "")
		}
	}()
	// The test server's certificate is its own; the browser trusts it, and
	// records every policy violation and console error from now on.
	var mu sync.Mutex
	var errs []string
	watch, stop := context.WithCancel(b.ctx)
	defer stop()
	msgs := chromedp.Console(watch)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	if _, err := chromedp.Call(b.ctx, security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true}); err != nil {
		t.Fatalf("trust the tile server: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));`}); err != nil {
		t.Fatalf("watch the policy: %v", err)
	}
	b.open("/p/networkexcellence/directory/map?q=oracy")
	ctx2, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx2, chromedp.WaitVisible(chromedp.CSS(`#ne-map[data-state="ready"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ne-map img.leaflet-tile-loaded`)),
		chromedp.WaitVisible(chromedp.CSS(`#ne-map path.leaflet-interactive, #ne-map .ne-cluster`))); err != nil {
		t.Fatalf("the tiles were not drawn (%d requested): %v\n%s", tiles.Load(), err, b.outer("#ne-map"))
	}
	drawn := b.eval(`[...document.querySelectorAll("#ne-map img.leaflet-tile-loaded")].filter(i => i.complete && i.naturalWidth === 256).length`)
	if n, _ := strconv.Atoi(drawn); n == 0 || tiles.Load() == 0 {
		t.Fatalf("%s tiles drawn, %d requested", drawn, tiles.Load())
	}
	if other := b.eval(`performance.getEntriesByType("resource").filter(e => !e.name.startsWith(location.origin) && !e.name.startsWith(` +
		strconv.Quote(ts.URL+"/osm/") + `)).map(e => e.name)`); other != "[]" {
		t.Fatalf("the map loaded from other sites: %s", other)
	}
	if v := b.eval(`window.__csp`); v != "[]" {
		t.Fatalf("Content-Security-Policy violations on the map: %s", v)
	}
	b.sees("the map with tiles", "schools on the map", "Test tiles")
	if strings.Contains(b.text(), "plain outline of England") {
		t.Fatal("the map with tiles still says it is drawn on the outline")
	}
	b.axe("the map with tiles")
	mu.Lock()
	got := slices.Clone(errs)
	mu.Unlock()
	if len(got) > 0 {
		t.Fatalf("errors on the map with tiles: %q", got)
	}
	// Another page of the plugin keeps the core's policy: the tile server's
	// images are refused there.
	b.open("/p/networkexcellence/directory")
	b.eval(`(() => { const i = new Image(); i.alt = ""; i.src = ` + strconv.Quote(ts.URL+"/osm/0/0/0.png") + `; document.body.append(i); return true })()`)
	v := ""
	for range 50 {
		if v = b.eval(`window.__csp`); strings.Contains(v, "img-src") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(v, "img-src") {
		t.Fatalf("the Directory's page let the tile server's image in: %s", v)
	}
}
