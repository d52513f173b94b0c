package plugintest

import (
	"strconv"
	"strings"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// matchRoute returns the parameters of an Echo-style pattern in path, and
// whether it matches.
func matchRoute(pattern, path string) (map[string]string, bool) {
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	xs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	out := map[string]string{}
	for i, p := range ps {
		if p == "*" {
			out["*"] = strings.Join(xs[min(i, len(xs)):], "/")
			return out, true
		}
		if i >= len(xs) {
			return nil, false
		}
		switch {
		case strings.HasPrefix(p, ":"):
			if xs[i] == "" {
				return nil, false
			}
			out[p[1:]] = xs[i]
		case p != xs[i]:
			return nil, false
		}
	}
	return out, len(xs) == len(ps)
}

// findRoute returns the manifest route answering method and path: a static
// segment wins over a parameter, as in Echo's router.
func findRoute(m *pluginv1.Manifest, method, path string) (*pluginv1.RouteDecl, map[string]string) {
	var best *pluginv1.RouteDecl
	var bestParams map[string]string
	bestScore := -1
	for _, r := range m.GetRoutes() {
		if r.GetMethod() != method {
			continue
		}
		params, ok := matchRoute(r.GetPath(), path)
		if !ok {
			continue
		}
		score := strings.Count(r.GetPath(), "/")*2 - len(params)
		if score > bestScore {
			best, bestParams, bestScore = r, params, score
		}
	}
	return best, bestParams
}

// examplePath fills a route's parameters: its unit parameter with unit,
// others with "1".
func examplePath(r *pluginv1.RouteDecl, unit uint64) string {
	parts := strings.Split(r.GetPath(), "/")
	for i, p := range parts {
		switch {
		case p == "*":
			parts[i] = ""
		case strings.HasPrefix(p, ":") && p[1:] == r.GetUnitParam():
			parts[i] = strconv.FormatUint(unit, 10)
		case strings.HasPrefix(p, ":"):
			parts[i] = "1"
		}
	}
	return strings.Join(parts, "/")
}

func hasParams(path string) bool { return strings.Contains(path, ":") || strings.Contains(path, "*") }
