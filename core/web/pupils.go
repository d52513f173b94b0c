package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/tenancy"
)

// registerPupilRoutes declares the pupil pages and API (list, detail, edit).
// Pupils are named by id in every URL, never by UPN or name: a name search
// is a POST, so the text stays out of URLs, browser history and proxy logs.
func (s *Server) registerPupilRoutes() {
	e, t := s.echo, s.routes
	get, post, patch := http.MethodGet, http.MethodPost, http.MethodPatch
	t.add(e, Route{Method: get, Path: "/units/:id/pupils", Permission: authz.PermPupilRead, Scope: ScopeUnit}, s.pupilsPage)
	t.add(e, Route{Method: post, Path: "/units/:id/pupils/search", Permission: authz.PermPupilRead, Scope: ScopeUnit}, s.pupilsSearch)
	t.add(e, Route{Method: post, Path: "/units/:id/pupils", Permission: authz.PermPupilWrite, Scope: ScopeUnit}, s.createPupilForm)
	t.add(e, Route{Method: get, Path: "/units/:id/pupil-figures", Permission: authz.PermSchoolRead, Scope: ScopeUnit}, s.pupilFiguresPage)
	t.add(e, Route{Method: get, Path: "/pupils/:pid", Permission: authz.PermPupilRead}, s.pupilPage)
	t.add(e, Route{Method: get, Path: "/pupils/:pid/edit", Permission: authz.PermPupilWrite}, s.pupilEditPage)
	t.add(e, Route{Method: post, Path: "/pupils/:pid", Permission: authz.PermPupilWrite}, s.updatePupilForm)
	t.add(e, Route{Method: post, Path: "/pupils/:pid/left", Permission: authz.PermPupilWrite}, s.markLeftForm)
	t.add(e, Route{Method: post, Path: "/pupils/:pid/rejoin", Permission: authz.PermPupilWrite}, s.rejoinForm)
	t.add(e, Route{Method: post, Path: "/pupils/:pid/upn", Permission: authz.PermPupilWrite}, s.revealUPNForm)

	t.add(e, Route{Method: get, Path: "/api/v1/units/:id/pupils", Permission: authz.PermPupilRead, Scope: ScopeUnit, Summary: "The pupils of the schools in a unit (recorded in the audit log)"}, s.apiPupils)
	t.add(e, Route{Method: post, Path: "/api/v1/units/:id/pupils", Permission: authz.PermPupilWrite, Scope: ScopeUnit, Summary: "Add a pupil at a school"}, s.apiCreatePupil)
	t.add(e, Route{Method: post, Path: "/api/v1/units/:id/pupils/search", Permission: authz.PermPupilRead, Scope: ScopeUnit, Summary: "Search a unit's pupils by name (a POST: names stay out of URLs; recorded in the audit log)"}, s.apiSearchPupils)
	t.add(e, Route{Method: get, Path: "/api/v1/units/:id/pupil-figures", Permission: authz.PermSchoolRead, Scope: ScopeUnit, Summary: "Counts of a unit's pupils by year group and flag, small numbers suppressed"}, s.apiPupilFigures)
	t.add(e, Route{Method: get, Path: "/api/v1/pupils/:pid", Permission: authz.PermPupilRead, Summary: "One pupil (recorded in the audit log)"}, s.apiPupil)
	t.add(e, Route{Method: patch, Path: "/api/v1/pupils/:pid", Permission: authz.PermPupilWrite, Summary: "Update or move a pupil"}, s.apiUpdatePupil)
}

// pupilActor is the signed-in user acting through the matched route.
func pupilActor(c echo.Context) pupils.Actor {
	u, _ := userOf(c)
	return pupils.UserActor(u.ID, c.Request().Method+" "+c.Path())
}

// pupilError turns a pupil service error into an HTTP error. Its messages
// name fields and never hold pupil data.
func pupilError(err error) error {
	if err == nil {
		return nil
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	var fe pupils.FieldErrors
	var one *pupils.FieldError
	switch {
	case errors.As(err, &fe):
		if errors.Is(err, pupils.ErrConflict) {
			return echo.NewHTTPError(http.StatusConflict, fe.Error())
		}
		return echo.NewHTTPError(http.StatusUnprocessableEntity, fe.Error())
	case errors.As(err, &one):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, one.Error())
	case errors.Is(err, pupils.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "No such pupil, or not one whose record you may see.")
	case errors.Is(err, pupils.ErrForbidden):
		return echo.NewHTTPError(http.StatusForbidden, "You may see this pupil but not change their record.")
	}
	return err
}

// pupilRow is one line of a pupil list.
type pupilRow struct {
	ID          uint
	Name        string
	Year        string
	DateOfBirth string
	School      string
	SchoolID    uint
	Flags       string
	Left        bool
}

// flagLabels lists the flags p has, for a list.
func flagLabels(p pupils.Pupil) string {
	var out []string
	short := map[pupils.Flag]string{pupils.FlagPupilPremium: "PP", pupils.FlagFSM: "FSM", pupils.FlagFSMEver6: "FSM6",
		pupils.FlagEAL: "EAL", pupils.FlagSENSupport: "SEN K", pupils.FlagEHCP: "EHCP", pupils.FlagLookedAfter: "LAC"}
	for _, f := range pupils.Flags() {
		if lbl, ok := short[f]; ok && f.Has(p) {
			out = append(out, lbl)
		}
	}
	return strings.Join(out, " · ")
}

// schoolNames names the schools of ps.
func (s *Server) schoolNames(c echo.Context, ps []pupils.Pupil) map[uint]string {
	t, _ := tenantOf(c)
	out := map[uint]string{}
	for _, p := range ps {
		if _, ok := out[p.SchoolID]; ok {
			continue
		}
		if u, err := s.Tenancy.GetUnit(c.Request().Context(), t.ID, p.SchoolID); err == nil {
			out[p.SchoolID] = u.Name
		}
	}
	return out
}

func (s *Server) pupilRows(c echo.Context, ps []pupils.Pupil) []pupilRow {
	names := s.schoolNames(c, ps)
	rows := make([]pupilRow, len(ps))
	for i, p := range ps {
		rows[i] = pupilRow{ID: p.ID, Name: p.FamilyName + ", " + p.GivenName, Year: pupils.YearGroupLabel(p.YearGroup),
			DateOfBirth: p.DateOfBirth, School: names[p.SchoolID], SchoolID: p.SchoolID, Flags: flagLabels(p), Left: p.LeftOn != nil}
	}
	return rows
}

// listQuery reads the list filters (none of them pupil data) from the query string.
func listQuery(c echo.Context, unitID uint) (pupils.ListQuery, error) {
	q := pupils.ListQuery{UnitID: unitID, Sort: c.QueryParam("sort"), Desc: c.QueryParam("desc") == "1",
		IncludeLeft: c.QueryParam("left") == "1", Limit: queryInt(c, "limit", pupils.DefaultLimit), Offset: queryInt(c, "offset", 0)}
	if y := strings.TrimSpace(c.QueryParam("year_group")); y != "" {
		n, err := pupils.ParseYearGroup(y)
		if err != nil {
			return q, err
		}
		q.YearGroups = []int{n}
	}
	if f := strings.TrimSpace(c.QueryParam("flag")); f != "" {
		fl, err := pupils.ParseFlagName(f)
		if err != nil {
			return q, err
		}
		q.Flags = []pupils.Flag{fl}
	}
	return q, nil
}

// yearOption is one year group of a select.
type yearOption struct {
	Value int
	Label string
}

func yearOptions() []yearOption {
	var out []yearOption
	for y := pupils.MinYearGroup; y <= pupils.MaxYearGroup; y++ {
		out = append(out, yearOption{y, pupils.YearGroupLabel(y)})
	}
	return out
}

type codeOption struct{ Code, Label string }

func codeOptions(m map[string]string, order string) []codeOption {
	var out []codeOption
	for _, c := range order {
		out = append(out, codeOption{string(c), m[string(c)]})
	}
	return out
}

// pupilForm is what the add and edit forms show.
type pupilForm struct {
	Years     []yearOption
	EAL       []codeOption
	SEN       []codeOption
	Genders   []codeOption
	MaxName   int
	MaxDOB    string
	Record    pupils.Record
	HasRecord bool
}

func newPupilForm() pupilForm {
	return pupilForm{Years: yearOptions(), EAL: codeOptions(pupils.EALProficiencies, "ABCDEN"), SEN: codeOptions(pupils.SENProvisions, "NKE"),
		Genders: []codeOption{{"F", "Female"}, {"M", "Male"}, {"U", "Not known"}}, MaxName: pupils.MaxNameLength,
		MaxDOB: time.Now().Format(time.DateOnly)}
}

func (s *Server) pupilsPage(c echo.Context) error {
	return s.renderPupilList(c, "")
}

func (s *Server) pupilsSearch(c echo.Context) error {
	text := strings.TrimSpace(c.FormValue("q"))
	if text == "" {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "q: type part of a name to search for.")
	}
	return s.renderPupilList(c, text)
}

// renderPupilList shows a unit's pupils: one filtered page, or (text set)
// the first matches of a name search.
func (s *Server) renderPupilList(c echo.Context, text string) error {
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	unit, err := s.Tenancy.GetUnit(ctx, t.ID, id)
	if err != nil {
		return userError(err)
	}
	q, err := listQuery(c, id)
	if err != nil {
		return pupilError(err)
	}
	if text != "" {
		q.Text, q.Offset, q.Limit = text, 0, 100
	}
	ps, total, err := s.Pupils.List(ctx, pupilActor(c), t.ID, q)
	if err != nil {
		return pupilError(err)
	}
	canWrite := false
	if unit.Kind == tenancy.KindSchool {
		if canWrite, err = s.Authz.Can(ctx, t.ID, u.ID, authz.PermPupilWrite, id); err != nil {
			return err
		}
	}
	p := makePager(q.Offset, q.Limit, total)
	filters := url.Values{}
	if len(q.YearGroups) == 1 {
		filters.Set("year_group", strconv.Itoa(q.YearGroups[0]))
	}
	if len(q.Flags) == 1 {
		filters.Set("flag", string(q.Flags[0]))
	}
	if q.Sort != pupils.SortName {
		filters.Set("sort", q.Sort)
	}
	if q.Desc {
		filters.Set("desc", "1")
	}
	if q.IncludeLeft {
		filters.Set("left", "1")
	}
	year := ""
	if len(q.YearGroups) == 1 {
		year = strconv.Itoa(q.YearGroups[0])
	}
	flag := ""
	if len(q.Flags) == 1 {
		flag = string(q.Flags[0])
	}
	return s.render(c, http.StatusOK, "pupils", "Pupils of "+unit.Name, map[string]any{
		"Unit": unit, "IsSchool": unit.Kind == tenancy.KindSchool, "Rows": s.pupilRows(c, ps), "Total": total, "Search": text,
		"Year": year, "Flag": flag, "Sort": q.Sort, "Desc": q.Desc, "Left": q.IncludeLeft, "Flags": pupils.Flags(),
		"Years": yearOptions(), "Filters": filters.Encode(), "CanWrite": canWrite, "Form": newPupilForm(),
		"Prev": p.Prev && text == "", "Next": p.Next && text == "", "PrevOffset": p.PrevOffset, "NextOffset": p.NextOffset,
	})
}

// recordFromForm reads a pupil record from a posted form.
func recordFromForm(c echo.Context) (pupils.Record, error) {
	r := pupils.Record{UPN: c.FormValue("upn"), GivenName: c.FormValue("given_name"), FamilyName: c.FormValue("family_name"),
		DateOfBirth: c.FormValue("date_of_birth"), Gender: c.FormValue("gender"), EALProficiency: c.FormValue("eal_proficiency"),
		SEN: c.FormValue("sen")}
	var errs pupils.FieldErrors
	y, err := pupils.ParseYearGroup(c.FormValue("year_group"))
	if err != nil {
		errs = append(errs, pupils.FieldError{Field: pupils.FieldYearGroup, Message: "choose a year group"})
	}
	r.YearGroup = y
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"pupil_premium", &r.PupilPremium}, {"fsm", &r.FSM}, {"fsm_ever6", &r.FSMEver6}, {"looked_after", &r.LookedAfter}} {
		v, err := pupils.ParseFlag(f.name, c.FormValue(f.name))
		if err != nil {
			errs = append(errs, pupils.FieldError{Field: f.name, Message: "must be ticked or not"})
		}
		*f.dst = v
	}
	return r, errs.OrNil()
}

func (s *Server) createPupilForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	r, err := recordFromForm(c)
	if err != nil {
		return pupilError(err)
	}
	p, err := s.Pupils.Create(c.Request().Context(), pupilActor(c), t.ID, id, r)
	if err != nil {
		return pupilError(err)
	}
	SetFlash(c, "Pupil added.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/pupils/%d", p.ID))
}

// pupilView is the pupil page.
type pupilView struct {
	Pupil     pupils.Pupil
	School    tenancy.Unit
	Year      string
	Gender    string
	EAL       string
	SEN       string
	MaskedUPN string
	UPN       string // set only after "Show UPN"
	Temporary bool
	CanWrite  bool
	Today     string
}

func genderLabel(g string) string {
	switch g {
	case "F":
		return "Female"
	case "M":
		return "Male"
	}
	return "Not known"
}

// loadPupil reads the pupil named by :pid for the signed-in user (recorded).
func (s *Server) loadPupil(c echo.Context) (pupilView, error) {
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "pid")
	if err != nil {
		return pupilView{}, err
	}
	p, err := s.Pupils.Get(ctx, pupilActor(c), t.ID, id)
	if err != nil {
		return pupilView{}, pupilError(err)
	}
	v := pupilView{Pupil: p, Year: pupils.YearGroupLabel(p.YearGroup), Gender: genderLabel(p.Gender), SEN: pupils.SENProvisions[p.SEN],
		MaskedUPN: s.Pupils.MaskedUPN(p), Today: time.Now().Format(time.DateOnly)}
	if p.EAL() {
		v.EAL = p.EALProficiency + " · " + pupils.EALProficiencies[p.EALProficiency]
	}
	if v.School, err = s.Tenancy.GetUnit(ctx, t.ID, p.SchoolID); err != nil {
		return pupilView{}, userError(err)
	}
	if v.CanWrite, err = s.Authz.Can(ctx, t.ID, u.ID, authz.PermPupilWrite, p.SchoolID); err != nil {
		return pupilView{}, err
	}
	return v, nil
}

func (s *Server) pupilPage(c echo.Context) error {
	v, err := s.loadPupil(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "pupil", v.Pupil.GivenName+" "+v.Pupil.FamilyName, v)
}

// revealUPNForm shows the pupil page with the UPN in full. The UPN never
// travels in a URL: the answer to this POST is the page itself. Showing it is
// recorded (pupil.upn.reveal) besides the read of the page.
func (s *Server) revealUPNForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "pid")
	if err != nil {
		return err
	}
	u, err := s.Pupils.RevealUPN(c.Request().Context(), pupilActor(c), t.ID, id)
	if err != nil {
		return pupilError(err)
	}
	v, err := s.loadPupil(c)
	if err != nil {
		return err
	}
	v.UPN = u
	return s.render(c, http.StatusOK, "pupil", v.Pupil.GivenName+" "+v.Pupil.FamilyName, v)
}

func (s *Server) pupilEditPage(c echo.Context) error {
	v, err := s.loadPupil(c)
	if err != nil {
		return err
	}
	if !v.CanWrite {
		return pupilError(pupils.ErrForbidden)
	}
	f := newPupilForm()
	f.Record, f.HasRecord = pupils.RecordOf(v.Pupil, ""), true
	return s.render(c, http.StatusOK, "pupil_edit", "Edit "+v.Pupil.GivenName+" "+v.Pupil.FamilyName, map[string]any{"Pupil": v, "Form": f})
}

func (s *Server) updatePupilForm(c echo.Context) error {
	t, _ := tenantOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "pid")
	if err != nil {
		return err
	}
	if err := s.Pupils.Writable(ctx, pupilActor(c), t.ID, id); err != nil {
		return pupilError(err)
	}
	r, err := recordFromForm(c)
	if err != nil {
		return pupilError(err)
	}
	var schoolID uint
	if ref := strings.TrimSpace(c.FormValue("school")); ref != "" {
		u, err := s.Tenancy.UnitByRef(ctx, t.ID, ref)
		if err != nil || u.Kind != tenancy.KindSchool {
			return pupilError(pupils.FieldErrors{{Field: pupils.FieldSchool, Message: "no school with that URN or id"}})
		}
		schoolID = u.ID
	}
	if _, err := s.Pupils.Update(ctx, pupilActor(c), t.ID, id, schoolID, r); err != nil {
		return pupilError(err)
	}
	SetFlash(c, "Saved.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/pupils/%d", id))
}

func (s *Server) markLeftForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "pid")
	if err != nil {
		return err
	}
	if err := s.Pupils.Writable(c.Request().Context(), pupilActor(c), t.ID, id); err != nil {
		return pupilError(err)
	}
	var on time.Time
	if v := strings.TrimSpace(c.FormValue("left_on")); v != "" {
		if on, err = time.Parse(time.DateOnly, v); err != nil {
			return pupilError(pupils.FieldErrors{{Field: pupils.FieldLeftOn, Message: "must be a date written YYYY-MM-DD"}})
		}
	}
	if _, err := s.Pupils.MarkLeft(c.Request().Context(), pupilActor(c), t.ID, id, on); err != nil {
		return pupilError(err)
	}
	SetFlash(c, "Marked as left.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/pupils/%d", id))
}

func (s *Server) rejoinForm(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "pid")
	if err != nil {
		return err
	}
	if _, err := s.Pupils.ReturnToRoll(c.Request().Context(), pupilActor(c), t.ID, id); err != nil {
		return pupilError(err)
	}
	SetFlash(c, "Back on the roll.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/pupils/%d", id))
}

func (s *Server) pupilFigures(c echo.Context) (pupils.Figures, tenancy.Unit, error) {
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return pupils.Figures{}, tenancy.Unit{}, err
	}
	unit, err := s.Tenancy.GetUnit(ctx, t.ID, id)
	if err != nil {
		return pupils.Figures{}, unit, userError(err)
	}
	f, err := s.Pupils.Figures(ctx, pupils.UserActor(u.ID, c.Request().Method+" "+c.Path()), t.ID, id)
	return f, unit, pupilError(err)
}

func (s *Server) pupilFiguresPage(c echo.Context) error {
	f, unit, err := s.pupilFigures(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "pupil_figures", "Pupil figures of "+unit.Name, map[string]any{"Unit": unit, "Figures": f, "Threshold": pupils.SuppressBelow})
}

// pupilBody is the JSON body of pupil create and update; on update, absent
// fields keep their value (an absent or empty upn keeps the UPN).
type pupilBody struct {
	UPN            *string `json:"upn"`
	GivenName      *string `json:"given_name"`
	FamilyName     *string `json:"family_name"`
	DateOfBirth    *string `json:"date_of_birth"`
	YearGroup      *int    `json:"year_group"`
	Gender         *string `json:"gender"`
	PupilPremium   *bool   `json:"pupil_premium"`
	FSM            *bool   `json:"fsm"`
	FSMEver6       *bool   `json:"fsm_ever6"`
	EALProficiency *string `json:"eal_proficiency"`
	SEN            *string `json:"sen"`
	LookedAfter    *bool   `json:"looked_after"`
	SchoolID       *uint   `json:"school_id"`
}

func (b pupilBody) apply(r *pupils.Record) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setB := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&r.UPN, b.UPN)
	set(&r.GivenName, b.GivenName)
	set(&r.FamilyName, b.FamilyName)
	set(&r.DateOfBirth, b.DateOfBirth)
	set(&r.Gender, b.Gender)
	set(&r.EALProficiency, b.EALProficiency)
	set(&r.SEN, b.SEN)
	setB(&r.PupilPremium, b.PupilPremium)
	setB(&r.FSM, b.FSM)
	setB(&r.FSMEver6, b.FSMEver6)
	setB(&r.LookedAfter, b.LookedAfter)
	if b.YearGroup != nil {
		r.YearGroup = *b.YearGroup
	}
}

func (s *Server) apiPupils(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	q, err := listQuery(c, id)
	if err != nil {
		return pupilError(err)
	}
	ps, total, err := s.Pupils.List(c.Request().Context(), pupilActor(c), t.ID, q)
	if err != nil {
		return pupilError(err)
	}
	return c.JSON(http.StatusOK, list[pupils.Pupil]{Items: ps, Total: total})
}

// pupilSearch is the JSON body of a name search.
type pupilSearch struct {
	Q           string `json:"q"`
	YearGroup   *int   `json:"year_group"`
	Flag        string `json:"flag"`
	Sort        string `json:"sort"`
	Desc        bool   `json:"desc"`
	IncludeLeft bool   `json:"include_left"`
	Limit       int    `json:"limit"`
	Offset      int    `json:"offset"`
}

func (s *Server) apiSearchPupils(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var b pupilSearch
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	if strings.TrimSpace(b.Q) == "" {
		return pupilError(&pupils.FieldError{Field: "q", Message: "give part of a name to search for"})
	}
	q := pupils.ListQuery{UnitID: id, Text: b.Q, Sort: b.Sort, Desc: b.Desc, IncludeLeft: b.IncludeLeft, Limit: b.Limit, Offset: b.Offset}
	if b.YearGroup != nil {
		q.YearGroups = []int{*b.YearGroup}
	}
	if b.Flag != "" {
		q.Flags = []pupils.Flag{pupils.Flag(b.Flag)}
	}
	ps, total, err := s.Pupils.List(c.Request().Context(), pupilActor(c), t.ID, q)
	if err != nil {
		return pupilError(err)
	}
	return c.JSON(http.StatusOK, list[pupils.Pupil]{Items: ps, Total: total})
}

func (s *Server) apiCreatePupil(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var b pupilBody
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	if b.YearGroup == nil {
		return pupilError(pupils.FieldErrors{{Field: pupils.FieldYearGroup, Message: "year group is required"}})
	}
	var r pupils.Record
	b.apply(&r)
	p, err := s.Pupils.Create(c.Request().Context(), pupilActor(c), t.ID, id, r)
	if err != nil {
		return pupilError(err)
	}
	return c.JSON(http.StatusCreated, p)
}

func (s *Server) apiPupil(c echo.Context) error {
	t, _ := tenantOf(c)
	id, err := paramID(c, "pid")
	if err != nil {
		return err
	}
	p, err := s.Pupils.Get(c.Request().Context(), pupilActor(c), t.ID, id)
	if err != nil {
		return pupilError(err)
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiUpdatePupil(c echo.Context) error {
	t, _ := tenantOf(c)
	ctx := c.Request().Context()
	id, err := paramID(c, "pid")
	if err != nil {
		return err
	}
	if err := s.Pupils.Writable(ctx, pupilActor(c), t.ID, id); err != nil {
		return pupilError(err)
	}
	var b pupilBody
	if err := bindJSON(c, &b); err != nil {
		return err
	}
	cur, err := s.Pupils.Get(ctx, pupilActor(c), t.ID, id)
	if err != nil {
		return pupilError(err)
	}
	r := pupils.RecordOf(cur, "")
	b.apply(&r)
	var school uint
	if b.SchoolID != nil {
		school = *b.SchoolID
	}
	p, err := s.Pupils.Update(ctx, pupilActor(c), t.ID, id, school, r)
	if err != nil {
		return pupilError(err)
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) apiPupilFigures(c echo.Context) error {
	f, _, err := s.pupilFigures(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

// pupilSchema is the OpenAPI schema of a pupil as the API returns it (never the UPN).
func pupilSchema() map[string]any {
	return obj(map[string]any{"id": integer, "school_id": integer, "given_name": str, "family_name": str,
		"date_of_birth": map[string]any{"type": "string", "format": "date"}, "year_group": map[string]any{"type": "integer", "minimum": pupils.MinYearGroup, "maximum": pupils.MaxYearGroup},
		"gender": map[string]any{"type": "string", "enum": pupils.Genders}, "pupil_premium": boolean, "fsm": boolean, "fsm_ever6": boolean,
		"eal_proficiency": map[string]any{"type": "string", "enum": []string{"A", "B", "C", "D", "E", "N"}},
		"sen":             map[string]any{"type": "string", "enum": []string{"N", "K", "E"}}, "looked_after": boolean,
		"left_on": when, "created_at": when, "updated_at": when})
}

// pupilSearchSchema is the OpenAPI schema of the body of a name search.
func pupilSearchSchema() map[string]any {
	return obj(map[string]any{"q": map[string]any{"type": "string", "description": "part of a given or family name, or both"},
		"year_group": integer, "flag": str, "sort": map[string]any{"type": "string", "enum": []string{"name", "year_group", "date_of_birth", "id"}},
		"desc": boolean, "include_left": boolean, "limit": integer, "offset": integer}, "q")
}

// pupilInputSchema is the OpenAPI schema of the body of pupil create and update.
func pupilInputSchema() map[string]any {
	p := pupilSchema()
	props := p["properties"].(map[string]any)
	for _, k := range []string{"id", "left_on", "created_at", "updated_at"} {
		delete(props, k)
	}
	props["upn"] = map[string]any{"type": "string", "description": "13 characters; required to create; absent or empty on update keeps it. Never returned."}
	props["school_id"] = map[string]any{"type": "integer", "description": "update only: move the pupil to this school"}
	props["eal_proficiency"] = map[string]any{"type": "string", "enum": []string{"", "A", "B", "C", "D", "E", "N"}}
	return p
}
