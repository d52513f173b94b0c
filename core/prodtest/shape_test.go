package prodtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/storage"
)

// pages maps each programme plugin to a page the tenant admin (also central
// team, and headteacher of the school) opens, and a text it shows.
var pages = map[string][2]string{
	"challengegap":      {"/p/challengegap/", "Challenge the Gap"},
	"networkexcellence": {"/p/networkexcellence/", "Network of Excellence"},
	"eal":               {"/p/eal/", "EAL"},
	"gettingahead":      {"/p/gettingahead/shared", "Getting Ahead"},
}

func allPlugins() []string {
	var bins []string
	for _, id := range programmes {
		bins = append(bins, filepath.Join(binDir, id))
	}
	return append(bins, canaryV1)
}

// TestProductionShape runs the install as production does: two `upwards
// serve` nodes and one `upwards worker` on PostgreSQL and Redis, with the
// four programme plugins (and the canary) enabled. In turn: every plugin
// answers through either node; each plugin's schema and role are its own;
// a job enqueued on a node runs on the worker; a plugin killed with SIGKILL
// under load is back within 2 s while the others and the core answer with
// no error; an upgrade is swapped blue/green on both nodes with no failed
// request; and a node killed with SIGKILL leaves no plugin process behind.
func TestProductionShape(t *testing.T) {
	c := newCluster(t, allPlugins()...)
	a, b := c.serve("node-a"), c.serve("node-b")
	w := c.worker("worker")
	nodes := []*proc{a, b}

	t.Run("every plugin answers through either node", func(t *testing.T) {
		for _, n := range nodes {
			for _, id := range programmes {
				c.mustGet(n, pages[id][0], pages[id][1])
			}
			c.mustGet(n, "/p/canary/", "canary version 1.0.0")
		}
	})

	t.Run("each plugin's schema and role are its own", func(t *testing.T) { ownStorage(t, c) })

	t.Run("a job enqueued on a node runs on the worker", func(t *testing.T) { importThroughNodes(t, c, a, b) })

	t.Run("kill -9 a plugin under load", func(t *testing.T) { killPlugin(t, c, a, b) })

	t.Run("blue/green upgrade through the nodes", func(t *testing.T) { blueGreen(t, c, a, b) })

	t.Run("kill -9 a node: no plugin outlives it", func(t *testing.T) {
		for _, n := range nodes {
			pids := pluginPIDs(t, n.cmd.Process.Pid)
			if len(pids) != len(programmes)+1 {
				t.Fatalf("%s runs plugins %v, want all %d", n.name, pids, len(programmes)+1)
			}
			begin := time.Now()
			n.kill9(t)
			for id, pid := range pids {
				for alive(pid) {
					if time.Since(begin) > 2*time.Second {
						t.Fatalf("plugin %s (pid %d) still runs 2 s after %s was killed", id, pid, n.name)
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			t.Logf("FIGURE: %s killed with SIGKILL: its %d plugin processes were gone after %s", n.name, len(pids), time.Since(begin).Round(time.Millisecond))
		}
		// With both nodes and the worker gone, no plugin holds the database open.
		w.kill9(t)
		begin := time.Now()
		for c.pluginConnections() > 0 {
			if time.Since(begin) > 2*time.Second {
				t.Fatalf("%d plugin sessions still open on the database 2 s after every upwards process was killed", c.pluginConnections())
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// ownStorage checks, as each plugin's role, that the plugin owns its schema
// and reads neither the core's tables nor another plugin's schema.
func ownStorage(t *testing.T, c *cluster) {
	db, err := storage.Open(context.Background(), c.dbURL, nil)
	must(t, err)
	defer db.Close()
	tables := map[string]string{} // plugin id → one of its tables
	for _, id := range programmes {
		schema := "plugin_" + id
		var owner string
		must(t, db.Raw("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ?", schema).Scan(&owner).Error)
		if owner != pluginRole(t, c, id) {
			t.Fatalf("schema %s is owned by %q, want its own role", schema, owner)
		}
		var table string
		must(t, db.Raw("SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name LIMIT 1", schema).Scan(&table).Error)
		if table == "" {
			t.Fatalf("schema %s has no tables: the plugin did not migrate into it", schema)
		}
		tables[id] = schema + "." + table
	}
	for _, id := range programmes {
		role := pluginRole(t, c, id)
		try := func(query string) error {
			return db.DB.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("SET LOCAL ROLE " + role).Error; err != nil {
					return fmt.Errorf("set role: %w", err)
				}
				var n int64
				return tx.Raw(query).Scan(&n).Error
			})
		}
		if err := try("SELECT count(*) FROM " + tables[id]); err != nil {
			t.Errorf("%s cannot read its own table %s: %v", role, tables[id], err)
		}
		if err := try("SELECT count(*) FROM public.users"); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s reading the core's users: %v, want permission denied", role, err)
		}
		for _, other := range programmes {
			if other == id {
				continue
			}
			if err := try("SELECT count(*) FROM " + tables[other]); err == nil || !strings.Contains(err.Error(), "permission denied") {
				t.Errorf("%s reading %s: %v, want permission denied", role, tables[other], err)
			}
		}
	}
}

// importThroughNodes uploads a pupil file through one node and commits it
// through the other: neither node runs jobs, so the worker ran both.
func importThroughNodes(t *testing.T, c *cluster, a, b *proc) {
	const rows = 40
	var csv bytes.Buffer
	must(t, importtest.WriteCSV(&csv, 0, rows, time.Now()))
	begin := time.Now()
	id := upload(t, c, a, csv.Bytes())
	db, err := storage.Open(context.Background(), c.dbURL, nil)
	must(t, err)
	defer db.Close()
	waitStatus := func(want string) {
		t.Helper()
		var status string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			must(t, db.Raw("SELECT status FROM pupil_imports WHERE id = ?", id).Scan(&status).Error)
			if status == want {
				return
			}
		}
		t.Fatalf("import %s is %q, want %q: the worker did not run it", id, status, want)
	}
	waitStatus("checked")
	checked := time.Since(begin)
	post(t, c, b, fmt.Sprintf("/units/%d/imports/%s/commit", c.schoolID, id), "application/x-www-form-urlencoded", bytes.NewBufferString("mode=all"))
	waitStatus("done")
	var n int64
	must(t, db.Raw("SELECT count(*) FROM pupils WHERE tenant_id = ?", c.tenantID).Scan(&n).Error)
	if n != rows {
		t.Fatalf("%d pupils after the import, want %d", n, rows)
	}
	t.Logf("FIGURE: pupil import uploaded on node-a checked by the worker in %s; committed on node-b, done in %s in all",
		checked.Round(time.Millisecond), time.Since(begin).Round(time.Millisecond))
}

// load requests pages through the nodes from a few goroutines until stop,
// counting answers and failures per target.
type load struct {
	c       *cluster
	targets []target
	stop    chan struct{}
	wg      sync.WaitGroup
}

type target struct {
	node       *proc
	key, path  string
	want       string
	ok, failed *atomic.Int64
	lastFail   atomic.Value // string
}

func startLoad(c *cluster, workers int, targets []target) *load {
	l := &load{c: c, targets: targets, stop: make(chan struct{})}
	for i := range l.targets {
		l.targets[i].ok, l.targets[i].failed = &atomic.Int64{}, &atomic.Int64{}
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := w; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				tg := &l.targets[i%len(l.targets)]
				code, body, err := c.get(context.Background(), hc, tg.node, tg.path)
				if err == nil && code == http.StatusOK && strings.Contains(body, tg.want) {
					tg.ok.Add(1)
				} else {
					tg.failed.Add(1)
					tg.lastFail.Store(fmt.Sprintf("%d %v %.200s", code, err, body))
				}
			}
		}()
	}
	return l
}

func (l *load) end() {
	close(l.stop)
	l.wg.Wait()
}

// programmeTargets are every programme page and the core's home through both nodes.
func programmeTargets(a, b *proc) []target {
	var ts []target
	for _, n := range []*proc{a, b} {
		for _, id := range programmes {
			ts = append(ts, target{node: n, key: n.name + " " + id, path: pages[id][0], want: pages[id][1]})
		}
		ts = append(ts, target{node: n, key: n.name + " core", path: "/", want: "Upwards"})
	}
	return ts
}

// killPlugin kills node-a's Challenge the Gap process under load: every
// other page answers with no error, and it answers again within 2 s.
func killPlugin(t *testing.T, c *cluster, a, b *proc) {
	const victim = "challengegap"
	pid := pluginPIDs(t, a.cmd.Process.Pid)[victim]
	if pid == 0 {
		t.Fatalf("node-a runs no %s process", victim)
	}
	l := startLoad(c, 8, programmeTargets(a, b))
	time.Sleep(500 * time.Millisecond)
	killed := time.Now()
	must(t, syscallKill(pid))
	var back time.Duration
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		code, body, err := c.get(context.Background(), hc, a, pages[victim][0])
		if err == nil && code == http.StatusOK && strings.Contains(body, pages[victim][1]) {
			back = time.Since(killed)
			break
		}
		if time.Since(killed) > 5*time.Second {
			l.end()
			t.Fatalf("%s on node-a not back 5 s after kill -9: %d %v", victim, code, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	l.end()
	var total int64
	for i := range l.targets {
		tg := &l.targets[i]
		total += tg.ok.Load()
		if tg.key == a.name+" "+victim {
			t.Logf("FIGURE: %s: %d answered, %d failed while it was down", tg.key, tg.ok.Load(), tg.failed.Load())
			continue
		}
		if n := tg.failed.Load(); n > 0 {
			t.Errorf("%s: %d of %d requests failed after another plugin was killed; last: %v", tg.key, n, n+tg.ok.Load(), tg.lastFail.Load())
		}
	}
	if back > 2*time.Second {
		t.Errorf("%s was back %s after kill -9, want within 2 s", victim, back)
	}
	if newPID := pluginPIDs(t, a.cmd.Process.Pid)[victim]; newPID == 0 || newPID == pid {
		t.Errorf("no new %s process (old %d, now %d)", victim, pid, newPID)
	}
	t.Logf("FIGURE: kill -9 of %s on node-a under load (8 clients, %d requests): answered 200 again after %s; other pages: no error",
		victim, total, back.Round(time.Millisecond))
}

// blueGreen upgrades the canary with the CLI, as an operator does, while
// both nodes serve its page under load: each node swaps to the new build
// (start it, move the traffic, stop the old) with no failed request.
func blueGreen(t *testing.T, c *cluster, a, b *proc) {
	old := map[string]int{}
	for _, n := range []*proc{a, b} {
		c.mustGet(n, "/p/canary/", "canary version 1.0.0")
		old[n.name] = pluginPIDs(t, n.cmd.Process.Pid)["canary"]
	}
	var ts []target
	for _, n := range []*proc{a, b} {
		ts = append(ts, target{node: n, key: n.name + " canary", path: "/p/canary/", want: "canary version"},
			target{node: n, key: n.name + " challengegap", path: pages["challengegap"][0], want: pages["challengegap"][1]})
	}
	l := startLoad(c, 6, ts)
	time.Sleep(300 * time.Millisecond)
	begin := time.Now()
	cli := exec.Command(upwardsBin, "plugin", "upgrade", canaryV2)
	cli.Env = c.env()
	if out, err := cli.CombinedOutput(); err != nil {
		l.end()
		t.Fatalf("upwards plugin upgrade: %v\n%s", err, out)
	}
	swapped := map[string]time.Duration{}
	for len(swapped) < 2 {
		for _, n := range []*proc{a, b} {
			if _, ok := swapped[n.name]; ok {
				continue
			}
			code, body, err := c.get(context.Background(), http.DefaultClient, n, "/p/canary/")
			if err == nil && code == http.StatusOK && strings.Contains(body, "canary version 2.0.0") {
				swapped[n.name] = time.Since(begin)
			}
		}
		if time.Since(begin) > 15*time.Second {
			l.end()
			t.Fatalf("not every node serves canary 2.0.0 15 s after the upgrade: %v", swapped)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(time.Second) // the old processes drain and stop
	l.end()
	for i := range l.targets {
		tg := &l.targets[i]
		if n := tg.failed.Load(); n > 0 {
			t.Errorf("%s: %d of %d requests failed during the upgrade; last: %v", tg.key, n, n+tg.ok.Load(), tg.lastFail.Load())
		}
	}
	for _, n := range []*proc{a, b} {
		c.mustGet(n, "/p/canary/", "canary version 2.0.0")
		if alive(old[n.name]) {
			t.Errorf("%s: the old canary process %d still runs after the swap", n.name, old[n.name])
		}
	}
	t.Logf("FIGURE: blue/green upgrade of canary 1.0.0 → 2.0.0 under load (%d + %d requests, none failed): node-a served 2.0.0 after %s, node-b after %s",
		l.targets[0].ok.Load(), l.targets[2].ok.Load(), swapped[a.name].Round(time.Millisecond), swapped[b.name].Round(time.Millisecond))
}

// pluginRole is plugin id's PostgreSQL role in the cluster's database.
func pluginRole(t *testing.T, c *cluster, id string) string {
	t.Helper()
	u, err := url.Parse(c.dbURL)
	must(t, err)
	return pluginhost.RoleName(id, strings.TrimPrefix(u.Path, "/"))
}
