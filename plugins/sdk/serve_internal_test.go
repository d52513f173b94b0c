package sdk

import (
	"os"
	"testing"
	"time"
)

// A plugin whose parent is no longer the one that started it calls gone
// (and so exits) within a poll or two.
func TestWatchParentNoticesAnotherParent(t *testing.T) {
	done := make(chan struct{})
	begin := time.Now()
	go watchParent(os.Getppid()+1, 10*time.Millisecond, func() { close(done) })
	select {
	case <-done:
		if d := time.Since(begin); d > time.Second {
			t.Fatalf("noticed after %s", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a changed parent was not noticed")
	}
}

// While the parent lives, nothing happens.
func TestWatchParentKeepsRunningWithItsParent(t *testing.T) {
	gone := make(chan struct{}, 1)
	go watchParent(os.Getppid(), 5*time.Millisecond, func() { gone <- struct{}{} })
	select {
	case <-gone:
		t.Fatal("gone called while the parent lives")
	case <-time.After(100 * time.Millisecond):
	}
}
