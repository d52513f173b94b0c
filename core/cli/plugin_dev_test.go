package cli_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// upwardsBinary builds the upwards command (cgo, for SQLite) into a test directory.
func upwardsBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "upwards")
	build := exec.Command("go", "build", "-o", bin, "../cmd/upwards")
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build upwards: %v\n%s", err, out)
	}
	return bin
}

// background starts a long-running upwards command; it is interrupted and
// waited for when the test ends.
func background(t *testing.T, bin string, env []string, args ...string) *lockedBuffer {
	t.Helper()
	out := &lockedBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("upwards %s:\n%s", strings.Join(args, " "), out.String())
		}
	})
	return out
}

func poll(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	begin := time.Now()
	for !cond() {
		if time.Since(begin) > timeout {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(begin)
}

// The dev loop's "done when": with `upwards serve` running on an embedded
// install, `upwards plugin dev` builds a scaffolded plugin, installs and
// enables it; an edit of its source shows on the page within a bound, with
// no version bump; every swap is audited. A PostgreSQL install or an
// external Redis is refused, naming why.
func TestPluginDevSwapsARebuiltPluginIntoARunningServer(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := upwardsBinary(t)
	data := t.TempDir()
	env := append(os.Environ(), "UPWARDS_DATABASE_URL=sqlite:"+filepath.Join(data, "upwards.db"), "UPWARDS_DATA_DIR="+data,
		"UPWARDS_LOG_LEVEL=warn", "UPWARDS_REDIS_URL=embedded")
	upwards := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, err := upwards(stdin, args...)
		if err != nil {
			t.Fatalf("upwards %v: %v\n%s", args, err, out)
		}
		return out
	}
	src := filepath.Join(t.TempDir(), "reviews")
	must("", "plugin", "new", "reviews", "--module", "example.org/reviews", "--dir", src, "--upwards-path", repo)
	must("", "tenant", "create", "northstar", "Northstar Learning Trust")
	must("a-long-enough-password\n", "user", "create", "--email", "ada@northstar.example.org", "--name", "Ada", "--operator", "--password-stdin")
	must("", "user", "grant", "--email", "ada@northstar.example.org", "--role", "tenant_admin")

	// Refused outside the embedded install, before anything is built.
	pg := storagetest.URL(t, storage.Postgres)
	for _, tc := range []struct {
		args []string
		why  string
	}{
		{[]string{"--database-url", pg}, "its database is PostgreSQL"},
		{[]string{"--redis-url", "redis://127.0.0.1:6379/0"}, "its Redis is external"},
	} {
		out, err := upwards("", append([]string{"plugin", "dev", src, "--tenant", "northstar"}, tc.args...)...)
		if err == nil || !strings.Contains(out, "needs the embedded install") || !strings.Contains(out, tc.why) {
			t.Errorf("plugin dev with %v: want a refusal saying %q, got %v\n%s", tc.args, tc.why, err, out)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "dev-builds")); len(entries) > 0 {
		t.Errorf("a refused dev loop built something: %v", entries)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr
	background(t, bin, env, "serve", "--listen", addr, "--base-url", base)
	poll(t, time.Minute, "serve ready", func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	devEnv := append(env, "GOFLAGS=-mod=mod", "GOPROXY=off") // the scaffold builds offline against the checkout's SDK
	dev := background(t, bin, devEnv, "plugin", "dev", src, "--tenant", "northstar")
	poll(t, 5*time.Minute, "the first build installed", func() bool { return strings.Contains(dev.String(), "Watching ") })

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	_, login := get("/login")
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(login)
	if m == nil {
		t.Fatalf("no CSRF field on the login page: %.300s", login)
	}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {"ada@northstar.example.org"}, "password": {"a-long-enough-password"}, "_csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	shows := func(text string) func() bool {
		return func() bool {
			code, page := get("/p/reviews/")
			return code == 200 && strings.Contains(page, text)
		}
	}
	poll(t, 30*time.Second, "the plugin's page", shows("No notes yet."))

	main := filepath.Join(src, "main.go")
	code, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(code), "No notes yet.", "Nothing noted yet.", 1)
	if edited == string(code) {
		t.Fatal("the scaffold's page no longer says \"No notes yet.\"")
	}
	if err := os.WriteFile(main, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	took := poll(t, 2*time.Minute, "the edited text on the page", shows("Nothing noted yet."))
	t.Logf("edit → visible in a running server: %s", took.Round(10*time.Millisecond))

	if out := must("", "plugin", "list"); !regexp.MustCompile(`reviews\s+Reviews\s+0\.1\.0\s+installed`).MatchString(out) {
		t.Errorf("the version changed, or the plugin is not installed:\n%s", out)
	}
	if n := strings.Count(dev.String(), "Installed reviews 0.1.0"); n != 2 {
		t.Errorf("want two installs of 0.1.0 (first build, edit), got %d:\n%s", n, dev.String())
	}
	_, admin := get("/admin/plugins")
	if !strings.Contains(admin, "plugin.dev.install") || !strings.Contains(admin, "plugin.dev.reinstall") {
		t.Errorf("the dev installs are not in the install history of /admin/plugins:\n%s", admin)
	}
}
