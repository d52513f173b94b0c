package pluginhost

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/web"
)

// The cache of plugins' contributions.
//
// A home page asks up to four plugins for panels, to-dos and figures that
// each take the plugin a few queries, and checks every line's link against
// the viewer's permissions; yet all of it changes only when something in
// the tenant does. The runtime keeps what each plugin contributed to one
// viewer's ask, checked and resolved as the page shows it, under a key
// that changes whenever it may be out of date:
//
//   - the tenant's changes revisions: the core's (storage.TenantChangesKey),
//     which the web server bumps after every write of a signed-in person to
//     a core page or the API (and the pupil import after its commit job),
//     and the plugin's own
//     (storage.PluginChangesKey), bumped after every write through its
//     pages (the proxy) and by the runtime after each of its jobs and
//     events; another plugin's writes leave it alone. Revisions live in the
//     database, so a change made through one node is seen by all;
//   - the authz and org-graph revisions: a grant, a role's permissions, a
//     moved or archived school (what the viewer may be asked, and may open);
//   - the plugin's binary (an upgrade answers afresh) and the London date
//     (to-dos fall due by the day);
//   - what was asked: the tenant, the viewer, the schools, to-dos, figures.
//
// An entry lives at most Options.ExtensionCacheTTL, which bounds the
// staleness of a change the core cannot see (a plugin that writes outside
// a request, job or event; a write made straight to the database). A plugin
// that failed or was too slow is never kept; a plugin the tenant disables
// is left out before the cache is read.

// extensionCacheSize bounds the entries kept (one a viewer, ask and
// plugin). An entry is a few kilobytes (estimated for the demo's largest, a hub manager's
// 45 to-dos and 10 panels, about 12 KB), so the bound keeps the cache under
// about 25 MB at worst, within the memory the install is measured against;
// entries live 2 minutes, so it holds the viewers of the last minutes: some
// 500 at once with four programmes each.
const extensionCacheSize = 2048

// answerKey identifies one plugin's part of one ask.
type answerKey struct {
	plugin, binary string
	tenant, user   uint
	schools        string
	todos, figures bool
	day            string
	revs           revisions
}

// revisions are the revisions an answer was read at: the core's changes in
// the tenant, the plugin's own, authz and the org graph.
type revisions struct{ tenant, plugin, authz, graph int64 }

// kept is what a plugin contributed to an ask, as the page shows it (nil:
// the viewer was asked nothing of it), and when it was read.
type kept struct {
	prog *web.Programme
	at   time.Time
}

// cloneProgramme is a deep copy of p (nil for nil): what is kept and what
// a page is given never share a map or slice, so a page that changes its
// copy never changes what is kept.
func cloneProgramme(p *web.Programme) *web.Programme {
	if p == nil {
		return nil
	}
	c := *p
	c.Panels = maps.Clone(c.Panels)
	for id, lines := range c.Panels {
		c.Panels[id] = slices.Clone(lines)
	}
	c.PanelSchools = maps.Clone(c.PanelSchools)
	c.Todos = slices.Clone(c.Todos)
	c.Figures = slices.Clone(c.Figures)
	return &c
}

// answerCache keeps contributions up to a time limit. Entries whose key
// is out of date are never read again and leave as the least recently
// used.
type answerCache struct {
	lru *lru.Cache[answerKey, kept]
	ttl time.Duration
}

// newAnswerCache returns the cache, or nil when ttl is not positive (off).
func newAnswerCache(ttl time.Duration) *answerCache {
	if ttl <= 0 {
		return nil
	}
	c, err := lru.New[answerKey, kept](extensionCacheSize)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &answerCache{lru: c, ttl: ttl}
}

// get returns what is kept under k, if younger than the time limit.
func (ac *answerCache) get(k answerKey, now time.Time) (kept, bool) {
	v, ok := ac.lru.Get(k)
	if !ok || now.Sub(v.at) >= ac.ttl {
		return kept{}, false
	}
	return v, true
}

func (ac *answerCache) add(k answerKey, v kept) { ac.lru.Add(k, v) }

// currentRevisions reads, in one statement, the revisions the tenant's
// contributions from plugins depend on: the core's changes in the tenant,
// each plugin's own, authz and the org graph. ok is false when they cannot
// be read (then nothing is cached or served from the cache).
func (rt *Runtime) currentRevisions(ctx context.Context, tenantID uint, plugins []Plugin) (map[string]revisions, bool) {
	if rt.answers == nil || rt.deps.DB == nil {
		return nil, false
	}
	tk := storage.TenantChangesKey(tenantID)
	keys := []string{tk, storage.RevisionAuthz, storage.RevisionOrgGraph}
	for _, p := range plugins {
		keys = append(keys, storage.PluginChangesKey(tenantID, p.ID))
	}
	got, err := storage.Revisions(ctx, rt.deps.DB.Core(ctx), keys...)
	if err != nil {
		rt.log.WarnContext(ctx, "plugin contributions: read the revisions; asking the plugins", "error", err.Error())
		return nil, false
	}
	out := make(map[string]revisions, len(plugins))
	for _, p := range plugins {
		out[p.ID] = revisions{tenant: got[tk], plugin: got[storage.PluginChangesKey(tenantID, p.ID)],
			authz: got[storage.RevisionAuthz], graph: got[storage.RevisionOrgGraph]}
	}
	return out, true
}

// keyOf is the cache key of plugin p's part of ask.
func keyOf(info web.RequestInfo, p Plugin, ask web.ContributionAsk, revs revisions, now time.Time) answerKey {
	var b strings.Builder
	for i, s := range ask.SchoolIDs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(s), 10))
	}
	return answerKey{plugin: p.ID, binary: p.SHA256, tenant: info.Tenant.ID, user: info.User.ID,
		schools: b.String(), todos: ask.Todos, figures: ask.Figures,
		day: now.In(london()).Format(time.DateOnly), revs: revs}
}

// noteChange bumps the tenant's changes revision after a plugin's job or
// event, which may have changed what its contributions say. A failure is
// logged: the cache's time limit still bounds what it keeps.
func (rt *Runtime) noteChange(ctx context.Context, pluginID string, tenantID uint) {
	if rt.deps.DB == nil || tenantID == 0 {
		return
	}
	if err := storage.NoteTenantChange(ctx, rt.deps.DB.Core(ctx), storage.PluginChangesKey(tenantID, pluginID)); err != nil {
		rt.log.WarnContext(ctx, "note the tenant's change", "tenant_id", tenantID, "error", err.Error())
	}
}
