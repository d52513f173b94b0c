// Package ttlcache is a bounded cache whose entries are used until a time
// limit after the moment each was read from its source, and leave as the
// least recently used when the cache is full. The core's caches of derived
// answers (the plugins' contributions, the home page's places) key their
// entries by the revisions they were read at, so an entry out of date is
// never looked up again and simply ages out; the time limit bounds what a
// key cannot tell (a write made behind the core's back).
package ttlcache

import (
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache holds at most its size of entries, each usable for ttl after the
// time it was read. It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	lru *lru.Cache[K, entry[V]]
	ttl time.Duration
}

type entry[V any] struct {
	v  V
	at time.Time
}

// New returns a cache of size entries whose entries live ttl, or nil when
// ttl is not positive (caching off: callers test for nil).
func New[K comparable, V any](size int, ttl time.Duration) *Cache[K, V] {
	if ttl <= 0 {
		return nil
	}
	c, err := lru.New[K, entry[V]](size)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &Cache[K, V]{lru: c, ttl: ttl}
}

// Get returns what is kept under k, if it was read less than the time
// limit before now, and when it was read.
func (c *Cache[K, V]) Get(k K, now time.Time) (v V, at time.Time, ok bool) {
	e, found := c.lru.Get(k)
	if !found || now.Sub(e.at) >= c.ttl {
		return v, time.Time{}, false
	}
	return e.v, e.at, true
}

// Add keeps v under k as read at at (the time its source was read, which
// may be before the answer was complete).
func (c *Cache[K, V]) Add(k K, v V, at time.Time) { c.lru.Add(k, entry[V]{v: v, at: at}) }
