package web

import "testing"

// The tile server setting: a path on the site, or an https template on one
// host whose origin the page asks the core to allow; anything else is not
// used, and says why.
func TestTileServer(t *testing.T) {
	for _, c := range []struct{ in, tiles, origin string }{
		{"", "", ""},
		{"  ", "", ""},
		{"/tiles/{z}/{x}/{y}.png", "/tiles/{z}/{x}/{y}.png", ""},
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"},
		{" https://tiles.example.org:8443/{z}/{x}/{y} ", "https://tiles.example.org:8443/{z}/{x}/{y}", "https://tiles.example.org:8443"},
	} {
		tiles, origin, problem := tileServer(c.in)
		if tiles != c.tiles || origin != c.origin || problem != "" {
			t.Errorf("tileServer(%q) = %q, %q, %q", c.in, tiles, origin, problem)
		}
	}
	for _, bad := range []string{"http://tiles.example.org/{z}/{x}/{y}.png", "https://{s}.tile.example.org/{z}/{x}/{y}.png",
		"//tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/{z}/{x}.png", "tiles/{z}/{x}/{y}"} {
		if tiles, origin, problem := tileServer(bad); tiles != "" || origin != "" || problem == "" {
			t.Errorf("tileServer(%q) = %q, %q, %q", bad, tiles, origin, problem)
		}
	}
}
