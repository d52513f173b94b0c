package prodtest

import (
	"path/filepath"
	"testing"
)

// pages maps each programme plugin to its home page and a text it shows.
var pages = map[string]string{
	"challengegap":      "/p/challengegap/",
	"networkexcellence": "/p/networkexcellence/",
	"eal":               "/p/eal/",
	"gettingahead":      "/p/gettingahead/",
}

func allPlugins() []string {
	var bins []string
	for _, id := range programmes {
		bins = append(bins, filepath.Join(binDir, id))
	}
	return append(bins, canaryV1)
}

func TestProductionShape(t *testing.T) {
	c := newCluster(t, allPlugins()...)
	a, b := c.serve("node-a"), c.serve("node-b")
	for _, n := range []*proc{a, b} {
		for id, path := range pages {
			body := c.mustGet(n, path, "")
			t.Logf("%s %s: %.200s", n.name, id, body)
		}
	}
}
