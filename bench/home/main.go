// Command home measures, in one run, the home page with the four programme
// plugins' panels, to-dos and figures against the plain dashboard (the same
// handler built with web.WithoutContributions: no plugin is asked), on the
// full demo install, for several viewers:
//
//   - a headteacher whose school is in several programmes (found by data:
//     the demo's headteacher whose home page shows the most programmes'
//     panels);
//
//   - the central team (central@partnership.example.org: every programme's
//     figures and to-dos);
//
//   - a hub manager (hub.manager@partnership.example.org: the first
//     schools of the hub, each with every programme's panel);
//
//   - the trust's leader (ceo@northstar.example.org: the trust's schools,
//     Challenge the Gap only).
//
//     go run ./bench/home [-rounds 7] [-n 15] [-db postgres://…]
//
// It builds the four plugins (as make build does), builds the demo as
// `upwards demo` does (cli.BuildDemo: the core's demo, then each plugin's
// demo_seed) into a fresh SQLite install (or an empty PostgreSQL database
// given with -db), serves it twice in this process (the full server and the
// plain one, over loopback HTTP with the viewer's session cookie), and then
// interleaves requests of / on both, one by one: each round requests each
// viewer's page n times each way. The home page is measured three ways:
// after the viewer's own change, when the tenant's changes revision and the
// viewer's own are bumped before the request (outside the timing), so every
// plugin is asked while the page waits, as on the first visit after a write
// of theirs; after another's change, when the tenant's changes revision
// alone is bumped, so the answers kept are shown once more while every
// plugin is asked afresh in the background once the page is served (the
// next request waits, outside the timing, until those asks are over, and
// the CPU of the visit counts them); and on the repeat visit, when the
// answers kept stand. The repeat visit and the plain dashboard take turns
// right after the two changes, so a disturbance of a busy machine falls on
// both alike. -repeat-only leaves out the visits after a change. It prints
// each viewer's median ms per page of each way and the median of the
// rounds' ratios home/plain (goal at most 1.5×), as the client saw them
// and in the server alone (ServeHTTP, until the page is written whole: the
// client here shares the two cores with the background asks, a browser
// would not), the CPU a page of each way took (the background asks
// included), and the time each plugin's contribution call took after the
// viewer's own change. Nothing asserts a time.
//
// -own-plugin ID makes the viewer's own change one made through that
// plugin's pages, which asks that plugin alone again, rather than on a core
// page, which asks every plugin.
//
// -cpuprofile FILE writes a CPU profile of this process (the core) over the
// measured rounds.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/challengepartners/upwards/bench/internal/benchkit"
	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/cli"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/web"
)

func main() {
	rounds := flag.Int("rounds", 7, "alternating rounds")
	n := flag.Int("n", 15, "requests of each page per round and server")
	db := flag.String("db", "", "database URL (default: a fresh SQLite file); a PostgreSQL database must be empty")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured rounds to this file")
	only := flag.String("only", "", "measure only the viewers whose label contains this (e.g. central)")
	flag.BoolVar(&repeatOnly, "repeat-only", false, "measure the repeat visits and the plain dashboard only (to profile the core's own part of the home page)")
	flag.StringVar(&ownPlugin, "own-plugin", "", "make the viewer's own change one made through this plugin's pages (e.g. challengegap: that plugin alone is asked again) rather than on a core page (every plugin)")
	flag.BoolVar(&keep, "keep", false, "keep the install's directory (its path is printed) to look into the databases")
	flag.Parse()
	if err := run(*rounds, *n, *db, *cpuprofile, *only); err != nil {
		fmt.Fprintln(os.Stderr, "home:", err)
		os.Exit(1)
	}
}

// keep leaves the temporary directory in place.
var keep bool

// repeatOnly leaves out the home page after a change.
var repeatOnly bool

// ownPlugin is the plugin through whose pages the viewer's own change is
// made ("": a core page).
var ownPlugin string

// viewer is one person whose home page is measured.
type viewer struct {
	label, email, host string
	token              string
	tenant, user       uint
}

func run(rounds, n int, dbURL, cpuprofile, only string) error {
	dir, err := os.MkdirTemp("", "upwards-bench-home-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("install in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	pluginsDir := filepath.Join(dir, "plugins")
	if err := benchkit.BuildPlugins(pluginsDir); err != nil {
		return err
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	cfg := config.Defaults()
	cfg.DataDir, cfg.LogLevel = filepath.Join(dir, "data"), "error"
	cfg.DatabaseURL = dbURL
	// PostgreSQL requires the pupil-key setting; a bench's data is
	// generated, so any fixed key will do (32 bytes of '*').
	cfg.PupilKey = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio="
	if dbURL == "" {
		cfg.DatabaseURL = "sqlite:" + filepath.Join(dir, "upwards.db")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		return err
	}
	t0 := time.Now()
	if err := cli.BuildDemo(ctx, a, pluginsDir, io.Discard); err != nil {
		return err
	}
	fmt.Printf("built the demo with the four plugins' demo data in %.1f s\n", time.Since(t0).Seconds())

	srv, err := a.Web()
	if err != nil {
		return err
	}
	var served serverTime
	full := httptest.NewServer(served.wrap(srv.Handler()))
	defer full.Close()
	deps := a.WebDeps()
	deps.Plugins = web.WithoutContributions(deps.Plugins)
	deps.Metrics = nil // its own registry: the full server's holds the HTTP metrics
	plainSrv, err := web.New(deps)
	if err != nil {
		return err
	}
	plain := httptest.NewServer(served.wrap(plainSrv.Handler()))
	defer plain.Close()

	head, err := findHead(ctx, a, full)
	if err != nil {
		return err
	}
	viewers := []*viewer{
		head,
		{label: "central team", email: "central@partnership.example.org", host: demo.PartnershipHost},
		{label: "hub manager", email: "hub.manager@partnership.example.org", host: demo.PartnershipHost},
		{label: "trust leader", email: "ceo@northstar.example.org", host: demo.TrustHost},
	}
	viewers = slices.DeleteFunc(viewers, func(v *viewer) bool { return !strings.Contains(v.label, only) })
	for _, v := range viewers {
		if v.token, err = benchkit.DemoSession(ctx, a, v.host, v.email); err != nil {
			return err
		}
		t, err := a.Tenancy.ResolveHost(ctx, v.host)
		if err != nil {
			return err
		}
		v.tenant = t.ID
		u, err := a.Identity.UserByEmail(ctx, t.ID, v.email)
		if err != nil {
			return err
		}
		v.user = u.ID
		page, _, err := get(full, v, "/")
		if err != nil {
			return err
		}
		fmt.Printf("  %-13s %-45s %s\n", v.label, v.email, describe(page))
		// Warm both servers (template caches, plugin connections, SQLite pages).
		for range 3 {
			if _, _, err := get(full, v, "/"); err != nil {
				return err
			}
			if _, _, err := get(plain, v, "/"); err != nil {
				return err
			}
		}
	}

	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	// Four ways of serving each viewer's page: the home page on a repeat
	// visit (the plugins' answers kept from the last one, nothing having
	// changed); the home page after the viewer's own change (the tenant's
	// revision and theirs bumped before the request, outside the timing, so
	// every plugin is asked while the page waits); after another's change
	// (the tenant's revision alone: the answers kept are shown and every
	// plugin is asked afresh in the background); the plain dashboard.
	const (
		repeat = iota
		own
		changed
		plainPage
		ways
	)
	names := [ways]string{"repeat visit", "after own change", "after another's", "plain"}
	// ms is what the client saw (the request sent to the page read whole),
	// inServer the server's part (ServeHTTP, the page written whole), cpu
	// the CPU of every process.
	type sample struct{ ms, inServer, cpu [ways][]float64 }
	samples := make([]sample, len(viewers))
	// ext[vi][plugin] is what asking each plugin took on the viewer's home
	// pages after their own change; hostCalls[vi] the Host calls the
	// plugins made for them.
	ext := make([]map[string]pluginhost.ExtensionTime, len(viewers))
	// repeatExt[vi] is the same for the repeat visits (how many came from
	// the cache).
	repeatExt := make([]map[string]pluginhost.ExtensionTime, len(viewers))
	// staleExt[vi] is the same for the visits after another's change.
	staleExt := make([]map[string]pluginhost.ExtensionTime, len(viewers))
	hostCalls := make([]uint64, len(viewers))
	// Requests of the four ways are interleaved one by one, so that a
	// disturbance of the machine falls on all of them alike: each step
	// first requests the home page after the viewer's own change (every
	// plugin asked, their answers kept), then after another's (the kept
	// answers shown, the plugins asked afresh in the background), then the
	// repeat visit and the plain dashboard, in turns first and second.
	meter := newCPUMeter() // the plugin processes run by now (warmed up above)
	for range rounds {
		for vi, v := range viewers {
			var total, inServer, spent [ways]time.Duration
			for i := range n {
				order := []int{own, changed, repeat, plainPage}
				if i%2 == 1 {
					order = []int{own, changed, plainPage, repeat}
				}
				for _, way := range order {
					if repeatOnly && (way == changed || way == own) {
						continue
					}
					hs := full
					if way == plainPage {
						hs = plain
					}
					switch way {
					case own:
						keys := []string{storage.TenantChangesKey(v.tenant), storage.UserChangesKey(v.tenant, v.user, "")}
						if ownPlugin != "" {
							keys = []string{storage.PluginChangesKey(v.tenant, ownPlugin), storage.UserChangesKey(v.tenant, v.user, ownPlugin)}
						}
						if err := storage.NoteTenantChange(ctx, a.DB.Core(ctx), keys...); err != nil {
							return err
						}
					case changed:
						if err := storage.NoteTenantChange(ctx, a.DB.Core(ctx), storage.TenantChangesKey(v.tenant)); err != nil {
							return err
						}
					}
					before, calls := a.Plugins.ExtensionTimes(), a.Plugins.HostCalls()
					c0, n0 := meter.used(), served.count()
					_, d, err := get(hs, v, "/")
					if err != nil {
						return err
					}
					// The background asks a visit after another's change
					// started are its work: its CPU counts them, and the
					// next request starts once they are over.
					for a.Plugins.RefreshesUnderWay() > 0 {
						time.Sleep(200 * time.Microsecond)
					}
					spent[way] += meter.used() - c0
					total[way] += d
					inServer[way] += served.after(n0)
					switch way {
					case own:
						hostCalls[vi] += a.Plugins.HostCalls() - calls
						ext[vi] = addTimes(ext[vi], before, a.Plugins.ExtensionTimes())
					case changed:
						staleExt[vi] = addTimes(staleExt[vi], before, a.Plugins.ExtensionTimes())
					case repeat:
						repeatExt[vi] = addTimes(repeatExt[vi], before, a.Plugins.ExtensionTimes())
					}
				}
			}
			s := &samples[vi]
			for way := range ways {
				if repeatOnly && (way == changed || way == own) {
					continue
				}
				s.ms[way] = append(s.ms[way], float64(total[way].Microseconds())/1000/float64(n))
				s.inServer[way] = append(s.inServer[way], float64(inServer[way].Microseconds())/1000/float64(n))
				s.cpu[way] = append(s.cpu[way], float64(spent[way].Microseconds())/1000/float64(n))
			}
		}
	}

	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("home page with the programmes against the plain dashboard, %d rounds of %d requests of each, medians (load average %s):\n",
		rounds, n, strings.Join(strings.Fields(string(load))[:3], " "))
	ratios := func(xs, base []float64) []float64 {
		out := make([]float64, len(xs))
		for i := range xs {
			out[i] = xs[i] / base[i]
		}
		return out
	}
	for vi, v := range viewers {
		s := samples[vi]
		fmt.Printf("  %-13s plain %5.1f ms\n", v.label, benchkit.Median(s.ms[plainPage]))
		for _, way := range []int{repeat, changed, own} {
			if len(s.ms[way]) == 0 {
				continue
			}
			rs := ratios(s.ms[way], s.ms[plainPage])
			fmt.Printf("  %-13s   home, %-16s %6.1f ms  home/plain %5.2f× (goal ≤ 1.5×; rounds %s)\n",
				"", names[way], benchkit.Median(s.ms[way]), benchkit.Median(rs), benchkit.List(rs))
		}
	}
	fmt.Printf("the same in the server alone (ServeHTTP, from the request read to the page written whole: without the client's share of the machine), medians:\n")
	for vi, v := range viewers {
		s := samples[vi]
		fmt.Printf("  %-13s plain %5.2f ms", v.label, benchkit.Median(s.inServer[plainPage]))
		for _, way := range []int{repeat, changed, own} {
			if len(s.inServer[way]) > 0 {
				fmt.Printf("; home, %s %5.2f ms (%.2f×)", names[way], benchkit.Median(s.inServer[way]), benchkit.Median(ratios(s.inServer[way], s.inServer[plainPage])))
			}
		}
		fmt.Println()
	}
	if repeatOnly {
		return nil
	}
	fmt.Printf("CPU a page (user+system of this process, the core and the client, and the plugin processes; less disturbed by a busy machine), medians:\n")
	for vi, v := range viewers {
		s := samples[vi]
		fmt.Printf("  %-13s plain %5.1f ms", v.label, benchkit.Median(s.cpu[plainPage]))
		for _, way := range []int{repeat, changed, own} {
			fmt.Printf("; home, %s %5.1f ms (%.2f×)", names[way], benchkit.Median(s.cpu[way]), benchkit.Median(s.cpu[way])/benchkit.Median(s.cpu[plainPage]))
		}
		fmt.Println()
	}
	fmt.Printf("what asking each plugin took after the viewer's own change (the plugin's calls, and in all with the core's checks), mean a home page:\n")
	for vi, v := range viewers {
		fmt.Printf("  %-13s", v.label)
		for _, id := range benchkit.Plugins {
			if e := ext[vi][id]; e.Asked > 0 {
				per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(e.Asked) }
				fmt.Printf("  %s %.1f (%.1f) ms", id, per(e.Call), per(e.Total))
				if e.Cached > 0 {
					fmt.Printf(" [%d of %d from the cache!]", e.Cached, e.Asked)
				}
			}
		}
		fmt.Printf("; %.1f Host calls\n", float64(hostCalls[vi])/float64(rounds*n))
	}
	fmt.Printf("the plugins' parts served from the cache (of those shown; stale: shown while asked afresh in the background):\n")
	for vi, v := range viewers {
		var cached, stale, rCached, rStale int64
		for _, e := range staleExt[vi] {
			cached, stale = cached+e.Cached, stale+e.Stale
		}
		for _, e := range repeatExt[vi] {
			rCached, rStale = rCached+e.Cached, rStale+e.Stale
		}
		fmt.Printf("  %-13s after another's change %d, %d of them stale; on the repeat visits %d, %d of them stale\n", v.label, cached, stale, rCached, rStale)
	}
	return nil
}

var (
	panelRe    = regexp.MustCompile(`<section class="panel" aria-label="([^"]+)">`)
	todoRe     = regexp.MustCompile(`<li(?: class="overdue")?>\s*<a href=`)
	figureRe   = regexp.MustCompile(`<dl class="figures">`)
	missingRe  = regexp.MustCompile(`cannot be shown just now`)
	schoolRe   = regexp.MustCompile(`<article class="school-panels"`)
	headPrefix = regexp.MustCompile(`^head`)
)

// programmesOf is the programmes with a panel on a home page.
func programmesOf(page string) []string {
	var out []string
	for _, m := range panelRe.FindAllStringSubmatch(page, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// describe says what a home page shows.
func describe(page string) string {
	s := fmt.Sprintf("%d schools, %d panels of %v, %d to-dos, %d programmes' figures",
		len(schoolRe.FindAllString(page, -1)), len(panelRe.FindAllString(page, -1)), programmesOf(page),
		len(todoRe.FindAllString(page, -1)), len(figureRe.FindAllString(page, -1)))
	if n := len(missingRe.FindAllString(page, -1)); n > 0 {
		s += fmt.Sprintf(", %d NOT SHOWN (a plugin was unavailable or late)", n)
	}
	return s
}

// findHead is the partnership's headteacher (of one school) whose home page
// shows the most programmes' panels.
func findHead(ctx context.Context, a *app.App, full *httptest.Server) (*viewer, error) {
	t, err := a.Tenancy.TenantBySlug(ctx, demo.PartnershipSlug)
	if err != nil {
		return nil, err
	}
	users, _, err := a.Identity.ListUsers(ctx, t.ID, "head", 500, 0)
	if err != nil {
		return nil, err
	}
	var best *viewer
	most := 0
	for _, u := range users {
		if !headPrefix.MatchString(u.Email) {
			continue
		}
		grants, err := a.Authz.Grants(ctx, t.ID, u.ID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(grants, func(g authz.Grant) bool { return g.Role == authz.RoleHeadteacher }) {
			continue
		}
		v := &viewer{label: "headteacher", email: u.Email, host: demo.PartnershipHost}
		if v.token, _, err = identitytest.Session(ctx, a.Identity, t.ID, u.ID, demo.Password); err != nil {
			return nil, err
		}
		page, _, err := get(full, v, "/")
		if err != nil {
			return nil, err
		}
		if k := len(programmesOf(page)); k > most {
			best, most = v, k
		}
	}
	if best == nil {
		return nil, fmt.Errorf("no demo headteacher has a programme's panel")
	}
	return best, nil
}

// get requests path of hs as v.
func get(hs *httptest.Server, v *viewer, path string) (string, time.Duration, error) {
	p, err := benchkit.Get(context.Background(), hs.URL, v.host, v.token, v.email, path)
	return p.Body, p.Took, err
}

// addTimes adds what each plugin's contributions took between before and
// after to sum.
func addTimes(sum, before, after map[string]pluginhost.ExtensionTime) map[string]pluginhost.ExtensionTime {
	if sum == nil {
		sum = map[string]pluginhost.ExtensionTime{}
	}
	for id, a := range after {
		b, s := before[id], sum[id]
		s.Asked += a.Asked - b.Asked
		s.Cached += a.Cached - b.Cached
		s.Stale += a.Stale - b.Stale
		s.Total += a.Total - b.Total
		s.Call += a.Call - b.Call
		sum[id] = s
	}
	return sum
}

// serverTime times the requests the servers handle (one at a time here):
// from the request read to ServeHTTP's return, when the page has been
// written whole (the core renders it into a buffer and flushes it). The
// client may have read the page before ServeHTTP returns, so after reads
// until the request has been counted.
type serverTime struct {
	ns   atomic.Int64
	done atomic.Uint64
}

func (st *serverTime) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		st.ns.Store(int64(time.Since(t0)))
		st.done.Add(1)
	})
}

// count is how many requests have been served.
func (st *serverTime) count() uint64 { return st.done.Load() }

// after is the time of the request served after count reached n.
func (st *serverTime) after(n uint64) time.Duration {
	for st.done.Load() <= n {
		runtime.Gosched()
	}
	return time.Duration(st.ns.Load())
}

// cpuMeter reads the user and system CPU this process and its children
// (the plugin processes, found once: the bench restarts none) have used,
// from /proc (clock ticks of 10 ms). Reading a few files a request, not
// every process's, keeps the meter's own cost out of what it measures.
type cpuMeter struct{ pids []int }

func newCPUMeter() *cpuMeter {
	self := os.Getpid()
	m := &cpuMeter{pids: []int{self}}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		if f := statFields(pid); len(f) > 1 && f[1] == strconv.Itoa(self) {
			m.pids = append(m.pids, pid)
		}
	}
	return m
}

func (m *cpuMeter) used() time.Duration {
	var total time.Duration
	for _, pid := range m.pids {
		total += procCPU(pid)
	}
	return total
}

// statFields are the fields of /proc/pid/stat after the command's name.
func statFields(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
}

func procCPU(pid int) time.Duration {
	f := statFields(pid)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
