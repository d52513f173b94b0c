package ttlcache

import (
	"testing"
	"time"
)

// An entry is used until the time limit after it was read, whatever its key;
// a full cache lets the least recently used go.
func TestTimeLimitAndSize(t *testing.T) {
	c := New[string, int](2, time.Minute)
	at := time.Date(2026, 9, 28, 10, 0, 0, 0, time.UTC)
	c.Add("a", 1, at)
	if v, got, ok := c.Get("a", at.Add(59*time.Second)); !ok || v != 1 || !got.Equal(at) {
		t.Errorf("a 59 s old entry: %d %v %v", v, got, ok)
	}
	if _, _, ok := c.Get("a", at.Add(time.Minute)); ok {
		t.Errorf("a minute old entry was used")
	}
	if _, _, ok := c.Get("b", at); ok {
		t.Errorf("an entry never added was found")
	}
	c.Add("b", 2, at)
	c.Get("a", at) // a is now the most recently used
	c.Add("c", 3, at)
	if _, _, ok := c.Get("b", at); ok {
		t.Errorf("the least recently used entry stayed in a full cache")
	}
	if _, _, ok := c.Get("a", at); !ok {
		t.Errorf("a recently used entry left a full cache")
	}
	if New[string, int](1, 0) != nil || New[string, int](1, -time.Second) != nil {
		t.Errorf("a cache with no time limit was made")
	}
}
