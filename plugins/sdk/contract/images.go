package contract

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxImageOrigins is the most image origins one response may name
// (HandleHTTPResponse.image_origins).
const MaxImageOrigins = 4

// CheckImageOrigin reports whether s is an origin a plugin's response may
// add to its page's img-src: exactly "https://host" or "https://host:port",
// the host a lower-case DNS name or IPv4 address (no wildcard, user, path,
// query or fragment), the port 1–65535. The core and the SDK both check it.
func CheckImageOrigin(s string) error {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		return fmt.Errorf("image origin %q: only https origins (https://host or https://host:port)", s)
	}
	host, port, hasPort := strings.Cut(rest, ":")
	if err := checkHost(host); err != nil {
		return fmt.Errorf("image origin %q: %w", s, err)
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return fmt.Errorf("image origin %q: the port must be a number from 1 to 65535", s)
		}
	}
	return nil
}

func checkHost(h string) error {
	if h == "" || len(h) > 253 {
		return errors.New("the host must be a name of 1 to 253 characters")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return errors.New("the host must be a name such as tiles.example.org (no wildcard, path or query)")
		}
		for _, r := range label {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return errors.New("the host must be a lower-case name such as tiles.example.org (no wildcard, path or query)")
			}
		}
	}
	return nil
}

// CheckImageOrigins checks a response's image origins: at most
// MaxImageOrigins, each passing CheckImageOrigin.
func CheckImageOrigins(origins []string) error {
	if len(origins) > MaxImageOrigins {
		return fmt.Errorf("%d image origins: at most %d", len(origins), MaxImageOrigins)
	}
	for _, o := range origins {
		if err := CheckImageOrigin(o); err != nil {
			return err
		}
	}
	return nil
}

// ImageOriginOf is the origin of an https URL (or URL template such as a
// map's tile server, "https://tiles.example.org/{z}/{x}/{y}.png"), checked
// by CheckImageOrigin; the host is lower-cased and the default port
// dropped. A template's placeholders may be in the path, not the host.
func ImageOriginOf(rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("%q is not an https address with a host", rawURL)
	}
	o := "https://" + strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "443" {
		o += ":" + p
	}
	if err := CheckImageOrigin(o); err != nil {
		return "", err
	}
	return o, nil
}
