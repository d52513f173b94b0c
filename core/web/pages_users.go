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

// userRow is one line of the user list: the account and where it holds
// which roles.
type userRow struct {
	User   identity.User
	Grants []grantView
}

// userFilter is what the user list is narrowed by: text in a name or
// email, a role, and the name of the place (school or other unit) a role
// is held at.
type userFilter struct {
	Text, Role, Place string
}

func userFilterOf(c echo.Context) userFilter {
	return userFilter{Text: strings.TrimSpace(c.QueryParam("q")), Role: strings.TrimSpace(c.QueryParam("role")),
		Place: strings.TrimSpace(c.QueryParam("place"))}
}

// query is the filter as a URL query, for the pager's links.
func (f userFilter) query() string {
	return "q=" + urlQueryEscape(f.Text) + "&role=" + urlQueryEscape(f.Role) + "&place=" + urlQueryEscape(f.Place)
}

// newUserForm is the "Add a user" form as submitted, with its problems.
type newUserForm struct {
	Name, Email string
	Errors      formErrors
}

func (s *Server) usersPage(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, newUserForm{}, "")
}

// renderUsers draws the user list, with the "Add a user" form as given.
func (s *Server) renderUsers(c echo.Context, status int, form newUserForm, alert string) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	f := userFilterOf(c)
	offset := queryInt(c, "offset", 0)
	q := identity.UserQuery{Text: f.Text, Limit: pageSize, Offset: offset}
	var places []tenancy.Unit
	if f.Role != "" || f.Place != "" {
		hf := authz.HolderFilter{Role: f.Role}
		if f.Place != "" {
			var err error
			places, _, err = s.Tenancy.Search(ctx, t.ID, tenancy.SearchQuery{Text: f.Place, Limit: tenancy.MaxSearchLimit})
			if err != nil {
				return userError(err)
			}
			hf.UnitIDs = make([]uint, 0, len(places))
			for _, u := range places {
				hf.UnitIDs = append(hf.UnitIDs, u.ID)
			}
		}
		ids, err := s.Authz.Holders(ctx, t.ID, hf)
		if err != nil {
			return err
		}
		q.IDs = ids
	}
	users, total, err := s.Identity.ListUsersWhere(ctx, t.ID, q)
	if err != nil {
		return err
	}
	rows, err := s.userRows(c, users)
	if err != nil {
		return err
	}
	canWrite, err := s.canTenantWide(c, authz.PermUserWrite)
	if err != nil {
		return err
	}
	canGrant, err := s.canTenantWide(c, authz.PermRoleGrant)
	if err != nil {
		return err
	}
	roles, err := s.Authz.TenantRoles(ctx, t.ID)
	if err != nil {
		return err
	}
	p := makePager(offset, pageSize, total)
	return s.renderAlert(c, status, "users", "Users", map[string]any{
		"Rows": rows, "Total": total, "Filter": f, "FilterQuery": f.query(), "Filtered": f != userFilter{},
		"Roles": roleGroups(roles), "PlaceMatches": len(places), "CanWrite": canWrite, "CanImportStaff": canWrite && canGrant, "Form": form,
		"Prev": p.Prev, "Next": p.Next, "PrevOffset": p.PrevOffset, "NextOffset": p.NextOffset,
	}, alert)
}

// userRows pairs each user with their grants, in two queries.
func (s *Server) userRows(c echo.Context, users []identity.User) ([]userRow, error) {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	ids := make([]uint, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	grants, err := s.Authz.GrantsOfUsers(ctx, t.ID, ids)
	if err != nil {
		return nil, err
	}
	var all []authz.Grant
	for _, gs := range grants {
		all = append(all, gs...)
	}
	views, err := s.grantViews(ctx, t.ID, all)
	if err != nil {
		return nil, err
	}
	byID := map[uint]grantView{}
	for _, v := range views {
		byID[v.ID] = v
	}
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i].User = u
		for _, g := range grants[u.ID] {
			rows[i].Grants = append(rows[i].Grants, byID[g.ID])
		}
	}
	return rows, nil
}

func (s *Server) createUserForm(c echo.Context) error {
	t, _ := tenantOf(c)
	form := newUserForm{Name: c.FormValue("name"), Email: c.FormValue("email")}
	nu, err := s.Identity.CreateUser(c.Request().Context(), t.ID, form.Email, form.Name, c.FormValue("password"), false)
	if err != nil {
		return refuseForm(err, nil, func(fe formErrors) error {
			form.Errors = fe
			return s.renderUsers(c, formStatus, form, formSummary)
		})
	}
	SetFlash(c, nu.Name+" can now log in. Grant a role so they can see something.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/users/%d", nu.ID))
}

// grantFormState is the "Grant a role" form: the places matching the
// search, the choice made, and its problems.
type grantFormState struct {
	Place   string
	Matches []tenancy.Unit
	More    int64
	Role    string
	UnitID  uint
	Errors  formErrors
}

// placeMatches is how many places the picker lists at most.
const placeMatches = 20

func (s *Server) userPage(c echo.Context) error {
	return s.renderUser(c, http.StatusOK, grantFormState{Place: strings.TrimSpace(c.QueryParam("place"))}, "")
}

func (s *Server) renderUser(c echo.Context, status int, gf grantFormState, alert string) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	id, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	person, err := s.Identity.GetUser(ctx, t.ID, id)
	if err != nil {
		return userError(err)
	}
	grants, err := s.Authz.Grants(ctx, t.ID, id)
	if err != nil {
		return err
	}
	canGrant, err := s.canTenantWide(c, authz.PermRoleGrant)
	if err != nil {
		return err
	}
	canWrite, err := s.canTenantWide(c, authz.PermUserWrite)
	if err != nil {
		return err
	}
	views, err := s.grantViews(ctx, t.ID, grants)
	if err != nil {
		return err
	}
	roles, err := s.Authz.GrantableRoles(ctx, t.ID)
	if err != nil {
		return err
	}
	if canGrant && gf.Place != "" {
		var total int64
		gf.Matches, total, err = s.Tenancy.Search(ctx, t.ID, tenancy.SearchQuery{Text: gf.Place, Limit: placeMatches})
		if err != nil {
			return userError(err)
		}
		gf.More = total - int64(len(gf.Matches))
	}
	if gf.UnitID != 0 && !containsUnit(gf.Matches, gf.UnitID) {
		if u, err := s.Tenancy.GetUnit(ctx, t.ID, gf.UnitID); err == nil {
			gf.Matches = append([]tenancy.Unit{u}, gf.Matches...)
		}
	}
	return s.renderAlert(c, status, "user", person.Name, map[string]any{
		"Person": person, "Grants": views, "RoleGroups": roleGroups(roles), "CanGrant": canGrant, "CanWrite": canWrite,
		"Grant": gf, "Root": rootOf(c),
	}, alert)
}

func containsUnit(us []tenancy.Unit, id uint) bool {
	for _, u := range us {
		if u.ID == id {
			return true
		}
	}
	return false
}

// grantForm grants a role at the place picked from the search of the
// organisation's units by name (an id from the picker, never typed).
func (s *Server) grantForm(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	me, _ := userOf(c)
	id, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	if _, err := s.Identity.GetUser(ctx, t.ID, id); err != nil {
		return userError(err)
	}
	gf := grantFormState{Place: strings.TrimSpace(c.FormValue("place")), Role: c.FormValue("role"), Errors: formErrors{}}
	refuse := func() error { return s.renderUser(c, formStatus, gf, formSummary) }
	unitID := rootOf(c)
	if v := strings.TrimSpace(c.FormValue("unit")); v != "" && v != "root" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			gf.Errors.add("unit", "choose a place from the list")
			return refuse()
		}
		unitID, gf.UnitID = uint(n), uint(n)
	}
	if _, err := s.openUnit(ctx, t.ID, unitID, "unit"); err != nil {
		if errors.Is(err, tenancy.ErrNotFound) {
			gf.Errors.add("unit", "choose a place from the list")
			return refuse()
		}
		return refuseForm(err, nil, func(fe formErrors) error { gf.Errors = fe; return refuse() })
	}
	by := me.ID
	if err := s.Authz.Grant(ctx, t.ID, id, gf.Role, unitID, &by); err != nil {
		if errorsIsConflict(err) {
			gf.Errors.add("role", "they already hold this role there")
			return refuse()
		}
		return refuseForm(err, nil, func(fe formErrors) error { gf.Errors = fe; return refuse() })
	}
	SetFlash(c, "Role granted.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/users/%d", id))
}

// placeOption is one suggestion of the place picker.
type placeOption struct {
	ID    uint   `json:"id"`
	Name  string `json:"name"`
	Label string `json:"label"`
}

// placePicker answers the place picker's suggestions: the units (not
// archived) within the caller's reach whose name contains q, or whose URN
// starts with it, at most placeMatches of them.
func (s *Server) placePicker(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	within, _, err := s.reach(c, authz.PermOrgUnitRead)
	if err != nil {
		return err
	}
	out := list[placeOption]{Items: []placeOption{}}
	q := strings.TrimSpace(c.QueryParam("q"))
	if q != "" {
		units, total, err := s.Tenancy.Search(ctx, t.ID, tenancy.SearchQuery{Text: q, Within: within, Limit: placeMatches})
		if err != nil {
			return userError(err)
		}
		out.Total = total
		for _, u := range units {
			label := u.Name + " (" + u.Kind.Label()
			if urn := u.URNString(); urn != "" {
				label += ", URN " + urn
			}
			out.Items = append(out.Items, placeOption{ID: u.ID, Name: u.Name, Label: label + ")"})
		}
	}
	return c.JSON(http.StatusOK, out)
}
