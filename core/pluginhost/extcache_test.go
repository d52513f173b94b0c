package pluginhost

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
)

// A plugin's contributions are reused for the same viewer and page until
// anything in the tenant changes through the core: the viewer's own change
// (a form posted to the plugin, a job they started) and a grant or an
// erasure are seen at once; another's change (a job nobody started, a
// write through another node) is seen from the visit after the first. The
// test plugin's figure counts the forms and jobs its process handled, so a
// stale answer shows.
func TestContributionsAreKeptUntilTheTenantChanges(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{ExtensionTimeout: time.Second})
	e.install("panels", e.a)
	e.install("hello", e.a)
	f := e.a
	ask := web.ContributionAsk{SchoolIDs: []uint{f.hubSchool.ID}, Todos: true, Figures: true}
	detail := func(who identity.User) string {
		t.Helper()
		p := findProgramme(e.rt.Contributions(e.ctx, e.viewer(f, who), ask), "panels")
		if p == nil || p.Unavailable != "" || len(p.Figures) != 1 {
			t.Fatalf("contributions to %s: %+v", who.Email, p)
		}
		return p.Figures[0].Detail
	}
	cached := func() int64 { return e.rt.ExtensionTimes()["panels"].Cached }
	helloCached := func() int64 { return e.rt.ExtensionTimes()["hello"].Cached }

	if got := detail(f.admin); got != "0 forms, 0 jobs" {
		t.Fatalf("first ask: %q", got)
	}
	if got := detail(f.admin); got != "0 forms, 0 jobs" || cached() != 1 {
		t.Fatalf("the same ask again: %q, %d answers from the cache; want 1", got, cached())
	}

	// What a page does with its copy never changes what is kept.
	first := findProgramme(e.rt.Contributions(e.ctx, e.viewer(f, f.admin), ask), "panels")
	first.Todos[0].Title, first.Panels[f.hubSchool.ID][0].Text = "changed", "changed"
	again := findProgramme(e.rt.Contributions(e.ctx, e.viewer(f, f.admin), ask), "panels")
	if again.Todos[0].Title == "changed" || again.Panels[f.hubSchool.ID][0].Text == "changed" {
		t.Errorf("a page's change reached the cache: %+v", again)
	}

	// A form posted to the plugin through the core.
	b := e.login(f, f.admin.Email)
	resp, body := b.do(http.MethodPost, "/p/panels/form", url.Values{"note": {"x"}, "_csrf": {b.csrf}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "note=x") {
		t.Fatalf("post the form: %d %.300s", resp.StatusCode, body)
	}
	helloBefore := helloCached()
	if got := detail(f.admin); got != "1 forms, 0 jobs" {
		t.Errorf("after a form: %q (a stale answer from the cache?)", got)
	}
	// Another plugin's answers stand: the form changed nothing of its.
	if helloCached() != helloBefore+1 {
		t.Errorf("hello was asked again after a form posted to panels")
	}
	// A write to a core page may change what any plugin says (through the
	// Host): every plugin is asked again.
	resp, body = b.do(http.MethodPost, "/settings/test-mail", url.Values{"_csrf": {b.csrf}})
	if resp.StatusCode >= 400 {
		t.Fatalf("send a test mail: %d %.300s", resp.StatusCode, body)
	}
	helloBefore, before := helloCached(), cached()
	detail(f.admin)
	if helloCached() != helloBefore || cached() != before {
		t.Errorf("answers came from the cache after a core page's write")
	}
	// A job of the plugin that nobody started (a schedule's, the demo's):
	// others' change. The kept answer is shown once more, stale, while the
	// plugin is asked afresh in the background; the next ask gets the new one.
	e.must(e.rt.RunJob(e.ctx, "panels", "record", f.tenant.ID, 0, []byte("1")))
	staleBefore := e.rt.ExtensionTimes()["panels"].Stale
	if got := detail(f.admin); got != "1 forms, 0 jobs" {
		t.Errorf("right after another's job: %q, want the kept answer", got)
	}
	if e.rt.ExtensionTimes()["panels"].Stale != staleBefore+1 {
		t.Errorf("the kept answer was not counted stale")
	}
	waitRefreshes(t, e.rt)
	before = cached()
	if got := detail(f.admin); got != "1 forms, 1 jobs" || cached() != before+1 {
		t.Errorf("after the refresh: %q (from the cache: %v), want the fresh answer from the cache", got, cached() != before)
	}
	// A job the viewer started is their own change: seen at once.
	e.must(e.rt.RunJob(e.ctx, "panels", "record", f.tenant.ID, f.admin.ID, []byte("1")))
	if got := detail(f.admin); got != "1 forms, 2 jobs" {
		t.Errorf("after the viewer's own job: %q", got)
	}
	// Another's write to a core page (here straight to its revision, as
	// another node's would be): stale once, then fresh.
	e.must(storage.NoteTenantChange(e.ctx, e.db.Core(e.ctx), storage.TenantChangesKey(f.tenant.ID)))
	e.must(e.rt.RunJob(e.ctx, "panels", "record", f.tenant.ID, 0, []byte("1")))
	e.must(storage.NoteTenantChange(e.ctx, e.db.Core(e.ctx), storage.TenantChangesKey(f.tenant.ID)))
	if got := detail(f.admin); got != "1 forms, 2 jobs" {
		t.Errorf("right after another's change: %q, want the kept answer", got)
	}
	waitRefreshes(t, e.rt)
	if got := detail(f.admin); got != "1 forms, 3 jobs" {
		t.Errorf("after the refresh: %q", got)
	}
	// An erasure is never served late: an answer kept from before it may
	// show the erased pupil.
	e.must(e.rt.RunJob(e.ctx, "panels", "record", f.tenant.ID, 0, []byte("1")))
	e.must(storage.NoteTenantChange(e.ctx, e.db.Core(e.ctx), storage.TenantErasuresKey(f.tenant.ID)))
	if got := detail(f.admin); got != "1 forms, 4 jobs" {
		t.Errorf("after an erasure: %q, want the fresh answer", got)
	}

	// A grant changes the authz revision: asked afresh, the plugin answers
	// in the light of it.
	before = cached()
	e.must(e.az.Grant(e.ctx, f.tenant.ID, f.hubMgr.ID, authz.RoleTeacher, f.hubSchool.ID, nil))
	detail(f.admin)
	if cached() != before {
		t.Errorf("answers came from the cache after a grant")
	}

	// Each viewer has answers of their own: the hub manager, asked right
	// after the admin, is asked afresh and gets their own to-dos.
	before = cached()
	p := findProgramme(e.rt.Contributions(e.ctx, e.viewer(f, f.hubMgr), ask), "panels")
	if p == nil || cached() != before || len(p.Todos) != 2 || p.AskedFigures {
		t.Errorf("the hub manager's contributions (from the cache: %v): %+v", cached() != before, p)
	}

	// A plugin that fails to answer in time is not kept: asked again, it is
	// asked again.
	slow, err := e.ids.CreateUser(e.ctx, f.tenant.ID, "slow@alpha.example.org", "Slow", testPassword, false)
	e.must(err)
	e.must(e.az.Grant(e.ctx, f.tenant.ID, slow.ID, authz.RoleHubManager, f.hub.ID, nil))
	for range 2 {
		before = e.rt.ExtensionTimes()["panels"].Cached
		p := findProgramme(e.rt.Contributions(e.ctx, e.viewer(f, slow), ask), "panels")
		if p == nil || p.Unavailable == "" {
			t.Fatalf("the slow plugin: %+v", p)
		}
		if e.rt.ExtensionTimes()["panels"].Cached != before {
			t.Errorf("a slow plugin's failure came from the cache")
		}
	}
}

// A stale answer is asked afresh only once the page that showed it has been
// served (its context done): the background ask never competes with it.
func TestStaleAnswersAreAskedAfreshAfterThePage(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) { staleAnswersAfterThePage(t, d) })
}

// staleAnswersAfterThePage is TestStaleAnswersAreAskedAfreshAfterThePage on
// one storage (on PostgreSQL the refresh binds its own connection to the
// tenant, as a request does).
func staleAnswersAfterThePage(t *testing.T, d storage.Dialect) {
	e := newEnv(t, d, Options{ExtensionTimeout: time.Second})
	e.install("panels", e.a)
	e.rt.refreshWait = time.Hour // only the page's end starts the refresh
	f := e.a
	ask := web.ContributionAsk{SchoolIDs: []uint{f.hubSchool.ID}, Figures: true}
	asked := func() int64 { return e.rt.ExtensionTimes()["panels"].Asked - e.rt.ExtensionTimes()["panels"].Cached }
	e.rt.Contributions(e.ctx, e.viewer(f, f.admin), ask)
	e.must(e.rt.RunJob(e.ctx, "panels", "record", f.tenant.ID, 0, []byte("1")))

	page, served := context.WithCancel(e.ctx)
	before := asked()
	p := findProgramme(e.rt.Contributions(page, e.viewer(f, f.admin), ask), "panels")
	if p == nil || p.Figures[0].Detail != "0 forms, 0 jobs" {
		t.Fatalf("the page after another's change: %+v, want the kept answer", p)
	}
	time.Sleep(50 * time.Millisecond)
	if asked() != before || e.rt.RefreshesUnderWay() != 1 {
		t.Fatalf("before the page was served: %d asks, %d refreshes under way; want 0, 1", asked()-before, e.rt.RefreshesUnderWay())
	}
	served()
	waitRefreshes(t, e.rt)
	if asked() != before+1 {
		t.Errorf("after the page was served: %d asks, want 1", asked()-before)
	}
	if got := findProgramme(e.rt.Contributions(e.ctx, e.viewer(f, f.admin), ask), "panels").Figures[0].Detail; got != "0 forms, 1 jobs" {
		t.Errorf("the next page: %q", got)
	}

	// A refresh still waiting for its page does not hold up the runtime's
	// Close.
	e.must(e.rt.RunJob(e.ctx, "panels", "record", f.tenant.ID, 0, []byte("1")))
	e.rt.Contributions(e.ctx, e.viewer(f, f.admin), ask)
	if e.rt.RefreshesUnderWay() != 1 {
		t.Fatalf("%d refreshes under way, want 1", e.rt.RefreshesUnderWay())
	}
	closed := make(chan error)
	go func() { closed <- e.rt.Close() }()
	select {
	case err := <-closed:
		e.must(err)
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for a refresh whose page was never served")
	}
}

// waitRefreshes waits until no stale answer is being asked afresh.
func waitRefreshes(t *testing.T, rt *Runtime) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		n := rt.RefreshesUnderWay()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d refreshes still under way after 5 s", n)
		}
	}
}

// The home page keeps a person's places (the units they hold roles at and
// the schools beneath) between visits, and reads them afresh when a grant,
// the graph or a unit changes through the core: here a school archived on
// its page, a school created beneath the hub and a grant.
func TestHomePlacesFollowChangesThroughTheCore(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{ExtensionTimeout: time.Second})
	e.install("panels", e.a)
	f := e.a
	mgr, admin := e.login(f, f.hubMgr.Email), e.login(f, f.admin.Email)
	schoolShown := func(id uint) bool {
		t.Helper()
		resp, page := mgr.do(http.MethodGet, "/", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("home: %d %.300s", resp.StatusCode, page)
		}
		return strings.Contains(page, fmt.Sprintf(`aria-labelledby="school-%d"`, id))
	}
	if !schoolShown(f.hubSchool.ID) {
		t.Fatal("the hub manager's home lacks the hub's school")
	}

	// Kept: a change made behind the core's back (straight to the
	// database, bumping nothing) is not seen until the tenant changes.
	e.must(e.db.Exec(`UPDATE org_units SET archived_at = CURRENT_TIMESTAMP WHERE id = ?`, f.hubSchool.ID).Error)
	if !schoolShown(f.hubSchool.ID) {
		t.Error("the places were read afresh although nothing changed through the core")
	}
	// Nor after a change that touches no unit (a plugin's form, a core
	// page's write elsewhere): the places stand.
	e.must(storage.NoteTenantChange(e.ctx, e.db.Core(e.ctx), storage.TenantChangesKey(f.tenant.ID), storage.PluginChangesKey(f.tenant.ID, "panels")))
	if !schoolShown(f.hubSchool.ID) {
		t.Error("the places were read afresh after a change that touched no unit")
	}
	e.must(e.db.Exec(`UPDATE org_units SET archived_at = NULL WHERE id = ?`, f.hubSchool.ID).Error)

	// A school renamed is shown by its new name at once.
	in := tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Renamed Hub School", Phase: string(f.hubSchool.Phase)}
	if f.hubSchool.URN != nil {
		in.URN = *f.hubSchool.URN
	}
	_, err := e.ten.UpdateUnit(e.ctx, f.tenant.ID, f.hubSchool.ID, in)
	e.must(err)
	if _, page := mgr.do(http.MethodGet, "/", nil); !strings.Contains(page, "Renamed Hub School") {
		t.Error("a renamed school shows by its old name on the home page")
	}

	// A school archived on its page leaves the home page at once.
	admin.do(http.MethodGet, fmt.Sprintf("/units/%d", f.hubSchool.ID), nil)
	resp, body := admin.do(http.MethodPost, fmt.Sprintf("/units/%d/archive", f.hubSchool.ID), url.Values{"_csrf": {admin.csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d %.300s", resp.StatusCode, body)
	}
	if schoolShown(f.hubSchool.ID) {
		t.Error("an archived school still shows on the home page")
	}

	// A school created beneath the hub (the graph's revision).
	school, err := e.ten.CreateUnit(e.ctx, f.tenant.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "New Hub School", URN: "100999", Phase: "primary"})
	e.must(err)
	e.must(e.ten.Link(e.ctx, f.tenant.ID, f.hub.ID, school.ID))
	if !schoolShown(school.ID) {
		t.Error("a school new beneath the hub is missing from the home page")
	}

	// A grant at another school (the authz revision).
	e.must(e.az.Grant(e.ctx, f.tenant.ID, f.hubMgr.ID, authz.RoleTeacher, f.loneSchool.ID, nil))
	if !schoolShown(f.loneSchool.ID) {
		t.Error("the school of a new grant is missing from the home page")
	}
}
