package web

import (
	"html/template"
	"strings"
	"sync"

	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// selectCache keeps the rendered HTML of the Directory form's lists (the
// hubs, the taxonomy, …) by field and chosen value, for one build of the
// index (the options come from it): a list of fifty hubs costs more to
// render than the rest of a search. Only a value that is one of the
// field's options (or none) is kept, so a hand-made URL cannot grow it
// past the options' number.
type selectCache struct {
	mu   sync.Mutex
	html map[string]template.HTML // by field name and value
}

func newSelectCache() *selectCache { return &selectCache{html: map[string]template.HTML{}} }

// render renders fields as ui's uiFields does, each list from the cache.
func (c *selectCache) render(fields []ui.Field) template.HTML {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(string(c.field(f)))
	}
	return template.HTML(b.String()) //nolint:gosec // each field escapes its values
}

func (c *selectCache) field(f ui.Field) template.HTML {
	if c == nil || f.Kind != ui.Select || f.Error != "" || !hasOption(f) {
		return f.HTML()
	}
	key := f.Name + "\x00" + f.Value
	c.mu.Lock()
	h, ok := c.html[key]
	c.mu.Unlock()
	if ok {
		return h
	}
	h = f.HTML()
	c.mu.Lock()
	c.html[key] = h
	c.mu.Unlock()
	return h
}

func hasOption(f ui.Field) bool {
	for _, o := range f.Options {
		if o.Value == f.Value {
			return true
		}
	}
	return false
}
