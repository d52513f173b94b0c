package pluginhost

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/storage"
)

// kill -9 of one plugin's process: another plugin keeps serving without a
// single error, and the killed one serves again within 2 s.
func TestKilledPluginRestartsWhileOthersServe(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	e.install("other", e.a)
	_, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/pid")
	pid, err := strconv.Atoi(body)
	if err != nil {
		t.Fatalf("pid: %q", body)
	}
	if _, b := e.get(e.a.host, e.a.hubMgrTok, "/p/other/"); !strings.Contains(b, "Other 1.0.0") {
		t.Fatalf("other: %.200s", b)
	}
	var served, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/p/other/raw", nil)
			req.Host = e.a.host
			identitytest.SetSession(req, e.a.hubMgrTok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 201 {
				failed.Add(1)
			} else {
				served.Add(1)
			}
			if resp != nil {
				resp.Body.Close()
			}
		}
	}()
	time.Sleep(100 * time.Millisecond)
	killed := time.Now()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var newPID int
	eventually(t, 2*time.Second, "the killed plugin serves again", func() bool {
		resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/pid")
		if resp.StatusCode == http.StatusServiceUnavailable && !strings.Contains(body, "Echo is restarting; other programmes are unaffected") {
			t.Fatalf("503 page: %.500s", body)
		}
		newPID, _ = strconv.Atoi(body)
		return resp.StatusCode == 200 && newPID != pid
	})
	back := time.Since(killed)
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failed.Load() != 0 || served.Load() < 5 {
		t.Fatalf("the other plugin: %d served, %d failed", served.Load(), failed.Load())
	}
	st := statusOf(t, e, "echo")
	if st.Restarts != 1 || st.Runtime != stateRunning || st.PID != newPID || !strings.Contains(st.LastError, "exited unexpectedly") {
		t.Fatalf("status after the restart: %+v", st)
	}
	if o := statusOf(t, e, "other"); o.Restarts != 0 || o.Calls < served.Load() {
		t.Fatalf("the other plugin's status: %+v", o)
	}
	t.Logf("echo served again %s after kill -9; other served %d requests meanwhile", back.Round(time.Millisecond), served.Load())
}

// Repeated crashes back off exponentially and then open the circuit: no
// start is tried until it closes.
func TestBackoffAndCircuitBreaker(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{BackoffMin: 20 * time.Millisecond, BreakerFailures: 3, BreakerOpen: 400 * time.Millisecond})
	e.install("echo", e.a)
	in := e.rt.instance("echo")
	pidOf := func() int {
		_, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/pid")
		pid, _ := strconv.Atoi(body)
		return pid
	}
	for i := 1; i <= 2; i++ {
		pid := pidOf()
		if pid == 0 {
			t.Fatalf("crash %d: not serving", i)
		}
		e.must(syscall.Kill(pid, syscall.SIGKILL))
		eventually(t, 2*time.Second, "restart", func() bool { p := pidOf(); return p != 0 && p != pid })
	}
	in.mu.Lock()
	n := len(in.failures)
	in.mu.Unlock()
	if n != 2 {
		t.Fatalf("failures counted: %d", n)
	}
	e.must(syscall.Kill(pidOf(), syscall.SIGKILL))
	eventually(t, time.Second, "circuit open", func() bool { return statusOf(t, e, "echo").Runtime == stateOpen })
	resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/pid")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Echo is restarting") {
		t.Fatalf("while the circuit is open: %d %q %.300s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	eventually(t, 2*time.Second, "circuit closes and the plugin serves", func() bool { return pidOf() != 0 })
}

// CheckHealth runs on the configured interval while a plugin runs.
func TestHealthChecks(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{HealthInterval: 50 * time.Millisecond})
	e.install("echo", e.a)
	if resp, _ := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	in := e.rt.instance("echo")
	in.mu.Lock()
	first := in.lastHealth
	in.mu.Unlock()
	eventually(t, 2*time.Second, "two health checks", func() bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		return in.lastHealth.Sub(first) >= 100*time.Millisecond && in.state == stateRunning
	})
}
