package web

import (
	"net/url"
	"testing"
)

// safeNext keeps a path on this site and turns everything a browser would
// read as another site into "/", whatever the disguise (issue 12, item 9).
func TestSafeNextRefusesEveryWayOffSite(t *testing.T) {
	offSite := []string{
		"/\t/evil.example/", // the payload: /%09/evil.example/...
		"/\t/evil.example/x?y=1",
		"/\n/evil.example",
		"/\r\n/evil.example",
		"\t//evil.example",
		"/\\evil.example",
		"\\/evil.example",
		"\\\\evil.example",
		"/\\\t\\evil.example",
		"//evil.example",
		"///evil.example",
		"https://evil.example/",
		"javascript:alert(1)",
		"evil.example",
		" //evil.example",
		"/\x00/evil.example",
		"/\x7f/evil.example",
		"/%2F/evil.example", // a path that decodes to //evil.example
		"",
	}
	for _, next := range offSite {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
	}
	// The same payloads as they arrive in a query string, decoded.
	for _, raw := range []string{"/%09/evil.example/", "/%0A/evil.example", "/%5C%5Cevil.example", "%2F%2Fevil.example"} {
		v, err := url.ParseQuery("next=" + raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := safeNext(v.Get("next")); got != "/" {
			t.Errorf("next=%s: safeNext = %q, want /", raw, got)
		}
	}
	onSite := map[string]string{
		"/":                     "/",
		"/units":                "/units",
		"/units?kind=school":    "/units?kind=school",
		"/pupils/3#notes":       "/pupils/3#notes",
		"/units/\t1":            "/units/1", // normalised as the browser would
		"/p/challengegap/a\\b":  "/p/challengegap/a/b",
		"/search?q=a%20b&x=%2F": "/search?q=a%20b&x=%2F",
	}
	for next, want := range onSite {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
