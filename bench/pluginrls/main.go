// Command pluginrls measures what PostgreSQL row-level security on a
// programme plugin's own tables costs its pages (issue 12, item 20: "the
// pupil import and a plugin page, same run, with and without"), on the full
// demo install:
//
//   - Challenge the Gap: the year across all clusters (the central team's
//     year overview) and the largest cluster's matrix (every target pupil of
//     its schools over the year's snapshots);
//
//   - the Network of Excellence: the year board of the year with the most
//     on it, the reviewer register (about 880 reviewers) and a School
//     Support Directory search (oracy, primary, Ofsted good);
//
// all as central@partnership.example.org, who sees every one of them.
//
//	go run ./bench/pluginrls [-rounds 6] [-n 20] [-postgres URL]
//
// It builds the four plugins (as make build and bench/home do), makes a
// fresh database on the PostgreSQL server (-postgres, default
// UPWARDS_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres,
// a superuser), builds the demo there as `upwards demo` does (cli.BuildDemo:
// the core's demo, then each plugin's demo_seed; each plugin connects as its
// own role plugin_<id>_<hash>, which owns its schema plugin_<id>, so only
// FORCE ROW LEVEL SECURITY puts it under its policies) and serves it in this
// process (httptest, over loopback HTTP with the viewer's session cookie).
// Then it alternates, in every round and for each plugin in turn, the two
// ways (the order rotates every round):
//
//   - with: every table of the plugin's schema that carries the policy
//     upwards_tenant has ENABLE and FORCE ROW LEVEL SECURITY, as the plugin
//     leaves them (plugins/sdk/rowsecurity);
//
//   - without: the same tables with NO FORCE and DISABLE ROW LEVEL SECURITY,
//     set by the superuser's connection between the rounds. The other
//     plugin's tables and the core's stay as they are: the page's Host calls
//     still go through the core's row-level security, as in production.
//
// After each switch it reads pg_class (relrowsecurity, relforcerowsecurity)
// to check every table is as intended, requests each page twice unmeasured
// (plans are made again after ALTER TABLE) and checks the page is
// byte-identical to the other way's in the same round, once the CSRF token
// and nonces are taken out: a difference is printed and ends the run. Then
// it requests each page n times, and checks the state again afterwards (a
// restarted plugin would turn its row-level security back on). It prints
// per page the median over rounds of the mean ms a page with and without, the
// median of the rounds' ratios with/without, and the load average. Nothing
// asserts a time. Row-level security is turned back on at the end whatever
// happened, and the database and the plugins' roles are dropped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/challengepartners/upwards/bench/internal/benchkit"
	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/cli"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// measured are the plugins whose pages are measured, in this order.
var measured = []string{"challengegap", "networkexcellence"}

// pupilKey is a fixed 32-byte key (base64) for the pupil-key setting,
// which PostgreSQL requires.
const pupilKey = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio="

func main() {
	rounds := flag.Int("rounds", 6, "alternating rounds")
	n := flag.Int("n", 20, "requests of each page per round and way")
	pg := flag.String("postgres", storagetest.AdminURL(),
		"PostgreSQL server, as a superuser (a scratch database is made on it and dropped)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *rounds, *n, *pg); err != nil {
		fmt.Fprintln(os.Stderr, "pluginrls:", err)
		os.Exit(1)
	}
}

// viewer is the person whose pages are measured.
type viewer struct {
	email, host, token string
}

// page is one plugin page measured.
type page struct {
	plugin, label, path string
	marker              string // text the page must hold
}

func run(ctx context.Context, rounds, n int, pgAdmin string) (err error) {
	if rounds < 1 || n < 1 {
		return errors.New("-rounds and -n must be at least 1")
	}
	dir, err := os.MkdirTemp("", "upwards-bench-pluginrls-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pluginsDir := filepath.Join(dir, "plugins")
	t0 := time.Now()
	if err := benchkit.BuildPlugins(pluginsDir); err != nil {
		return err
	}
	fmt.Printf("built the four plugins in %.1f s\n", time.Since(t0).Seconds())

	// A fresh database, dropped at the end with the plugins' roles (roles
	// are the server's; their names hold a hash of the database's name).
	admin, err := pgx.Connect(ctx, pgAdmin)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer admin.Close(context.Background())
	name := fmt.Sprintf("upwards_bench_pluginrls_%d", time.Now().UnixNano()%1e9)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	defer func() {
		bg := context.Background()
		if _, err := admin.Exec(bg, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintln(os.Stderr, "pluginrls: drop database", name+":", err)
			return
		}
		for _, id := range benchkit.Plugins {
			if _, err := admin.Exec(bg, "DROP ROLE IF EXISTS "+pluginhost.RoleName(id, name)); err != nil {
				fmt.Fprintln(os.Stderr, "pluginrls: drop role", pluginhost.RoleName(id, name)+":", err)
			}
		}
	}()
	dbURL := replaceDB(pgAdmin, name)

	actx := audit.WithActor(ctx, audit.Actor{Label: "bench"})
	cfg := config.Defaults()
	cfg.DataDir, cfg.LogLevel, cfg.DatabaseURL, cfg.PupilKey = filepath.Join(dir, "data"), "error", dbURL, pupilKey
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return err
	}
	a, err := app.Open(actx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Migrate(actx); err != nil {
		return err
	}
	t0 = time.Now()
	if err := cli.BuildDemo(actx, a, pluginsDir, io.Discard); err != nil {
		return err
	}
	fmt.Printf("built the demo on PostgreSQL (database %s) with the four plugins' demo data in %.1f s\n", name, time.Since(t0).Seconds())
	srv, err := a.Web()
	if err != nil {
		return err
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	v := &viewer{email: "central@partnership.example.org", host: demo.PartnershipHost}
	if v.token, err = benchkit.DemoSession(actx, a, v.host, v.email); err != nil {
		return err
	}
	pages, err := discover(ctx, hs, v)
	if err != nil {
		return err
	}

	// The switch: the superuser's connection to the database.
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SET lock_timeout = '10s'"); err != nil {
		return err
	}
	guarded := map[string][]string{}
	for _, id := range measured {
		ts, err := guardedTables(ctx, conn, id)
		if err != nil {
			return err
		}
		if len(ts) == 0 {
			return fmt.Errorf("no table of schema %s carries the policy upwards_tenant", pluginhost.SchemaName(id))
		}
		if err := check(ctx, conn, id, ts, true); err != nil {
			return fmt.Errorf("as the demo left it: %w", err)
		}
		guarded[id] = ts
		fmt.Printf("  %s: %d tables under row-level security in schema %s (role %s)\n",
			id, len(ts), pluginhost.SchemaName(id), pluginhost.RoleName(id, name))
	}
	// Whatever happens from here, row-level security ends on.
	defer func() {
		bg := context.Background()
		for _, id := range measured {
			if e := set(bg, conn, id, guarded[id], true); e != nil {
				fmt.Fprintln(os.Stderr, "pluginrls: turning row-level security back on:", e)
				if err == nil {
					err = e
				}
			}
		}
	}()
	for _, p := range pages {
		fmt.Printf("  %-18s %-32s %s\n", p.plugin, p.label, p.path)
	}

	type sample struct{ ms [2][]float64 } // [0] with, [1] without
	samples := make([]sample, len(pages))
	wayName := [2]string{"with", "without"}
	for r := range rounds {
		for _, id := range measured {
			// first[pi] is the page's normalized body with the way measured
			// first in this round, to compare with the other's.
			first := map[int]string{}
			for k := range 2 {
				way := (k + r) % 2
				on := way == 0
				if err := set(ctx, conn, id, guarded[id], on); err != nil {
					return err
				}
				for pi, p := range pages {
					if p.plugin != id {
						continue
					}
					var body string
					for range 2 { // unmeasured: plans are made again after ALTER TABLE
						if body, _, err = get(ctx, hs, v, p.path); err != nil {
							return err
						}
					}
					if !strings.Contains(body, p.marker) {
						return fmt.Errorf("%s %s row-level security: the page lacks %q:\n%.800s", p.label, wayName[way], p.marker, body)
					}
					if k == 0 {
						first[pi] = body
					} else if first[pi] != body {
						return fmt.Errorf("round %d, %s: the page differs with and without row-level security:\n%s",
							r+1, p.label, diff(first[pi], body, wayName[(r)%2], wayName[way]))
					}
				}
				for pi, p := range pages {
					if p.plugin != id {
						continue
					}
					var total time.Duration
					for range n {
						_, d, err := get(ctx, hs, v, p.path)
						if err != nil {
							return err
						}
						total += d
					}
					samples[pi].ms[way] = append(samples[pi].ms[way], float64(total.Microseconds())/1000/float64(n))
				}
				if err := check(ctx, conn, id, guarded[id], on); err != nil {
					return fmt.Errorf("after the round's requests: %w", err)
				}
			}
		}
	}

	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("plugin pages on PostgreSQL with and without row-level security on the plugin's tables, %d rounds of %d requests of each page each way, medians (load average %s):\n",
		rounds, n, strings.Join(strings.Fields(string(load))[:3], " "))
	for pi, p := range pages {
		s := samples[pi]
		rs := make([]float64, rounds)
		for i := range rs {
			rs[i] = s.ms[0][i] / s.ms[1][i]
		}
		fmt.Printf("  %-44s with %7.1f ms  without %7.1f ms  with/without %5.2f× (rounds %s)\n",
			p.plugin+" "+p.label, benchkit.Median(s.ms[0]), benchkit.Median(s.ms[1]), benchkit.Median(rs), benchkit.List(rs))
	}
	fmt.Println("every page was byte-identical with and without (CSRF token and nonces aside) in every round")
	return nil
}

var (
	ctgYearRe    = regexp.MustCompile(`href="(/p/challengegap/years/\d+)"`)
	ctgOverview  = regexp.MustCompile(`href="(/p/challengegap/years/\d+/overview)"`)
	ctgClusterRe = regexp.MustCompile(`href="/p/challengegap/clusters/(\d+)"`)
	noeYearRe    = regexp.MustCompile(`href="(/p/networkexcellence/years/\d+)"`)
)

// discover finds the pages to measure by following the plugins' links as
// the viewer: Challenge the Gap's year overview and its largest cluster
// matrix, the Network of Excellence's largest year board, its reviewer
// register and a Directory search.
func discover(ctx context.Context, hs *httptest.Server, v *viewer) ([]page, error) {
	var pages []page
	home, _, err := get(ctx, hs, v, "/p/challengegap/")
	if err != nil {
		return nil, err
	}
	var overview, matrix string
	biggest := 0
	for _, m := range ctgYearRe.FindAllStringSubmatch(home, -1) {
		year, _, err := get(ctx, hs, v, m[1])
		if err != nil {
			return nil, err
		}
		o := ctgOverview.FindStringSubmatch(year)
		if o == nil {
			continue
		}
		clusters := ctgClusterRe.FindAllStringSubmatch(year, -1)
		if overview != "" && len(clusters) == 0 {
			continue
		}
		for _, c := range clusters {
			path := "/p/challengegap/clusters/" + c[1] + "/matrix"
			body, _, err := get(ctx, hs, v, path)
			if err != nil {
				return nil, err
			}
			if len(body) > biggest {
				matrix, biggest = path, len(body)
				overview = o[1]
			}
		}
		if overview == "" {
			overview = o[1]
		}
	}
	if overview == "" || matrix == "" {
		return nil, fmt.Errorf("%s sees no Challenge the Gap year overview or cluster matrix:\n%.1500s", v.email, home)
	}
	pages = append(pages,
		page{"challengegap", "year overview", overview, "The year across all clusters"},
		page{"challengegap", "cluster matrix", matrix, "Baseline to"})

	home, _, err = get(ctx, hs, v, "/p/networkexcellence/")
	if err != nil {
		return nil, err
	}
	var board string
	biggest = 0
	for _, m := range noeYearRe.FindAllStringSubmatch(home, -1) {
		body, _, err := get(ctx, hs, v, m[1])
		if err != nil {
			return nil, err
		}
		if len(body) > biggest {
			board, biggest = m[1], len(body)
		}
	}
	if board == "" {
		return nil, fmt.Errorf("%s sees no Network of Excellence year board:\n%.1500s", v.email, home)
	}
	pages = append(pages,
		page{"networkexcellence", "year board", board, "Year board"},
		page{"networkexcellence", "reviewer register", "/p/networkexcellence/reviewers", "Reviewers on the register"},
		page{"networkexcellence", "directory search", "/p/networkexcellence/directory?q=oracy&phase=primary&ofsted=good", "Area of Excellence:"})
	for _, p := range pages {
		body, _, err := get(ctx, hs, v, p.path)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(body, p.marker) {
			return nil, fmt.Errorf("%s (%s) lacks %q:\n%.1500s", p.label, p.path, p.marker, body)
		}
	}
	return pages, nil
}

// guardedTables are the tables of plugin id's schema that carry the
// policy upwards_tenant (the SDK's audit outbox does not).
func guardedTables(ctx context.Context, conn *pgx.Conn, id string) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')
		AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'upwards_tenant')
		ORDER BY 1`, pluginhost.SchemaName(id))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// set turns row-level security of plugin id's guarded tables on (ENABLE
// and FORCE) or off (NO FORCE and DISABLE) in one transaction, and checks
// the result.
func set(ctx context.Context, conn *pgx.Conn, id string, tables []string, on bool) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	for _, t := range tables {
		q := pgx.Identifier{pluginhost.SchemaName(id), t}.Sanitize()
		stmts := []string{"ALTER TABLE " + q + " NO FORCE ROW LEVEL SECURITY", "ALTER TABLE " + q + " DISABLE ROW LEVEL SECURITY"}
		if on {
			stmts = []string{"ALTER TABLE " + q + " ENABLE ROW LEVEL SECURITY", "ALTER TABLE " + q + " FORCE ROW LEVEL SECURITY"}
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	return check(ctx, conn, id, tables, on)
}

// check reads pg_class: every one of tables has row-level security enabled
// and forced when on, neither when not.
func check(ctx context.Context, conn *pgx.Conn, id string, tables []string, on bool) error {
	rows, err := conn.Query(ctx, `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relname = ANY($2)`, pluginhost.SchemaName(id), tables)
	if err != nil {
		return err
	}
	seen := 0
	var wrong []string
	for rows.Next() {
		var t string
		var enabled, forced bool
		if err := rows.Scan(&t, &enabled, &forced); err != nil {
			return err
		}
		seen++
		if enabled != on || forced != on {
			wrong = append(wrong, fmt.Sprintf("%s (enabled %v, forced %v)", t, enabled, forced))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if seen != len(tables) {
		return fmt.Errorf("%s: %d of its %d guarded tables found", id, seen, len(tables))
	}
	if len(wrong) > 0 {
		return fmt.Errorf("%s: row-level security should be %v, but: %s", id, on, strings.Join(wrong, ", "))
	}
	return nil
}

var (
	client  = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	nonceRe = regexp.MustCompile(`nonce="[^"]*"`)
)

// get requests path as v and returns the page with the CSRF token and
// nonces taken out, and the time to its last byte.
func get(ctx context.Context, hs *httptest.Server, v *viewer, path string) (string, time.Duration, error) {
	p, err := benchkit.Get(ctx, hs.URL, v.host, v.token, v.email, path)
	if err != nil {
		return "", 0, err
	}
	body := strings.ReplaceAll(p.Body, identitytest.CSRF, "CSRF")
	for _, c := range p.Cookies {
		if c.Name == "upwards_csrf" && c.Value != "" {
			body = strings.ReplaceAll(body, c.Value, "CSRF")
		}
	}
	return nonceRe.ReplaceAllString(body, `nonce="NONCE"`), p.Took, nil
}

// diff shows where a and b differ: the lines from the first difference to
// the last, a few of each at most.
func diff(a, b, aName, bName string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	ja, jb := len(al), len(bl)
	for ja > i && jb > i && al[ja-1] == bl[jb-1] {
		ja, jb = ja-1, jb-1
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "from line %d (%d lines %s, %d lines %s):\n", i+1, ja-i, aName, jb-i, bName)
	show := func(prefix string, ls []string) {
		for k, l := range ls {
			if k == 20 {
				fmt.Fprintf(&sb, "%s … %d more lines\n", prefix, len(ls)-k)
				break
			}
			fmt.Fprintf(&sb, "%s %.300s\n", prefix, l)
		}
	}
	show("-"+aName, al[i:ja])
	show("+"+bName, bl[i:jb])
	return sb.String()
}

func replaceDB(url, name string) string {
	i := strings.LastIndex(url, "/")
	rest := ""
	if q := strings.Index(url[i:], "?"); q >= 0 {
		rest = url[i+q:]
	}
	return url[:i+1] + name + rest
}
