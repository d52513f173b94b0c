// Package challengegap_test benchmarks the Challenge the Gap plugin inside a
// running core: the cluster's matrix for 7 schools × 15 pupils × 4
// snapshots against the core's own dashboard, for the same user in the same
// run, with the Host calls each matrix page makes (the goal: at most
// 3). It prints ratios; nothing asserts a time.
package challengegap_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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

// benchCluster is the demo cluster of seven schools.
const benchCluster = "Greenwich Cluster"

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// world is a started core with the built plugin, the demo partnership and
// its programme filled with four snapshots.
type world struct {
	a  *app.App
	hs *httptest.Server
	// plain serves the home page without the programmes' contributions:
	// the plain dashboard, the baseline (as before the home page gathered
	// the programmes).
	plain  *httptest.Server
	token  string
	matrix string // path of the bench cluster's matrix, baseline to the fourth snapshot
}

// buildPlugin builds the plugin's binary into a temporary directory.
func buildPlugin(b *testing.B) string {
	b.Helper()
	repo, err := filepath.Abs("../..")
	must(b, err)
	bin := filepath.Join(b.TempDir(), "challengegap")
	build := exec.Command("go", "build", "-o", bin, "./plugins/challengegap")
	build.Dir, build.Env = repo, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build the plugin: %v\n%s", err, out)
	}
	return bin
}

func newWorld(b *testing.B) *world { return newWorldOn(b, storage.SQLite) }

// newWorldOn is newWorld on a fresh database of dialect d.
func newWorldOn(b *testing.B, d storage.Dialect) *world {
	b.Helper()
	bin := buildPlugin(b)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = storagetest.URL(b, d), b.TempDir(), "error"
	if d == storage.Postgres {
		cfg.PupilKey = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=" // 32 bytes of '*': a bench's key
	}
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	must(b, err)
	b.Cleanup(func() { a.Close() })
	_, err = a.Migrate(ctx)
	must(b, err)
	must(b, a.LoadPermissions(ctx))
	_, err = demo.Build(ctx, demo.Services{Tenancy: a.Tenancy, Identity: a.Identity, Authz: a.Authz, Pupils: a.Pupils})
	must(b, err)
	must(b, a.Start(ctx))
	_, err = a.Plugins.Install(ctx, bin, false)
	must(b, err)
	tn, err := a.Tenancy.TenantBySlug(ctx, demo.PartnershipSlug)
	must(b, err)
	must(b, a.Plugins.Enable(ctx, "challengegap", tn.ID))
	admin, err := a.Identity.UserByEmail(ctx, tn.ID, demo.Admins[demo.PartnershipSlug])
	must(b, err)
	payload, _ := json.Marshal(map[string]int{"snapshots": 4})
	must(b, a.Plugins.RunJob(ctx, "challengegap", "demo_seed", tn.ID, admin.ID, payload))
	// The programme lead of every demo cluster: the central team.
	central, err := a.Identity.UserByEmail(ctx, tn.ID, "central@partnership.example.org")
	must(b, err)
	w := &world{a: a}
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
	_, home := w.get(b, "/p/challengegap/")
	m := regexp.MustCompile(`href="/p/challengegap/clusters/(\d+)">` + benchCluster + `<`).FindStringSubmatch(home)
	if m == nil {
		b.Fatalf("no %s on the programme's home page", benchCluster)
	}
	w.matrix = "/p/challengegap/clusters/" + m[1] + "/matrix?from=0&to=3"
	return w
}

func (w *world) get(tb testing.TB, path string) (time.Duration, string) {
	tb.Helper()
	return w.getAt(tb, w.hs, path)
}

// dashboard requests the plain dashboard (the baseline).
func (w *world) dashboard(tb testing.TB) time.Duration {
	tb.Helper()
	d, _ := w.getAt(tb, w.plain, "/")
	return d
}

func (w *world) getAt(tb testing.TB, hs *httptest.Server, path string) (time.Duration, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, hs.URL+path, nil)
	must(tb, err)
	req.Host = demo.PartnershipHost
	identitytest.SetSession(req, w.token)
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	must(tb, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	must(tb, err)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %.300s", path, resp.StatusCode, body)
	}
	return d, string(body)
}

// BenchmarkClusterMatrix requests, in turn, the core's plain dashboard and the
// cluster's matrix (baseline to the fourth snapshot) as the cluster's
// programme lead, and reports each page's time, their ratio and the Host
// calls per matrix page.
func BenchmarkClusterMatrix(b *testing.B) {
	w := newWorld(b)
	// Warm both pages (the plugin process starts on first use).
	w.dashboard(b)
	_, page := w.get(b, w.matrix)
	pupils := strings.Count(page, `data-to="1"`) / 2 // the combined drawing and the schools' small ones
	schools := len(regexp.MustCompile(`<tr><td>[A-Z]</td>`).FindAllString(page, -1))
	if !strings.Contains(page, "Baseline to July") || pupils == 0 {
		b.Fatalf("the matrix page does not compare the baseline with July, or draws nobody:\n%.500s", page)
	}
	var dash, mat time.Duration
	var calls uint64
	b.ResetTimer()
	for b.Loop() {
		d := w.dashboard(b)
		dash += d
		before := w.a.Plugins.HostCalls()
		d, _ = w.get(b, w.matrix)
		calls += w.a.Plugins.HostCalls() - before
		mat += d
	}
	n := float64(b.N)
	b.ReportMetric(float64(mat.Microseconds())/n/1000, "matrix-ms/page")
	b.ReportMetric(float64(dash.Microseconds())/n/1000, "dashboard-ms/page")
	b.ReportMetric(float64(mat)/float64(dash), "matrix/dashboard")
	b.ReportMetric(float64(calls)/n, "host-calls/page")
	b.ReportMetric(float64(pupils), "pupils-drawn")
	b.ReportMetric(float64(schools), "schools")
	// The plugin's own share: HandleHTTP as the runtime measures it (the
	// median of its last calls, the matrix pages among them).
	if sts, err := w.a.Plugins.Statuses(context.Background()); err == nil {
		for _, st := range sts {
			if st.ID == "challengegap" {
				b.ReportMetric(float64(st.LatencyP50.Microseconds())/1000, "plugin-p50-ms")
			}
		}
	}
	b.ReportMetric(float64(len(page))/1024, "page-KiB")
	if b.N > 1 {
		fmt.Fprintf(os.Stderr, "cluster matrix (%d pupils drawn, %d schools, 4 snapshots): %.2f ms a page, %.2f× the core dashboard (%.2f ms), %.1f Host calls a page\n",
			pupils, schools, float64(mat.Microseconds())/n/1000, float64(mat)/float64(dash), float64(dash.Microseconds())/n/1000, float64(calls)/n)
	}
}

// BenchmarkClusterMatrixRowSecurity measures the cluster's matrix on
// PostgreSQL, where the plugin connects as its own role (no superuser) and
// its tables are under row-level security (rowsecurity.Enable), against the
// same page with row-level security turned off on those tables, in
// alternating rounds of the same run. It reports both times and the ratio.
func BenchmarkClusterMatrixRowSecurity(b *testing.B) {
	w := newWorldOn(b, storage.Postgres)
	w.get(b, w.matrix) // starts the plugin, which guards its tables
	db := w.a.DB
	var tables []string
	must(b, db.Raw(`SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'plugin_challengegap'::regnamespace
		AND c.relrowsecurity ORDER BY 1`).Scan(&tables).Error)
	if len(tables) == 0 {
		b.Fatal("no table of the plugin is under row-level security")
	}
	toggle := func(on bool) {
		verb := "DISABLE"
		if on {
			verb = "ENABLE"
		}
		for _, t := range tables {
			must(b, db.Exec("ALTER TABLE plugin_challengegap."+t+" "+verb+" ROW LEVEL SECURITY").Error)
		}
	}
	const round = 5
	var with, without []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for _, on := range []bool{true, false} {
			b.StopTimer()
			toggle(on)
			for range 3 { // unmeasured pages after each switch: plans are made again
				w.get(b, w.matrix)
			}
			b.StartTimer()
			for range round {
				d, page := w.get(b, w.matrix)
				if !strings.Contains(page, "Baseline to July") {
					b.Fatalf("row security %v: the matrix is not drawn:\n%.500s", on, page)
				}
				if on {
					with = append(with, d)
				} else {
					without = append(without, d)
				}
			}
		}
	}
	b.StopTimer()
	toggle(true)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	mw, mo := median(with), median(without)
	b.ReportMetric(ms(mw), "rls-median-ms/page")
	b.ReportMetric(ms(mo), "no-rls-median-ms/page")
	b.ReportMetric(float64(mw)/float64(mo), "rls/no-rls")
	fmt.Fprintf(os.Stderr, "cluster matrix on PostgreSQL, %d pages each in alternating rounds of %d: median %.2f ms with row-level security, %.2f ms without, ratio %.3f (%d plugin tables guarded)\n",
		len(with), round, ms(mw), ms(mo), float64(mw)/float64(mo), len(tables))
}

// median is the middle of ds (the mean of the middle two for an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
