package web

import "strings"

// WithImageSources is the Content-Security-Policy policy with sources
// added to its img-src directive (one is added when it has none). The
// caller checks the sources (contract.CheckImageOrigins for a plugin's);
// the core's pages use it for a plugin page that shows images from
// another site, such as a map's tiles, and for that response alone.
func WithImageSources(policy string, sources []string) string {
	if len(sources) == 0 {
		return policy
	}
	add := strings.Join(sources, " ")
	parts := strings.Split(policy, ";")
	for i, p := range parts {
		if f := strings.Fields(p); len(f) > 0 && strings.EqualFold(f[0], "img-src") {
			parts[i] = strings.TrimRight(p, " ") + " " + add
			return strings.Join(parts, ";")
		}
	}
	return strings.TrimRight(policy, "; ") + "; img-src 'self' " + add
}
