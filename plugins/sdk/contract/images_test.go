package contract

import "testing"

func TestCheckImageOrigin(t *testing.T) {
	for _, ok := range []string{"https://tiles.example.org", "https://tile.openstreetmap.org", "https://127.0.0.1:8443", "https://a-b.c0:1"} {
		if err := CheckImageOrigin(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "http://tiles.example.org", "https://", "https://*.example.org", "https://tiles.example.org/",
		"https://tiles.example.org/{z}", "https://Tiles.example.org", "https://user@tiles.example.org", "https://tiles.example.org:0",
		"https://tiles.example.org:99999", "https://tiles.example.org:08", "https://tiles.example.org?x", "https://a..b", "https://-a.b",
		"https://a.b; script-src *", "https://a.b https://c.d", "data:", "'self'", "https://[::1]", "https://{s}.tile.example.org"} {
		if err := CheckImageOrigin(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := CheckImageOrigins([]string{"https://a.b", "https://c.d", "https://e.f", "https://g.h", "https://i.j"}); err == nil {
		t.Error("five origins accepted")
	}
	if err := CheckImageOrigins([]string{"https://a.b", "https://c.d:444"}); err != nil {
		t.Error(err)
	}
}

func TestImageOriginOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://tile.openstreetmap.org/{z}/{x}/{y}.png": "https://tile.openstreetmap.org",
		"https://Tiles.Example.org:443/t/{z}/{x}/{y}":    "https://tiles.example.org",
		" https://127.0.0.1:8443/{z}/{x}/{y}.png ":       "https://127.0.0.1:8443",
	} {
		if got, err := ImageOriginOf(in); err != nil || got != want {
			t.Errorf("ImageOriginOf(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"/tiles/{z}/{x}/{y}.png", "http://tiles.example.org/{z}/{x}/{y}.png", "https://{s}.tile.example.org/{z}/{x}/{y}.png",
		"https://u:p@tiles.example.org/{z}", "tiles.example.org/{z}/{x}/{y}"} {
		if o, err := ImageOriginOf(bad); err == nil {
			t.Errorf("ImageOriginOf(%q) = %q", bad, o)
		}
	}
}
