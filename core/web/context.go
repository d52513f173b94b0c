package web

import (
	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

// Keys of the values the middleware puts on an echo.Context.
const (
	ctxTenant   = "upwards.tenant"
	ctxRoot     = "upwards.root"
	ctxUser     = "upwards.user"
	ctxSession  = "upwards.session"
	ctxToken    = "upwards.session_token"
	ctxAPIToken = "upwards.api_token"
	ctxCSRF     = "upwards.csrf"
	ctxNav      = "upwards.nav"
)

func tenantOf(c echo.Context) (tenancy.Tenant, bool) {
	t, ok := c.Get(ctxTenant).(tenancy.Tenant)
	return t, ok
}

func rootOf(c echo.Context) uint {
	id, _ := c.Get(ctxRoot).(uint)
	return id
}

func userOf(c echo.Context) (identity.User, bool) {
	u, ok := c.Get(ctxUser).(identity.User)
	return u, ok
}

func csrfOf(c echo.Context) string {
	s, _ := c.Get(ctxCSRF).(string)
	return s
}

func requestID(c echo.Context) string {
	if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
		return id
	}
	return c.Request().Header.Get(echo.HeaderXRequestID)
}
