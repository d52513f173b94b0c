package pluginhost

import (
	"net/http"

	"github.com/labstack/echo/v4"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// routeSet matches request paths against one build's manifest routes with
// Echo's own router, so patterns mean exactly what they mean in the core.
type routeSet struct {
	e     *echo.Echo
	decls map[string]*pluginv1.RouteDecl // "METHOD pattern"
}

func newRouteSet(m *pluginv1.Manifest) *routeSet {
	rs := &routeSet{e: echo.New(), decls: map[string]*pluginv1.RouteDecl{}}
	noop := func(echo.Context) error { return nil }
	for _, r := range m.GetRoutes() {
		rs.e.Add(r.GetMethod(), r.GetPath(), noop)
		rs.decls[r.GetMethod()+" "+r.GetPath()] = r
	}
	return rs
}

// match returns the route declared for method and path, with its path
// parameters, or nil.
func (rs *routeSet) match(method, path string) (*pluginv1.RouteDecl, map[string]string) {
	c := rs.e.NewContext((&http.Request{Method: method}), nil)
	rs.e.Router().Find(method, path, c)
	d := rs.decls[method+" "+c.Path()]
	if d == nil {
		return nil, nil
	}
	params := map[string]string{}
	values := c.ParamValues()
	for i, n := range c.ParamNames() {
		if i < len(values) {
			params[n] = values[i]
		}
	}
	return d, params
}

// routes returns the route set of build p, cached by checksum.
func (rt *Runtime) routes(p Plugin, m *pluginv1.Manifest) *routeSet {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rs, ok := rt.routers[p.SHA256]
	if !ok {
		rs = newRouteSet(m)
		rt.routers[p.SHA256] = rs
	}
	return rs
}
