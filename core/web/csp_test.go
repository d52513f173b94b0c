package web

import "testing"

func TestWithImageSources(t *testing.T) {
	core := "default-src 'self'; img-src 'self' data:; style-src 'self'"
	for _, c := range []struct {
		policy string
		add    []string
		want   string
	}{
		{core, nil, core},
		{core, []string{"https://tiles.example.org"}, "default-src 'self'; img-src 'self' data: https://tiles.example.org; style-src 'self'"},
		{core, []string{"https://a.example", "https://b.example:8443"}, "default-src 'self'; img-src 'self' data: https://a.example https://b.example:8443; style-src 'self'"},
		{"default-src 'self'", []string{"https://a.example"}, "default-src 'self'; img-src 'self' https://a.example"},
	} {
		if got := WithImageSources(c.policy, c.add); got != c.want {
			t.Errorf("WithImageSources(%q, %q) = %q, want %q", c.policy, c.add, got, c.want)
		}
	}
}
