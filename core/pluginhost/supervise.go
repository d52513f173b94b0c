package pluginhost

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// superviseTick is how often the supervisor looks for exited processes.
const superviseTick = 100 * time.Millisecond

// supervise restarts crashed plugins, checks the health of running ones and
// re-reads the registry, until Close.
func (rt *Runtime) supervise() {
	defer close(rt.done)
	t := time.NewTicker(superviseTick)
	defer t.Stop()
	lastSync := time.Now()
	for {
		select {
		case <-rt.stop:
			return
		case now := <-t.C:
			for _, in := range rt.instances() {
				in.check(now)
			}
			if now.Sub(lastSync) >= rt.opts.SyncInterval && rt.syncing.CompareAndSwap(false, true) {
				lastSync = now
				rt.background(func() {
					defer rt.syncing.Store(false)
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					if err := rt.Sync(ctx); err != nil {
						rt.log.Warn("plugin registry sync failed", "error", err.Error())
					}
				})
			}
		}
	}
}

// background runs fn in a goroutine that Close waits for.
func (rt *Runtime) background(fn func()) {
	rt.bg.Add(1)
	go func() {
		defer rt.bg.Done()
		fn()
	}()
}

// check notices a crashed process and starts a restart or health check when due.
func (in *instance) check(now time.Time) {
	in.mu.Lock()
	if in.client != nil && in.client.Exited() {
		old := in.client
		in.client, in.conn, in.pid, in.wanted = nil, nil, 0, true
		in.recordFailureLocked(now, errors.New("the plugin process exited unexpectedly"))
		killAsync(old)
	}
	restart := in.wanted && in.client == nil && !in.busy && in.state != stateFailed && in.state != stateStarting &&
		!now.Before(in.nextTry) && !now.Before(in.openUntil)
	health := in.conn != nil && !in.busy && now.Sub(in.lastHealth) >= in.rt.opts.HealthInterval
	if restart || health {
		in.busy = true
	}
	in.mu.Unlock()
	switch {
	case restart:
		in.rt.background(in.restart)
	case health:
		in.rt.background(in.health)
	}
}

func (in *instance) done() {
	in.mu.Lock()
	in.busy = false
	in.mu.Unlock()
}

// restart starts the plugin again after a crash, if some tenant still enables it.
func (in *instance) restart() {
	defer in.done()
	rt := in.rt
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	p, err := rt.reg.Get(ctx, in.id)
	var tenants []uint
	if err == nil {
		tenants, err = rt.reg.EnabledTenants(ctx, in.id)
	}
	if err != nil || len(tenants) == 0 || p.State == StateFailed {
		in.mu.Lock()
		in.wanted = false
		in.mu.Unlock()
		return
	}
	if _, _, err := rt.acquire(ctx, p); err != nil {
		rt.log.Warn("plugin restart failed", "plugin", in.id, "error", err.Error())
	}
}

// health calls CheckHealth; a plugin that does not answer in time is killed
// (and so restarted).
func (in *instance) health() {
	defer in.done()
	in.mu.Lock()
	conn, client := in.conn, in.client
	in.mu.Unlock()
	if conn == nil {
		return
	}
	timeout := min(5*time.Second, in.rt.opts.HealthInterval)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	resp, err := conn.CheckHealth(ctx, &pluginv1.CheckHealthRequest{})
	in.mu.Lock()
	in.lastHealth = time.Now()
	if in.conn != conn {
		in.mu.Unlock()
		return
	}
	hung := false
	switch {
	case err != nil:
		in.lastErr = "health check failed: " + err.Error()
		hung = status.Code(err) == codes.DeadlineExceeded
	case resp.GetStatus() == pluginv1.HealthStatus_HEALTH_STATUS_ERROR:
		in.state, in.lastErr = stateUnhealthy, "reports ERROR: "+resp.GetMessage()
	case resp.GetStatus() == pluginv1.HealthStatus_HEALTH_STATUS_DEGRADED:
		in.state, in.lastErr = stateDegraded, "reports DEGRADED: "+resp.GetMessage()
	default:
		in.state = stateRunning
	}
	in.mu.Unlock()
	if hung {
		in.rt.log.Error("plugin did not answer its health check; killing it", "plugin", in.id)
		client.Kill()
	}
}
