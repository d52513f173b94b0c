package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/tenancy"
)

// Staff import: a CSV of name, email, school, role adds one account per
// row with that role at that school (or any unit, found by its name or
// URN). Every row is checked first; any problem refuses the whole file,
// listing each row's problems, and nothing is saved. Accepted, the accounts
// and grants commit in one transaction, each audited, plus one staff.import
// entry. The accounts get a random password nobody knows: staff sign in
// with their organisation's Microsoft or Google account or set a password
// through a reset.

// Bounds of a staff file.
const (
	maxStaffBytes = 2 << 20
	maxStaffRows  = 2000
)

// staffColumns maps the accepted header names (lower case) to the columns.
var staffColumns = map[string]string{
	"name": "name", "full name": "name", "email": "email", "email address": "email",
	"school": "school", "place": "school", "unit": "school", "urn": "school", "role": "role",
}

// staffRow is one checked row of the file.
type staffRow struct {
	Line               int
	Name, Email, Role  string
	UnitID             uint
	UnitName, RoleName string
}

// rowProblem is one problem of one row, as the refusal lists it.
type rowProblem struct {
	Row          int
	Field, Issue string
}

func (s *Server) staffImportPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "staff_import", "Add staff from a CSV file", map[string]any{"MaxRows": maxStaffRows})
}

func (s *Server) staffImport(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	me, _ := userOf(c)
	if ok, err := s.canTenantWide(c, authz.PermRoleGrant); err != nil || !ok {
		if err != nil {
			return err
		}
		return echo.NewHTTPError(http.StatusForbidden, "Adding staff grants roles, which needs permission "+authz.PermRoleGrant+".")
	}
	refuse := func(fileProblem string, problems []rowProblem) error {
		return s.renderAlert(c, formStatus, "staff_import", "Add staff from a CSV file", map[string]any{
			"MaxRows": maxStaffRows, "FileProblem": fileProblem, "Problems": problems,
		}, "Nothing was saved: correct the file and upload it again.")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return refuse("Choose a CSV file of staff to upload.", nil)
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStaffBytes+1))
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	next, err := importfile.CSVRows(bytes.NewReader(data), int64(len(data)), importfile.Options{MaxBytes: maxStaffBytes})
	if err != nil {
		return refuseFileError(err, refuse)
	}
	rows, problems, err := s.readStaff(c, next)
	if err != nil {
		return refuseFileError(err, refuse)
	}
	if len(problems) > 0 {
		return refuse("", problems)
	}
	if len(rows) == 0 {
		return refuse("The file has a header but no staff.", nil)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("staff import password: %w", err)
	}
	password := base64.RawURLEncoding.EncodeToString(secret)
	nus := make([]identity.NewUser, len(rows))
	for i, r := range rows {
		nus[i] = identity.NewUser{Email: r.Email, Name: r.Name}
	}
	by := me.ID
	var commit func()
	err = s.DB.For(ctx, t.ID).Transaction(func(tx *gorm.DB) error {
		users, err := s.Identity.CreateUsersIn(ctx, tx, t.ID, nus, password)
		if err != nil {
			return err
		}
		gs := make([]authz.Grant, len(users))
		for i, u := range users {
			gs[i] = authz.Grant{UserID: u.ID, Role: rows[i].Role, UnitID: rows[i].UnitID, CreatedBy: &by}
		}
		if commit, err = s.Authz.GrantsIn(ctx, tx, t.ID, gs); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: t.ID, Action: "staff.import", EntityType: "user",
			EntityID: strconv.Itoa(len(users)), After: map[string]any{"file": fh.Filename, "accounts": len(users)}})
	})
	if err != nil {
		if errors.Is(err, identity.ErrConflict) {
			return refuse("Another user was added with one of these emails meanwhile: upload the file again to see which.", nil)
		}
		return fmt.Errorf("staff import: %w", err)
	}
	commit()
	SetFlash(c, fmt.Sprintf("%s added, each with their role. They sign in with their organisation's account or by resetting their password.", plural(len(rows), "member of staff", "members of staff")))
	return c.Redirect(http.StatusSeeOther, "/users")
}

// refuseFileError shows a file the reader refused; any other error passes.
func refuseFileError(err error, refuse func(string, []rowProblem) error) error {
	var fe *importfile.FileError
	if errors.As(err, &fe) {
		return refuse("The file cannot be read: "+fe.Msg+".", nil)
	}
	return err
}

// readStaff reads and checks every row, collecting each row's problems.
func (s *Server) readStaff(c echo.Context, next func() ([]string, int, error)) ([]staffRow, []rowProblem, error) {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	header, _, err := next()
	if errors.Is(err, io.EOF) {
		return nil, []rowProblem{{Row: 1, Field: "header", Issue: "the file is empty"}}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		if name, ok := staffColumns[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))]; ok {
			if _, dup := col[name]; !dup {
				col[name] = i
			}
		}
	}
	var missing []string
	for _, want := range []string{"name", "email", "school", "role"} {
		if _, ok := col[want]; !ok {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		return nil, []rowProblem{{Row: 1, Field: "header", Issue: "the header row needs the columns name, email, school and role; missing: " + strings.Join(missing, ", ")}}, nil
	}
	roles, err := s.Authz.GrantableRoles(ctx, t.ID)
	if err != nil {
		return nil, nil, err
	}
	places := placeFinder{s: s, c: c, cache: map[string]placeResult{}}
	var rows []staffRow
	var problems []rowProblem
	seen := map[string]int{}
	for n := 2; ; n++ {
		rec, _, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		cell := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		if len(rows)+len(problems) >= maxStaffRows {
			return nil, []rowProblem{{Row: n, Field: "file", Issue: fmt.Sprintf("more than %d staff in one file: split it", maxStaffRows)}}, nil
		}
		r := staffRow{Line: n, Name: cell("name"), Email: identity.NormalizeEmail(cell("email"))}
		bad := func(field, issue string) { problems = append(problems, rowProblem{Row: n, Field: field, Issue: issue}) }
		if err := identity.CheckNewUser(r.Email, r.Name); err != nil {
			var ve *identity.ValidationError
			if errors.As(err, &ve) {
				bad(ve.Field, ve.Message)
			} else {
				return nil, nil, err
			}
		}
		if first, ok := seen[r.Email]; ok && r.Email != "" {
			bad("email", fmt.Sprintf("also on row %d: one account per email", first))
		}
		seen[r.Email] = n
		r.Role, r.RoleName = matchRole(roles, cell("role"))
		if r.Role == "" {
			bad("role", fmt.Sprintf("%q is no role this organisation grants", cell("role")))
		}
		u, issue, err := places.find(cell("school"))
		if err != nil {
			return nil, nil, err
		}
		if issue != "" {
			bad("school", issue)
		}
		r.UnitID, r.UnitName = u.ID, u.Name
		rows = append(rows, r)
	}
	emails := make([]string, len(rows))
	for i, r := range rows {
		emails[i] = r.Email
	}
	taken, err := s.Identity.EmailsTaken(ctx, t.ID, emails)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		if taken[r.Email] {
			problems = append(problems, rowProblem{Row: r.Line, Field: "email", Issue: r.Email + " already has an account here"})
		}
	}
	return rows, problems, nil
}

// matchRole finds a grantable role by its name or label, any case.
func matchRole(roles []authz.RoleInfo, v string) (name, label string) {
	for _, r := range roles {
		if strings.EqualFold(r.Name, v) || strings.EqualFold(r.Label, v) {
			return r.Name, r.Label
		}
	}
	return "", ""
}

// placeFinder finds units by exact name (any case) or URN, remembering answers.
type placeFinder struct {
	s     *Server
	c     echo.Context
	cache map[string]placeResult
}

type placeResult struct {
	unit  tenancy.Unit
	issue string
}

func (p placeFinder) find(v string) (tenancy.Unit, string, error) {
	key := strings.ToLower(v)
	if r, ok := p.cache[key]; ok {
		return r.unit, r.issue, nil
	}
	if v == "" {
		return tenancy.Unit{}, "is required: the school's name or URN", nil
	}
	t, _ := tenantOf(p.c)
	found, _, err := p.s.Tenancy.Search(p.c.Request().Context(), t.ID, tenancy.SearchQuery{Text: v, Limit: tenancy.MaxSearchLimit})
	if err != nil {
		return tenancy.Unit{}, "", err
	}
	var exact []tenancy.Unit
	for _, u := range found {
		if strings.EqualFold(u.Name, v) || u.URNString() == v {
			exact = append(exact, u)
		}
	}
	var r placeResult
	switch len(exact) {
	case 1:
		r.unit = exact[0]
	case 0:
		r.issue = fmt.Sprintf("no school or unit here is named %q (archived ones are left out)", v)
	default:
		r.issue = fmt.Sprintf("%d units are named %q: give the school's URN instead", len(exact), v)
	}
	p.cache[key] = r
	return r.unit, r.issue, nil
}
