package pluginhost

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/challengepartners/upwards/core/internal/ttlcache"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/web"
)

// The cache of plugins' contributions.
//
// A home page asks up to four plugins for panels, to-dos and figures that
// each take the plugin a few queries, and checks every line's link against
// the viewer's permissions; yet all of it changes only when something in
// the tenant does. The runtime keeps what each plugin contributed to one
// viewer's ask, checked and resolved as the page shows it, and serves it
// again while it is current, under a key of what it must never be served
// across:
//
//   - the authz and org-graph revisions: a grant, a role's permissions, a
//     moved or archived school (what the viewer may be asked, and may open);
//   - the tenant's erasures (storage.TenantErasuresKey): an erased pupil is
//     never shown again;
//   - the viewer's own changes (storage.UserChangesKey) through the core
//     and through the plugin, bumped with the revisions below after every
//     write of theirs and every plugin job they started: a person sees
//     their own change at once (and a change of theirs in one plugin
//     leaves the others' answers standing);
//   - the plugin's binary (an upgrade answers afresh) and the London date
//     (to-dos fall due by the day);
//   - what was asked: the tenant, the viewer, the schools, to-dos, figures.
//
// Other people's changes are told by the tenant's changes revisions, kept
// with the answer: the core's (storage.TenantChangesKey), which the web
// server bumps after every write of a signed-in person to a core page or
// the API (and the pupil import after its commit job), and the plugin's own
// (storage.PluginChangesKey), bumped after every write through its pages
// (the proxy) and by the runtime after each of its jobs and events; another
// plugin's writes leave it alone. An answer read before such a change is
// stale: the page that finds it shows it once more and the plugin is asked
// afresh in the background (refreshLater), so a visit after someone else's
// change never waits on the plugins, and shows that change from the next
// visit on. Revisions live in the database, so a change made through one
// node is seen by all.
//
// An entry lives at most Options.ExtensionCacheTTL, stale or not, which
// bounds the staleness of a change the core cannot see (a plugin that
// writes outside a request, job or event; a write made straight to the
// database) and of one served a visit late. A plugin that failed or was
// too slow is never kept; a plugin the tenant disables is left out before
// the cache is read.

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

// revisions are the revisions an answer is keyed by, across which it is
// never served: authz, the org graph, the tenant's erasures and the
// viewer's own changes, through the core (own) and through the plugin
// (ownHere).
type revisions struct{ authz, graph, erasures, own, ownHere int64 }

// changes are the revisions of everyone's changes an answer was read at:
// the core's in the tenant and the plugin's own. An answer read at older
// ones is stale.
type changes struct{ tenant, plugin int64 }

// current is what currentRevisions reads for one plugin.
type current struct {
	revs revisions
	seen changes
}

// kept is what a plugin contributed to an ask, as the page shows it (nil:
// the viewer was asked nothing of it), and at which changes it was read.
type kept struct {
	prog *web.Programme
	seen changes
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

// answerCache keeps contributions up to a time limit (ttlcache: entries
// whose key is out of date are never read again and leave as the least
// recently used), and tracks the refreshes under way (refreshLater).
type answerCache struct {
	*ttlcache.Cache[answerKey, kept]

	mu         sync.Mutex
	refreshing map[answerKey]bool
}

// maxRefreshes bounds the stale answers asked afresh at once on a node:
// beyond, a stale answer is served as it is, and a later visit asks.
const maxRefreshes = 8

// newAnswerCache returns the cache, or nil when ttl is not positive (off).
func newAnswerCache(ttl time.Duration) *answerCache {
	c := ttlcache.New[answerKey, kept](extensionCacheSize, ttl)
	if c == nil {
		return nil
	}
	return &answerCache{Cache: c, refreshing: map[answerKey]bool{}}
}

// startRefresh reports whether a refresh of k may start (none of k under
// way, fewer than maxRefreshes in all), and if so counts it as under way
// until endRefresh.
func (ac *answerCache) startRefresh(k answerKey) bool {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if ac.refreshing[k] || len(ac.refreshing) >= maxRefreshes {
		return false
	}
	ac.refreshing[k] = true
	return true
}

// endRefresh ends the refresh of k that startRefresh counted.
func (ac *answerCache) endRefresh(k answerKey) {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	delete(ac.refreshing, k)
}

// refreshes is how many refreshes are under way.
func (ac *answerCache) refreshes() int {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	return len(ac.refreshing)
}

// RefreshesUnderWay is how many stale contributions are being asked
// afresh in the background (refreshLater) on this node: tests and
// benchmarks wait for none.
func (rt *Runtime) RefreshesUnderWay() int {
	if rt.answers == nil {
		return 0
	}
	return rt.answers.refreshes()
}

// currentRevisions reads, in one statement, the revisions the viewer's
// contributions from plugins depend on: authz, the org graph, the tenant's
// erasures, the viewer's own changes, the core's changes in the tenant and
// each plugin's own. ok is false when they cannot be read (then nothing is
// cached or served from the cache).
func (rt *Runtime) currentRevisions(ctx context.Context, info web.RequestInfo, plugins []Plugin) (map[string]current, bool) {
	if rt.answers == nil || rt.deps.DB == nil {
		return nil, false
	}
	tenantID, userID := info.Tenant.ID, info.User.ID
	tk, ek, uk := storage.TenantChangesKey(tenantID), storage.TenantErasuresKey(tenantID), storage.UserChangesKey(tenantID, userID, "")
	keys := []string{tk, ek, uk, storage.RevisionAuthz, storage.RevisionOrgGraph}
	for _, p := range plugins {
		keys = append(keys, storage.PluginChangesKey(tenantID, p.ID), storage.UserChangesKey(tenantID, userID, p.ID))
	}
	got, err := storage.Revisions(ctx, rt.deps.DB.Core(ctx), keys...)
	if err != nil {
		rt.log.WarnContext(ctx, "plugin contributions: read the revisions; asking the plugins", "error", err.Error())
		return nil, false
	}
	out := make(map[string]current, len(plugins))
	for _, p := range plugins {
		revs := revisions{authz: got[storage.RevisionAuthz], graph: got[storage.RevisionOrgGraph], erasures: got[ek],
			own: got[uk], ownHere: got[storage.UserChangesKey(tenantID, userID, p.ID)]}
		out[p.ID] = current{revs: revs, seen: changes{tenant: got[tk], plugin: got[storage.PluginChangesKey(tenantID, p.ID)]}}
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

// noteChange bumps the plugin's changes revision in the tenant after its
// job or event, which may have changed what its contributions say, and the
// revision of the person who started the job (userID, 0 for none), who
// then sees its effect at once. A failure is logged: the cache's time
// limit still bounds what it keeps.
func (rt *Runtime) noteChange(ctx context.Context, pluginID string, tenantID, userID uint) {
	if rt.deps.DB == nil || tenantID == 0 {
		return
	}
	keys := []string{storage.PluginChangesKey(tenantID, pluginID)}
	if userID != 0 {
		keys = append(keys, storage.UserChangesKey(tenantID, userID, pluginID))
	}
	if err := storage.NoteTenantChange(ctx, rt.deps.DB.Core(ctx), keys...); err != nil {
		rt.log.WarnContext(ctx, "note the tenant's change", "tenant_id", tenantID, "error", err.Error())
	}
}
