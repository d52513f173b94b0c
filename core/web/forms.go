package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

// userError turns a service error into an HTTP error with a message a user
// can act on: validation → 422, not found → 404, conflict → 409, rate limit → 429.
func userError(err error) error {
	if err == nil {
		return nil
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	msg, invalid := validationMessage(err)
	switch {
	case errors.Is(err, tenancy.ErrConflict), errors.Is(err, identity.ErrConflict), errors.Is(err, authz.ErrConflict):
		if !invalid {
			msg = err.Error()
		}
		return echo.NewHTTPError(http.StatusConflict, msg)
	case invalid:
		return echo.NewHTTPError(http.StatusUnprocessableEntity, msg)
	}
	switch {
	case errors.Is(err, tenancy.ErrNotFound), errors.Is(err, identity.ErrNotFound), errors.Is(err, authz.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Not found: "+err.Error())
	case errors.Is(err, identity.ErrRateLimited):
		return echo.NewHTTPError(http.StatusTooManyRequests, "Too many failed logins. Wait a few minutes and try again.")
	case errors.Is(err, identity.ErrBadCredentials):
		return echo.NewHTTPError(http.StatusUnauthorized, "That password is not right.")
	}
	return err
}

// validationMessage collects the field messages of any validation error type
// the services return.
func validationMessage(err error) (string, bool) {
	var msgs []string
	var tf tenancy.FieldErrors
	var tv *tenancy.ValidationError
	if errors.As(err, &tf) {
		msgs = append(msgs, tf.Error())
	} else if errors.As(err, &tv) {
		msgs = append(msgs, tv.Error())
	}
	var iv *identity.ValidationError
	if errors.As(err, &iv) {
		msgs = append(msgs, iv.Error())
	}
	var av *authz.ValidationError
	if errors.As(err, &av) {
		msgs = append(msgs, av.Error())
	}
	if len(msgs) == 0 {
		return "", false
	}
	return strings.Join(msgs, "; "), true
}

func formInt(c echo.Context, name string) (*int, error) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusUnprocessableEntity, fmt.Sprintf("%s: %q is not a whole number", name, v))
	}
	return &n, nil
}

func paramID(c echo.Context, name string) (uint, error) {
	n, err := strconv.ParseUint(c.Param(name), 10, 64)
	if err != nil || n == 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "There is no such page.")
	}
	return uint(n), nil
}

func queryInt(c echo.Context, name string, def int) int {
	n, err := strconv.Atoi(c.QueryParam(name))
	if err != nil || n < 0 {
		return def
	}
	return n
}

// resolveUnitRef finds a unit of the request's tenant by id or URN.
func (s *Server) resolveUnitRef(c echo.Context, ref string) (tenancy.Unit, error) {
	t, _ := tenantOf(c)
	u, err := s.Tenancy.UnitByRef(c.Request().Context(), t.ID, ref)
	return u, userError(err)
}

type pager struct {
	Prev, Next             bool
	PrevOffset, NextOffset int
}

func makePager(offset, limit int, total int64) pager {
	p := pager{PrevOffset: offset - limit, NextOffset: offset + limit}
	if p.PrevOffset < 0 {
		p.PrevOffset = 0
	}
	p.Prev = offset > 0
	p.Next = int64(offset+limit) < total
	return p
}
