package web

import (
	"net"
	"net/url"
	"strings"
)

// isOwnOrigin reports whether origin (a request's Origin header) is exactly
// this site as the request reached it: the scheme of baseURL (the install's
// public URL, so that a TLS-terminating proxy in front changes nothing) and
// the request's host and port (host, its Host header; each tenant has its own
// host names). Scheme, host and port are compared whole, after lower-casing
// and dropping a default port (80 for http, 443 for https); an origin with a
// path, user information, a query or an opaque form ("null") is never this
// site's.
func isOwnOrigin(origin, baseURL, host string) bool {
	base, err := url.Parse(baseURL)
	if err != nil || base.Scheme == "" || origin == "" || host == "" {
		return false
	}
	o, err := url.Parse(origin)
	if err != nil || o.Opaque != "" || o.User != nil || (o.Path != "" && o.Path != "/") || o.RawQuery != "" || o.Fragment != "" || o.Host == "" {
		return false
	}
	scheme := strings.ToLower(base.Scheme)
	if strings.ToLower(o.Scheme) != scheme {
		return false
	}
	return hostPort(o.Host, scheme) == hostPort(host, scheme)
}

// hostPort is host[:port] lower-cased, with the scheme's default port made explicit.
func hostPort(hp, scheme string) string {
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		h, p = strings.Trim(hp, "[]"), ""
	}
	if p == "" {
		p = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return net.JoinHostPort(strings.ToLower(h), p)
}
