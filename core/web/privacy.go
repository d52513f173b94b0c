package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/tenancy"
)

// registerPrivacyRoutes declares the subject-rights pages (export, erasure,
// retention). Every request that names a pupil is a POST: a name or a UPN
// never travels in a URL, and the pupil id travels in the form.
func (s *Server) registerPrivacyRoutes() {
	e, t := s.echo, s.routes
	perm := authz.PermPrivacyManage
	t.add(e, Route{Method: http.MethodGet, Path: "/privacy", Permission: perm, Scope: ScopeTenant,
		Summary: "Subject rights: find a pupil, past exports and erasures"}, s.privacyPage)
	t.add(e, Route{Method: http.MethodPost, Path: "/privacy/find", Permission: perm, Scope: ScopeTenant,
		Summary: "Find a pupil by school and name, or by UPN"}, s.privacyFind)
	t.add(e, Route{Method: http.MethodPost, Path: "/privacy/export", Permission: perm, Scope: ScopeTenant,
		Summary: "Download everything held about a pupil as a zip archive"}, s.privacyExport)
	t.add(e, Route{Method: http.MethodPost, Path: "/privacy/erase", Permission: perm, Scope: ScopeTenant,
		Summary: "Erase a pupil everywhere (a confirmation step first)"}, s.privacyErase)
}

// privacyService is the subject-rights service, or 503 when not wired.
func (s *Server) privacyService() (*privacy.Service, error) {
	if s.Privacy == nil {
		return nil, echo.NewHTTPError(http.StatusServiceUnavailable, "Subject rights are not available on this server.")
	}
	return s.Privacy, nil
}

// privacyView is what privacy.html shows.
type privacyView struct {
	RetentionDays int
	Requests      []privacy.Request
	Searched      bool
	Found         []privacy.PupilSummary
	School, Name  string
}

func (s *Server) privacyData(c echo.Context, v *privacyView) error {
	svc, err := s.privacyService()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	if v.RetentionDays, err = svc.RetentionDays(ctx, t.ID); err != nil {
		return err
	}
	v.Requests, err = svc.Requests(ctx, t.ID, 50)
	return err
}

func (s *Server) privacyPage(c echo.Context) error {
	var v privacyView
	if err := s.privacyData(c, &v); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "privacy", "Subject rights", &v)
}

// privacyFind finds pupils by school and name, or by UPN, and records the
// read of what it shows.
func (s *Server) privacyFind(c echo.Context) error {
	svc, err := s.privacyService()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	v := privacyView{Searched: true, School: strings.TrimSpace(c.FormValue("school")), Name: strings.TrimSpace(c.FormValue("name"))}
	if typed := strings.TrimSpace(c.FormValue("upn")); typed != "" {
		p, err := svc.FindByUPN(ctx, t.ID, typed)
		if err != nil && !errors.Is(err, privacy.ErrNotFound) {
			return privacyError(err)
		}
		if err == nil {
			v.Found = []privacy.PupilSummary{p}
		}
	} else {
		if v.School == "" || v.Name == "" {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, "Give the school (URN or id) and part of the pupil's name, or the UPN.")
		}
		school, err := s.resolveUnitRef(c, v.School)
		if err != nil {
			return err
		}
		if school.Kind != tenancy.KindSchool {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, "That unit is not a school.")
		}
		if v.Found, err = svc.FindPupils(ctx, t.ID, school.ID, v.Name); err != nil {
			return err
		}
	}
	if err := s.recordPupilRead(c, "POST /privacy/find", v.Found...); err != nil {
		return err
	}
	if err := s.privacyData(c, &v); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "privacy", "Subject rights", &v)
}

// recordPupilRead audits that the page showed these pupils.
func (s *Server) recordPupilRead(c echo.Context, via string, ps ...privacy.PupilSummary) error {
	t, _ := tenantOf(c)
	ids := make([]uint, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return audit.RecordAccess(c.Request().Context(), s.DB.For(c.Request().Context(), t.ID), audit.Access{TenantID: t.ID, Action: "pupil.read", Via: via, PupilIDs: ids})
}

// formPupil reads the pupil id of a form.
func formPupil(c echo.Context) (uint, error) {
	id, err := strconv.ParseUint(c.FormValue("pupil_id"), 10, 64)
	if err != nil || id == 0 {
		return 0, echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose a pupil first.")
	}
	return uint(id), nil
}

func (s *Server) privacyExport(c echo.Context) error {
	svc, err := s.privacyService()
	if err != nil {
		return err
	}
	id, err := formPupil(c)
	if err != nil {
		return err
	}
	t, _ := tenantOf(c)
	partial := c.FormValue("allow_partial") == "yes"
	arch, err := svc.Export(c.Request().Context(), t.ID, id, privacy.ExportOptions{AllowPartial: partial})
	if err != nil {
		return privacyError(err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/zip")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", arch.Filename()))
	c.Response().WriteHeader(http.StatusOK)
	return arch.WriteZip(c.Response())
}

// privacyErase shows the confirmation step, or, with confirm=yes, erases.
func (s *Server) privacyErase(c echo.Context) error {
	svc, err := s.privacyService()
	if err != nil {
		return err
	}
	id, err := formPupil(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	reason := strings.TrimSpace(c.FormValue("reason"))
	if c.FormValue("confirm") != "yes" {
		p, err := svc.Pupil(ctx, t.ID, id)
		if err != nil {
			return privacyError(err)
		}
		if err := s.recordPupilRead(c, "POST /privacy/erase", p); err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "privacy_erase", "Erase a pupil", map[string]any{"Pupil": p, "Reason": reason})
	}
	req, err := svc.Erase(ctx, t.ID, id, reason)
	switch {
	case err == nil:
		SetFlash(c, fmt.Sprintf("Pupil %d is erased from the core and every plugin (request %d).", id, req.ID))
	case errors.Is(err, privacy.ErrIncomplete) && req.ID != 0:
		SetFlash(c, fmt.Sprintf("Erasure %d is incomplete: %s did not finish. The pupil's core record is kept; erase again to finish.",
			req.ID, strings.Join(req.Failed(), ", ")))
	default:
		return privacyError(err)
	}
	return c.Redirect(http.StatusSeeOther, "/privacy")
}

// privacyError maps the service's errors onto pages.
func privacyError(err error) error {
	var inv *privacy.InvalidError
	var ee *privacy.ExportError
	switch {
	case errors.Is(err, privacy.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "There is no such pupil.")
	case errors.As(err, &inv):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, inv.Message)
	case errors.As(err, &ee):
		return echo.NewHTTPError(http.StatusBadGateway, fmt.Sprintf(
			"Nothing was exported: %s did not answer, so the archive would not hold everything. Try again later, or tick \"export without the sources that fail\" (the archive's manifest then says what is missing).",
			strings.Join(ee.Request.Failed(), ", ")))
	}
	return err
}
