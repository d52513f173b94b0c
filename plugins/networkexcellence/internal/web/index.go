package web

import (
	"net/http"
	"sync"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/directory"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// indexCache keeps each tenant's last Directory index while the store's
// fingerprint of what it was built from (store.DirectoryVersion, which
// covers the years too) stays the same: a search then costs one statement
// and the ranking, not the loading of the year, every school and Area of
// Excellence. One cache belongs to one
// Router; it holds no personal data (schools, their AoEs and hubs).
type indexCache struct {
	mu      sync.Mutex
	entries map[uint64]cachedIndex // by tenant
}

type cachedIndex struct {
	version string
	year    *store.Year
	entries []directory.Entry
	index   *directory.Index
	terms   []store.Term      // the taxonomy, for the search form
	hubs    map[uint64]string // hub names, for the search form
	selects *selectCache      // the search form's lists, rendered
}

func newIndexCache() *indexCache { return &indexCache{entries: map[uint64]cachedIndex{}} }

// get returns the current year, its entries and their index for the
// request's tenant, rebuilding them when the fingerprint changed.
func (c *indexCache) get(r *http.Request) (*store.Year, []directory.Entry, *directory.Index, error) {
	ci, err := c.load(r)
	return ci.year, ci.entries, ci.index, err
}

// load is get with the taxonomy and the hubs' names.
func (c *indexCache) load(r *http.Request) (cachedIndex, error) {
	s := st(r)
	v, err := s.DirectoryVersion(today(r))
	if err != nil {
		return cachedIndex{}, err
	}
	tenant := sdk.TenantID(r.Context())
	c.mu.Lock()
	hit, ok := c.entries[tenant]
	c.mu.Unlock()
	if ok && v != "" && hit.version == v {
		return hit, nil
	}
	y, err := s.CurrentYear(sdk.Today(r.Context()))
	if err != nil || y == nil {
		return cachedIndex{year: y, index: directory.NewIndex(nil)}, err
	}
	if err := s.SeedTerms(now(r)); err != nil {
		return cachedIndex{}, err
	}
	es, err := s.DirectoryEntries(y.ID, today(r))
	if err != nil {
		return cachedIndex{}, err
	}
	ci := cachedIndex{version: v, year: y, entries: es, index: directory.NewIndex(es), selects: newSelectCache()}
	if ci.terms, err = s.Terms(); err != nil {
		return cachedIndex{}, err
	}
	if ci.hubs, err = s.Hubs(); err != nil {
		return cachedIndex{}, err
	}
	if len(ci.terms) > 0 { // a fresh taxonomy changes the fingerprint: keep the next one
		c.mu.Lock()
		c.entries[tenant] = ci
		c.mu.Unlock()
	}
	return ci, nil
}
