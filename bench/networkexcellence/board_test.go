// Package networkexcellence_test benchmarks the Network of Excellence
// plugin inside a running core, on the demo install (the real list's 418
// member schools in 31 hubs, two years of reviews): the central team's
// year board against the core's dashboard for the same user in the same
// run, with the Host calls each board makes; and an allocation run of the
// whole year through the plugin's route. It prints ratios and times;
// nothing asserts a time.
package networkexcellence_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/web"
)

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// world is a started core with the built plugin and the demo partnership's network.
type world struct {
	a  *app.App
	hs *httptest.Server
	// plain serves the same install without the programmes' panels, to-dos
	// and figures on the home page: the plain dashboard, the baseline the
	// programme's pages are measured against (as before the home page
	// gathered the programmes).
	plain *httptest.Server
	token string
	year  string // the plugin path of this year's board
	seed  time.Duration
}

func newWorld(b *testing.B) *world {
	b.Helper()
	repo, err := filepath.Abs("../..")
	must(b, err)
	bin := filepath.Join(b.TempDir(), "networkexcellence")
	build := exec.Command("go", "build", "-o", bin, "./plugins/networkexcellence")
	build.Dir, build.Env = repo, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build the plugin: %v\n%s", err, out)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = storagetest.URL(b, storage.SQLite), b.TempDir(), "error"
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	must(b, err)
	b.Cleanup(func() { a.Close() })
	_, err = a.Migrate(ctx)
	must(b, err)
	must(b, a.LoadPermissions(ctx))
	_, err = demo.Build(ctx, demo.Services{Tenancy: a.Tenancy, Identity: a.Identity, Authz: a.Authz})
	must(b, err)
	must(b, a.Start(ctx))
	_, err = a.Plugins.Install(ctx, bin, false)
	must(b, err)
	tn, err := a.Tenancy.TenantBySlug(ctx, demo.PartnershipSlug)
	must(b, err)
	must(b, a.Plugins.Enable(ctx, "networkexcellence", tn.ID))
	admin, err := a.Identity.UserByEmail(ctx, tn.ID, demo.Admins[demo.PartnershipSlug])
	must(b, err)
	w := &world{a: a}
	t0 := time.Now()
	must(b, a.Plugins.RunJob(ctx, "networkexcellence", "demo_seed", tn.ID, admin.ID, nil))
	w.seed = time.Since(t0)
	central, err := a.Identity.UserByEmail(ctx, tn.ID, "central@partnership.example.org")
	must(b, err)
	w.token, _, err = identitytest.Session(ctx, a.Identity, tn.ID, central.ID, demo.Password)
	must(b, err)
	srv, err := a.Web()
	must(b, err)
	w.hs = httptest.NewServer(srv.Handler())
	b.Cleanup(w.hs.Close)
	deps := a.WebDeps()
	deps.Plugins = web.WithoutContributions(deps.Plugins)
	deps.Metrics = prometheus.NewRegistry() // the app's registry already holds the first server's metrics
	plain, err := web.New(deps)
	must(b, err)
	w.plain = httptest.NewServer(plain.Handler())
	b.Cleanup(w.plain.Close)
	_, home := w.do(b, http.MethodGet, "/p/networkexcellence/", nil)
	m := regexp.MustCompile(`href="(/p/networkexcellence/years/\d+)">Year board`).FindStringSubmatch(home)
	if m == nil {
		b.Fatalf("no year board on the programme's home page:\n%.500s", home)
	}
	w.year = m[1]
	return w
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (w *world) do(tb testing.TB, method, path string, form url.Values) (time.Duration, string) {
	tb.Helper()
	return w.doAt(tb, w.hs, method, path, form)
}

// dashboard requests the plain dashboard (the baseline).
func (w *world) dashboard(tb testing.TB) time.Duration {
	tb.Helper()
	d, _ := w.doAt(tb, w.plain, http.MethodGet, "/", nil)
	return d
}

func (w *world) doAt(tb testing.TB, hs *httptest.Server, method, path string, form url.Values) (time.Duration, string) {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, hs.URL+path, body)
	must(tb, err)
	req.Host = demo.PartnershipHost
	identitytest.SetSession(req, w.token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	t0 := time.Now()
	resp, err := noRedirect.Do(req)
	must(tb, err)
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	must(tb, err)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("%s %s: %d %.300s", method, path, resp.StatusCode, out)
	}
	return d, string(out)
}

// BenchmarkYearBoard requests, in turn, the core's dashboard and this
// year's board of the full network as the central team, and reports each
// page's time, their ratio and the Host calls per board.
func BenchmarkYearBoard(b *testing.B) {
	w := newWorld(b)
	w.dashboard(b)
	_, page := w.do(b, http.MethodGet, w.year, nil)
	if !strings.Contains(page, "Reviews by week") || !regexp.MustCompile(`\d{3} member schools`).MatchString(page) {
		b.Fatalf("the board does not show the network:\n%.800s", page)
	}
	var dash, board time.Duration
	var calls uint64
	b.ResetTimer()
	for b.Loop() {
		d := w.dashboard(b)
		dash += d
		before := w.a.Plugins.HostCalls()
		d, _ = w.do(b, http.MethodGet, w.year, nil)
		calls += w.a.Plugins.HostCalls() - before
		board += d
	}
	n := float64(b.N)
	b.ReportMetric(float64(board.Microseconds())/n/1000, "board-ms/page")
	b.ReportMetric(float64(dash.Microseconds())/n/1000, "dashboard-ms/page")
	b.ReportMetric(float64(board)/float64(dash), "board/dashboard")
	b.ReportMetric(float64(calls)/n, "host-calls/page")
	b.ReportMetric(float64(len(page))/1024, "page-KiB")
	b.ReportMetric(w.seed.Seconds(), "demo-seed-s")
	if b.N > 1 {
		fmt.Fprintf(os.Stderr, "year board of 418 schools: %.1f ms a page, %.2f× the core dashboard (%.1f ms), %.1f Host calls a page, %.0f KiB; demo_seed %.1f s\n",
			float64(board.Microseconds())/n/1000, float64(board)/float64(dash), float64(dash.Microseconds())/n/1000, float64(calls)/n, float64(len(page))/1024, w.seed.Seconds())
	}
}

// BenchmarkAllocationRun runs the allocation of this year's reviews still
// to come through the plugin's route (gather, solve, save the proposal),
// as the central team does from the allocation page.
func BenchmarkAllocationRun(b *testing.B) {
	w := newWorld(b)
	path := w.year + "/allocation"
	var total time.Duration
	b.ResetTimer()
	for b.Loop() {
		d, _ := w.do(b, http.MethodPost, path, url.Values{"term": {"0"}})
		total += d
	}
	_, page := w.do(b, http.MethodGet, path, nil)
	m := regexp.MustCompile(`(\d+) of (\d+)</td>`).FindStringSubmatch(page)
	if m == nil {
		b.Fatalf("no run on the allocation page:\n%.800s", page)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "run-ms")
	fmt.Fprintf(os.Stderr, "allocation run of this year's reviews to come: %.0f ms a run (gather, solve, save); %s of %s seats filled\n",
		float64(total.Microseconds())/float64(b.N)/1000, m[1], m[2])
}
