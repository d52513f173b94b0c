// Package plugindev is the plugin author's edit loop behind `upwards plugin
// dev`: it builds a plugin from its source directory (pure Go, CGO_ENABLED=0,
// without debug symbols so that it links faster) into a new file for every build, hands each build to an installer (the CLI
// registers it with the registry's dev reinstall), and watches the source
// tree with fsnotify to build and install again after every change.
//
// What it watches: every directory of the source tree except hidden ones,
// testdata and node_modules; a change to any file there (Go sources,
// go.mod, go.sum, embedded templates and assets) starts a build, except
// tests (*_test.go), hidden files and editors' temporary files. A build
// whose checksum equals the installed one is not installed again, so a
// change that does not reach the binary (a README) costs a build and no
// swap.
//
// What it refuses to do: it never installs a build that failed; the previous
// build stays installed and running, and the compiler's output is printed.
// It knows nothing of the registry, tenants or the kind of install: the
// caller decides where a build may go.
package plugindev

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Installer registers the build at path and says, in one line, what it did.
type Installer func(ctx context.Context, path string) (string, error)

// Loop builds, installs and watches one plugin source directory. Its zero
// values for Debounce and Keep take the defaults; Run may be called once.
type Loop struct {
	// Dir is the plugin's source directory (its main package).
	Dir string
	// Out is where builds are written, one new file per build.
	Out string
	// Install registers a build.
	Install Installer
	// Log receives what happens, one line per event, for the author.
	Log io.Writer
	// Debounce is how long the tree must be quiet before a build (150ms):
	// an editor's save is several events.
	Debounce time.Duration
	// Keep is how many builds are kept on disk (3): the installed one and
	// those a server that has not yet noticed the change may still launch.
	Keep int
	// Now is the clock of the log lines (time.Now); times are shown in
	// Europe/London.
	Now func() time.Time

	seq       int
	installed string // checksum of the build installed
	builds    []string
	london    *time.Location
}

// Build is one successful build.
type Build struct {
	Path     string
	SHA256   string
	Duration time.Duration
}

// BuildError is a failed build: the compiler's output.
type BuildError struct {
	Output string
	Err    error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("build failed: %v\n%s", e.Err, strings.TrimRight(e.Output, "\n"))
}

func (e *BuildError) Unwrap() error { return e.Err }

func (l *Loop) defaults() error {
	if l.Debounce <= 0 {
		l.Debounce = 150 * time.Millisecond
	}
	if l.Keep <= 0 {
		l.Keep = 3
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.Log == nil {
		l.Log = io.Discard
	}
	if l.london == nil {
		loc, err := time.LoadLocation("Europe/London")
		if err != nil {
			return fmt.Errorf("load Europe/London: %w", err)
		}
		l.london = loc
	}
	dir, err := filepath.Abs(l.Dir)
	if err != nil {
		return fmt.Errorf("plugin source %s: %w", l.Dir, err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("plugin source %s: not a directory", l.Dir)
	}
	l.Dir = dir
	if l.Out, err = filepath.Abs(l.Out); err != nil {
		return fmt.Errorf("build directory %s: %w", l.Out, err)
	}
	return os.MkdirAll(l.Out, 0o755)
}

func (l *Loop) logf(format string, args ...any) {
	fmt.Fprintf(l.Log, "%s %s\n", l.Now().In(l.london).Format("15:04:05"), fmt.Sprintf(format, args...))
}

// Build compiles the plugin into a new file under Out. A compiler error is
// a *BuildError with the compiler's output.
func (l *Loop) Build(ctx context.Context) (Build, error) {
	if err := l.defaults(); err != nil {
		return Build{}, err
	}
	l.seq++
	out := filepath.Join(l.Out, fmt.Sprintf("%s-%d-%d", filepath.Base(l.Dir), l.seq, l.Now().UnixMilli()))
	begin := time.Now()
	// Without the symbol table and DWARF the link takes about 40% less
	// time; panics still print their stacks.
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = l.Dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		_ = os.Remove(out)
		return Build{}, &BuildError{Output: buf.String(), Err: err}
	}
	sum, err := fileSHA256(out)
	if err != nil {
		return Build{}, fmt.Errorf("read build %s: %w", out, err)
	}
	return Build{Path: out, SHA256: sum, Duration: time.Since(begin)}, nil
}

// once builds and, when the build differs from the installed one, installs
// it; old builds beyond Keep are removed.
func (l *Loop) once(ctx context.Context) error {
	b, err := l.Build(ctx)
	if err != nil {
		return err
	}
	if b.SHA256 == l.installed {
		_ = os.Remove(b.Path)
		l.logf("Built in %s: the same binary as the one installed; nothing to swap.", b.Duration.Round(10*time.Millisecond))
		return nil
	}
	l.logf("Built in %s (sha256 %s).", b.Duration.Round(10*time.Millisecond), b.SHA256[:12])
	what, err := l.Install(ctx, b.Path)
	if err != nil {
		_ = os.Remove(b.Path)
		return fmt.Errorf("install the build: %w", err)
	}
	l.installed = b.SHA256
	l.builds = append(l.builds, b.Path)
	for len(l.builds) > l.Keep {
		_ = os.Remove(l.builds[0])
		l.builds = l.builds[1:]
	}
	l.logf("%s", what)
	return nil
}

// Run builds and installs the plugin, then rebuilds and reinstalls it after
// every change of its source tree until ctx ends. A failure of the first
// build or install is returned; later failures are printed and the previous
// build stays installed.
func (l *Loop) Run(ctx context.Context) error {
	if err := l.defaults(); err != nil {
		return err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", l.Dir, err)
	}
	defer w.Close()
	if err := l.watchTree(w, l.Dir); err != nil {
		return err
	}
	if err := l.once(ctx); err != nil {
		return err
	}
	l.logf("Watching %s for changes (Ctrl-C to stop; the last build stays installed).", l.Dir)
	var (
		changed = map[string]bool{}
		timer   = time.NewTimer(time.Hour)
	)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("the file watcher stopped")
			}
			l.logf("Watching: %v", err)
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("the file watcher stopped")
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() && watchedDir(ev.Name) {
					if err := l.watchTree(w, ev.Name); err != nil {
						l.logf("Watching: %v", err)
					}
					continue
				}
			}
			if ev.Has(fsnotify.Chmod) && !ev.Has(fsnotify.Write) || !relevantFile(ev.Name) || l.inOut(ev.Name) {
				continue
			}
			changed[ev.Name] = true
			timer.Reset(l.Debounce)
		case <-timer.C:
			l.logf("Changed: %s; rebuilding.", l.names(changed))
			clear(changed)
			err := l.once(ctx)
			var be *BuildError
			switch {
			case err == nil:
			case ctx.Err() != nil:
				return nil
			case errors.As(err, &be):
				l.logf("Build failed; the previous build stays installed and running:\n%s", strings.TrimRight(be.Output, "\n"))
			default:
				l.logf("%v\nThe previous build stays installed and running.", err)
			}
		}
	}
}

// names lists changed files relative to Dir, at most five; files gone
// since (an editor's or sed's temporary file) are left out unless nothing else
// changed.
func (l *Loop) names(changed map[string]bool) string {
	var out, gone []string
	for name := range changed {
		if _, err := os.Lstat(name); err != nil {
			gone = append(gone, name)
			continue
		}
		if rel, err := filepath.Rel(l.Dir, name); err == nil {
			name = rel
		}
		out = append(out, name)
	}
	if len(out) == 0 {
		return fmt.Sprintf("%d file(s) removed", len(gone))
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("and %d more", len(out)-5))
	}
	return strings.Join(out, ", ")
}

// inOut reports whether name is one of the loop's own builds.
func (l *Loop) inOut(name string) bool {
	return strings.HasPrefix(name, l.Out+string(filepath.Separator))
}

// watchTree adds root and every directory below it that is watched.
func (l *Loop) watchTree(w *fsnotify.Watcher, root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != root && (!watchedDir(path) || path == l.Out) {
			return filepath.SkipDir
		}
		if err := w.Add(path); err != nil {
			return fmt.Errorf("watch %s: %w", path, err)
		}
		return nil
	})
}

// watchedDir reports whether a directory of the source tree is watched.
func watchedDir(path string) bool {
	base := filepath.Base(path)
	return !strings.HasPrefix(base, ".") && base != "testdata" && base != "node_modules"
}

// relevantFile reports whether a change to the file can change the build.
func relevantFile(path string) bool {
	base := filepath.Base(path)
	switch {
	case strings.HasPrefix(base, "."), strings.HasPrefix(base, "#"),
		strings.HasSuffix(base, "~"), strings.HasSuffix(base, "_test.go"),
		strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"), strings.HasSuffix(base, ".tmp"):
		return false
	case strings.Trim(base, "0123456789") == "": // vim's 4913 probe
		return false
	}
	return true
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
