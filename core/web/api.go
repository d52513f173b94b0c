package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

type list[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
}

func (s *Server) registerAPI() {
	e, t := s.echo, s.routes
	get, post, patch, del := http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
	t.add(e, Route{Method: get, Path: "/api/openapi.json", Permission: PermPublic, Summary: "This API's OpenAPI 3 document"}, s.openAPI)
	t.add(e, Route{Method: get, Path: "/api/v1/me", Permission: PermAuthenticated, Summary: "The calling user, tenant and roles"}, s.apiMe)
	t.add(e, Route{Method: get, Path: "/api/v1/units", Permission: authz.PermOrgUnitRead, Summary: "Search the org units within the caller's reach"}, s.apiUnits)
	t.add(e, Route{Method: post, Path: "/api/v1/units", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant, Summary: "Create an org unit"}, s.apiCreateUnit)
	t.add(e, Route{Method: get, Path: "/api/v1/units/:id", Permission: authz.PermOrgUnitRead, Scope: ScopeUnit, Summary: "One org unit with its parents and children"}, s.apiUnit)
	t.add(e, Route{Method: patch, Path: "/api/v1/units/:id", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant, Summary: "Update an org unit"}, s.apiUpdateUnit)
	t.add(e, Route{Method: post, Path: "/api/v1/units/:id/children", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant, Summary: "Link a child unit"}, s.apiLink)
	t.add(e, Route{Method: post, Path: "/api/v1/units/:id/archive", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant, Summary: "Archive an org unit (a school that leaves): kept with its history, out of lists and new work"}, s.apiArchiveUnit)
	t.add(e, Route{Method: post, Path: "/api/v1/units/:id/unarchive", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant, Summary: "Bring an archived org unit back"}, s.apiUnarchiveUnit)
	t.add(e, Route{Method: del, Path: "/api/v1/units/:id", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant, Summary: "Always refused (409): units are archived, never deleted, as plugin data may refer to them"}, s.apiDeleteUnit)
	t.add(e, Route{Method: del, Path: "/api/v1/units/:id/children/:child", Permission: authz.PermOrgUnitWrite, Scope: ScopeTenant, Summary: "Unlink a child unit"}, s.apiUnlink)
	t.add(e, Route{Method: get, Path: "/api/v1/users", Permission: authz.PermUserRead, Scope: ScopeTenant, Summary: "List users"}, s.apiUsers)
	t.add(e, Route{Method: post, Path: "/api/v1/users", Permission: authz.PermUserWrite, Scope: ScopeTenant, Summary: "Create a user"}, s.apiCreateUser)
	t.add(e, Route{Method: get, Path: "/api/v1/users/:uid", Permission: authz.PermUserRead, Scope: ScopeTenant, Summary: "One user with their role grants"}, s.apiUser)
	t.add(e, Route{Method: post, Path: "/api/v1/users/:uid/grants", Permission: authz.PermRoleGrant, Scope: ScopeTenant, Summary: "Grant a role at a unit"}, s.apiGrant)
	t.add(e, Route{Method: del, Path: "/api/v1/users/:uid/grants/:gid", Permission: authz.PermRoleGrant, Scope: ScopeTenant, Summary: "Revoke a role grant"}, s.apiRevoke)
	t.add(e, Route{Method: get, Path: "/api/v1/audit", Permission: authz.PermAuditRead, Scope: ScopeTenant, Summary: "The tenant's audit log, newest first"}, s.apiAudit)
}

func (s *Server) apiMe(c echo.Context) error {
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	grants, err := s.Authz.Grants(c.Request().Context(), t.ID, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": u, "tenant": t, "grants": grants})
}

func (s *Server) apiUnits(c echo.Context) error {
	t, _ := tenantOf(c)
	within, _, err := s.reach(c, authz.PermOrgUnitRead)
	if err != nil {
		return err
	}
	q := tenancy.SearchQuery{Text: c.QueryParam("q"), Kind: tenancy.Kind(c.QueryParam("kind")), Within: within,
		Limit: queryInt(c, "limit", 50), Offset: queryInt(c, "offset", 0)}
	units, total, err := s.Tenancy.Search(c.Request().Context(), t.ID, q)
	if err != nil {
		return userError(err)
	}
	return c.JSON(http.StatusOK, list[tenancy.Unit]{Items: units, Total: total})
}

// unitBody is the JSON body of unit create and update.
type unitBody struct {
	Kind         string   `json:"kind"`
	Name         string   `json:"name"`
	URN          string   `json:"urn"`
	Phase        string   `json:"phase"`
	OfstedGrade  string   `json:"ofsted_grade"`
	PupilsOnRoll *int     `json:"pupils_on_roll"`
	Latitude     *float64 `json:"latitude"`
	Longitude    *float64 `json:"longitude"`
}

func bindJSON(c echo.Context, v any) error {
	if !strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the body as application/json")
	}
	if err := (&echo.DefaultBinder{}).BindBody(c, v); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "the JSON body could not be read: "+err.Error())
	}
	return nil
}

func (b unitBody) input() tenancy.UnitInput {
	return tenancy.UnitInput{Kind: tenancy.Kind(b.Kind), Name: b.Name, URN: b.URN, Phase: b.Phase, OfstedGrade: b.OfstedGrade,
		PupilsOnRoll: b.PupilsOnRoll, Latitude: b.Latitude, Longitude: b.Longitude}
}

func (s *Server) apiCreateUnit(c echo.Context) error {
	t, _ := tenantOf(c)
	var b unitBody
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	u, err := s.Tenancy.CreateUnit(c.Request().Context(), t.ID, b.input())
	if err != nil {
		return userError(err)
	}
	s.unitChanged(c, u.ID, u.Kind == tenancy.KindSchool)
	return c.JSON(http.StatusCreated, u)
}

func (s *Server) apiUnit(c echo.Context) error {
	d, err := s.loadUnitDetail(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) apiUpdateUnit(c echo.Context) error {
	t, _ := tenantOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	cur, err := s.Tenancy.GetUnit(ctx, t.ID, id)
	if err != nil {
		return userError(err)
	}
	b := unitBody{Name: cur.Name, Phase: string(cur.Phase), OfstedGrade: string(cur.OfstedGrade), PupilsOnRoll: cur.PupilsOnRoll,
		Latitude: cur.Latitude, Longitude: cur.Longitude}
	if cur.URN != nil {
		b.URN = *cur.URN
	}
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	b.Kind = string(cur.Kind)
	u, err := s.Tenancy.UpdateUnit(ctx, t.ID, id, b.input())
	if err != nil {
		return userError(err)
	}
	s.unitChanged(c, u.ID, u.Kind == tenancy.KindSchool)
	return c.JSON(http.StatusOK, u)
}

func (s *Server) apiLink(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var b struct {
		ChildID uint `json:"child_id"`
	}
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	if err := s.Tenancy.Link(c.Request().Context(), t.ID, id, b.ChildID); err != nil {
		return userError(err)
	}
	s.childChanged(c, b.ChildID)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUnlink(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	child, err := paramID(c, "child")
	if err != nil {
		return err
	}
	if err := s.Tenancy.Unlink(c.Request().Context(), t.ID, id, child); err != nil {
		return userError(err)
	}
	s.childChanged(c, child)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiUsers(c echo.Context) error {
	t, _ := tenantOf(c)
	users, total, err := s.Identity.ListUsers(c.Request().Context(), t.ID, c.QueryParam("q"), queryInt(c, "limit", 50), queryInt(c, "offset", 0))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list[identity.User]{Items: users, Total: total})
}

func (s *Server) apiCreateUser(c echo.Context) error {
	t, _ := tenantOf(c)
	var b struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	u, err := s.Identity.CreateUser(c.Request().Context(), t.ID, b.Email, b.Name, b.Password, false)
	if err != nil {
		return userError(err)
	}
	return c.JSON(http.StatusCreated, u)
}

func (s *Server) apiUser(c echo.Context) error {
	t, _ := tenantOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	u, err := s.Identity.GetUser(ctx, t.ID, id)
	if err != nil {
		return userError(err)
	}
	grants, err := s.Authz.Grants(ctx, t.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": u, "grants": grants})
}

func (s *Server) apiGrant(c echo.Context) error {
	t, _ := tenantOf(c)
	me, _ := userOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	var b struct {
		Role   string `json:"role"`
		UnitID uint   `json:"unit_id"`
	}
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	if b.UnitID == 0 {
		b.UnitID = rootOf(c)
	}
	if _, err := s.Identity.GetUser(ctx, t.ID, id); err != nil {
		return userError(err)
	}
	if _, err := s.openUnit(ctx, t.ID, b.UnitID, "unit_id"); err != nil {
		return userError(err)
	}
	by := me.ID
	if err := s.Authz.Grant(ctx, t.ID, id, b.Role, b.UnitID, &by); err != nil {
		return userError(err)
	}
	grants, err := s.Authz.Grants(ctx, t.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"grants": grants})
}

func (s *Server) apiRevoke(c echo.Context) error {
	if _, err := s.revokeUserGrant(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiAudit(c echo.Context) error {
	t, _ := tenantOf(c)
	f := auditFilter(c)
	f.Limit, f.Offset = queryInt(c, "limit", 50), queryInt(c, "offset", 0)
	evs, total, err := audit.List(c.Request().Context(), s.DB.For(c.Request().Context(), t.ID), t.ID, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list[audit.Event]{Items: evs, Total: total})
}

// childChanged reports a unit whose membership changed (a link or unlink).
func (s *Server) childChanged(c echo.Context, id uint) {
	t, _ := tenantOf(c)
	if u, err := s.Tenancy.GetUnit(c.Request().Context(), t.ID, id); err == nil {
		s.unitChanged(c, u.ID, u.Kind == tenancy.KindSchool)
	}
}
