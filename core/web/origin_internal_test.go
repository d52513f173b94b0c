package web

import "testing"

// The monitor's origin check compares scheme, host and port whole: an origin
// that merely ends or starts with this site's host, or differs in scheme or
// port, is another site.
func TestIsOwnOriginComparesTheWholeOrigin(t *testing.T) {
	cases := []struct {
		name, origin, base, host string
		want                     bool
	}{
		{"same site behind TLS", "https://evil.example.org", "https://evil.example.org", "evil.example.org", true},
		{"default port written out", "https://evil.example.org:443", "https://evil.example.org", "evil.example.org", true},
		{"host case", "https://Evil.Example.ORG", "https://x.example", "evil.example.org", true},
		{"explicit port on both", "http://127.0.0.1:8080", "http://127.0.0.1:8080", "127.0.0.1:8080", true},
		{"tenant host on the base URL's scheme", "https://trust.example.org", "https://partnership.example.org", "trust.example.org", true},
		{"trailing slash", "https://evil.example.org/", "https://evil.example.org", "evil.example.org", true},
		{"IPv6", "http://[::1]:8080", "http://[::1]:8080", "[::1]:8080", true},

		{"host extended after", "https://evil.example.org.attacker.net", "https://evil.example.org", "evil.example.org", false},
		{"host extended before", "https://attacker-evil.example.org", "https://evil.example.org", "evil.example.org", false},
		{"subdomain", "https://x.evil.example.org", "https://evil.example.org", "evil.example.org", false},
		{"user information", "https://evil.example.org@attacker.net", "https://evil.example.org", "evil.example.org", false},
		{"other scheme", "http://evil.example.org", "https://evil.example.org", "evil.example.org", false},
		{"other port", "https://evil.example.org:8443", "https://evil.example.org", "evil.example.org", false},
		{"port missing", "http://127.0.0.1", "http://127.0.0.1:8080", "127.0.0.1:8080", false},
		{"path", "https://evil.example.org/x", "https://evil.example.org", "evil.example.org", false},
		{"scheme-relative", "//evil.example.org", "https://evil.example.org", "evil.example.org", false},
		{"opaque null", "null", "https://evil.example.org", "evil.example.org", false},
		{"empty", "", "https://evil.example.org", "evil.example.org", false},
		{"suffix the old check accepted", "ftp://evil.example.org", "https://evil.example.org", "evil.example.org", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := isOwnOrigin(tc.origin, tc.base, tc.host); got != tc.want {
				t.Errorf("isOwnOrigin(%q, base %q, host %q) = %v, want %v", tc.origin, tc.base, tc.host, got, tc.want)
			}
		})
	}
}
