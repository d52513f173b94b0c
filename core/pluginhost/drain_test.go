package pluginhost

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/storage"
)

// An upgrade under load is swapped blue/green: every request answers 200,
// first from the old build and then from the new, and the old process stops
// once it has drained.
func TestUpgradeSwapsBlueGreenUnderLoad(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	if _, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); !strings.Contains(body, "Echo 1.0.0") {
		t.Fatalf("before: %.300s", body)
	}
	oldPID := statusOf(t, e, "echo").PID
	var ok, failed, v2 atomic.Int64
	var last atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/p/echo/", nil)
				req.Host = e.a.host
				identitytest.SetSession(req, e.a.hubMgrTok)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					failed.Add(1)
					last.Store(err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch {
				case resp.StatusCode != http.StatusOK:
					failed.Add(1)
					last.Store(string(b))
				case strings.Contains(string(b), "Echo 2.0.0"):
					v2.Add(1)
					ok.Add(1)
				default:
					ok.Add(1)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := e.rt.Upgrade(e.ctx, binary("echo2"), false); err != nil {
		close(stop)
		wg.Wait()
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for v2.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(drainGrace + 300*time.Millisecond)
	close(stop)
	wg.Wait()
	if v2.Load() == 0 {
		t.Fatal("the new build never answered")
	}
	if failed.Load() > 0 {
		t.Fatalf("%d of %d requests failed during the swap; last: %.300v", failed.Load(), failed.Load()+ok.Load(), last.Load())
	}
	st := statusOf(t, e, "echo")
	if st.PID == oldPID || st.Restarts != 0 || st.Runtime != stateRunning {
		t.Fatalf("after the swap: %+v (old pid %d)", st, oldPID)
	}
	for deadline := time.Now().Add(2 * time.Second); syscall.Kill(oldPID, 0) == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the old process %d still runs after draining", oldPID)
		}
	}
	t.Logf("%d requests through the swap, %d from the new build, none failed", ok.Load(), v2.Load())
}
