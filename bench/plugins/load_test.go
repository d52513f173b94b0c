package plugins_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/challengepartners/upwards/core/identity/identitytest"
)

// loadResult is one load run.
type loadResult struct {
	Requests int
	Elapsed  time.Duration
	lat      []time.Duration // sorted
}

// P returns the q-quantile of the latencies (0 < q ≤ 1).
func (r loadResult) P(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[max(0, int(math.Ceil(q*float64(len(r.lat))))-1)]
}

// add merges another run into r.
func (r loadResult) add(o loadResult) loadResult {
	lat := append(append([]time.Duration(nil), r.lat...), o.lat...)
	slices.Sort(lat)
	return loadResult{Requests: r.Requests + o.Requests, Elapsed: r.Elapsed + o.Elapsed, lat: lat}
}

// PerSecond is the run's throughput.
func (r loadResult) PerSecond() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// client is a keep-alive client with room for conc connections.
func client(conc int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, IdleConnTimeout: time.Minute,
	}}
}

// get fetches base+path on the bench tenant with the bearer token and
// returns the status and body.
func get(ctx context.Context, c *http.Client, base, path, token string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return 0, "", err
	}
	req.Host = tenantHost
	identitytest.SetSession(req, token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// drive sends n GETs of path with conc workers; every answer must be 200
// and contain want. It stops at the first failure or at the deadline.
func drive(ctx context.Context, c *http.Client, base, path, token, want string, n, conc int, deadline time.Duration) (loadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				code, body, err := get(ctx, c, base, path, token)
				lat[i] = time.Since(t0)
				if err == nil && (code != http.StatusOK || !strings.Contains(body, want)) {
					err = fmt.Errorf("GET %s: %d without %q: %.300s", path, code, want, body)
				}
				if err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return loadResult{}, firstErr
	}
	if err := ctx.Err(); err != nil {
		return loadResult{}, fmt.Errorf("%d requests of %s did not finish within %s", n, path, deadline)
	}
	slices.Sort(lat)
	return loadResult{Requests: n, Elapsed: elapsed, lat: lat}, nil
}
