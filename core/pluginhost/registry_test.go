package pluginhost

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

func eachDialect(t *testing.T, fn func(t *testing.T, d storage.Dialect)) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

func sha(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Install records the binary's checksum; a binary changed after install is
// refused at launch with a message saying so, and only that plugin is down.
func TestInstallRecordsChecksumAndRefusesModifiedBinary(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		path := copyBinary(t, "echo")
		p, err := e.rt.Install(e.ctx, path, false)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != "echo" || p.Version != "1.0.0" || p.Protocol != 1 || p.SHA256 != sha(t, path) || p.BinaryPath != path || p.State != StateInstalled {
			t.Fatalf("registered %+v", p)
		}
		got, err := e.rt.Registry().Get(e.ctx, "echo")
		if err != nil || got.SHA256 != p.SHA256 {
			t.Fatalf("registry has %+v, %v", got, err)
		}
		events, _, err := audit.List(e.ctx, e.db.DB, InstallTenantID, audit.Filter{Action: "plugin.install"})
		if err != nil || len(events) != 1 || events[0].EntityID != "echo" || events[0].ActorLabel != "test" {
			t.Fatalf("install audit: %+v %v", events, err)
		}
		e.install("other", e.a)
		e.must(e.rt.Enable(e.ctx, "echo", e.a.tenant.ID))
		if resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); resp.StatusCode != 200 || !strings.Contains(body, "Echo 1.0.0") {
			t.Fatalf("echo before the change: %d %.300s", resp.StatusCode, body)
		}
		// The process stops (a restart, a new node) and someone changes the file meanwhile.
		e.rt.instance("echo").shutdown("test")
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		e.must(err)
		_, _ = f.Write([]byte("tampered"))
		e.must(f.Close())
		_, _, err = e.rt.acquire(e.ctx, got)
		if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "is not the one installed") || !strings.Contains(err.Error(), "upwards plugin upgrade") {
			t.Fatalf("launch of a modified binary: %v", err)
		}
		// Users are told it is unavailable until an operator acts, not "restarting".
		resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Echo is unavailable until an operator acts") ||
			strings.Contains(body, "restarting") || resp.Header.Get("Retry-After") != "" {
			t.Fatalf("page of the refused plugin: %d Retry-After %q %.500s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		if resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/other/"); resp.StatusCode != 200 || !strings.Contains(body, "Other 1.0.0") {
			t.Fatalf("the other plugin: %d %.300s", resp.StatusCode, body)
		}
		// No back-off loop as if it had crashed: it stays refused, and is not retried.
		time.Sleep(3 * superviseTick)
		st := statusOf(t, e, "echo")
		in := e.rt.instance("echo")
		in.mu.Lock()
		failures := len(in.failures)
		in.mu.Unlock()
		if !strings.Contains(st.LastError, "is not the one installed") || st.Runtime != stateChecksum || st.Restarts != 0 || failures != 0 ||
			st.Mismatch == nil || st.Mismatch.Installed != p.SHA256 || st.Mismatch.Found != sha(t, path) {
			t.Fatalf("status of the refused plugin (failures %d): %+v %+v", failures, st, st.Mismatch)
		}
		// Operators read what is wrong and what to do.
		_, admin := e.get(e.a.host, e.a.adminTok, "/admin/plugins")
		row := regexp.MustCompile(`(?s)<tr data-plugin="echo">.*?</tr>`).FindString(admin)
		for _, want := range []string{`data-testid="state">checksum_mismatch`, "Checksum mismatch: needs an operator", p.ShortSHA(),
			"upwards plugin upgrade " + path, "put the installed build back at that path"} {
			if !strings.Contains(row, want) {
				t.Errorf("the admin row lacks %q: %s", want, row)
			}
		}
		// The installed file put back: it serves again, the registry unchanged.
		replaceFile(t, path, binary("echo"))
		if resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); resp.StatusCode != 200 || !strings.Contains(body, "Echo 1.0.0") {
			t.Fatalf("echo with its file restored: %d %.300s", resp.StatusCode, body)
		}
		// A new build put there: refused until upgraded to, then served.
		e.rt.instance("echo").shutdown("test")
		replaceFile(t, path, binary("echo2"))
		if resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "until an operator acts") {
			t.Fatalf("echo with a new file not yet upgraded to: %d %.300s", resp.StatusCode, body)
		}
		if _, err := e.rt.Upgrade(e.ctx, path, false); err != nil {
			t.Fatal(err)
		}
		if resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); resp.StatusCode != 200 || !strings.Contains(body, "Echo 2.0.0") {
			t.Fatalf("echo after plugin upgrade: %d %.300s", resp.StatusCode, body)
		}
		if st := statusOf(t, e, "echo"); st.Runtime != stateRunning || st.Mismatch != nil {
			t.Fatalf("status after the upgrade: %+v", st)
		}
	})
}

// replaceFile puts a copy of src at path (a new file renamed over it, as an
// install does, so a running binary is never written to).
func replaceFile(t *testing.T, path, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func statusOf(t *testing.T, e *env, id string) Status {
	t.Helper()
	sts, err := e.rt.Statuses(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no status of %s", id)
	return Status{}
}

// A manifest that breaks the contract is refused with every reason.
func TestMalformedManifestRefusedWithReasons(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	_, err := e.rt.Install(e.ctx, binary("badmanifest"), false)
	if !contract.IsManifestError(err) {
		t.Fatalf("want a manifest error, got %v", err)
	}
	for _, want := range []string{`version "one" is not a semantic version`, `"core.user.write" is not prefixed by the plugin id`, "declares no permission"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal does not say %q: %v", want, err)
		}
	}
	if ps, _ := e.rt.Registry().List(e.ctx); len(ps) != 0 {
		t.Fatalf("a refused plugin was registered: %+v", ps)
	}
}

// A plugin speaking a contract version the core does not know is refused,
// naming both versions.
func TestUnknownProtocolRefusedNamingBothVersions(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	_, err := e.rt.Install(e.ctx, binary("future"), false)
	if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "contract version 9") || !strings.Contains(err.Error(), "version [1]") {
		t.Fatalf("want a refusal naming versions 9 and [1], got %v", err)
	}
}

// Installing the same version again, or an older one, is refused unless
// forced; a higher version upgrades, and the next request runs it.
func TestUpgradeAndDowngrade(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		if _, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); !strings.Contains(body, "Echo 1.0.0") {
			t.Fatalf("v1 page: %.300s", body)
		}
		if _, err := e.rt.Install(e.ctx, binary("echo"), false); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "already installed") {
			t.Fatalf("same version again: %v", err)
		}
		p, err := e.rt.Upgrade(e.ctx, binary("echo2"), false)
		if err != nil || p.Version != "2.0.0" {
			t.Fatalf("upgrade: %+v %v", p, err)
		}
		if _, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); !strings.Contains(body, "Echo 2.0.0") {
			t.Fatalf("after the upgrade the page is %.300s", body)
		}
		if _, err := e.rt.Install(e.ctx, binary("echo"), false); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "downgrade from 2.0.0 to 1.0.0") {
			t.Fatalf("downgrade: %v", err)
		}
		if cur, _ := e.rt.Registry().Get(e.ctx, "echo"); cur.Version != "2.0.0" {
			t.Fatalf("a refused downgrade changed the registry: %+v", cur)
		}
		if p, err := e.rt.Upgrade(e.ctx, binary("echo"), true); err != nil || p.Version != "1.0.0" {
			t.Fatalf("forced downgrade: %+v %v", p, err)
		}
		if _, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); !strings.Contains(body, "Echo 1.0.0") {
			t.Fatalf("after the downgrade the page is %.300s", body)
		}
		if _, err := e.rt.Upgrade(e.ctx, binary("store"), false); !errors.Is(err, ErrNotFound) {
			t.Fatalf("upgrade of a plugin never installed: %v", err)
		}
		var actions []string
		events, _, _ := audit.List(e.ctx, e.db.DB, InstallTenantID, audit.Filter{EntityType: "plugin"})
		for i := len(events) - 1; i >= 0; i-- {
			actions = append(actions, events[i].Action)
		}
		if strings.Join(actions, ",") != "plugin.install,plugin.upgrade,plugin.downgrade" {
			t.Fatalf("audit of installs: %v", actions)
		}
		if n := e.auditCount(e.a.tenant.ID, "plugin.enable"); n != 1 {
			t.Fatalf("enable audited %d times in the tenant", n)
		}
	})
}

// A dev-loop build replaces the registered build of the same version without
// force, from a new path, and the running page switches to it; each is
// audited as plugin.dev.*; an ordinary install of the same version is still
// refused.
func TestDevReinstallSwapsTheSameVersionWithoutForce(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	first := copyBinary(t, "other")
	p, err := e.rt.DevReinstall(e.ctx, first)
	if err != nil || p.ID != "other" || p.BinaryPath != first {
		t.Fatalf("first dev build: %+v %v", p, err)
	}
	e.must(e.rt.Enable(e.ctx, "other", e.a.tenant.ID))
	if _, body := e.get(e.a.host, e.a.hubMgrTok, "/p/other/"); !strings.Contains(body, "Other 1.0.0") {
		t.Fatalf("first dev build's page: %.300s", body)
	}
	// The next build, the same version at a new path (echo built as "other"
	// again, with a different checksum).
	second := filepath.Join(t.TempDir(), "other-2")
	replaceFile(t, second, binary("other"))
	f, err := os.OpenFile(second, os.O_APPEND|os.O_WRONLY, 0)
	e.must(err)
	_, _ = f.Write([]byte("another build"))
	e.must(f.Close())
	if _, err := e.rt.Install(e.ctx, second, false); !errors.Is(err, ErrRefused) {
		t.Fatalf("an ordinary install of the same version: %v", err)
	}
	p2, err := e.rt.DevReinstall(e.ctx, second)
	if err != nil || p2.Version != p.Version || p2.SHA256 == p.SHA256 || p2.BinaryPath != second {
		t.Fatalf("second dev build: %+v %v", p2, err)
	}
	if _, body := e.get(e.a.host, e.a.hubMgrTok, "/p/other/"); !strings.Contains(body, "Other 1.0.0") {
		t.Fatalf("second dev build's page: %.300s", body)
	}
	if cur := e.rt.instance("other").current(); cur != p2.SHA256 {
		t.Fatalf("the node runs build %s, not the second one %s", cur, p2.SHA256)
	}
	var actions []string
	events, _, _ := audit.List(e.ctx, e.db.DB, InstallTenantID, audit.Filter{EntityType: "plugin"})
	for i := len(events) - 1; i >= 0; i-- {
		actions = append(actions, events[i].Action)
	}
	if strings.Join(actions, ",") != "plugin.dev.install,plugin.dev.reinstall" {
		t.Fatalf("audit of dev builds: %v", actions)
	}
}
