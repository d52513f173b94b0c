package plugins_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/challengepartners/upwards/core/config"
)

// page is a path to wait for and a text its 200 must contain.
type page struct{ path, want string }

// coldStart times app.Open and Start (plugin registry applied), the web
// server, and then the first 200 of every page, fetched concurrently: a
// plugin page's first 200 means its process was launched, handshaken,
// configured and migrated. The App is closed before returning.
func coldStart(ctx context.Context, cfg config.Config, token string, pages []page) (time.Duration, error) {
	t0 := time.Now()
	a, err := openApp(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	srv, err := a.Web()
	if err != nil {
		return 0, fmt.Errorf("web: %w", err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	c := client(len(pages))
	errs := make([]error, len(pages))
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = waitFor(ctx, c, hs.URL, token, p, 20*time.Second)
		}()
	}
	wg.Wait()
	d := time.Since(t0)
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return d, nil
}

// waitFor fetches p until it answers 200 with its text.
func waitFor(ctx context.Context, c *http.Client, base, token string, p page, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		code, body, err := get(ctx, c, base, p.path, token)
		if err == nil && code == http.StatusOK && strings.Contains(body, p.want) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %s: %d %v %.300s", p.path, limit, code, err, body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// median of ds (ds is sorted in place).
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}
