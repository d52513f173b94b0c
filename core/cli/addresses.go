package cli

import (
	"net"
	"net/url"
	"strings"

	"github.com/challengepartners/upwards/core/config"
)

// hostURL is the address at which a tenant's host name (a demo's
// "partnership.localhost") reaches this install. Such names resolve to this
// machine only, so the address goes to the server's own port: the base
// URL's scheme and port when the base URL is itself on this machine
// (loopback or a localhost name), otherwise http:// and the port the server
// listens on.
func hostURL(cfg config.Config, host string) string {
	if u, err := url.Parse(cfg.BaseURL); err == nil && onThisMachine(u.Hostname()) {
		if p := u.Port(); p != "" {
			return u.Scheme + "://" + net.JoinHostPort(host, p)
		}
		return u.Scheme + "://" + host
	}
	_, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil || port == "80" {
		return "http://" + host
	}
	return "http://" + net.JoinHostPort(host, port)
}

func onThisMachine(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	host = strings.ToLower(host)
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}
