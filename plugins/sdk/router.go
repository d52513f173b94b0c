package sdk

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Scopes of a route: where its permission must hold (Endpoint.Scope).
const (
	// ScopeAnywhere: somewhere in the tenant; the handler narrows what it shows.
	ScopeAnywhere = pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE
	// ScopeTenant: at the tenant's root unit.
	ScopeTenant = pluginv1.RouteScope_ROUTE_SCOPE_TENANT
	// ScopeUnit: at the org unit whose id is the path parameter UnitParam;
	// a unit outside the actor's reach is 404 before the plugin is asked.
	ScopeUnit = pluginv1.RouteScope_ROUTE_SCOPE_UNIT
)

// Endpoint is one route of the plugin as the manifest declares it: the core
// matches a request against it and enforces Permission at Scope before the
// plugin sees the request.
type Endpoint struct {
	// Method is GET, POST, PUT, PATCH or DELETE.
	Method string
	// Path is an Echo-style pattern below the plugin's base, the only
	// syntax there is: "/", "/schools/:unit", "/files/*". The handler reads
	// a parameter with r.PathValue("unit").
	Path string
	// Permission is the one permission the route needs: the plugin's own,
	// a core one such as "core.school.read", or "authenticated".
	Permission string
	// Scope is ScopeAnywhere, ScopeTenant or ScopeUnit.
	Scope pluginv1.RouteScope
	// UnitParam names the :parameter holding the unit id (ScopeUnit only).
	UnitParam string
	// Summary says what the route does, for operators and the docs.
	Summary string
}

func (e Endpoint) key() string { return e.Method + " " + e.Path }

// decl is e as the contract's RouteDecl.
func (e Endpoint) decl() *pluginv1.RouteDecl {
	return &pluginv1.RouteDecl{Method: e.Method, Path: e.Path, Permission: e.Permission, Scope: e.Scope,
		UnitParam: e.UnitParam, Summary: e.Summary}
}

// Router declares each route once and derives from it both the manifest's
// routes (Decls) and the handler serving them (it is an http.Handler).
// It dispatches on the manifest route the core says matched (Route(r)), so
// there is no second pattern syntax: the SDK has already set r.PathValue for
// the route's parameters. A request for a route the router does not hold is
// answered 404 (net/http's "404 page not found"), and one whose route is
// held for other methods only 405.
//
// Give the router as Plugin.Handler and leave Manifest.Routes empty: the SDK
// fills them in from Decls. If you wrap the router (middleware), set
// Manifest.Routes to Decls yourself; Serve refuses to start when the
// manifest and the router disagree.
//
// Declare every route before Serve; a Router is then safe for concurrent use.
type Router struct {
	endpoints []Endpoint
	handlers  map[string]http.Handler // "METHOD pattern"
	methods   map[string][]string     // pattern → methods, in order of declaration
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{handlers: map[string]http.Handler{}, methods: map[string][]string{}}
}

// Handle declares e served by h, which returns an error for the router to
// answer (see HandlerFunc). It panics, naming the route, when e was declared
// before or h is nil: both are programming errors found at start.
func (rt *Router) Handle(e Endpoint, h HandlerFunc) {
	if h == nil {
		panic(fmt.Sprintf("sdk.Router: route %s has no handler", e.key()))
	}
	rt.add(e, h)
}

// HandleFunc declares e served by an ordinary handler, which answers every
// case itself. It panics like Handle.
func (rt *Router) HandleFunc(e Endpoint, h http.HandlerFunc) {
	if h == nil {
		panic(fmt.Sprintf("sdk.Router: route %s has no handler", e.key()))
	}
	rt.add(e, h)
}

func (rt *Router) add(e Endpoint, h http.Handler) {
	if _, dup := rt.handlers[e.key()]; dup {
		panic(fmt.Sprintf("sdk.Router: route %s is declared twice", e.key()))
	}
	rt.endpoints = append(rt.endpoints, e)
	rt.handlers[e.key()] = h
	rt.methods[e.Path] = append(rt.methods[e.Path], e.Method)
}

// Decls returns the routes as the manifest declares them, in the order they
// were declared (a fresh copy on every call).
func (rt *Router) Decls() []*pluginv1.RouteDecl {
	out := make([]*pluginv1.RouteDecl, len(rt.endpoints))
	for i, e := range rt.endpoints {
		out[i] = e.decl()
	}
	return out
}

// ServeHTTP runs the handler of the manifest route that matched.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := Route(r)
	if h, ok := rt.handlers[r.Method+" "+route]; ok {
		h.ServeHTTP(w, r)
		return
	}
	if ms := rt.methods[route]; len(ms) > 0 {
		w.Header().Set("Allow", strings.Join(ms, ", "))
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	Log(r.Context()).Warn("no handler for the route", "method", r.Method, "route", route)
	http.NotFound(w, r)
}

// checkRoutes reports how the manifest's routes and the router's disagree
// when p.Handler is a *Router and the manifest lists routes (nil when they
// agree, or when the SDK derives the routes from the router).
func checkRoutes(p *Plugin) error {
	rt, ok := p.Handler.(*Router)
	if !ok || p.Manifest == nil || len(p.Manifest.GetRoutes()) == 0 {
		return nil
	}
	var problems []string
	declared := map[string]bool{}
	for _, d := range p.Manifest.GetRoutes() {
		key := d.GetMethod() + " " + d.GetPath()
		declared[key] = true
		i := slices.IndexFunc(rt.endpoints, func(e Endpoint) bool { return e.key() == key })
		switch {
		case i < 0:
			problems = append(problems, "the manifest declares route "+key+", which the router does not serve")
		case !proto.Equal(d, rt.endpoints[i].decl()):
			problems = append(problems, "route "+key+" is declared differently in the manifest and the router")
		}
	}
	for _, e := range rt.endpoints {
		if !declared[e.key()] {
			problems = append(problems, "the router serves route "+e.key()+", which the manifest does not declare")
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s (leave Manifest.Routes empty to have them derived from the router, or set them to router.Decls())",
		strings.Join(problems, "; "))
}
