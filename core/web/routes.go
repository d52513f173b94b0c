package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
)

// Pseudo-permissions that are decided without Casbin.
const (
	// PermPublic marks a route anyone may call, logged in or not.
	PermPublic = "public"
	// PermAuthenticated marks a route any logged-in user may call.
	PermAuthenticated = "authenticated"
	// PermOperator marks a route only install operators may call.
	PermOperator = "operator"
)

// Scope says where a route's permission must hold.
type Scope int

const (
	// ScopeAnywhere: the user holds the permission at some unit of the tenant;
	// the handler itself narrows what it shows to the user's reach.
	ScopeAnywhere Scope = iota
	// ScopeTenant: the permission must hold at the tenant's root unit.
	ScopeTenant
	// ScopeUnit: the permission must hold at the unit named by the route's :id.
	ScopeUnit
)

// Route is one declared route: every route has exactly one permission.
type Route struct {
	Method     string
	Path       string
	Permission string
	Scope      Scope
	Summary    string
}

// routeTable records the declared permission of every route the server
// registers, so the permission middleware and the tests can look them up.
type routeTable struct {
	routes map[string]Route // key: METHOD path
}

func newRouteTable() *routeTable { return &routeTable{routes: map[string]Route{}} }

func routeKey(method, path string) string { return method + " " + path }

// add registers h on e, declaring the route's one permission. Declaring a
// route twice or without a permission is a programming error and panics at start.
func (t *routeTable) add(e *echo.Echo, r Route, h echo.HandlerFunc) {
	if _, dup := t.routes[routeKey(r.Method, r.Path)]; dup {
		panic(fmt.Sprintf("route %s %s declared twice", r.Method, r.Path))
	}
	if r.Permission == "" {
		panic(fmt.Sprintf("route %s %s declares no permission", r.Method, r.Path))
	}
	t.routes[routeKey(r.Method, r.Path)] = r
	e.Add(r.Method, r.Path, h)
}

// lookup returns the declared route for the matched method and path pattern.
func (t *routeTable) lookup(method, path string) (Route, bool) {
	r, ok := t.routes[routeKey(method, path)]
	return r, ok
}

// Routes lists every declared route, sorted by path then method.
func (s *Server) Routes() []Route {
	out := make([]Route, 0, len(s.routes.routes))
	for _, r := range s.routes.routes {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// isAPI reports whether path belongs to the JSON API.
func isAPI(path string) bool { return strings.HasPrefix(path, "/api/") }

func isUnsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}
