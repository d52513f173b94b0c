package pluginhost

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/web"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Contributions asks every plugin the tenant enables for its contributions
// to a core page (web.Contributor): school panels, to-dos and headline
// figures, as their manifests declare them. Plugins are asked in parallel,
// each within Options.ExtensionTimeout; one that is slow, restarting or
// failing is returned with Unavailable set and never delays the page past
// the deadline. The core asks only what the viewer may see (the declared
// permission at each school, anywhere, or at the tenant's root), drops
// what breaks the contract's limits, and links only what the viewer may
// open, as it does for every request to a plugin.
func (rt *Runtime) Contributions(ctx context.Context, info web.RequestInfo, ask web.ContributionAsk) []web.Programme {
	if !info.HasTenant || info.User == nil {
		return nil
	}
	plugins, err := rt.reg.cachedEnabledPlugins(ctx, info.Tenant.ID)
	if err != nil {
		rt.log.WarnContext(ctx, "plugin contributions", "error", err.Error())
		return nil
	}
	if len(ask.SchoolIDs) > contract.MaxPanelUnits {
		ask.SchoolIDs = ask.SchoolIDs[:contract.MaxPanelUnits]
	}
	page := ctx
	ctx, cancel := context.WithTimeout(ctx, rt.opts.ExtensionTimeout)
	defer cancel()
	// What a plugin contributed to the same ask stands while nothing it
	// depends on has changed, and is shown once more, while it is asked
	// afresh, after others' changes (extcache.go). The revisions are read
	// before any plugin is asked, so nothing is kept under a revision older
	// than the data it was read from.
	revs, cacheable := rt.currentRevisions(ctx, info, plugins)
	now := time.Now()
	// The permission checks (prepare) run one plugin after another, as the
	// checks of the answers do (askAll); only the calls run at once.
	var slots []*contribution // in the plugins' order; nil: nothing to show
	var stale []*contribution // answers to ask afresh once the page is served
	for _, p := range plugins {
		if p.State == StateFailed {
			continue
		}
		m, err := rt.manifest(p)
		if err != nil || len(m.GetExtensions()) == 0 || rt.ensurePolicies(ctx, p, m) != nil {
			continue
		}
		var key answerKey
		var cur current
		if cacheable {
			cur = revs[p.ID]
			key = keyOf(info, p, ask, cur.revs, now)
			if hit, _, ok := rt.answers.Get(key, now); ok {
				old := hit.seen != cur.seen
				if old {
					stale = append(stale, &contribution{p: p, m: m, key: key, seen: cur.seen})
				}
				rt.observeExtension(p.ID, 0, 0, true, old)
				if hit.prog != nil {
					slots = append(slots, &contribution{p: p, prog: cloneProgramme(hit.prog), cached: true})
				}
				continue
			}
		}
		c := rt.prepare(ctx, info, p, m, ask, key, cur.seen)
		if c == nil {
			if cacheable {
				rt.answers.Add(key, kept{seen: cur.seen}, now) // the viewer may be asked nothing
			}
			continue
		}
		slots = append(slots, c)
	}
	rt.refreshLater(page, info, ask, stale, now)
	var asked []*contribution
	for _, c := range slots {
		if !c.cached {
			asked = append(asked, c)
		}
	}
	rt.askAll(ctx, info, asked, cacheable, now)
	list := make([]web.Programme, 0, len(slots))
	for _, c := range slots {
		list = append(list, *c.prog)
	}
	return list
}

// askAll calls the plugins of cs, prepared, and checks their answers,
// keeping those given in time (when keep) as read at the given time. Two
// steps: the calls to the plugins, in parallel; the checks of their
// answers, one after another (as the permission checks of prepare were):
// on PostgreSQL a tenant's request reads through one connection bound to
// the tenant (storage.Bind), which serves one statement at a time.
func (rt *Runtime) askAll(ctx context.Context, info web.RequestInfo, cs []*contribution, keep bool, at time.Time) {
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rt.fetch(ctx, info, c)
		}()
	}
	wg.Wait()
	for _, c := range cs {
		rt.resolve(ctx, info, c)
		if keep && c.prog.Unavailable == "" {
			rt.answers.Add(c.key, kept{prog: cloneProgramme(c.prog), seen: c.seen}, at)
		}
	}
}

// refreshWait bounds the wait of a refresh for the page that found its
// answer stale to be served (refreshLater), for callers whose context
// outlives the page (Runtime.refreshWait; tests set it).
const refreshWait = 100 * time.Millisecond

// refreshLater asks afresh, in the background, the plugins of stale (their
// kept answers made stale by others' changes; the visit that found them
// shows them meanwhile), and keeps their new answers under their keys as
// read at the revisions that visit read (at). The asks start once the
// page's context is done (net/http ends it when the handler returns, and
// the page is written whole by then: web's render), or after
// Runtime.refreshWait, so they never hold up that page; they run as a
// page's do (one binding to the tenant, the calls in parallel, within
// Options.ExtensionTimeout). At most one refresh of a key is under way at
// once, and maxRefreshes in all: beyond that, or once the runtime closes,
// a stale answer is not asked afresh, and a later visit tries again. An
// answer that fails is not kept either: the next visit shows the stale one
// and asks again, until the cache's time limit.
func (rt *Runtime) refreshLater(page context.Context, info web.RequestInfo, ask web.ContributionAsk, stale []*contribution, at time.Time) {
	stale = slices.DeleteFunc(stale, func(c *contribution) bool { return !rt.answers.startRefresh(c.key) })
	if len(stale) == 0 {
		return
	}
	end := func() {
		for _, c := range stale {
			rt.answers.endRefresh(c.key)
		}
	}
	rt.mu.Lock()
	if rt.closed {
		rt.mu.Unlock()
		end()
		return
	}
	rt.bg.Add(1) // under rt.mu: Close waits for it, or it never starts
	rt.mu.Unlock()
	ask.SchoolIDs = slices.Clone(ask.SchoolIDs)
	go func() {
		defer rt.bg.Done()
		defer end()
		wait := time.NewTimer(rt.refreshWait)
		defer wait.Stop()
		select {
		case <-page.Done():
		case <-wait.C:
		case <-rt.stop:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), rt.opts.ExtensionTimeout)
		defer cancel()
		ctx, release, err := rt.deps.DB.Bind(ctx, info.Tenant.ID)
		if err != nil {
			rt.log.Warn("plugin contributions: refresh stale answers", "error", err.Error())
			return
		}
		defer release()
		var asked []*contribution
		for _, s := range stale {
			if c := rt.prepare(ctx, info, s.p, s.m, ask, s.key, s.seen); c != nil {
				asked = append(asked, c)
			} else {
				rt.answers.Add(s.key, kept{seen: s.seen}, at)
			}
		}
		rt.askAll(ctx, info, asked, true, at)
	}()
}

// contribution is one plugin's part of a page: what it is asked, and its
// raw answers until they are checked.
type contribution struct {
	p       Plugin
	m       *pluginv1.Manifest
	prog    *web.Programme
	schools []uint64
	panels  []*pluginv1.SchoolPanel
	todos   []*pluginv1.Todo
	figures []*pluginv1.Figure
	// spent is the time taken for this plugin (its checks and its call),
	// call the plugin's calls alone (ExtensionTimes).
	spent, call time.Duration
	// key is the cache key of the ask, seen the changes revisions read
	// with it; cached says prog came from the cache (extcache.go): the
	// plugin was neither checked for nor called.
	key    answerKey
	seen   changes
	cached bool
}

// prepare decides what the viewer may be asked of one plugin, to be kept
// under key as read at the changes seen; nil when nothing.
func (rt *Runtime) prepare(ctx context.Context, info web.RequestInfo, p Plugin, m *pluginv1.Manifest, ask web.ContributionAsk, key answerKey, seen changes) *contribution {
	start := time.Now()
	c := &contribution{p: p, m: m, prog: &web.Programme{PluginID: p.ID, Name: m.GetName()}, key: key, seen: seen}
	defer func() { c.spent += time.Since(start) }()
	c.schools = rt.panelSchools(ctx, info, m, ask.SchoolIDs)
	if len(c.schools) > 0 {
		c.prog.PanelSchools = make(map[uint]bool, len(c.schools))
		for _, s := range c.schools {
			c.prog.PanelSchools[uint(s)] = true
		}
	}
	c.prog.AskedTodos = ask.Todos && rt.mayAsk(ctx, info, contract.ExtensionOf(m, pluginv1.Extension_EXTENSION_TODOS), 0)
	c.prog.AskedFigures = ask.Figures && rt.mayAsk(ctx, info, contract.ExtensionOf(m, pluginv1.Extension_EXTENSION_FIGURES), info.RootUnitID)
	if len(c.schools) == 0 && !c.prog.AskedTodos && !c.prog.AskedFigures {
		return nil
	}
	return c
}

// fetch calls the plugin for what c asks, its three calls in parallel, and
// keeps the answers that pass the contract's checks; it sets Unavailable
// when the plugin cannot answer. It touches no database but the grants'.
func (rt *Runtime) fetch(ctx context.Context, info web.RequestInfo, c *contribution) {
	p, prog := c.p, c.prog
	start := time.Now()
	defer func() { c.spent += time.Since(start) }()
	conn, in, err := rt.acquire(ctx, p)
	if err != nil {
		prog.Unavailable = unavailableReason(ctx, err)
		return
	}
	act := actor{PluginID: p.ID, TenantID: info.Tenant.ID, UserID: info.User.ID, UserEmail: info.User.Email, RequestID: info.RequestID}
	grants, err := rt.grants(ctx, info.Tenant.ID, info.User.ID)
	if err != nil {
		prog.Unavailable = "could not be asked"
		return
	}
	tok, revoke := rt.tokens.mint(act, rt.opts.TokenTTL)
	defer revoke()
	a := &pluginv1.Actor{Token: tok, TenantId: uint64(info.Tenant.ID), TenantSlug: info.Tenant.Slug, TenantName: info.Tenant.Name,
		UserId: uint64(info.User.ID), UserEmail: info.User.Email, UserName: info.User.Name, Grants: grants, RequestId: info.RequestID,
		AuditSeal: rt.auditSeal(act)}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed error
	)
	fail := func(err error) {
		if status.Code(err) == codes.Unimplemented {
			return // a plugin built before the extension: it contributes nothing
		}
		mu.Lock()
		if failed == nil {
			failed = err
		}
		mu.Unlock()
	}
	begin := time.Now()
	if len(c.schools) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := conn.GetSchoolPanels(ctx, &pluginv1.GetSchoolPanelsRequest{Actor: a, UnitIds: c.schools})
			if err != nil {
				fail(err)
				return
			}
			c.panels = keep(rt, ctx, p, "school_panel", func() ([]*pluginv1.SchoolPanel, []string) {
				return contract.CheckSchoolPanels(c.schools, resp.GetPanels())
			})
		}()
	}
	if prog.AskedTodos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := conn.GetTodos(ctx, &pluginv1.GetTodosRequest{Actor: a})
			if err != nil {
				fail(err)
				return
			}
			c.todos = keep(rt, ctx, p, "todos", func() ([]*pluginv1.Todo, []string) { return contract.CheckTodos(resp.GetTodos()) })
		}()
	}
	if prog.AskedFigures {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := conn.GetFigures(ctx, &pluginv1.GetFiguresRequest{Actor: a})
			if err != nil {
				fail(err)
				return
			}
			c.figures = keep(rt, ctx, p, "figures", func() ([]*pluginv1.Figure, []string) { return contract.CheckFigures(resp.GetFigures()) })
		}()
	}
	wg.Wait()
	c.call = time.Since(begin)
	in.observe(c.call)
	if failed != nil {
		prog.Unavailable = callReason(ctx, failed)
		rt.log.WarnContext(ctx, "plugin contributions failed", "plugin", p.ID, "reason", prog.Unavailable, "error", failed.Error())
	}
}

// resolve turns c's checked answers into what the page shows, linking
// only what the viewer may open.
func (rt *Runtime) resolve(ctx context.Context, info web.RequestInfo, c *contribution) {
	prog := c.prog
	start := time.Now()
	defer func() { rt.observeExtension(c.p.ID, c.spent+time.Since(start), c.call, false, false) }()
	if prog.Unavailable != "" {
		return
	}
	links := &linkChecker{rt: rt, info: info, p: c.p, m: c.m, seen: map[string]string{}}
	for _, sp := range c.panels {
		lines := make([]web.PanelLine, 0, len(sp.GetLines()))
		for _, l := range sp.GetLines() {
			lines = append(lines, web.PanelLine{Text: l.GetText(), Href: links.href(ctx, l.GetLink()), Attention: l.GetAttention()})
		}
		if prog.Panels == nil {
			prog.Panels = map[uint][]web.PanelLine{}
		}
		prog.Panels[uint(sp.GetUnitId())] = lines
	}
	for _, t := range c.todos {
		href := links.href(ctx, t.GetLink())
		if href == "" {
			continue // a to-do the viewer cannot act on is no to-do
		}
		td := web.Todo{Programme: prog.Name, Title: t.GetTitle(), Href: href, UnitID: uint(t.GetUnitId())}
		if t.GetDue() != nil {
			td.Due, _ = contract.DateOf(t.GetDue())
		}
		prog.Todos = append(prog.Todos, td)
	}
	for _, f := range c.figures {
		prog.Figures = append(prog.Figures, web.Figure{Label: f.GetLabel(), Value: f.GetValue(), Detail: f.GetDetail(), Href: links.href(ctx, f.GetLink())})
	}
	rt.namePlaces(ctx, info, prog.Todos)
}

// namePlaces sets the name of the unit each to-do concerns, in one read,
// so that it is kept with the answer (a unit renamed on its page bumps the
// tenant's changes revision, and the answer is asked again). A failure
// leaves the names out (the page shows the to-dos without them) and is
// logged.
func (rt *Runtime) namePlaces(ctx context.Context, info web.RequestInfo, todos []web.Todo) {
	var ids []uint
	for _, td := range todos {
		if td.UnitID != 0 && !slices.Contains(ids, td.UnitID) {
			ids = append(ids, td.UnitID)
		}
	}
	if len(ids) == 0 {
		return
	}
	units, err := rt.deps.Tenancy.UnitsByID(ctx, info.Tenant.ID, ids)
	if err != nil {
		rt.log.WarnContext(ctx, "plugin contributions: name the to-dos' places", "error", err.Error())
		return
	}
	for i := range todos {
		todos[i].Place = units[todos[i].UnitID].Name
	}
}

// keep runs a contract check and logs how much it dropped (never what: the
// text could be anything the plugin wrote).
func keep[T any](rt *Runtime, ctx context.Context, p Plugin, what string, check func() ([]T, []string)) []T {
	kept, problems := check()
	if len(problems) > 0 {
		rt.log.WarnContext(ctx, "plugin contribution dropped: it breaks the contract", "plugin", p.ID, "extension", what, "dropped", len(problems))
	}
	return kept
}

// panelSchools are the schools of ids where the viewer holds the
// plugin's school panel permission.
func (rt *Runtime) panelSchools(ctx context.Context, info web.RequestInfo, m *pluginv1.Manifest, ids []uint) []uint64 {
	x := contract.ExtensionOf(m, pluginv1.Extension_EXTENSION_SCHOOL_PANEL)
	if x == nil {
		return nil
	}
	var out []uint64
	for _, id := range ids {
		if ok, err := rt.deps.Authz.Can(ctx, info.Tenant.ID, info.User.ID, x.GetPermission(), id); err == nil && ok {
			out = append(out, uint64(id))
		}
	}
	return out
}

// mayAsk reports whether the viewer holds the extension's permission at
// unit (0: anywhere in the tenant).
func (rt *Runtime) mayAsk(ctx context.Context, info web.RequestInfo, x *pluginv1.ExtensionDecl, unit uint) bool {
	if x == nil {
		return false
	}
	var ok bool
	var err error
	if unit == 0 {
		ok, err = rt.deps.Authz.CanSomewhere(ctx, info.Tenant.ID, info.User.ID, x.GetPermission())
	} else {
		ok, err = rt.deps.Authz.Can(ctx, info.Tenant.ID, info.User.ID, x.GetPermission(), unit)
	}
	return err == nil && ok
}

// linkChecker resolves the links of one plugin's contributions for one
// viewer: a link is kept only when it matches a GET route of the manifest
// whose permission and scope the viewer passes, as a request to it would.
type linkChecker struct {
	rt   *Runtime
	info web.RequestInfo
	p    Plugin
	m    *pluginv1.Manifest
	seen map[string]string
}

func (lc *linkChecker) href(ctx context.Context, link string) string {
	if link == "" || contract.CheckLink(link) != nil {
		return ""
	}
	if h, ok := lc.seen[link]; ok {
		return h
	}
	href := ""
	decl, params := lc.rt.routes(lc.p, lc.m).match(http.MethodGet, contract.LinkPath(link))
	if decl != nil && lc.rt.authorizeRoute(ctx, lc.info, decl, params) == nil {
		href = "/p/" + lc.p.ID + link
	}
	lc.seen[link] = href
	return href
}

// unavailableReason says why a plugin could not be asked.
func unavailableReason(ctx context.Context, err error) string {
	var ue *UnavailableError
	switch {
	case errors.As(err, &ue) && (ue.Failed || ue.Checksum):
		return "is unavailable until an operator acts"
	case errors.As(err, &ue):
		return "is restarting"
	case ctx.Err() != nil:
		return "did not answer in time"
	}
	return "could not be asked"
}

// callReason says why a plugin's answer is missing.
func callReason(ctx context.Context, err error) string {
	switch status.Code(err) {
	case codes.DeadlineExceeded:
		return "did not answer in time"
	case codes.Unavailable, codes.Canceled:
		if ctx.Err() != nil {
			return "did not answer in time"
		}
		return "is restarting"
	}
	return "could not answer"
}
