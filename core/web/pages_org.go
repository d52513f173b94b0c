package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/tenancy"
)

// reach returns the units the user may read (nil with all=true for the whole tenant).
func (s *Server) reach(c echo.Context, perm string) (within []uint, all bool, err error) {
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	all, ids, err := s.Authz.Reach(c.Request().Context(), t.ID, u.ID, perm)
	if err != nil {
		return nil, false, fmt.Errorf("reach of user %d: %w", u.ID, err)
	}
	if all {
		return nil, true, nil
	}
	if ids == nil {
		ids = []uint{}
	}
	return ids, false, nil
}

// canTenantWide reports whether the signed-in user holds perm at the tenant's root.
func (s *Server) canTenantWide(c echo.Context, perm string) (bool, error) {
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	ok, err := s.Authz.Can(c.Request().Context(), t.ID, u.ID, perm, rootOf(c))
	if err != nil {
		return false, fmt.Errorf("check %s: %w", perm, err)
	}
	return ok, nil
}

// unitDetail loads the unit named by :id with its parents and children.
type unitDetail struct {
	Unit     tenancy.Unit   `json:"unit"`
	Parents  []tenancy.Unit `json:"parents"`
	Children []tenancy.Unit `json:"children"`
}

func (s *Server) loadUnitDetail(c echo.Context) (unitDetail, error) {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return unitDetail{}, err
	}
	var d unitDetail
	if d.Unit, err = s.Tenancy.GetUnit(ctx, t.ID, id); err != nil {
		return d, userError(err)
	}
	if d.Parents, err = s.Tenancy.Parents(ctx, t.ID, id); err != nil {
		return d, err
	}
	if d.Children, err = s.Tenancy.Children(ctx, t.ID, id); err != nil {
		return d, err
	}
	return d, nil
}

type kindCount struct {
	Kind  tenancy.Kind
	Label string
	Count int64
}

const pageSize = 50

// unitForm is a unit form as submitted (add or edit), with its problems.
type unitForm struct {
	Kind, Name, URN, Phase, OfstedGrade, PupilsOnRoll string
	Errors                                            formErrors
}

func unitFormOf(c echo.Context) unitForm {
	return unitForm{Kind: c.FormValue("kind"), Name: c.FormValue("name"), URN: c.FormValue("urn"), Phase: c.FormValue("phase"),
		OfstedGrade: c.FormValue("ofsted_grade"), PupilsOnRoll: c.FormValue("pupils_on_roll")}
}

// unitFields maps the service's field names onto the form's.
var unitFields = map[string]string{"pupils_on_roll": "pupils_on_roll", "ofsted": "ofsted_grade"}

func (s *Server) unitsPage(c echo.Context) error { return s.renderUnits(c, http.StatusOK, nil, "") }

// renderUnits draws the organisation's units, with the "Add a unit" form
// as submitted when form is not nil.
func (s *Server) renderUnits(c echo.Context, status int, form *unitForm, alert string) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	within, _, err := s.reach(c, authz.PermOrgUnitRead)
	if err != nil {
		return err
	}
	offset := queryInt(c, "offset", 0)
	q := tenancy.SearchQuery{Text: c.QueryParam("q"), Kind: tenancy.Kind(c.QueryParam("kind")), Within: within, Limit: pageSize, Offset: offset,
		Archived: c.QueryParam("archived") == "1"}
	units, total, err := s.Tenancy.Search(ctx, t.ID, q)
	if err != nil {
		return userError(err)
	}
	canWrite, err := s.canTenantWide(c, authz.PermOrgUnitWrite)
	if err != nil {
		return err
	}
	p := makePager(offset, pageSize, total)
	if form == nil {
		form = &unitForm{}
	}
	return s.renderAlert(c, status, "units", "Organisation", map[string]any{
		"Form": form, "Units": units, "Total": total, "Query": q.Text, "Kind": q.Kind, "Kinds": tenancy.Kinds(), "Archived": q.Archived,
		"Phases": tenancy.Phases(), "Grades": tenancy.OfstedGrades(), "CanWrite": canWrite,
		"Prev": p.Prev, "Next": p.Next, "PrevOffset": p.PrevOffset, "NextOffset": p.NextOffset,
	}, alert)
}

type personRole struct{ Name, Role, Inactive string }

func (s *Server) unitPage(c echo.Context) error { return s.renderUnit(c, http.StatusOK, nil, "") }

// renderUnit draws a unit's page, with the edit form as submitted when form
// is not nil.
func (s *Server) renderUnit(c echo.Context, status int, form *unitForm, alert string) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	d, err := s.loadUnitDetail(c)
	if err != nil {
		return err
	}
	unit, id := d.Unit, d.Unit.ID
	canWrite, err := s.canTenantWide(c, authz.PermOrgUnitWrite)
	if err != nil {
		return err
	}
	var people []personRole
	if ok, _ := s.Authz.Can(ctx, t.ID, u.ID, authz.PermUserRead, id); ok {
		grants, err := s.Authz.GrantsAt(ctx, t.ID, id)
		if err != nil {
			return err
		}
		rc, err := s.roleCatalog(ctx, t.ID)
		if err != nil {
			return err
		}
		for _, g := range grants {
			if p, err := s.Identity.GetUser(ctx, t.ID, g.UserID); err == nil {
				people = append(people, personRole{Name: p.Name, Role: rc.label(g.Role), Inactive: rc.inactive(g.Role)})
			}
		}
	}
	canPupils, err := s.Authz.Can(ctx, t.ID, u.ID, authz.PermPupilRead, id)
	if err != nil {
		return err
	}
	canImport, err := s.Authz.Can(ctx, t.ID, u.ID, authz.PermPupilImport, id)
	if err != nil {
		return err
	}
	canFigures, err := s.Authz.Can(ctx, t.ID, u.ID, authz.PermSchoolRead, id)
	if err != nil {
		return err
	}
	member := strings.TrimSpace(c.QueryParam("member"))
	var members []tenancy.Unit
	if canWrite && member != "" && !unit.Archived() {
		found, _, err := s.Tenancy.Search(ctx, t.ID, tenancy.SearchQuery{Text: member, Limit: placeMatches})
		if err != nil {
			return userError(err)
		}
		allowed := tenancy.AllowedChildren(unit.Kind)
		for _, m := range found {
			if slices.Contains(allowed, m.Kind) && m.ID != unit.ID {
				members = append(members, m)
			}
		}
	}
	if form == nil {
		form = &unitForm{Name: unit.Name, URN: unit.URNString(), Phase: string(unit.Phase), OfstedGrade: string(unit.OfstedGrade)}
		if unit.PupilsOnRoll != nil {
			form.PupilsOnRoll = strconv.Itoa(*unit.PupilsOnRoll)
		}
	}
	var panels []schoolPanel
	programmes := 0
	if contributor, ok := s.Plugins.(Contributor); ok && unit.Kind == tenancy.KindSchool {
		progs := contributor.Contributions(ctx, Info(c), ContributionAsk{SchoolIDs: []uint{id}})
		programmes, panels = len(progs), panelsFor(progs, id)
	}
	return s.renderAlert(c, status, "unit", unit.Name, map[string]any{
		"Programmes": programmes, "Panels": panels,
		"Form": form, "Unit": unit, "CanFigures": canFigures, "Member": member, "Members": members, "Parents": d.Parents, "Children": d.Children, "CanWrite": canWrite, "People": people, "CanPupils": canPupils,
		"CanImport":  canImport && unit.Kind == tenancy.KindSchool && !unit.Archived(),
		"CanContain": len(tenancy.AllowedChildren(unit.Kind)) > 0 && !unit.Archived(),
		"Phases":     tenancy.Phases(), "Grades": tenancy.OfstedGrades(),
	}, alert)
}

func unitInputFromForm(c echo.Context, kind tenancy.Kind) (tenancy.UnitInput, error) {
	roll, err := formInt(c, "pupils_on_roll")
	if err != nil {
		return tenancy.UnitInput{}, tenancy.FieldErrors{{Field: "pupils_on_roll", Message: "enter a whole number"}}
	}
	return tenancy.UnitInput{Kind: kind, Name: c.FormValue("name"), URN: c.FormValue("urn"), Phase: c.FormValue("phase"),
		OfstedGrade: c.FormValue("ofsted_grade"), PupilsOnRoll: roll}, nil
}

func (s *Server) createUnitForm(c echo.Context) error {
	t, _ := tenantOf(c)
	form := unitFormOf(c)
	in, err := unitInputFromForm(c, tenancy.Kind(form.Kind))
	var unit tenancy.Unit
	if err == nil {
		unit, err = s.Tenancy.CreateUnit(c.Request().Context(), t.ID, in)
	}
	if err != nil {
		return refuseForm(err, unitFields, func(fe formErrors) error {
			form.Errors = fe
			return s.renderUnits(c, formStatus, &form, formSummary)
		})
	}
	s.unitChanged(c, unit.ID, unit.Kind == tenancy.KindSchool)
	SetFlash(c, fmt.Sprintf("%s %s added.", unit.Kind.Label(), unit.Name))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%d", unit.ID))
}

func (s *Server) updateUnitForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur, err := s.Tenancy.GetUnit(ctx, t.ID, id)
	if err != nil {
		return userError(err)
	}
	form := unitFormOf(c)
	in, err := unitInputFromForm(c, cur.Kind)
	if err == nil {
		_, err = s.Tenancy.UpdateUnit(ctx, t.ID, id, in)
	}
	if err != nil {
		return refuseForm(err, unitFields, func(fe formErrors) error {
			form.Errors = fe
			return s.renderUnit(c, formStatus, &form, formSummary)
		})
	}
	s.unitChanged(c, id, cur.Kind == tenancy.KindSchool)
	SetFlash(c, "Saved.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%d", id))
}

func (s *Server) linkUnitForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	child, err := s.resolveUnitRef(c, c.FormValue("child"))
	if err != nil {
		return err
	}
	if err := s.Tenancy.Link(c.Request().Context(), t.ID, id, child.ID); err != nil {
		return userError(err)
	}
	s.unitChanged(c, child.ID, child.Kind == tenancy.KindSchool)
	SetFlash(c, child.Name+" added.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%d", id))
}
