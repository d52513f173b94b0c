package pluginhost

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
)

// An upgrade that adds a permission, a role and default grants waits for an
// operator: the old build keeps serving and nobody gets the new permission
// until it is confirmed; confirmed, it applies; the admin page shows the
// diff and the buttons to operators only.
func TestUpgradeAddingPermissionsWaitsForConfirmation(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		o, err := e.rt.InstallWith(e.ctx, binary("echo3"), InstallOptions{Upgrade: true})
		if err != nil {
			t.Fatal(err)
		}
		if o.Pending == nil || o.Plugin.Version != "1.0.0" || o.Previous == nil || o.Action != "plugin.upgrade" {
			t.Fatalf("outcome: %+v", o)
		}
		want := ManifestDiff{FromVersion: "1.0.0", ToVersion: "3.0.0",
			Permissions: Delta{Added: []string{"echo.extra.use: Use the extra page"}},
			Roles:       Delta{Added: []string{"echo.coach (Echo coach): Coaches with Echo."}},
			Grants:      Delta{Added: []string{"echo.coach → echo.extra.use", "hub_manager → echo.extra.use"}},
			Routes:      Delta{Added: []string{"GET /extra: echo.extra.use, anywhere"}}}
		if fmt.Sprint(o.Diff) != fmt.Sprint(want) || !o.Diff.NeedsConfirmation() {
			t.Fatalf("diff\n got %+v\nwant %+v", o.Diff, want)
		}
		if _, err := e.rt.Upgrade(e.ctx, binary("echo3"), false); !errors.Is(err, ErrPending) || !strings.Contains(err.Error(), "upwards plugin confirm") {
			t.Fatalf("Upgrade of a build needing confirmation: %v", err)
		}

		// Nothing changed: the old build serves, the new route is unknown,
		// the new permission reaches nobody, the new role is not grantable.
		if cur, _ := e.rt.Registry().Get(e.ctx, "echo"); cur.Version != "1.0.0" {
			t.Fatalf("the registry runs %s", cur.Version)
		}
		if _, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/"); !strings.Contains(body, "Echo 1.0.0") {
			t.Fatalf("page while pending: %.300s", body)
		}
		if resp, _ := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/extra"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the new route while pending: %d", resp.StatusCode)
		}
		if ok, _ := e.az.Can(e.ctx, e.a.tenant.ID, e.a.hubMgr.ID, "echo.extra.use", e.a.hub.ID); ok {
			t.Fatal("the new permission reached the hub manager before confirmation")
		}
		if err := e.az.Grant(e.ctx, e.a.tenant.ID, e.a.teacher.ID, "echo.coach", e.a.loneSchool.ID, nil); err == nil {
			t.Fatal("the new role was grantable before confirmation")
		}
		// The second proposal replaced the first: one waits per plugin.
		pending, err := e.rt.Registry().PendingUpgrades(e.ctx)
		if err != nil || len(pending) != 1 || pending[0].ID == o.Pending.ID || pending[0].ProposedLabel != "test" || pending[0].FromSHA256 != o.Previous.SHA256 {
			t.Fatalf("pending upgrades: %+v %v", pending, err)
		}
		pid := pending[0].ID

		// The page: the diff and the buttons for operators, 403 for others.
		if resp, _ := e.get(e.a.host, e.a.hubMgrTok, "/admin/plugins"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a non-operator opened the page: %d", resp.StatusCode)
		}
		hub := e.login(e.a, e.a.hubMgr.Email)
		hub.do(http.MethodGet, "/", nil)
		confirmPath := fmt.Sprintf("/admin/plugins/upgrades/%d/confirm", pid)
		if resp, _ := hub.do(http.MethodPost, confirmPath, urlCSRF(hub)); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a non-operator confirmed: %d", resp.StatusCode)
		}
		admin := e.login(e.a, e.a.admin.Email)
		_, page := admin.do(http.MethodGet, "/admin/plugins", nil)
		section := regexp.MustCompile(`(?s)<section data-testid="pending".*?</section>`).FindString(page)
		for _, w := range []string{"Echo 1.0.0 → 3.0.0", "Proposed by test on ", "Added: <ins>echo.extra.use: Use the extra page</ins>",
			"Added: <ins>hub_manager → echo.extra.use</ins>", `action="` + confirmPath + `"`, "Confirm the upgrade to 3.0.0", "/discard", `name="_csrf"`} {
			if !strings.Contains(section, w) {
				t.Errorf("the pending section lacks %q:\n%s", w, section)
			}
		}
		if resp, _ := admin.do(http.MethodPost, confirmPath, nil); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a confirmation without the CSRF token: %d", resp.StatusCode)
		}
		if cur, _ := e.rt.Registry().Get(e.ctx, "echo"); cur.Version != "1.0.0" {
			t.Fatalf("a refused request changed the registry: %s", cur.Version)
		}

		resp, _ := admin.do(http.MethodPost, confirmPath, urlCSRF(admin))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", resp.StatusCode)
		}
		_, page = admin.do(http.MethodGet, "/admin/plugins", nil)
		if !strings.Contains(page, "Echo 3.0.0 is now installed") || strings.Contains(page, `data-testid="pending"`) {
			t.Errorf("after confirming, the page: %.2000s", page)
		}
		if !strings.Contains(page, "What Echo 3.0.0 changed from 1.0.0") || !strings.Contains(page, "Added: <ins>echo.coach (Echo coach)") {
			t.Errorf("the page does not show what the installed build changed")
		}
		if resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/extra"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "extra 3.0.0") {
			t.Fatalf("the new route after confirmation: %d %.300s", resp.StatusCode, body)
		}
		e.must(e.az.Grant(e.ctx, e.a.tenant.ID, e.a.teacher.ID, "echo.coach", e.a.loneSchool.ID, nil))
		events, _, err := audit.List(e.ctx, e.db.DB, InstallTenantID, audit.Filter{Action: "plugin.upgrade.confirm"})
		if err != nil || len(events) != 1 || events[0].ActorLabel != e.a.admin.Email || !strings.Contains(events[0].After, "echo.extra.use") {
			t.Fatalf("confirmation audit: %+v %v", events, err)
		}
		if n := len(auditActions(t, e, "plugin.upgrade.propose")); n != 2 {
			t.Errorf("%d proposals audited, want 2 (InstallWith, then Upgrade)", n)
		}
		if pending, _ := e.rt.Registry().PendingUpgrades(e.ctx); len(pending) != 0 {
			t.Fatalf("still pending after confirmation: %+v", pending)
		}
		if resp, _ := admin.do(http.MethodPost, confirmPath, urlCSRF(admin)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("confirming it again: %d", resp.StatusCode)
		}
	})
}

// Discarding drops a pending upgrade and keeps the installed build; a build
// applied meanwhile supersedes a pending one; --yes (Confirmed) applies at
// once; a file changed since the proposal is refused at confirmation.
func TestPendingUpgradeDiscardSupersedeAndChangedFile(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	admin := e.login(e.a, e.a.admin.Email)
	admin.do(http.MethodGet, "/admin/plugins", nil)

	o, err := e.rt.InstallWith(e.ctx, binary("echo3"), InstallOptions{Upgrade: true})
	e.must(err)
	resp, _ := admin.do(http.MethodPost, fmt.Sprintf("/admin/plugins/upgrades/%d/discard", o.Pending.ID), urlCSRF(admin))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d", resp.StatusCode)
	}
	if cur, _ := e.rt.Registry().Get(e.ctx, "echo"); cur.Version != "1.0.0" {
		t.Fatalf("after discarding the registry runs %s", cur.Version)
	}
	if _, err := e.rt.ConfirmUpgrade(e.ctx, o.Pending.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("confirm a discarded upgrade: %v", err)
	}
	if acts := auditActions(t, e, "plugin.upgrade.discard"); len(acts) != 1 || acts[0].ActorLabel != e.a.admin.Email {
		t.Fatalf("discard audit: %+v", acts)
	}

	// Proposed again, then superseded by a build that needs no confirmation.
	o, err = e.rt.InstallWith(e.ctx, binary("echo3"), InstallOptions{Upgrade: true})
	e.must(err)
	applied, err := e.rt.InstallWith(e.ctx, binary("echo2"), InstallOptions{Upgrade: true})
	if err != nil || applied.Pending != nil || applied.Plugin.Version != "2.0.0" || !applied.Diff.Empty() {
		t.Fatalf("an upgrade adding nothing: %+v %v", applied, err)
	}
	if _, err := e.rt.ConfirmUpgrade(e.ctx, o.Pending.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("confirm a superseded upgrade: %v", err)
	}
	if acts := auditActions(t, e, "plugin.upgrade.discard"); len(acts) != 2 || !strings.Contains(acts[0].After, "superseded by 2.0.0") {
		t.Fatalf("the superseded upgrade's audit: %+v", acts)
	}

	// A file changed between proposal and confirmation is refused.
	path := copyBinary(t, "echo3")
	o, err = e.rt.InstallWith(e.ctx, path, InstallOptions{Upgrade: true})
	e.must(err)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	e.must(err)
	_, _ = f.Write([]byte("tampered"))
	e.must(f.Close())
	if _, err := e.rt.ConfirmUpgrade(e.ctx, o.Pending.ID); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "changed since it was proposed") {
		t.Fatalf("confirm a changed file: %v", err)
	}
	if cur, _ := e.rt.Registry().Get(e.ctx, "echo"); cur.Version != "2.0.0" {
		t.Fatalf("a refused confirmation changed the registry: %s", cur.Version)
	}

	// Confirmed up front (upgrade --yes): applied at once, diff and all.
	yes, err := e.rt.InstallWith(e.ctx, binary("echo3"), InstallOptions{Upgrade: true, Confirmed: true})
	if err != nil || yes.Pending != nil || yes.Plugin.Version != "3.0.0" || len(yes.Diff.Permissions.Added) != 1 {
		t.Fatalf("a confirmed upgrade: %+v %v", yes, err)
	}
	if pending, _ := e.rt.Registry().PendingUpgrades(e.ctx); len(pending) != 0 {
		t.Fatalf("pending after a confirmed upgrade: %+v", pending)
	}
	if resp, _ := e.get(e.a.host, e.a.hubMgrTok, "/p/echo/extra"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the new route after --yes: %d", resp.StatusCode)
	}
	// A forced downgrade that only removes things applies at once.
	down, err := e.rt.InstallWith(e.ctx, binary("echo"), InstallOptions{Force: true})
	if err != nil || down.Pending != nil || down.Action != "plugin.downgrade" || len(down.Diff.Permissions.Removed) != 1 {
		t.Fatalf("a forced downgrade: %+v %v", down, err)
	}
}

// auditActions lists the install-wide audit entries of action, newest first.
func auditActions(t *testing.T, e *env, action string) []audit.Event {
	t.Helper()
	events, _, err := audit.List(e.ctx, e.db.DB, InstallTenantID, audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// urlCSRF is a form carrying only the browser's CSRF token.
func urlCSRF(b *browser) map[string][]string { return map[string][]string{"_csrf": {b.csrf}} }
