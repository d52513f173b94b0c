// Package jobstest gives tests a Redis for the job queue: the embedded
// in-process server, and a private database on the real Redis named by
// UPWARDS_TEST_REDIS_URL (default redis://127.0.0.1:6379). The real server
// being unreachable fails the test: the production path is never skipped.
package jobstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/challengepartners/upwards/core/jobs"
)

// Kind names a Redis the tests run against.
type Kind string

// The Redis kinds.
const (
	Embedded Kind = "embedded"
	Real     Kind = "redis"
)

// Kinds lists every Redis the job tests run against.
var Kinds = []Kind{Embedded, Real}

// ServerURL is the real Redis server tests use.
func ServerURL() string {
	if u := os.Getenv("UPWARDS_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379"
}

// Each runs fn as a subtest on the embedded Redis and on a private database of the real one.
func Each(t *testing.T, fn func(t *testing.T, r *jobs.Redis)) {
	t.Helper()
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) { fn(t, Open(t, k)) })
	}
}

// Open returns a fresh, empty Redis of kind k, closed when the test ends.
func Open(t testing.TB, k Kind) *jobs.Redis {
	t.Helper()
	url := jobs.EmbeddedURL
	if k == Real {
		url = claimDB(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := jobs.OpenRedis(ctx, url)
	if err != nil {
		t.Fatalf("open %s redis: %v", k, err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// URL returns the URL of a fresh, empty Redis of kind k for a whole App to
// open: "embedded", or a private database of the real server, freed when the test ends.
func URL(t testing.TB, k Kind) string {
	t.Helper()
	if k == Real {
		return claimDB(t)
	}
	return jobs.EmbeddedURL
}

const claimPrefix = "upwards:test:redis-db:"

// claimDB reserves one of databases 1..15 of the real server for this test
// (a key in database 0 records the claim, so parallel test processes never
// share one), empties it, and empties and frees it when the test ends.
func claimDB(t testing.TB) string {
	t.Helper()
	base, err := url.Parse(ServerURL())
	if err != nil {
		t.Fatalf("UPWARDS_TEST_REDIS_URL %q: %v", ServerURL(), err)
	}
	opt, err := redis.ParseURL(ServerURL())
	if err != nil {
		t.Fatalf("UPWARDS_TEST_REDIS_URL %q: %v", ServerURL(), err)
	}
	opt.DB = 0
	admin := redis.NewClient(opt)
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := admin.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %s is required for this test (make test starts it): %v", opt.Addr, err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	for {
		for db := 1; db <= 15; db++ {
			key := fmt.Sprintf("%s%d", claimPrefix, db)
			ok, err := admin.SetNX(ctx, key, token, 10*time.Minute).Result()
			if err != nil {
				t.Fatalf("claim redis database: %v", err)
			}
			if !ok {
				continue
			}
			flush(t, opt, db)
			t.Cleanup(func() {
				flush(t, opt, db)
				c := redis.NewClient(opt)
				defer c.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if v, _ := c.Get(ctx, key).Result(); v == token {
					c.Del(ctx, key)
				}
			})
			u := *base
			u.Path = fmt.Sprintf("/%d", db)
			return u.String()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no free Redis database among 1..15 on %s after 60s (stale claims expire after 10 minutes: %s*)", opt.Addr, claimPrefix)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func flush(t testing.TB, opt *redis.Options, db int) {
	o := *opt
	o.DB = db
	c := redis.NewClient(&o)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.FlushDB(ctx).Err(); err != nil {
		t.Errorf("flush redis database %d: %v", db, err)
	}
}
