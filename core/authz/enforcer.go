package authz

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2/model"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/policies"
)

// GraphSource answers questions about a tenant's org-unit graph. The app
// wires core/tenancy's service, whose methods have exactly these signatures.
// AncestorsOrSelf must include the unit itself; for a unit that is not in the
// tenant it returns an empty slice or an error (the enforcer then checks the
// unit's tenant itself, so that unit is refused, not an error). Descendants
// may include the unit itself or not.
type GraphSource interface {
	AncestorsOrSelf(ctx context.Context, tenantID, unitID uint) ([]uint, error)
	Descendants(ctx context.Context, tenantID, unitID uint) ([]uint, error)
}

// DefaultRefreshInterval is how often a production enforcer looks for changes
// made through other nodes (see DefaultOptions).
const DefaultRefreshInterval = time.Second

// rootKind is the org-unit kind of a tenant's root unit.
const rootKind = "tenant"

// Options tune an Enforcer.
type Options struct {
	// RefreshInterval is how often, at most, the enforcer compares the
	// database's authz and org_graph revisions with those it loaded before
	// answering; a change made through another node is seen within it.
	// 0 compares on every call (tests); production uses DefaultRefreshInterval.
	RefreshInterval time.Duration
	// Plugins says which plugins each tenant enables and the roles they
	// declare (see PluginSource); nil: only core roles may be granted.
	Plugins PluginSource
}

// DefaultOptions returns the options for production: RefreshInterval 1s.
func DefaultOptions() Options { return Options{RefreshInterval: DefaultRefreshInterval} }

// Enforcer answers permission checks for every tenant of an install and
// manages role grants. It is safe for concurrent use.
type Enforcer struct {
	db    *storage.DB
	graph GraphSource
	opts  Options
	core  []rolePermLine

	lastCheck atomic.Int64 // unix nanoseconds of the last revision check
	checkMu   sync.Mutex   // one revision check at a time
	loadMu    sync.Mutex   // one tenant load at a time

	mu       sync.RWMutex
	authzRev int64
	graphRev int64
	gen      uint64 // bumped whenever tenants is emptied, so stale loads are not kept
	tenants  map[uint]*tenantState
	plugins  map[string][]rolePermLine // by source
}

// New returns an enforcer over db; it loads each tenant's grants on first use.
func New(ctx context.Context, db *storage.DB, graph GraphSource, opts Options) (*Enforcer, error) {
	if db == nil || graph == nil {
		return nil, errors.New("authz: New needs a database and a graph source")
	}
	if opts.RefreshInterval < 0 {
		return nil, fmt.Errorf("authz: negative refresh interval %s", opts.RefreshInterval)
	}
	if _, err := model.NewModelFromString(policies.Model()); err != nil {
		return nil, fmt.Errorf("authz: %s: %w", policies.ModelFile, err)
	}
	core, err := parseCorePolicy(policies.CorePolicy())
	if err != nil {
		return nil, fmt.Errorf("authz: %w", err)
	}
	e := &Enforcer{db: db, graph: graph, opts: opts, core: core,
		tenants: map[uint]*tenantState{}, plugins: map[string][]rolePermLine{}}
	a, g, err := e.readRevisions(ctx)
	if err != nil {
		return nil, err
	}
	e.authzRev, e.graphRev = a, g
	e.lastCheck.Store(time.Now().UnixNano())
	return e, nil
}

func (e *Enforcer) readRevisions(ctx context.Context) (authzRev, graphRev int64, err error) {
	revs, err := storage.Revisions(ctx, e.db.DB, storage.RevisionAuthz, storage.RevisionOrgGraph)
	if err != nil {
		return 0, 0, fmt.Errorf("authz: %w", err)
	}
	return revs[storage.RevisionAuthz], revs[storage.RevisionOrgGraph], nil
}

// refresh drops every tenant's state when another node (or this one) changed
// grants or the org graph since they were loaded. The revisions are global,
// so each tenant reloads lazily on its next check.
func (e *Enforcer) refresh(ctx context.Context) error {
	iv := e.opts.RefreshInterval
	if iv > 0 {
		if time.Since(time.Unix(0, e.lastCheck.Load())) < iv {
			return nil
		}
		if !e.checkMu.TryLock() {
			return nil // another goroutine is checking; answer from the current state
		}
	} else {
		e.checkMu.Lock()
	}
	defer e.checkMu.Unlock()
	if iv > 0 && time.Since(time.Unix(0, e.lastCheck.Load())) < iv {
		return nil
	}
	a, g, err := e.readRevisions(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	if a != e.authzRev || g != e.graphRev {
		e.authzRev, e.graphRev = a, g
		e.dropAllLocked()
	}
	e.mu.Unlock()
	e.lastCheck.Store(time.Now().UnixNano())
	return nil
}

func (e *Enforcer) dropAllLocked() {
	e.tenants = map[uint]*tenantState{}
	e.gen++
}

// changedHere records a grant change this enforcer committed, which bumped
// the authz revision to rev: only the tenant concerned is reloaded unless
// another node changed something too.
func (e *Enforcer) changedHere(tenantID uint, rev int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.tenants, tenantID)
	e.gen++
	if rev == e.authzRev+1 {
		e.authzRev = rev
	} else {
		e.lastCheck.Store(0) // check the revisions on the next call
	}
}

// state returns the tenant's current Casbin state, loading it if needed.
func (e *Enforcer) state(ctx context.Context, tenantID uint) (*tenantState, error) {
	if err := e.refresh(ctx); err != nil {
		return nil, err
	}
	e.mu.RLock()
	st := e.tenants[tenantID]
	e.mu.RUnlock()
	if st != nil && st.calls.Load() < memoRebuildAfter {
		return st, nil
	}
	return e.load(ctx, tenantID)
}

func (e *Enforcer) load(ctx context.Context, tenantID uint) (*tenantState, error) {
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	e.mu.RLock()
	st, gen := e.tenants[tenantID], e.gen
	e.mu.RUnlock()
	if st != nil && st.calls.Load() < memoRebuildAfter {
		return st, nil
	}
	d, units := (*tenantData)(nil), &unitCache{}
	if st != nil {
		// Only Casbin's memo is full: rebuild from what is in memory.
		d, units = st.data, st.units
	} else {
		var err error
		if d, err = e.loadTenant(ctx, tenantID); err != nil {
			return nil, err
		}
	}
	e.mu.RLock()
	lines := e.linesFor(d.plugins)
	e.mu.RUnlock()
	next, err := buildState(d, units, lines)
	if err != nil {
		return nil, fmt.Errorf("authz: tenant %d: %w", tenantID, err)
	}
	e.mu.Lock()
	if e.gen == gen {
		e.tenants[tenantID] = next
	}
	e.mu.Unlock()
	return next, nil
}

func (e *Enforcer) loadTenant(ctx context.Context, tenantID uint) (*tenantData, error) {
	db := e.db.WithContext(ctx)
	var gs []Grant
	if err := db.Where("tenant_id = ?", tenantID).Order("id").Find(&gs).Error; err != nil {
		return nil, fmt.Errorf("authz: load grants of tenant %d: %w", tenantID, err)
	}
	var roots []uint
	if err := db.Table("org_units").Where("tenant_id = ? AND kind = ?", tenantID, rootKind).
		Order("id").Limit(1).Pluck("id", &roots).Error; err != nil {
		return nil, fmt.Errorf("authz: root unit of tenant %d: %w", tenantID, err)
	}
	tp, err := e.loadTenantPlugins(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	d := &tenantData{tenantID: tenantID, byUser: map[uint][]Grant{}, plugins: tp}
	if len(roots) > 0 {
		d.rootID = roots[0]
	}
	for _, g := range gs {
		if g.Active = tp.activeGrant(g); g.Active {
			d.byUser[g.UserID] = append(d.byUser[g.UserID], g)
			d.grants++
		}
	}
	return d, nil
}

// unit makes sure the ancestors of unitID are known to the tenant's role
// manager and returns its Casbin name, or "" if the unit is not in the tenant.
func (e *Enforcer) unit(ctx context.Context, st *tenantState, unitID uint) (string, error) {
	key := unitKey(unitID)
	if _, ok := st.units.anc.Load(key); ok {
		return key, nil
	}
	ids, err := e.graph.AncestorsOrSelf(ctx, st.data.tenantID, unitID)
	if err != nil || len(ids) == 0 {
		// A unit of another tenant (or none) is refused, not an error; only
		// this rare path asks the database. Nothing is cached: the unit may
		// be created later.
		if ierr := inTenant(e.db.WithContext(ctx), "org_units", st.data.tenantID, unitID); errors.Is(ierr, ErrNotFound) {
			return "", nil
		}
		if err == nil {
			err = errors.New("the graph source knows no ancestors")
		}
		return "", fmt.Errorf("authz: ancestors of unit %d: %w", unitID, err)
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = unitKey(id)
	}
	st.units.anc.Store(key, keys)
	return key, nil
}
