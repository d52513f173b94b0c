package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// EmbeddedURL is the RedisURL that selects the in-process server.
const EmbeddedURL = "embedded"

// Redis is the connection to the job queue's Redis: a real server or the
// embedded in-process one. It owns the embedded server and everything opened
// on it through this package (monitor handlers), and closes them in Close.
type Redis struct {
	mini *miniredis.Miniredis // nil for a real server
	opt  asynq.RedisClientOpt
	rc   redis.UniversalClient // shared pool for pings, leases and clients

	mu      sync.Mutex
	closers []func() error
	closed  bool
}

// OpenRedis connects to the Redis named by url: "embedded" starts an
// in-process miniredis on a random port of 127.0.0.1 (its data lives in
// memory and is lost on restart; it requires a random password, which
// ClientOpt carries); "redis://[user:pass@]host:port[/db]" or
// "rediss://…" (TLS) connects to a real server, which must answer a PING.
func OpenRedis(ctx context.Context, rawURL string) (*Redis, error) {
	if rawURL == EmbeddedURL {
		return openEmbedded()
	}
	opt, err := parseRedisURL(rawURL)
	if err != nil {
		return nil, err
	}
	r := &Redis{opt: opt}
	r.rc = opt.MakeRedisClient().(redis.UniversalClient)
	if err := r.Ping(ctx); err != nil {
		_ = r.rc.Close()
		return nil, fmt.Errorf("open redis %s: %w", opt.Addr, err)
	}
	return r, nil
}

func openEmbedded() (*Redis, error) {
	m := miniredis.NewMiniRedis()
	// Expire keys against the wall clock, as a real server does: asynq's
	// server heartbeats, unique locks and the scheduler lease rely on TTLs.
	m.ClockTTL(true)
	// Other local users can reach 127.0.0.1, so the server wants a password
	// only this process knows.
	var pw [24]byte
	if _, err := rand.Read(pw[:]); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	password := hex.EncodeToString(pw[:])
	m.RequireAuth(password)
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	r := &Redis{mini: m, opt: asynq.RedisClientOpt{Addr: m.Addr(), Password: password}}
	r.rc = r.opt.MakeRedisClient().(redis.UniversalClient)
	return r, nil
}

// parseRedisURL turns redis:// or rediss:// into asynq's connection option
// (asynq.ParseRedisURI does the work; it ignores an ACL user name, added here).
func parseRedisURL(rawURL string) (asynq.RedisClientOpt, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return asynq.RedisClientOpt{}, fmt.Errorf("redis url %q: must be %q or redis://host:port[/db]", redact(rawURL), EmbeddedURL)
	}
	if strings.Trim(u.Path, "/") == "" {
		u.Path = "" // asynq wants a database number after a slash
	}
	parsed, err := asynq.ParseRedisURI(u.String())
	if err != nil {
		return asynq.RedisClientOpt{}, fmt.Errorf("redis url %q: %w", redact(rawURL), err)
	}
	opt, ok := parsed.(asynq.RedisClientOpt)
	if !ok {
		return asynq.RedisClientOpt{}, fmt.Errorf("redis url %q: unsupported connection type %T", redact(rawURL), parsed)
	}
	if opt.DB < 0 || opt.DB > 15 {
		return asynq.RedisClientOpt{}, fmt.Errorf("redis url %q: database number %d is out of range 0..15", redact(rawURL), opt.DB)
	}
	if u.User != nil {
		opt.Username = u.User.Username()
	}
	return opt, nil
}

// redact hides a password in a URL for error messages.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

// Addr is the server's host:port (for the embedded server, its random port).
func (r *Redis) Addr() string { return r.opt.Addr }

// Embedded reports whether this is the in-process server.
func (r *Redis) Embedded() bool { return r.mini != nil }

// ClientOpt is the asynq connection option for this server; each asynq
// component made from it opens its own connection pool.
func (r *Redis) ClientOpt() asynq.RedisConnOpt { return r.opt }

// client is the shared go-redis pool.
func (r *Redis) client() redis.UniversalClient { return r.rc }

// Ping checks the server answers, for readiness probes.
func (r *Redis) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.rc.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// onClose registers f to run when r closes.
func (r *Redis) onClose(f func() error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closers = append(r.closers, f)
}

// Close closes the monitor handlers opened on r, the shared pool and, for
// the embedded server, stops it (dropping every queued task). Close clients
// and shut workers down first.
func (r *Redis) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	closers := r.closers
	r.closers = nil
	r.mu.Unlock()
	var errs []error
	for i := len(closers) - 1; i >= 0; i-- {
		if err := closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	if err := r.rc.Close(); err != nil {
		errs = append(errs, err)
	}
	if r.mini != nil {
		r.mini.Close()
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close redis: %w", err)
	}
	return nil
}
