package pluginhost

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Runtime states of a plugin on one node.
const (
	stateStopped    = "stopped"
	stateStarting   = "starting"
	stateRunning    = "running"
	stateDegraded   = "degraded"
	stateUnhealthy  = "unhealthy"
	stateRestarting = "restarting"
	stateOpen       = "circuit_open"
	stateFailed     = "failed"
	// stateChecksum: the file at the registered path is not the build
	// installed; no start is tried until the registry or the file changes.
	stateChecksum = "checksum_mismatch"
)

// instance is one registered plugin's process on this node and its history.
type instance struct {
	id string
	rt *Runtime

	startMu sync.Mutex // one start (or stop) at a time

	mu         sync.Mutex
	rec        Plugin // the build the process runs
	client     *plugin.Client
	conn       *contract.ClientV1
	calls      *callCounter // calls under way on conn
	pid        int
	state      string
	lastErr    string
	starts     int
	restarts   int
	failures   []time.Time // crashes and failed starts within the breaker window
	nextTry    time.Time
	openUntil  time.Time
	lastHealth time.Time
	busy       bool // a health check or background restart is under way
	wanted     bool // the process should run: restart it after a crash
	// pins counts subject calls under way: a process that no tenant enables
	// any more still answers them, so Sync leaves it running until they end.
	pins int
	// mismatch is the build whose file was found changed, while the registry
	// and the file stay as they were.
	mismatch *checksumMismatch
	lat      latency
}

// checksumMismatch records a launch refused because the file at the
// registered path is not the build installed. A crash would be retried; this
// is not, since only an operator can fix it: the next start is tried when the
// registry names another build or path, or the file changes (restored).
type checksumMismatch struct {
	sha, path string    // the registry's build
	file      fileStamp // the file found
	found     string    // its SHA-256, "" if unreadable
	err       error
}

// fileStamp tells whether a file changed: its size and modification time.
type fileStamp struct {
	size int64
	mod  time.Time
}

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{size: -1}
	}
	return fileStamp{size: fi.Size(), mod: fi.ModTime()}
}

// still reports whether the mismatch still holds for registry entry p
// without launching anything.
func (m *checksumMismatch) still(p Plugin) bool {
	return m.sha == p.SHA256 && m.path == p.BinaryPath && stampOf(p.BinaryPath) == m.file
}

// ChecksumMismatch is what an operator reads on /admin/plugins of a plugin
// whose file is not the build installed.
type ChecksumMismatch struct {
	Path      string // the registered path
	Installed string // the registry's SHA-256
	Found     string // the file's SHA-256, "" if it cannot be read
}

func (m *checksumMismatch) public() *ChecksumMismatch {
	return &ChecksumMismatch{Path: m.path, Installed: m.sha, Found: m.found}
}

// pin keeps the process from being stopped for want of an enabling tenant
// until unpin; subject export and erasure call plugins no tenant enables.
func (in *instance) pin() {
	in.mu.Lock()
	in.pins++
	in.mu.Unlock()
}

func (in *instance) unpin() {
	in.mu.Lock()
	in.pins--
	in.mu.Unlock()
}

func (in *instance) pinned() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.pins > 0
}

// current is the checksum of the build running, or "" when none runs.
func (in *instance) current() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.client == nil {
		return ""
	}
	return in.rec.SHA256
}

// ready returns the connection when the process of build p is up, or that
// of a build registered after p: a caller whose view of the registry is a
// moment old (the registry cache) is served by the new build of a
// blue/green swap rather than bringing the old one back.
func (in *instance) ready(p Plugin) *contract.ClientV1 {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.conn != nil && !in.client.Exited() && (in.rec.SHA256 == p.SHA256 || in.rec.UpdatedAt.After(p.UpdatedAt)) {
		return in.conn
	}
	return nil
}

// swapping reports whether a process of another build than p runs and
// serves: acquire then starts p's beside it and moves the traffic (blue/green).
func (in *instance) swapping(p Plugin) bool {
	return in.client != nil && !in.client.Exited() && in.rec.SHA256 != p.SHA256 // in.mu held
}

// failedError marks a start that failed for a reason a restart cannot fix
// (the storage migration failed): the registry marks the build failed.
type failedError struct{ err error }

func (e *failedError) Error() string { return e.err.Error() }
func (e *failedError) Unwrap() error { return e.err }

// acquire returns a connection to plugin p's process, starting it if needed.
func (rt *Runtime) acquire(ctx context.Context, p Plugin) (*contract.ClientV1, *instance, error) {
	in := rt.instance(p.ID)
	if conn := in.ready(p); conn != nil {
		return conn, in, nil
	}
	unavailable := func(cause error, retry time.Duration, failed bool) error {
		return &UnavailableError{PluginID: p.ID, Name: p.Name, Cause: cause, RetryAfter: retry, Failed: failed}
	}
	if rt.isClosed() {
		return nil, in, unavailable(errors.New("the core is shutting down"), time.Second, false)
	}
	if err := ctx.Err(); err != nil {
		return nil, in, err
	}
	in.startMu.Lock()
	defer in.startMu.Unlock()
	if conn := in.ready(p); conn != nil {
		return conn, in, nil
	}
	if rt.isClosed() {
		return nil, in, unavailable(errors.New("the core is shutting down"), time.Second, false)
	}
	now := time.Now()
	in.mu.Lock()
	if in.swapping(p) && p.State != StateFailed {
		// Blue/green: the old build serves until the new one is up.
		if now.Before(in.nextTry) || (in.mismatch != nil && in.mismatch.still(p)) {
			conn := in.conn
			in.mu.Unlock()
			return conn, in, nil
		}
		in.mu.Unlock()
		conn, err := rt.start(in, p)
		if err == nil {
			return conn, in, nil
		}
		var fe *failedError
		if !errors.As(err, &fe) && !errors.Is(err, ErrChecksum) {
			// It may start at the next try; meanwhile the old build serves.
			in.mu.Lock()
			in.recordFailureLocked(time.Now(), err)
			in.state = stateRunning
			conn := in.conn
			in.mu.Unlock()
			rt.log.Error("plugin upgrade: the new build did not start; the old one keeps serving", "plugin", p.ID,
				"version", p.Version, "error", err.Error())
			return conn, in, nil
		}
		// Only an operator can fix the new build: the old one stops, as the
		// registry no longer names it.
		in.mu.Lock()
		old := in.client
		in.client, in.conn, in.calls, in.pid = nil, nil, nil, 0
		in.mu.Unlock()
		killAsync(old)
		return nil, in, rt.startFailed(in, p, err)
	}
	old := in.client
	if old != nil {
		if old.Exited() {
			in.recordFailureLocked(now, errors.New("the plugin process exited unexpectedly"))
		}
		in.client, in.conn, in.pid = nil, nil, 0
	}
	switch {
	case p.State == StateFailed:
		in.state, in.lastErr, in.wanted = stateFailed, p.LastError, false
		in.mu.Unlock()
		killAsync(old)
		return nil, in, unavailable(errors.New(p.LastError), 0, true)
	case now.Before(in.openUntil):
		retry := in.openUntil.Sub(now)
		in.mu.Unlock()
		killAsync(old)
		return nil, in, unavailable(fmt.Errorf("circuit open after repeated failures; last: %s", in.lastErrSnapshot()), retry, false)
	case in.mismatch != nil && in.mismatch.still(p):
		cause := in.mismatch.err
		in.mu.Unlock()
		killAsync(old)
		return nil, in, &UnavailableError{PluginID: p.ID, Name: p.Name, Cause: cause, Checksum: true}
	case now.Before(in.nextTry):
		retry := in.nextTry.Sub(now)
		in.mu.Unlock()
		killAsync(old)
		return nil, in, unavailable(errors.New("restarting"), retry, false)
	}
	in.state, in.wanted, in.mismatch = stateStarting, true, nil
	in.mu.Unlock()
	if old != nil {
		old.Kill()
	}
	conn, err := rt.start(in, p)
	if err == nil {
		return conn, in, nil
	}
	return nil, in, rt.startFailed(in, p, err)
}

// startFailed records a failed start of p and returns the error to answer.
func (rt *Runtime) startFailed(in *instance, p Plugin, err error) error {
	unavailable := func(cause error, retry time.Duration, failed bool) error {
		return &UnavailableError{PluginID: p.ID, Name: p.Name, Cause: cause, RetryAfter: retry, Failed: failed}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var fe *failedError
	if errors.As(err, &fe) {
		in.state, in.lastErr, in.wanted = stateFailed, err.Error(), false
		rt.log.Error("plugin failed; it stays stopped until a new build is installed", "plugin", p.ID, "error", err.Error())
		return unavailable(err, 0, true)
	}
	if errors.Is(err, ErrChecksum) {
		mm := &checksumMismatch{sha: p.SHA256, path: p.BinaryPath, file: stampOf(p.BinaryPath), err: err}
		if sum, serr := fileSHA256(p.BinaryPath); serr == nil {
			mm.found = hex.EncodeToString(sum)
		}
		in.mismatch, in.state, in.lastErr, in.wanted = mm, stateChecksum, err.Error(), false
		rt.log.Error("plugin binary is not the build installed; not started until the registry or the file changes",
			"plugin", p.ID, "path", p.BinaryPath, "registered_sha256", p.SHA256, "file_sha256", mm.found)
		return &UnavailableError{PluginID: p.ID, Name: p.Name, Cause: err, Checksum: true}
	}
	in.recordFailureLocked(time.Now(), err)
	return unavailable(err, time.Until(in.nextTry), false)
}

func (in *instance) lastErrSnapshot() string { return in.lastErr } // in.mu held by the caller

func killAsync(c *plugin.Client) {
	if c != nil {
		go c.Kill()
	}
}

// start launches p's binary, serves it the Host, configures its storage and
// migrates it.
func (rt *Runtime) start(in *instance, p Plugin) (*contract.ClientV1, error) {
	sum, err := hex.DecodeString(p.SHA256)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: bad checksum in the registry: %w", p.ID, err)
	}
	begin := time.Now()
	calls := &callCounter{}
	client, conn, err := launch(p.BinaryPath, sum, newHCLog(rt.deps.Log, p.ID), calls)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*contract.ClientV1, error) {
		client.Kill()
		return nil, err
	}
	broker := conn.ServeHost(&hostServer{rt: rt, pluginID: p.ID})
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	st, dataDir, err := rt.provision(ctx, p)
	if err != nil {
		return fail(fmt.Errorf("plugin %s: storage: %w", p.ID, err))
	}
	if _, err := conn.Configure(ctx, &pluginv1.ConfigureRequest{HostBrokerId: broker, Storage: st,
		CoreVersion: rt.deps.CoreVersion, DataDir: dataDir}); err != nil {
		return fail(fmt.Errorf("plugin %s: configure: %w", p.ID, err))
	}
	mctx, mcancel := context.WithTimeout(context.Background(), rt.opts.MigrateTimeout)
	defer mcancel()
	var from, to int32
	err = rt.withPluginLock(mctx, p.ID, func() error {
		resp, err := conn.Migrate(mctx, &pluginv1.MigrateRequest{})
		from, to = resp.GetFromVersion(), resp.GetToVersion()
		return err
	})
	if err != nil {
		if client.Exited() || status.Code(err) == codes.Unavailable {
			return fail(fmt.Errorf("plugin %s: exited during its storage migration: %w", p.ID, err))
		}
		client.Kill()
		err = fmt.Errorf("plugin %s %s: storage migration failed (its storage is left as it was): %w", p.ID, p.Version, err)
		if merr := rt.reg.markFailed(context.Background(), p.ID, p.SHA256, err); merr != nil {
			rt.log.Error("could not mark plugin failed", "plugin", p.ID, "error", merr.Error())
		}
		return nil, &failedError{err}
	}
	pid := 0
	if rc := client.ReattachConfig(); rc != nil {
		pid = rc.Pid
	}
	in.mu.Lock()
	prev, prevCalls, prevVersion := in.client, in.calls, in.rec.Version
	in.client, in.conn, in.calls, in.rec, in.pid = client, conn, calls, p, pid
	in.state, in.lastHealth = stateRunning, time.Now()
	if in.starts > 0 && prev == nil {
		in.restarts++
	}
	in.starts++
	in.mu.Unlock()
	rt.log.Info("plugin started", "plugin", p.ID, "version", p.Version, "pid", pid,
		"storage_from", from, "storage_to", to, "elapsed_ms", time.Since(begin).Milliseconds())
	if prev != nil {
		// The new build takes every new call; the old process finishes its own.
		rt.log.Info("plugin swapped to a new build", "plugin", p.ID, "from", prevVersion, "to", p.Version)
		rt.background(func() { rt.drain(p.ID, prev, prevCalls) })
	}
	return conn, nil
}

// recordFailureLocked counts a crash or failed start: it schedules the next
// attempt with exponential back-off, or opens the circuit. in.mu is held.
func (in *instance) recordFailureLocked(now time.Time, err error) {
	o := in.rt.opts
	cut := now.Add(-o.BreakerWindow)
	kept := in.failures[:0]
	for _, t := range in.failures {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	in.failures = append(kept, now)
	in.lastErr = err.Error()
	n := len(in.failures)
	if n >= o.BreakerFailures {
		in.openUntil = now.Add(o.BreakerOpen)
		in.nextTry = in.openUntil
		in.state = stateOpen
		in.rt.log.Error("plugin circuit open: no start until it closes", "plugin", in.id, "failures", n,
			"window", o.BreakerWindow.String(), "open_for", o.BreakerOpen.String(), "error", in.lastErr)
		return
	}
	backoff := o.BackoffMax
	if shift := n - 1; shift < 30 {
		if b := o.BackoffMin << shift; b > 0 && b < o.BackoffMax {
			backoff = b
		}
	}
	in.nextTry = now.Add(backoff)
	in.state = stateRestarting
	in.rt.log.Warn("plugin failed; restarting after back-off", "plugin", in.id, "failures", n,
		"backoff_ms", backoff.Milliseconds(), "error", in.lastErr)
}

// shutdown stops the process on purpose (not a crash).
func (in *instance) shutdown(reason string) {
	in.startMu.Lock()
	defer in.startMu.Unlock()
	in.mu.Lock()
	old := in.client
	in.client, in.conn, in.pid, in.wanted = nil, nil, 0, false
	if in.state != stateFailed && in.state != stateChecksum {
		in.state = stateStopped
	}
	in.mu.Unlock()
	if old != nil {
		in.rt.log.Info("plugin stopped", "plugin", in.id, "reason", reason)
		old.Kill()
	}
}

// observe records the latency of one call.
func (in *instance) observe(d time.Duration) {
	in.mu.Lock()
	in.lat.add(d)
	in.mu.Unlock()
}

// fill copies the instance's state into s.
func (in *instance) fill(s *Status) {
	in.mu.Lock()
	defer in.mu.Unlock()
	s.Runtime, s.PID, s.Restarts, s.LastError, s.Calls = in.state, in.pid, in.restarts, in.lastErr, in.lat.n
	if in.mismatch != nil && in.state == stateChecksum {
		s.Mismatch = in.mismatch.public()
	}
	s.LatencyAvg, s.LatencyP50, s.LatencyP99 = in.lat.stats()
}

// latency keeps a moving average and the last 512 call durations.
type latency struct {
	n    int64
	ewma float64 // nanoseconds
	ring [512]time.Duration
}

func (l *latency) add(d time.Duration) {
	if l.n == 0 {
		l.ewma = float64(d)
	} else {
		l.ewma = 0.9*l.ewma + 0.1*float64(d)
	}
	l.ring[l.n%int64(len(l.ring))] = d
	l.n++
}

func (l *latency) stats() (avg, p50, p99 time.Duration) {
	if l.n == 0 {
		return 0, 0, 0
	}
	k := int(min(l.n, int64(len(l.ring))))
	s := append([]time.Duration(nil), l.ring[:k]...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) time.Duration { return s[int(math.Ceil(q*float64(k)))-1] }
	return time.Duration(l.ewma), at(0.50), at(0.99)
}
