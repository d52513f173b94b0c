// Command coldstart measures, in one run, the cold start of `upwards serve`
// with the four programme plugins enabled — process start until every
// plugin's page has answered 200, which means each plugin process was
// launched, handshaken, configured and migrated — and the resident memory of
// the core and its plugin processes together. Its baseline, measured in the
// same run on the same machine, is the core alone: process start until its
// first authenticated page answers 200, and its own resident memory.
//
//	go run ./bench/coldstart [-runs 5]
//
// It builds upwards and the plugins (as make build does), prepares two
// SQLite installs (one with the four plugins enabled, one without) and
// starts each alternately. Memory is the sum of VmRSS after the start and 20
// requests of every page; it counts pages shared between processes once per
// process, so it overstates the total slightly. Goals: under 0.5 s to every
// plugin healthy, under 200 MB together.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/tenancy"
)

// programmes are the four programme plugins and a page of each the bench
// user (tenant admin, central team and a school's headteacher) opens.
var programmes = []struct{ id, path string }{
	{"challengegap", "/p/challengegap/"},
	{"networkexcellence", "/p/networkexcellence/"},
	{"eal", "/p/eal/"},
	{"gettingahead", "/p/gettingahead/shared"},
}

func main() {
	runs := flag.Int("runs", 5, "starts of each configuration")
	flag.Parse()
	if err := run(*runs); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

// install is one prepared data directory with its SQLite database.
type install struct {
	dir, db, token string
}

func run(runs int) error {
	dir, err := os.MkdirTemp("", "upwards-coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := build(dir); err != nil {
		return err
	}
	var bins []string
	for _, p := range programmes {
		bins = append(bins, filepath.Join(dir, p.id))
	}
	full, err := prepare(filepath.Join(dir, "full"), bins)
	if err != nil {
		return err
	}
	alone, err := prepare(filepath.Join(dir, "alone"), nil)
	if err != nil {
		return err
	}
	upwards := filepath.Join(dir, "upwards")
	var withPlugins, coreAlone, cpuWith, cpuAlone []time.Duration
	var rssAll, rssCore, rssCoreAlone []int
	perPlugin, startMS := map[string][]int{}, map[string][]int{}
	for i := 0; i < runs; i++ {
		var paths []string
		for _, p := range programmes {
			paths = append(paths, p.path)
		}
		m, err := measure(upwards, full, paths)
		if err != nil {
			return fmt.Errorf("core with four plugins: %w", err)
		}
		withPlugins, rssAll, rssCore = append(withPlugins, m.ready), append(rssAll, m.total), append(rssCore, m.core)
		cpuWith = append(cpuWith, m.cpu)
		for id, kb := range m.plugins {
			perPlugin[id] = append(perPlugin[id], kb)
		}
		for id, d := range m.starts {
			startMS[id] = append(startMS[id], d)
		}
		m, err = measure(upwards, alone, []string{"/"})
		if err != nil {
			return fmt.Errorf("core alone: %w", err)
		}
		coreAlone, rssCoreAlone = append(coreAlone, m.ready), append(rssCoreAlone, m.core)
		cpuAlone = append(cpuAlone, m.cpu)
	}
	mw, ma := median(withPlugins), median(coreAlone)
	fmt.Printf("cold start, median of %d on this machine:\n", runs)
	fmt.Printf("  upwards serve + 4 plugins, start to every plugin page 200: %6.1f ms (goal < 500 ms)\n", ms(mw))
	fmt.Printf("  upwards serve alone, start to its first page 200:          %6.1f ms (baseline)\n", ms(ma))
	fmt.Printf("  the four plugins add %.1f ms; each plugin's launch, handshake, configure and migrate (in parallel):", ms(mw-ma))
	for _, p := range programmes {
		if xs := startMS[p.id]; len(xs) > 0 {
			fmt.Printf(" %s %d ms", p.id, medianInt(xs))
		}
	}
	fmt.Println()
	fmt.Printf("  CPU used to get there (user+system, all processes; less disturbed by a busy machine): %.0f ms with the plugins, %.0f ms alone\n",
		ms(median(cpuWith)), ms(median(cpuAlone)))
	fmt.Printf("resident memory (VmRSS) after the start and 20 requests of every page, median:\n")
	ids := make([]string, 0, len(perPlugin))
	for id := range perPlugin {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fmt.Printf("  core with plugins %6.1f MiB\n", mib(medianInt(rssCore)))
	for _, id := range ids {
		fmt.Printf("  %-17s %6.1f MiB\n", id, mib(medianInt(perPlugin[id])))
	}
	total := medianInt(rssAll)
	fmt.Printf("  all processes     %6.1f MiB = %.1f MB (goal < 200 MB)\n", mib(total), float64(total)*1024/1e6)
	fmt.Printf("  core alone        %6.1f MiB (baseline)\n", mib(medianInt(rssCoreAlone)))
	return nil
}

// build builds upwards and the four plugins into dir, as make build does.
func build(dir string) error {
	pkgs := []string{"build", "-o", dir + "/"}
	for _, p := range programmes {
		pkgs = append(pkgs, "./plugins/"+p.id)
	}
	for i, args := range [][]string{{"build", "-o", filepath.Join(dir, "upwards"), "./core/cmd/upwards"}, pkgs} {
		cmd := exec.Command("go", args...)
		cmd.Env = os.Environ()
		if i > 0 {
			cmd.Env = append(cmd.Env, "CGO_ENABLED=0")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %v: %v\n%s", args, err, out)
		}
	}
	return nil
}

// prepare migrates a fresh SQLite install in dir with one tenant, a school
// and a user with a login session, and installs and enables bins for it.
func prepare(dir string, bins []string) (install, error) {
	in := install{dir: dir, db: "sqlite:" + filepath.Join(dir, "upwards.db")}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return in, err
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = in.db, dir, "error"
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		return in, err
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		return in, err
	}
	if err := a.LoadPermissions(ctx); err != nil {
		return in, err
	}
	tn, err := a.Tenancy.CreateTenant(ctx, "bench", "Bench Partnership", []string{"bench.test"})
	if err != nil {
		return in, err
	}
	school, err := a.Tenancy.CreateUnit(ctx, tn.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Bench Primary", URN: "100001", Phase: "primary"})
	if err != nil {
		return in, err
	}
	root, err := a.Tenancy.RootUnit(ctx, tn.ID)
	if err != nil {
		return in, err
	}
	u, err := a.Identity.CreateUser(ctx, tn.ID, "admin@bench.example.org", "Bench Admin", "correct-horse-battery", false)
	if err != nil {
		return in, err
	}
	for _, g := range []struct {
		role string
		unit uint
	}{{authz.RoleTenantAdmin, root.ID}, {authz.RoleCentralTeam, root.ID}, {authz.RoleHeadteacher, school.ID}} {
		if err := a.Authz.Grant(ctx, tn.ID, u.ID, g.role, g.unit, nil); err != nil {
			return in, err
		}
	}
	// A login session (API tokens open the JSON API only, not the pages).
	if in.token, _, err = identitytest.Session(ctx, a.Identity, tn.ID, u.ID, "correct-horse-battery"); err != nil {
		return in, err
	}
	reg := pluginhost.NewRegistry(a.DB, pluginhost.RegistryOptions{CoreVersion: app.Version, Logger: slog.New(slog.DiscardHandler)})
	for _, bin := range bins {
		p, err := reg.Install(ctx, bin, false)
		if err != nil {
			return in, fmt.Errorf("install %s: %w", bin, err)
		}
		if err := reg.Enable(ctx, p.ID, tn.ID); err != nil {
			return in, err
		}
	}
	return in, nil
}

// measurement is one start of upwards serve.
type measurement struct {
	ready   time.Duration  // start to every page's first 200
	core    int            // the core's VmRSS, KiB
	plugins map[string]int // each plugin process's VmRSS, KiB
	total   int            // core and plugins, KiB
	starts  map[string]int // each plugin's launch to migrated, ms (the core's "plugin started" log)
	cpu     time.Duration  // CPU (user and system) the core and its plugins used to get there
}

// lockedBuffer collects a process's log.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// pluginStarts reads elapsed_ms of each "plugin started" line of a JSON log.
func pluginStarts(log string) map[string]int {
	out := map[string]int{}
	for _, line := range strings.Split(log, "\n") {
		var e struct {
			Msg     string `json:"msg"`
			Plugin  string `json:"plugin"`
			Elapsed int    `json:"elapsed_ms"`
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "plugin started" {
			out[e.Plugin] = e.Elapsed
		}
	}
	return out
}

// measure starts upwards serve on in, times it to the first 200 of every
// path (fetched concurrently), requests each 20 times more, and reads the
// resident memory of the core and its plugin processes.
func measure(upwards string, in install, paths []string) (measurement, error) {
	var m measurement
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return m, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(upwards, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "UPWARDS_DATABASE_URL=" + in.db,
		"UPWARDS_DATA_DIR=" + in.dir, "UPWARDS_LISTEN=" + addr, "UPWARDS_LOG_LEVEL=info", "UPWARDS_LOG_FORMAT=json", "UPWARDS_DEFAULT_TENANT=bench"}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return m, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	hc := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
		identitytest.SetSession(req, in.token)
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, path := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				code, err := get(path)
				if err == nil && code == http.StatusOK {
					return
				}
				if ctx.Err() != nil {
					errs[i] = fmt.Errorf("%s never answered 200 (last %d %v)", path, code, err)
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	m.ready = time.Since(t0)
	m.cpu = cpuTime(cmd.Process.Pid)
	for pid := range childPIDs(cmd.Process.Pid) {
		m.cpu += cpuTime(pid)
	}
	for _, err := range errs {
		if err != nil {
			return m, err
		}
	}
	for range 20 {
		for _, path := range paths {
			if code, err := get(path); err != nil || code != http.StatusOK {
				return m, fmt.Errorf("%s: %d %v", path, code, err)
			}
		}
	}
	m.starts = pluginStarts(logs.String())
	m.core = rssKB(cmd.Process.Pid)
	m.plugins = children(cmd.Process.Pid)
	m.total = m.core
	for _, kb := range m.plugins {
		m.total += kb
	}
	return m, nil
}

// children maps the executable name of each child process of ppid to its VmRSS.
func children(ppid int) map[string]int {
	out := map[string]int{}
	for pid, name := range childPIDs(ppid) {
		out[name] = rssKB(pid)
	}
	return out
}

// cpuTime is the user and system CPU time pid has used (clock ticks of 10 ms).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// childPIDs maps each child process of ppid to its executable's name.
func childPIDs(ppid int) map[int]string {
	out := map[int]string{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
		if len(f) < 2 || f[1] != strconv.Itoa(ppid) {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil {
			continue
		}
		out[pid] = filepath.Base(exe)
	}
	return out
}

func rssKB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(sc.Text())[1])
			return n
		}
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func mib(kb int) float64         { return float64(kb) / 1024 }

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianInt(xs []int) int {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	return s[len(s)/2]
}
