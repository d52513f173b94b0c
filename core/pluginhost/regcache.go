package pluginhost

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// registryCacheTTL is how long a node answers the hot-path questions (which
// plugin is this, does this tenant enable it) from memory. Changes made on
// this node invalidate the cache at once; another node's (or the CLI's) are
// seen within this time, as the permission cache sees grants.
const registryCacheTTL = time.Second

// registryView is one consistent read of the registry.
type registryView struct {
	plugins map[string]Plugin
	enabled map[string]map[uint]bool
	at      time.Time
}

type registryCache struct {
	mu   sync.Mutex
	view *registryView
}

func (c *registryCache) invalidate() {
	c.mu.Lock()
	c.view = nil
	c.mu.Unlock()
}

// view returns a registry view no older than registryCacheTTL.
func (r *Registry) cachedView(ctx context.Context) (*registryView, error) {
	r.cache.mu.Lock()
	v := r.cache.view
	r.cache.mu.Unlock()
	if v != nil && time.Since(v.at) < registryCacheTTL {
		return v, nil
	}
	at := time.Now()
	plugins, err := r.List(ctx)
	if err != nil {
		return nil, err
	}
	en, err := r.enablements(ctx)
	if err != nil {
		return nil, err
	}
	v = &registryView{plugins: map[string]Plugin{}, enabled: map[string]map[uint]bool{}, at: at}
	for _, p := range plugins {
		v.plugins[p.ID] = p
	}
	for id, ts := range en {
		v.enabled[id] = map[uint]bool{}
		for _, t := range ts {
			v.enabled[id][t] = true
		}
	}
	r.cache.mu.Lock()
	if r.cache.view == nil || r.cache.view.at.Before(at) {
		r.cache.view = v
	}
	r.cache.mu.Unlock()
	return v, nil
}

// CachedGet is Get answered from the node's registry cache (hot paths only).
func (r *Registry) CachedGet(ctx context.Context, id string) (Plugin, error) {
	v, err := r.cachedView(ctx)
	if err != nil {
		return Plugin{}, err
	}
	p, ok := v.plugins[id]
	if !ok {
		return Plugin{}, fmt.Errorf("plugin %q: %w", id, ErrNotFound)
	}
	return p, nil
}

// CachedIsEnabled is IsEnabled answered from the node's registry cache.
func (r *Registry) CachedIsEnabled(ctx context.Context, id string, tenantID uint) (bool, error) {
	v, err := r.cachedView(ctx)
	if err != nil {
		return false, err
	}
	return v.enabled[id][tenantID], nil
}

// cachedEnabledPlugins lists the plugins tenantID enables, by name, from the cache.
func (r *Registry) cachedEnabledPlugins(ctx context.Context, tenantID uint) ([]Plugin, error) {
	v, err := r.cachedView(ctx)
	if err != nil {
		return nil, err
	}
	var out []Plugin
	for id, ts := range v.enabled {
		if p, ok := v.plugins[id]; ok && ts[tenantID] {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
