package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/identity"
)

// ctxAPITokenRow holds the identity.APIToken a bearer request came with.
const ctxAPITokenRow = "upwards.api_token_row"

// tokenLifetimes are the lifetimes, in days, the tokens form offers; the
// first is not the default (defaultTokenDays is).
var tokenLifetimes = []int{30, 90, 365}

const defaultTokenDays = 90

// apiArea is the area of an /api/v1 route pattern: its first segment, or
// "pupils" for every route about pupils (/api/v1/units/:id/pupils too), so
// that a token's areas follow what data it reaches.
func apiArea(path string) string {
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return ""
	}
	segs := strings.Split(rest, "/")
	for _, s := range segs {
		if strings.HasPrefix(s, "pupil") {
			return "pupils"
		}
	}
	return segs[0]
}

// alwaysAllowed are areas every token may use: "me" says who the token is.
func alwaysAllowed(area string) bool { return area == "me" }

// apiAreas lists the areas a token can be limited to, derived from the
// declared /api/v1 routes.
func (s *Server) apiAreas() []string {
	var out []string
	for _, r := range s.Routes() {
		if a := apiArea(r.Path); a != "" && !alwaysAllowed(a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// tokenScope enforces a bearer token's scope and areas: a read-only token
// may only make safe requests, and any token only reaches its areas.
func (s *Server) tokenScope(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, ok := c.Get(ctxAPITokenRow).(identity.APIToken)
		if !ok {
			return next(c)
		}
		if t.ReadOnly() && isUnsafe(c.Request().Method) {
			return echo.NewHTTPError(http.StatusForbidden, "This API token is read-only.")
		}
		if a := apiArea(c.Path()); !alwaysAllowed(a) && !t.AllowsArea(a) {
			return echo.NewHTTPError(http.StatusForbidden, "This API token does not cover the API area "+strconv.Quote(a)+".")
		}
		return next(c)
	}
}

type accountView struct {
	Tokens   []identity.APIToken
	NewToken string
	// Areas, Lifetimes and DefaultDays fill the new-token form.
	Areas       []string
	Lifetimes   []int
	DefaultDays int
	// SecondFactor says whether the user has a confirmed second factor.
	SecondFactor bool
}

func (s *Server) accountView(c echo.Context, newToken string) (accountView, error) {
	u, _ := userOf(c)
	ctx := c.Request().Context()
	toks, err := s.Identity.ListAPITokens(ctx, u.TenantID, u.ID)
	if err != nil {
		return accountView{}, err
	}
	on, err := s.Identity.HasSecondFactor(ctx, u.TenantID, u.ID)
	if err != nil {
		return accountView{}, err
	}
	return accountView{Tokens: toks, NewToken: newToken, Areas: s.apiAreas(), Lifetimes: tokenLifetimes,
		DefaultDays: defaultTokenDays, SecondFactor: on}, nil
}

func (s *Server) accountPage(c echo.Context) error {
	v, err := s.accountView(c, "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "account", "My account", v)
}

// tokenSpec reads the new-token form: a lifetime from tokenLifetimes, a
// scope, and at least one known area.
func (s *Server) tokenSpec(c echo.Context) (identity.TokenSpec, error) {
	days, err := strconv.Atoi(c.FormValue("days"))
	if err != nil || !slices.Contains(tokenLifetimes, days) {
		return identity.TokenSpec{}, echo.NewHTTPError(http.StatusUnprocessableEntity, "expires: choose 30, 90 or 365 days.")
	}
	scope := c.FormValue("scope")
	if scope != identity.TokenRead && scope != identity.TokenWrite {
		return identity.TokenSpec{}, echo.NewHTTPError(http.StatusUnprocessableEntity, "access: choose read-only or read and write.")
	}
	form, err := c.FormParams()
	if err != nil {
		return identity.TokenSpec{}, echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	known := s.apiAreas()
	areas := form["area"]
	for _, a := range areas {
		if !slices.Contains(known, a) {
			return identity.TokenSpec{}, echo.NewHTTPError(http.StatusUnprocessableEntity, "areas: "+strconv.Quote(a)+" is not an API area.")
		}
	}
	if len(areas) == 0 {
		return identity.TokenSpec{}, echo.NewHTTPError(http.StatusUnprocessableEntity, "areas: choose at least one API area.")
	}
	return identity.TokenSpec{Name: c.FormValue("name"), TTL: time.Duration(days) * 24 * time.Hour, Scope: scope, Areas: areas}, nil
}

func (s *Server) createToken(c echo.Context) error {
	u, _ := userOf(c)
	spec, err := s.tokenSpec(c)
	if err != nil {
		return err
	}
	token, _, err := s.Identity.CreateScopedAPIToken(c.Request().Context(), u.TenantID, u.ID, spec)
	if err != nil {
		return userError(err)
	}
	v, err := s.accountView(c, token)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusCreated, "account", "My account", v)
}
