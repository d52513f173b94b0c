package pluginhost

import (
	"context"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/web"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// The cache of plugins' contributions.
//
// A home page asks up to four plugins for panels, to-dos and figures that
// each take the plugin a few queries, yet they change only when something
// in the tenant changes. The runtime keeps each plugin's checked answers
// for one viewer and one page, under a key that changes whenever they may
// be out of date:
//
//   - the tenant's changes revision (storage.TenantChangesKey), which the
//     web server bumps after every write of a signed-in person (core pages,
//     the API and every plugin's forms, through the proxy) and the runtime
//     after every plugin job and event of the tenant; a revision lives in
//     the database, so a change made through one node is seen by all;
//   - the authz and org-graph revisions (a grant, a moved school);
//   - the plugin's binary (an upgrade answers afresh) and the London date
//     (to-dos fall due by the day);
//   - what was asked: the viewer, the schools, to-dos, figures.
//
// Only the plugin's answers are kept, never what the page shows: the
// viewer's permission to ask, and every link, are checked again on each
// page. An entry lives at most Options.ExtensionCacheTTL, which bounds
// the staleness of a change the core cannot see (a plugin that writes
// outside a request, job or event; a write made straight to the
// database). A plugin that failed or was too slow is never kept.

// extensionCacheSize bounds the entries kept (one a viewer, page and
// plugin): ten thousand entries of a few kilobytes at most.
const extensionCacheSize = 10000

// answerKey identifies one plugin's answers to one ask.
type answerKey struct {
	plugin, binary string
	tenant, user   uint
	schools        string
	todos, figures bool
	day            string
	revs           revisions
}

// revisions are the revisions an answer was read at.
type revisions struct{ tenant, authz, graph int64 }

// answers are one plugin's checked answers, and when they were read.
type answers struct {
	panels  []*pluginv1.SchoolPanel
	todos   []*pluginv1.Todo
	figures []*pluginv1.Figure
	at      time.Time
}

// answerCache keeps answers up to a time limit. Entries whose key is out
// of date are never read again and leave as the least recently used.
type answerCache struct {
	lru *lru.Cache[answerKey, answers]
	ttl time.Duration
}

// newAnswerCache returns the cache, or nil when ttl is not positive (off).
func newAnswerCache(ttl time.Duration) *answerCache {
	if ttl <= 0 {
		return nil
	}
	c, err := lru.New[answerKey, answers](extensionCacheSize)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &answerCache{lru: c, ttl: ttl}
}

// get returns the answers kept under k, if younger than the time limit.
func (ac *answerCache) get(k answerKey, now time.Time) (answers, bool) {
	a, ok := ac.lru.Get(k)
	if !ok || now.Sub(a.at) >= ac.ttl {
		return answers{}, false
	}
	return a, true
}

func (ac *answerCache) add(k answerKey, a answers) { ac.lru.Add(k, a) }

// currentRevisions reads the revisions the tenant's answers depend on, in
// one statement; ok is false when they cannot be read (then nothing is
// cached or served from the cache).
func (rt *Runtime) currentRevisions(ctx context.Context, tenantID uint) (revisions, bool) {
	if rt.answers == nil || rt.deps.DB == nil {
		return revisions{}, false
	}
	tk := storage.TenantChangesKey(tenantID)
	got, err := storage.Revisions(ctx, rt.deps.DB.Core(ctx), tk, storage.RevisionAuthz, storage.RevisionOrgGraph)
	if err != nil {
		rt.log.WarnContext(ctx, "plugin contributions: read the revisions; asking the plugins", "error", err.Error())
		return revisions{}, false
	}
	return revisions{tenant: got[tk], authz: got[storage.RevisionAuthz], graph: got[storage.RevisionOrgGraph]}, true
}

// keyOf is the cache key of c's ask.
func keyOf(info web.RequestInfo, c *contribution, revs revisions, now time.Time) answerKey {
	var b strings.Builder
	for i, s := range c.schools {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(s, 10))
	}
	return answerKey{plugin: c.p.ID, binary: c.p.SHA256, tenant: info.Tenant.ID, user: info.User.ID,
		schools: b.String(), todos: c.prog.AskedTodos, figures: c.prog.AskedFigures,
		day: now.In(london()).Format(time.DateOnly), revs: revs}
}

// noteChange bumps the tenant's changes revision after a plugin's job or
// event, which may have changed what its contributions say. A failure is
// logged: the cache's time limit still bounds what it keeps.
func (rt *Runtime) noteChange(ctx context.Context, tenantID uint) {
	if rt.deps.DB == nil || tenantID == 0 {
		return
	}
	if err := storage.NoteTenantChange(ctx, rt.deps.DB.Core(ctx), tenantID); err != nil {
		rt.log.WarnContext(ctx, "note the tenant's change", "tenant_id", tenantID, "error", err.Error())
	}
}
