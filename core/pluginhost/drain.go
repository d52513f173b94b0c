package pluginhost

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// drainGrace is the least time an old process of a blue/green swap keeps
// running after the new one takes the traffic: a caller that picked up the
// old connection just before the swap has this long to make its call.
const drainGrace = 500 * time.Millisecond

// drainPoll is how often a draining process is checked for calls under way.
const drainPoll = 10 * time.Millisecond

// callCounter counts the calls under way on one process's connection.
type callCounter struct{ n atomic.Int64 }

func (c *callCounter) inflight() int64 { return c.n.Load() }

func (c *callCounter) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	c.n.Add(1)
	defer c.n.Add(-1)
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (c *callCounter) dialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithChainUnaryInterceptor(c.unary)}
}

// drain stops an old process of a blue/green swap once it has no call under
// way (after drainGrace at least, and the call timeout at most), or at once
// when the core shuts down. New calls already go to the new process.
func (rt *Runtime) drain(id string, old *plugin.Client, calls *callCounter) {
	begin := time.Now()
	grace := time.NewTimer(drainGrace)
	defer grace.Stop()
	select {
	case <-rt.stop:
		old.Kill()
		return
	case <-grace.C:
	}
	limit := time.NewTimer(rt.opts.CallTimeout)
	defer limit.Stop()
	t := time.NewTicker(drainPoll)
	defer t.Stop()
wait:
	for calls != nil && calls.inflight() > 0 {
		select {
		case <-rt.stop:
			break wait
		case <-limit.C:
			rt.log.Warn("old plugin process still busy after the call timeout; stopping it", "plugin", id)
			break wait
		case <-t.C:
		}
	}
	old.Kill()
	rt.log.Info("old plugin process stopped after the swap", "plugin", id, "drained_ms", time.Since(begin).Milliseconds())
}
