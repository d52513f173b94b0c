package plugins_test

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/bench/plugins/internal/pageplugin"
	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/web"
)

// inProcess is the baseline: a web.PluginRouter serving pageplugin.Handler
// inside the core, under the same /p/:plugin route and middleware as the
// proxy, with the route's permission checked as the proxy checks it, and the
// page's data read straight from the core (the queries the Host server runs).
type inProcess struct {
	a       *app.App
	handler http.Handler
	stats   *pageplugin.Stats
}

type actorKey struct{}

type actor struct{ tenant, user uint }

func newInProcess(a *app.App) *inProcess {
	ip := &inProcess{a: a, stats: &pageplugin.Stats{}}
	ip.handler = pageplugin.Handler(func(r *http.Request) pageplugin.Data {
		act, _ := r.Context().Value(actorKey{}).(actor)
		return coreData{a: a, actor: act}
	}, ip.stats)
	return ip
}

var _ web.PluginRouter = (*inProcess)(nil)

func (ip *inProcess) ServePlugin(c echo.Context, sh web.Shell) error {
	info := web.Info(c)
	if !info.HasTenant || info.User == nil || c.Param("plugin") != pageplugin.ID {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such page.")
	}
	req := c.Request()
	ctx := req.Context()
	ok, err := ip.a.Authz.CanSomewhere(ctx, info.Tenant.ID, info.User.ID, pageplugin.PermRead)
	if err != nil {
		return err
	}
	if !ok {
		return echo.NewHTTPError(http.StatusForbidden, "You may not open this page.")
	}
	r := req.Clone(context.WithValue(ctx, actorKey{}, actor{tenant: info.Tenant.ID, user: info.User.ID}))
	r.URL.Path = strings.TrimPrefix(req.URL.Path, "/p/"+pageplugin.ID)
	if r.URL.Path == "" {
		r.URL.Path = "/"
	}
	rec := httptest.NewRecorder()
	ip.handler.ServeHTTP(rec, r)
	if t := rec.Header().Get(pageplugin.PageTitleHeader); t != "" {
		title, _ := url.PathUnescape(t)
		return sh.RenderHTML(c, rec.Code, title, template.HTML(rec.Body.String())) //nolint:gosec // the page's html/template output
	}
	for k, v := range rec.Header() {
		c.Response().Header()[k] = v
	}
	return c.Blob(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
}

func (ip *inProcess) AdminPlugins(echo.Context, web.Shell) error {
	return echo.NewHTTPError(http.StatusNotFound, "There is no such page.")
}

func (ip *inProcess) PluginNav(c echo.Context) []web.NavLink {
	info := web.Info(c)
	if !info.HasTenant || info.User == nil {
		return nil
	}
	if ok, err := ip.a.Authz.CanSomewhere(c.Request().Context(), info.Tenant.ID, info.User.ID, pageplugin.PermRead); err != nil || !ok {
		return nil
	}
	return []web.NavLink{{Label: "Bench page", Href: "/p/" + pageplugin.ID + "/"}}
}

// coreData answers the page's Data from the core's services directly.
type coreData struct {
	a     *app.App
	actor actor
}

// Schools runs what GetSchools runs: the reach of core.school.read, the
// schools within it, and their parents in one query.
func (d coreData) Schools(ctx context.Context) ([]pageplugin.School, error) {
	all, ids, err := d.a.Authz.Reach(ctx, d.actor.tenant, d.actor.user, authz.PermSchoolRead)
	if err != nil {
		return nil, err
	}
	if !all && len(ids) == 0 {
		return nil, nil
	}
	q := d.a.DB.WithContext(ctx).Model(&tenancy.Unit{}).Where("tenant_id = ? AND kind = ?", d.actor.tenant, tenancy.KindSchool)
	if !all {
		q = q.Where("id IN ?", ids)
	}
	var units []tenancy.Unit
	if err := q.Order("id").Find(&units).Error; err != nil {
		return nil, fmt.Errorf("load schools: %w", err)
	}
	if len(units) == 0 {
		return nil, nil
	}
	uids := make([]uint, len(units))
	for i, u := range units {
		uids[i] = u.ID
	}
	var edges []tenancy.Edge
	if err := d.a.DB.WithContext(ctx).Where("tenant_id = ? AND child_id IN ?", d.actor.tenant, uids).Order("parent_id").Find(&edges).Error; err != nil {
		return nil, fmt.Errorf("load parents: %w", err)
	}
	parents := map[uint]int{}
	for _, e := range edges {
		parents[e.ChildID]++
	}
	out := make([]pageplugin.School, len(units))
	for i, u := range units {
		out[i] = pageplugin.School{ID: uint64(u.ID), Name: u.Name, URN: u.URNString(), Parents: parents[u.ID]}
	}
	return out, nil
}

func (d coreData) CanWrite(ctx context.Context) (bool, error) {
	return d.a.Authz.CanSomewhere(ctx, d.actor.tenant, d.actor.user, pageplugin.PermWrite)
}
