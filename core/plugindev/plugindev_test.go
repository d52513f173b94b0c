package plugindev_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/plugindev"
)

// syncBuffer is the loop's log, read while the loop writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func program(says string) string {
	return "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Print(\"" + says + "\") }\n"
}

// A change rebuilds and installs the new binary; a failed build installs
// nothing and says so; a change that does not reach the binary, or a test
// file, swaps nothing; old builds are removed.
func TestLoopRebuildsOnChangeAndKeepsTheLastGoodBuild(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.org/tiny\n\ngo 1.26\n")
	write(t, filepath.Join(dir, "main.go"), program("first"))
	installs := make(chan string, 10)
	log := &syncBuffer{}
	loop := &plugindev.Loop{
		Dir: dir, Out: filepath.Join(t.TempDir(), "builds"), Log: log, Keep: 2,
		Install: func(_ context.Context, path string) (string, error) {
			installs <- path
			return "installed " + filepath.Base(path), nil
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	next := func(what string) string {
		t.Helper()
		select {
		case p := <-installs:
			return p
		case <-time.After(2 * time.Minute):
			t.Fatalf("%s: no install; log:\n%s", what, log.String())
			return ""
		}
	}
	says := func(bin string) string {
		t.Helper()
		out, err := exec.Command(bin).Output()
		if err != nil {
			t.Fatalf("run %s: %v", bin, err)
		}
		return string(out)
	}
	first := next("first build")
	if got := says(first); got != "first" {
		t.Fatalf("first build says %q", got)
	}
	waitLog := func(want string) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for !strings.Contains(log.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("the log never says %q:\n%s", want, log.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitLog("Watching ")

	write(t, filepath.Join(dir, "main.go"), program("second"))
	second := next("after an edit")
	if second == first || says(second) != "second" {
		t.Fatalf("after an edit: %s says %q", second, says(second))
	}

	write(t, filepath.Join(dir, "main.go"), program("third")+"func broken() { undefinedThing() }\n")
	waitLog("Build failed; the previous build stays installed and running:")
	waitLog("undefined: undefinedThing")

	write(t, filepath.Join(dir, "main_test.go"), "package main\n")
	write(t, filepath.Join(dir, "main.go"), program("second"))
	waitLog("the same binary as the one installed; nothing to swap")
	if strings.Contains(log.String(), "main_test.go") {
		t.Errorf("a test file started a build:\n%s", log.String())
	}

	write(t, filepath.Join(dir, "templates", "page.html"), "<p>new</p>") // a new directory is watched too
	write(t, filepath.Join(dir, "main.go"), program("fourth"))
	fourth := next("after the fix")
	if says(fourth) != "fourth" {
		t.Fatalf("fourth build says %q", says(fourth))
	}
	select {
	case p := <-installs:
		t.Fatalf("an unexpected install of %s; log:\n%s", p, log.String())
	default:
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("the oldest build is kept beyond Keep=2: %v", err)
	}
	if _, err := os.Stat(second); err != nil {
		t.Errorf("the previous build is gone: %v", err)
	}
}

// The first build failing is the command's error, with the compiler's output.
func TestLoopFailsWhenTheFirstBuildFails(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.org/tiny\n\ngo 1.26\n")
	write(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() { nope() }\n")
	loop := &plugindev.Loop{Dir: dir, Out: t.TempDir(),
		Install: func(context.Context, string) (string, error) { t.Fatal("installed a failed build"); return "", nil }}
	err := loop.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "undefined: nope") {
		t.Fatalf("want the compiler's error, got %v", err)
	}
}
