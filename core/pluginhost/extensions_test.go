package pluginhost

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/web"
)

// viewer is the RequestInfo of a signed-in person of f, as the middleware
// would establish it.
func (e *env) viewer(f tenantFix, u identity.User) web.RequestInfo {
	return web.RequestInfo{Tenant: f.tenant, HasTenant: true, RootUnitID: f.root.ID, User: &u, RequestID: "test-" + u.Email}
}

func findProgramme(ps []web.Programme, id string) *web.Programme {
	for i := range ps {
		if ps[i].PluginID == id {
			return &ps[i]
		}
	}
	return nil
}

// The core asks a plugin only for what the viewer may see, and keeps only
// what the contract allows and the viewer may open: the hub manager is
// asked about the hub's school alone, loses the admin-only link and to-do,
// the off-site to-do, the bidirectional line and the panel nobody asked
// for, and is not asked for the figures, which need a permission at the
// tenant's root; the tenant admin gets them.
func TestContributionsAreCheckedAgainstTheViewer(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("panels", e.a)
	f := e.a
	schools := []uint{f.hubSchool.ID, f.trustSchool.ID, f.loneSchool.ID}
	progs := e.rt.Contributions(e.ctx, e.viewer(f, f.hubMgr), web.ContributionAsk{SchoolIDs: schools, Todos: true, Figures: true})
	p := findProgramme(progs, "panels")
	if p == nil || p.Unavailable != "" {
		t.Fatalf("programmes %+v: want Panels, available", progs)
	}
	if len(p.Panels) != 1 || len(p.PanelSchools) != 1 || !p.PanelSchools[f.hubSchool.ID] {
		t.Fatalf("panels %+v for schools %v: want the hub's school alone", p.Panels, p.PanelSchools)
	}
	want := []web.PanelLine{
		{Text: fmt.Sprintf("Panels knows school %d", f.hubSchool.ID), Href: fmt.Sprintf("/p/panels/units/%d", f.hubSchool.ID)},
		{Text: "Administered here"},
		{Text: "Data overdue", Attention: true},
	}
	if got := p.Panels[f.hubSchool.ID]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the hub school's lines:\n got %+v\nwant %+v", got, want)
	}
	if len(p.Todos) != 2 || p.Todos[0].Title != "Reply to Panels" || p.Todos[0].Href != "/p/panels/" ||
		p.Todos[0].Due != time.Date(2030, 1, 5, 0, 0, 0, 0, time.UTC) || p.Todos[1].Title != "Read Panels some day" || !p.Todos[1].Due.IsZero() {
		t.Errorf("the hub manager's to-dos: %+v", p.Todos)
	}
	if p.AskedFigures || len(p.Figures) != 0 {
		t.Errorf("the hub manager was asked for figures: %+v", p.Figures)
	}

	progs = e.rt.Contributions(e.ctx, e.viewer(f, f.admin), web.ContributionAsk{SchoolIDs: schools, Todos: true, Figures: true})
	p = findProgramme(progs, "panels")
	if p == nil || len(p.Panels) != 3 || len(p.Todos) != 3 || len(p.Figures) != 1 {
		t.Fatalf("the admin's contributions: %+v", p)
	}
	if l := p.Panels[f.loneSchool.ID][1]; l.Href != "/p/panels/admin" {
		t.Errorf("the admin's admin link: %+v", l)
	}
	if fig := p.Figures[0]; fig.Label != "Panels echoes" || fig.Value != "42" || fig.Href != "/p/panels/admin" {
		t.Errorf("figure %+v", fig)
	}

	// A tenant that does not enable the plugin is never told of it.
	if progs := e.rt.Contributions(e.ctx, e.viewer(e.b, e.b.admin), web.ContributionAsk{SchoolIDs: []uint{e.b.hubSchool.ID}, Todos: true, Figures: true}); len(progs) != 0 {
		t.Errorf("tenant b, which does not enable panels: %+v", progs)
	}
	// A person holding no role at all is asked nothing.
	none, err := e.ids.CreateUser(e.ctx, f.tenant.ID, "nobody@alpha.example.org", "Nobody", testPassword, false)
	e.must(err)
	if progs := e.rt.Contributions(e.ctx, e.viewer(f, none), web.ContributionAsk{SchoolIDs: schools, Todos: true, Figures: true}); len(progs) != 0 {
		t.Errorf("a person with no role: %+v", progs)
	}
}

// The home page gathers every enabled programme: the hub manager's to-dos
// (due soonest first, those without a date last) and the hub's school with
// each programme's panel; the tenant admin's overview of figures, from the
// raw test plugin and from the SDK's example. The school page shows the
// panels of that school.
func TestHomeAndSchoolPagesShowEveryProgramme(t *testing.T) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) { homeAndSchoolPages(t, d) })
	}
}

// homeAndSchoolPages runs on dialect d; on PostgreSQL each page's reads go
// through one connection bound to the tenant, which the permission and
// link checks of four programmes share.
func homeAndSchoolPages(t *testing.T, d storage.Dialect) {
	e := newEnv(t, d, Options{})
	e.install("panels", e.a)
	e.install("hello", e.a)
	f := e.a
	b := e.login(f, f.hubMgr.Email)
	resp, page := b.do(http.MethodGet, "/", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("home: %d %.300s", resp.StatusCode, page)
	}
	for _, want := range []string{
		"<h1>Home</h1>", "What to do next",
		`<a href="/p/panels/">Reply to Panels</a>`, "Due Sat 5 Jan 2030",
		"Your schools", fmt.Sprintf(`<a href="/p/panels/units/%d">Panels knows school %d</a>`, f.hubSchool.ID, f.hubSchool.ID),
		"<li>Administered here</li>", `<span class="visually-hidden">Needs attention: </span>Data overdue`,
		"Panels · " + f.hub.Name, // the place a to-do concerns, named
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the hub manager's home lacks %q", want)
		}
	}
	for _, bad := range []string{"Administer Panels", "evil", "Go elsewhere", "Programmes at a glance", "Not asked", f.trustSchool.Name} {
		if strings.Contains(page, bad) {
			t.Errorf("the hub manager's home shows %q", bad)
		}
	}
	if strings.Index(page, "Reply to Panels") > strings.Index(page, "Read Panels some day") {
		t.Error("a to-do without a due date comes before one with a date")
	}

	b = e.login(f, f.admin.Email)
	_, page = b.do(http.MethodGet, "/", nil)
	for _, want := range []string{"Programmes at a glance", "<h3>Panels</h3>", "Panels echoes", ">42<", "<h3>Hello</h3>", "Greetings sent",
		"<strong>Overdue:</strong> was due Sun 28 Sep 2025"} {
		if !strings.Contains(page, want) {
			t.Errorf("the admin's home lacks %q", want)
		}
	}
	if strings.Index(page, "Administer Panels") > strings.Index(page, "Reply to Panels") {
		t.Error("to-dos are not due soonest first")
	}

	// The school page: the hub manager sees the programmes' panels of the hub's school.
	b = e.login(f, f.hubMgr.Email)
	_, page = b.do(http.MethodGet, fmt.Sprintf("/units/%d", f.hubSchool.ID), nil)
	if !strings.Contains(page, `data-testid="programmes"`) || !strings.Contains(page, fmt.Sprintf("Panels knows school %d", f.hubSchool.ID)) {
		t.Errorf("the school page lacks the programmes' panels:\n%.3000s", page)
	}
	// A hub is no school: no panels.
	_, page = b.do(http.MethodGet, fmt.Sprintf("/units/%d", f.hub.ID), nil)
	if strings.Contains(page, `data-testid="programmes"`) {
		t.Error("the hub's page shows school panels")
	}
}

// A plugin that does not answer in time, or crashes while answering, shows
// as unavailable; the page still answers promptly, with the rest of it, and
// the plugin is back for the next page.
func TestASlowOrCrashingPluginNeverDelaysOrBreaksTheHomePage(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{ExtensionTimeout: 300 * time.Millisecond})
	e.install("panels", e.a)
	f := e.a
	person := func(local string) identity.User {
		u, err := e.ids.CreateUser(e.ctx, f.tenant.ID, local+"@alpha.example.org", local, testPassword, false)
		e.must(err)
		e.must(e.az.Grant(e.ctx, f.tenant.ID, u.ID, authz.RoleHubManager, f.hub.ID, nil))
		return u
	}
	slow, crash := person("slow"), person("crash")

	b := e.login(f, slow.Email)
	begin := time.Now()
	resp, page := b.do(http.MethodGet, "/", nil)
	took := time.Since(begin)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Panels did not answer in time: its to-dos cannot be shown just now.") ||
		!strings.Contains(page, "Panels did not answer in time: its panel cannot be shown just now.") || !strings.Contains(page, "Your roles") {
		t.Fatalf("a slow plugin's home page: %d\n%.3000s", resp.StatusCode, page)
	}
	if took > 3*time.Second { // the plugin sleeps 5 s; the deadline is 300 ms
		t.Errorf("the home page waited %s for a slow plugin", took)
	}

	b = e.login(f, crash.Email)
	resp, page = b.do(http.MethodGet, "/", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "its to-dos cannot be shown just now") || !strings.Contains(page, "Your roles") {
		t.Fatalf("a crashing plugin's home page: %d\n%.3000s", resp.StatusCode, page)
	}
	hub := e.login(f, f.hubMgr.Email)
	eventually(t, 10*time.Second, "the plugin is back after its crash", func() bool {
		_, page := hub.do(http.MethodGet, "/", nil)
		return strings.Contains(page, "Reply to Panels")
	})
}
