package plugintest

import (
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// testWriter sends log lines to t.Log until the test ends.
type testWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testWriter) stop() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}

// newTestLogger is go-plugin's logger: the plugin's stderr lines at Info
// and above reach t.Log.
func newTestLogger(w *testWriter) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: "plugin", Level: hclog.Info, Output: w, DisableTime: true})
}
