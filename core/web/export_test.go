package web

import "github.com/labstack/echo/v4"

// DeclareForTest registers h as route r, with its permission, as the
// server's own routes are: tests use it to play a handler with a bug.
func (s *Server) DeclareForTest(r Route, h echo.HandlerFunc) { s.routes.add(s.echo, r, h) }

// TenantOfForTest is the request's tenant, for such handlers.
func TenantOfForTest(c echo.Context) uint {
	t, _ := tenantOf(c)
	return t.ID
}

// SetUnboundForTest turns the binding of tenant requests off (true) or on,
// to measure its cost; set it between requests only.
func (s *Server) SetUnboundForTest(off bool) { s.unbound = off }
