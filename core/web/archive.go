package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/tenancy"
)

// UnitArchiveObserver is implemented by a PluginRouter that wants to hear
// of units archived or brought back (to send plugins unit.archived and
// unit.unarchived). It must not block: the request has already succeeded.
type UnitArchiveObserver interface {
	UnitArchived(ctx context.Context, tenantID, unitID uint, archived bool)
}

// unitArchived tells the plugin runtime, if it listens, that a unit was
// archived (archived=true) or unarchived.
func (s *Server) unitArchived(c echo.Context, unitID uint, archived bool) {
	o, ok := s.Plugins.(UnitArchiveObserver)
	if !ok {
		return
	}
	t, _ := tenantOf(c)
	o.UnitArchived(c.Request().Context(), t.ID, unitID, archived)
}

// setArchived archives (or unarchives) the unit named by :id and tells the
// plugins when that changed something.
func (s *Server) setArchived(c echo.Context, archive bool) (tenancy.Unit, bool, error) {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return tenancy.Unit{}, false, err
	}
	ctx := c.Request().Context()
	var u tenancy.Unit
	var changed bool
	if archive {
		u, changed, err = s.Tenancy.ArchiveUnit(ctx, t.ID, id)
	} else {
		u, changed, err = s.Tenancy.UnarchiveUnit(ctx, t.ID, id)
	}
	if err != nil {
		return u, false, userError(err)
	}
	if changed {
		s.unitArchived(c, u.ID, archive)
	}
	return u, changed, nil
}

func (s *Server) archiveUnitForm(c echo.Context) error {
	u, changed, err := s.setArchived(c, true)
	if err != nil {
		return err
	}
	msg := u.Name + " is archived: kept with its history, out of lists and new work."
	if !changed {
		msg = u.Name + " was already archived."
	}
	SetFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%d", u.ID))
}

func (s *Server) unarchiveUnitForm(c echo.Context) error {
	u, changed, err := s.setArchived(c, false)
	if err != nil {
		return err
	}
	msg := u.Name + " is back: it appears in lists and takes new work again."
	if !changed {
		msg = u.Name + " was not archived."
	}
	SetFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%d", u.ID))
}

func (s *Server) apiArchiveUnit(c echo.Context) error {
	u, _, err := s.setArchived(c, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (s *Server) apiUnarchiveUnit(c echo.Context) error {
	u, _, err := s.setArchived(c, false)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// apiDeleteUnit refuses every deletion: plugins keep data about units (a
// school's reviews, projects, evaluations) that the core cannot see, so a
// deleted unit would orphan it. A unit that leaves is archived instead.
func (s *Server) apiDeleteUnit(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.Tenancy.GetUnit(c.Request().Context(), t.ID, id)
	if err != nil {
		return userError(err)
	}
	return echo.NewHTTPError(http.StatusConflict, fmt.Sprintf(
		"%s cannot be deleted: programme plugins may hold data about it. Archive it instead (POST /api/v1/units/%d/archive): it is kept with its history and leaves lists and new work.", u.Name, u.ID))
}

// openUnit returns the unit of the tenant with this id, refusing one that
// is archived (a tenancy.FieldErrors on field): no new work starts at an
// archived unit. A unit not in the tenant is tenancy.ErrNotFound.
func (s *Server) openUnit(ctx context.Context, tenantID, id uint, field string) (tenancy.Unit, error) {
	u, err := s.Tenancy.GetUnit(ctx, tenantID, id)
	if err != nil {
		return u, err
	}
	if u.Archived() {
		return u, tenancy.FieldErrors{{Field: field, Message: u.Name + " is archived; unarchive it first"}}
	}
	return u, nil
}
