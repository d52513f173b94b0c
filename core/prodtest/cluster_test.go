package prodtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/jobs/jobstest"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

const (
	tenantSlug  = "prod"
	schoolURN   = "100001"
	adminEmail  = "admin@prod.example.org"
	readyWithin = 30 * time.Second
)

// cluster is one install: a fresh PostgreSQL database, a private Redis
// database, the shared pupil key, and the processes started on them.
type cluster struct {
	t        *testing.T
	dbURL    string
	redisURL string
	pupilKey string
	token    string // the tenant admin's login session
	schoolID uint
	tenantID uint
}

// newCluster migrates a fresh database and stores a tenant with one school,
// its admin (with an API token) and the given plugins installed and enabled
// for it, as `upwards migrate`, `tenant create`, `user create` and
// `plugin install`/`enable` would, with no node running.
func newCluster(t *testing.T, plugins ...string) *cluster {
	t.Helper()
	var key [32]byte
	_, _ = rand.Read(key[:])
	c := &cluster{t: t, dbURL: storagetest.URL(t, storage.Postgres), redisURL: jobstest.URL(t, jobstest.Real),
		pupilKey: base64.StdEncoding.EncodeToString(key[:])}
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "prodtest"})
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.RedisURL, cfg.PupilKey, cfg.DataDir, cfg.LogLevel = c.dbURL, c.redisURL, c.pupilKey, t.TempDir(), "error"
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	must(t, err)
	defer a.Close()
	_, err = a.Migrate(ctx)
	must(t, err)
	must(t, a.LoadPermissions(ctx))
	tn, err := a.Tenancy.CreateTenant(ctx, tenantSlug, "Production Partnership", []string{"prod.test"})
	must(t, err)
	school, err := a.Tenancy.CreateUnit(ctx, tn.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Prod Primary", URN: schoolURN, Phase: "primary"})
	must(t, err)
	root, err := a.Tenancy.RootUnit(ctx, tn.ID)
	must(t, err)
	u, err := a.Identity.CreateUser(ctx, tn.ID, adminEmail, "Prod Admin", "correct-horse-battery", false)
	must(t, err)
	must(t, a.Authz.Grant(ctx, tn.ID, u.ID, authz.RoleTenantAdmin, root.ID, nil))
	must(t, a.Authz.Grant(ctx, tn.ID, u.ID, authz.RoleCentralTeam, root.ID, nil))
	must(t, a.Authz.Grant(ctx, tn.ID, u.ID, authz.RoleHeadteacher, school.ID, nil))
	// Pages take a login session, never an API token.
	c.token, _, _, err = a.Identity.Login(ctx, tn.ID, adminEmail, "correct-horse-battery", "", "prodtest")
	must(t, err)
	c.tenantID, c.schoolID = tn.ID, school.ID
	reg := pluginhost.NewRegistry(a.DB, pluginhost.RegistryOptions{CoreVersion: app.Version, Logger: slog.New(slog.DiscardHandler)})
	for _, bin := range plugins {
		p, err := reg.Install(ctx, bin, false)
		must(t, err)
		must(t, reg.Enable(ctx, p.ID, tn.ID))
	}
	return c
}

// proc is one upwards process of the cluster.
type proc struct {
	name string
	cmd  *exec.Cmd
	addr string // "" for the worker
	log  *syncWriter
	done chan struct{}
}

func (p *proc) base() string { return "http://" + p.addr }

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// env is the environment of an upwards process of the cluster: the
// settings of a production node, as UPWARDS_* variables.
func (c *cluster) env(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TZ=Europe/London",
		"UPWARDS_DATABASE_URL=" + c.dbURL, "UPWARDS_REDIS_URL=" + c.redisURL, "UPWARDS_PUPIL_KEY=" + c.pupilKey,
		"UPWARDS_DEFAULT_TENANT=" + tenantSlug, "UPWARDS_LOG_LEVEL=warn", "UPWARDS_LOG_FORMAT=text",
		"UPWARDS_MIGRATE_ON_START=false", "UPWARDS_PLUGIN_HEALTH_INTERVAL=1s",
	}
	return append(env, extra...)
}

// serve starts an `upwards serve` node without a worker and waits for its /readyz.
func (c *cluster) serve(name string) *proc {
	c.t.Helper()
	addr := freeAddr(c.t)
	p := c.start(name, []string{"serve"}, addr, "UPWARDS_LISTEN="+addr, "UPWARDS_WORKER=false",
		"UPWARDS_DATA_DIR="+c.t.TempDir(), "UPWARDS_BASE_URL=http://"+addr)
	deadline := time.Now().Add(readyWithin)
	for {
		resp, err := http.Get(p.base() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if p.exited() || time.Now().After(deadline) {
			c.t.Fatalf("%s did not become ready: %v\n%s", name, err, p.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// worker starts an `upwards worker`.
func (c *cluster) worker(name string) *proc {
	c.t.Helper()
	return c.start(name, []string{"worker"}, "", "UPWARDS_DATA_DIR="+c.t.TempDir(), "UPWARDS_WORKER_CONCURRENCY=2")
}

func (c *cluster) start(name string, args []string, addr string, env ...string) *proc {
	c.t.Helper()
	p := &proc{name: name, addr: addr, log: &syncWriter{b: &bytes.Buffer{}}, done: make(chan struct{})}
	p.cmd = exec.Command(upwardsBin, args...)
	p.cmd.Env = c.env(env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	must(c.t, p.cmd.Start())
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	c.t.Cleanup(func() {
		if !p.exited() {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(10 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
		if c.t.Failed() {
			c.t.Logf("log of %s:\n%s", name, p.log.String())
		}
	})
	return p
}

// kill9 sends SIGKILL to the process and waits for it to end.
func (p *proc) kill9(t *testing.T) {
	t.Helper()
	must(t, p.cmd.Process.Signal(syscall.SIGKILL))
	<-p.done
}

// get fetches path from a node as the tenant admin.
func (c *cluster) get(ctx context.Context, hc *http.Client, node *proc, path string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, node.base()+path, nil)
	if err != nil {
		return 0, "", err
	}
	c.asAdmin(req)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// mustGet fetches path and fails the test unless it answers 200 with want.
func (c *cluster) mustGet(node *proc, path, want string) string {
	c.t.Helper()
	code, body, err := c.get(context.Background(), http.DefaultClient, node, path)
	if err != nil || code != http.StatusOK || !strings.Contains(body, want) {
		c.t.Fatalf("GET %s on %s: %d %v, want 200 with %q:\n%.600s", path, node.name, code, err, want, body)
	}
	return body
}

// pluginPIDs maps plugin id to the pid of that plugin's process whose
// parent is ppid (the node), read from /proc.
func pluginPIDs(t *testing.T, ppid int) map[string]int {
	t.Helper()
	out := map[string]int{}
	ents, err := os.ReadDir("/proc")
	must(t, err)
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := procStat(pid)
		if err != nil || st.ppid != ppid || st.state == "Z" {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil {
			continue
		}
		out[filepath.Base(strings.TrimSuffix(exe, " (deleted)"))] = pid
	}
	return out
}

type stat struct {
	state string
	ppid  int
}

// procStat reads a process's state and parent from /proc/PID/stat.
func procStat(pid int) (stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return stat{}, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ppid, err := strconv.Atoi(f[1])
	return stat{state: f[0], ppid: ppid}, err
}

// alive reports whether pid runs (a zombie does not).
func alive(pid int) bool {
	st, err := procStat(pid)
	return err == nil && st.state != "Z" && st.state != "X"
}

// pluginConnections counts the database sessions of plugin roles on the
// cluster's database.
func (c *cluster) pluginConnections() int {
	c.t.Helper()
	db, err := storage.Open(context.Background(), storagetest.AdminURL(), nil)
	must(c.t, err)
	defer db.Close()
	u, err := url.Parse(c.dbURL)
	must(c.t, err)
	var n int
	must(c.t, db.Raw("SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND usename LIKE 'plugin\\_%'",
		strings.TrimPrefix(u.Path, "/")).Scan(&n).Error)
	return n
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().String()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// syscallKill sends SIGKILL to pid.
func syscallKill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }

// asAdmin makes req come from the tenant admin's browser.
func (c *cluster) asAdmin(req *http.Request) { identitytest.SetSession(req, c.token) }
