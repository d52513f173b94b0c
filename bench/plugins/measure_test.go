package plugins_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/challengepartners/upwards/bench/plugins/internal/pageplugin"
	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/web"
)

// sizes of one measurement.
type sizes struct {
	requests   int // per side and round
	rounds     int // alternating in-process and plugin rounds
	warmup     int // per side, before measuring
	conc       int
	coldStarts int // per configuration
}

var (
	benchSizes = sizes{requests: 700, rounds: 6, warmup: 200, conc: 64, coldStarts: 3}
	testSizes  = sizes{requests: 200, rounds: 1, warmup: 20, conc: 64, coldStarts: 1}
)

// report is what one measurement found.
type report struct {
	plugin, inProcess          loadResult
	pages, hostCalls           int64
	coreCold, pluginsCold      time.Duration
	coldFirstWithPlugins       time.Duration // the first start also migrates hello's storage
	pluginP99                  time.Duration // HandleHTTP p99 as the runtime saw it
	pluginRuntime, helloStatus string
	// CPU of the core process (with the load generator) and the plugin
	// processes while each side was measured.
	inProcessCPU, pluginCPU time.Duration
	roundRatios             []float64 // throughput ratio of each round pair
}

func (r report) throughputRatio() float64 { return r.plugin.PerSecond() / r.inProcess.PerSecond() }
func (r report) callsPerPage() float64    { return float64(r.hostCalls) / float64(r.pages) }
func (r report) coldRatio() float64       { return r.pluginsCold.Seconds() / r.coreCold.Seconds() }

// cpuPerRequest is the CPU one request cost the core and plugins.
func cpuPerRequest(cpu time.Duration, res loadResult) time.Duration {
	return cpu / time.Duration(max(res.Requests, 1))
}

// cpuRatio is in-process CPU per request over plugin CPU per request (1: the
// plugin path costs no extra CPU).
func (r report) cpuRatio() float64 {
	return float64(cpuPerRequest(r.inProcessCPU, r.inProcess)) / float64(cpuPerRequest(r.pluginCPU, r.plugin))
}

// medianRoundRatio is the median of the round pairs' throughput ratios.
func (r report) medianRoundRatio() float64 {
	if len(r.roundRatios) == 0 {
		return 0
	}
	xs := slices.Clone(r.roundRatios)
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func (r report) summary() string {
	return fmt.Sprintf("plugin/in-process throughput %.2f (goal ≥ 0.75: %.0f vs %.0f req/s; p99 %s vs %s; median round %.2f; CPU/request %.2f); "+
		"host calls/page %.2f (goal ≤ 3); cold start with 2 plugins %s vs core %s = %.2fx (goal < 1.5 s)",
		r.throughputRatio(), r.plugin.PerSecond(), r.inProcess.PerSecond(), ms(r.plugin.P(0.99)), ms(r.inProcess.P(0.99)),
		r.medianRoundRatio(), r.cpuRatio(),
		r.callsPerPage(), ms(r.pluginsCold), ms(r.coreCold), r.coldRatio())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// measure runs the whole comparison on a fresh SQLite database and the
// embedded Redis.
func measure(tb testing.TB, sz sizes) report {
	tb.Helper()
	f := seed(tb)
	var r report

	// Cold start of the core alone, then with both plugins enabled.
	core := []page{{path: "/account", want: "hub.manager@bench.example.org"}}
	withPlugins := []page{{path: "/p/" + pageplugin.ID + "/", want: f.firstSchool}, {path: "/p/hello/", want: "Greetings"}}
	var coreRuns, pluginRuns []time.Duration
	for range sz.coldStarts {
		d, err := coldStart(f.ctx, f.cfg, f.token, core)
		must(tb, err)
		coreRuns = append(coreRuns, d)
	}
	f.installPlugins(tb, pageBin, helloBin)
	for i := range sz.coldStarts + 1 {
		d, err := coldStart(f.ctx, f.cfg, f.token, withPlugins)
		must(tb, err)
		if i == 0 {
			r.coldFirstWithPlugins = d
			continue
		}
		pluginRuns = append(pluginRuns, d)
	}
	r.coreCold, r.pluginsCold = median(coreRuns), median(pluginRuns)

	// One App, two servers: the real one (plugin proxy) and one whose
	// plugin router serves the same handler in-process.
	a, err := openApp(f.ctx, f.cfg)
	must(tb, err)
	defer a.Close()
	srv, err := a.Web()
	must(tb, err)
	viaPlugin := httptest.NewServer(srv.Handler())
	defer viaPlugin.Close()
	ip := newInProcess(a)
	isrv, err := web.New(web.Deps{Config: a.Config, Log: a.Log, DB: a.DB, Tenancy: a.Tenancy, Identity: a.Identity,
		Authz: a.Authz, Redis: a.Redis, Jobs: a.Client, Mail: a.Outbox, Version: app.Version, Metrics: prometheus.NewRegistry(), Plugins: ip})
	must(tb, err)
	inProc := httptest.NewServer(isrv.Handler())
	defer inProc.Close()

	path := "/p/" + pageplugin.ID + "/"
	c := client(sz.conc)
	defer c.CloseIdleConnections()
	// Both sides answer the same page, scoped to the actor's reach.
	for _, base := range []string{viaPlugin.URL, inProc.URL} {
		code, body, err := get(f.ctx, c, base, path, f.token)
		must(tb, err)
		if code != http.StatusOK || !strings.Contains(body, f.firstSchool) || strings.Contains(body, f.outsideSchool) ||
			!strings.Contains(body, "<title>Schools") || strings.Contains(body, "Add a note") {
			tb.Fatalf("GET %s%s: %d, want the hub's schools only, in the shell, without the write link: %.1500s", base, path, code, body)
		}
	}
	// hello runs too, as a second plugin process would on a real node.
	must(tb, waitFor(f.ctx, c, viaPlugin.URL, f.token, withPlugins[1], 20*time.Second))
	for _, base := range []string{viaPlugin.URL, inProc.URL} {
		_, err := drive(f.ctx, c, base, path, f.token, f.firstSchool, sz.warmup, sz.conc, time.Minute)
		must(tb, err)
	}
	sts, err := a.Plugins.Statuses(f.ctx)
	must(tb, err)
	prof := newProfiler(tb)
	var meter cpuMeter
	for _, s := range sts {
		if s.PID != 0 {
			meter.pids = append(meter.pids, s.PID)
		}
	}
	// One side's round: its load, its CPU and (for the first) its profile.
	round := func(i int, side, base string, cpu *time.Duration) loadResult {
		c0, err := meter.now()
		must(tb, err)
		prof.start(i, side)
		res, err := drive(f.ctx, c, base, path, f.token, f.firstSchool, sz.requests, sz.conc, 2*time.Minute)
		prof.stop(i, side)
		must(tb, err)
		c1, err := meter.now()
		must(tb, err)
		*cpu += c1 - c0
		return res
	}
	before := pluginStats(tb, f, c, viaPlugin.URL)
	for i := range sz.rounds {
		in := round(i, "inproc", inProc.URL, &r.inProcessCPU)
		pl := round(i, "plugin", viaPlugin.URL, &r.pluginCPU)
		r.inProcess, r.plugin = r.inProcess.add(in), r.plugin.add(pl)
		r.roundRatios = append(r.roundRatios, pl.PerSecond()/in.PerSecond())
	}
	after := pluginStats(tb, f, c, viaPlugin.URL)
	r.pages, r.hostCalls = after.Pages-before.Pages, after.Calls-before.Calls

	sts, err = a.Plugins.Statuses(f.ctx)
	must(tb, err)
	for _, s := range sts {
		switch s.ID {
		case pageplugin.ID:
			r.pluginRuntime, r.pluginP99 = s.Runtime, s.LatencyP99
		case "hello":
			r.helloStatus = s.Runtime
		}
	}
	return r
}

// pluginStats reads the page plugin's counters through the proxy.
func pluginStats(tb testing.TB, f *fixture, c *http.Client, base string) pageplugin.Snapshot {
	tb.Helper()
	code, body, err := get(f.ctx, c, base, "/p/"+pageplugin.ID+"/stats", f.token)
	must(tb, err)
	var s pageplugin.Snapshot
	if code != http.StatusOK || json.Unmarshal([]byte(body), &s) != nil {
		tb.Fatalf("GET stats: %d %.300s", code, body)
	}
	return s
}

// log writes the report's numbers and the one-line summary.
func (r report) log(tb testing.TB) {
	tb.Helper()
	tb.Logf("in-process: %d requests in %s = %.0f req/s, p50 %s, p99 %s", r.inProcess.Requests, r.inProcess.Elapsed.Round(time.Millisecond),
		r.inProcess.PerSecond(), ms(r.inProcess.P(0.5)), ms(r.inProcess.P(0.99)))
	tb.Logf("plugin:     %d requests in %s = %.0f req/s, p50 %s, p99 %s (HandleHTTP p99 seen by the runtime %s)", r.plugin.Requests,
		r.plugin.Elapsed.Round(time.Millisecond), r.plugin.PerSecond(), ms(r.plugin.P(0.5)), ms(r.plugin.P(0.99)), ms(r.pluginP99))
	tb.Logf("rounds:     plugin/in-process throughput per round pair %.2f", r.roundRatios)
	tb.Logf("CPU:        in-process %s per request, plugin %s per request (core, load generator and plugin processes)",
		cpuPerRequest(r.inProcessCPU, r.inProcess), cpuPerRequest(r.pluginCPU, r.plugin))
	tb.Logf("host calls: %d in %d page views", r.hostCalls, r.pages)
	tb.Logf("cold start: core alone %s, core + 2 plugins %s (first start, migrating hello: %s)", ms(r.coreCold), ms(r.pluginsCold), ms(r.coldFirstWithPlugins))
	tb.Logf("SUMMARY: %s", r.summary())
}
