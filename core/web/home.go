package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/tenancy"
)

// homeSchools is the most schools whose programme panels the home page
// shows; a person who reaches more (a hub manager, a trust leader) is
// pointed to the list of units for the rest.
const homeSchools = 12

// homeGroup is one place the viewer holds a role at, with the schools
// shown for it: the school itself, or the first schools beneath a trust,
// hub or cluster.
type homeGroup struct {
	Unit    tenancy.Unit
	Schools []homeSchool
	// More counts the schools beneath it not shown.
	More int
}

// homeSchool is a school with every programme's panel for the viewer.
type homeSchool struct {
	Unit   tenancy.Unit
	Panels []schoolPanel
}

// schoolPanel is one programme's panel about a school.
type schoolPanel struct {
	Programme   string
	Lines       []PanelLine
	Unavailable string
}

// homeTodo is a to-do with the name of the place it concerns when the
// viewer may read that place (Todo.Place, else cleared).
type homeTodo struct {
	Todo
	Overdue bool
}

// homeFigures are one programme's headline figures.
type homeFigures struct {
	Programme   string
	Figures     []Figure
	Unavailable string
}

// dashboard is the home page: what the viewer should do next across every
// programme the tenant runs, their schools with each programme's panel, and
// for those who see the whole tenant, each programme's headline figures;
// then the core's counts and the viewer's roles.
func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	within, all, err := s.reach(c, authz.PermOrgUnitRead)
	if err != nil {
		return err
	}
	counts, err := s.Tenancy.CountByKind(ctx, t.ID, within)
	if err != nil {
		return err
	}
	var cards []kindCount
	for _, k := range tenancy.Kinds() {
		if n := counts[k]; n > 0 {
			cards = append(cards, kindCount{Kind: k, Label: k.Label() + "s", Count: n})
		}
	}
	grants, err := s.Authz.Grants(ctx, t.ID, u.ID)
	if err != nil {
		return err
	}
	reach := "all"
	if !all {
		reach = plural(len(within), "unit")
	}
	views, err := s.grantViews(ctx, t.ID, grants)
	if err != nil {
		return err
	}
	data := map[string]any{"Counts": cards, "Grants": views, "Reach": reach}
	if err := s.programmesOnHome(c, grants, within, all, data); err != nil {
		return err
	}
	if u.IsOperator && s.Jobs != nil {
		if st, err := s.Jobs.Stats(ctx); err == nil {
			data["Jobs"] = st
		}
	}
	return s.render(c, http.StatusOK, "dashboard", "Home", data)
}

// programmesOnHome adds the programmes' contributions to the home page's
// data: "Todos", "TodosUnavailable", "Groups" (the viewer's places and
// schools with their panels) and "Overview" (figures).
func (s *Server) programmesOnHome(c echo.Context, grants []authz.Grant, within []uint, all bool, data map[string]any) error {
	contributor, ok := s.Plugins.(Contributor)
	if !ok {
		return nil
	}
	ctx := c.Request().Context()
	t, _ := tenantOf(c)
	u, _ := userOf(c)
	groups, err := s.cachedHomeGroups(ctx, t.ID, u.ID, grants, all)
	if err != nil {
		return err
	}
	var schoolIDs []uint
	for _, g := range groups {
		for _, sc := range g.Schools {
			schoolIDs = append(schoolIDs, sc.Unit.ID)
		}
	}
	progs := contributor.Contributions(ctx, Info(c), ContributionAsk{SchoolIDs: schoolIDs, Todos: true, Figures: true})
	data["Programmes"] = len(progs)

	var todos []homeTodo
	var unavailable []string
	var overview []homeFigures
	today := londonToday()
	reachable := func(id uint) bool { return all || slices.Contains(within, id) }
	for _, p := range progs {
		if p.Unavailable != "" {
			if p.AskedTodos {
				unavailable = append(unavailable, p.Name+" "+p.Unavailable)
			}
			if p.AskedFigures {
				overview = append(overview, homeFigures{Programme: p.Name, Unavailable: p.Unavailable})
			}
			continue
		}
		for _, td := range p.Todos {
			ht := homeTodo{Todo: td, Overdue: !td.Due.IsZero() && td.Due.Before(today)}
			if td.UnitID == 0 || !reachable(td.UnitID) {
				ht.UnitID, ht.Place = 0, ""
			}
			todos = append(todos, ht)
		}
		if p.AskedFigures && len(p.Figures) > 0 {
			overview = append(overview, homeFigures{Programme: p.Name, Figures: p.Figures})
		}
	}
	slices.SortStableFunc(todos, func(a, b homeTodo) int {
		switch {
		case a.Due.IsZero() != b.Due.IsZero():
			if a.Due.IsZero() {
				return 1
			}
			return -1
		case !a.Due.Equal(b.Due):
			return a.Due.Compare(b.Due)
		}
		return cmp.Or(cmp.Compare(a.Programme, b.Programme), cmp.Compare(a.Title, b.Title))
	})
	for gi := range groups {
		for si := range groups[gi].Schools {
			groups[gi].Schools[si].Panels = panelsFor(progs, groups[gi].Schools[si].Unit.ID)
		}
	}
	data["Todos"], data["TodosUnavailable"], data["Groups"], data["Overview"] = todos, unavailable, groups, overview
	return nil
}

// panelsFor collects every programme's panel about school id, in the
// programmes' order; a programme the viewer may not see there is left out.
func panelsFor(progs []Programme, id uint) []schoolPanel {
	var out []schoolPanel
	for _, p := range progs {
		switch {
		case p.Unavailable != "" && p.PanelSchools[id]:
			out = append(out, schoolPanel{Programme: p.Name, Unavailable: p.Unavailable})
		case len(p.Panels[id]) > 0:
			out = append(out, schoolPanel{Programme: p.Name, Lines: p.Panels[id]})
		}
	}
	return out
}

// homeGroups are the places the viewer holds roles at, each with its
// schools (at most homeSchools in all). A viewer whose role covers the
// whole tenant gets none: the overview is their page.
func (s *Server) homeGroups(ctx context.Context, tenantID uint, grants []authz.Grant, all bool) ([]homeGroup, error) {
	if all {
		return nil, nil
	}
	var placeIDs []uint
	for _, g := range grants {
		if !slices.Contains(placeIDs, g.UnitID) {
			placeIDs = append(placeIDs, g.UnitID)
		}
	}
	places, err := s.Tenancy.UnitsByID(ctx, tenantID, placeIDs)
	if err != nil {
		return nil, err
	}
	var groups []homeGroup
	shown := map[uint]bool{}
	budget := homeSchools
	for _, id := range placeIDs {
		place, ok := places[id]
		if !ok || place.Archived() || place.IsRoot() {
			continue
		}
		g := homeGroup{Unit: place}
		var schools []tenancy.Unit
		if place.Kind == tenancy.KindSchool {
			schools = []tenancy.Unit{place}
		} else {
			if schools, err = s.Tenancy.SchoolsBelow(ctx, tenantID, id); err != nil {
				return nil, err
			}
		}
		for _, sc := range schools {
			switch {
			case shown[sc.ID]:
			case budget > 0:
				g.Schools = append(g.Schools, homeSchool{Unit: sc})
				shown[sc.ID] = true
				budget--
			default:
				g.More++
			}
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// londonToday is today's date in London, as midnight UTC of that date (the
// form of a to-do's due date).
func londonToday() time.Time {
	y, m, d := time.Now().In(londonZone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
