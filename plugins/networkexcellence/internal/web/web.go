// Package web is the plugin's pages: server-rendered fragments built from
// the SDK's shared components (sdk/ui), which the core wraps in its shell,
// and the forms that change the programme's records.
//
// Routes is the one route table: a concatenation of per-area lists, each
// in its own file (reviewRoutes in reviews.go, hubRoutes in hubs.go, …;
// the School Support Directory part adds its own lists). Each route is
// declared once, with its handler, on an sdk.Router, which gives both the
// manifest's routes and the mux, so the two never disagree.
//
// The core enforces each route's one permission and scope before a request
// arrives. On top of it the plugin checks what only it knows: whether the
// actor sits on a review's team, is the reviewer a register entry names,
// and what a report's state lets each reader see (access.go).
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// AuditPrefix starts every audit action of the plugin.
const AuditPrefix = "networkexcellence."

// route is one route: its declaration and its handler.
type route struct {
	sdk.Endpoint
	handle sdk.HandlerFunc
}

// Scopes, shortened for the route tables.
const (
	anywhere = sdk.ScopeAnywhere
	tenant   = sdk.ScopeTenant
	unit     = sdk.ScopeUnit
)

// get and post declare a route: its path, permission, scope, unit
// parameter (ScopeUnit only), summary and handler.
func get(path, perm string, scope pluginv1.RouteScope, param, summary string, h sdk.HandlerFunc) route {
	return route{sdk.Endpoint{Method: "GET", Path: path, Permission: perm, Scope: scope, UnitParam: param, Summary: summary}, h}
}

func post(path, perm string, scope pluginv1.RouteScope, param, summary string, h sdk.HandlerFunc) route {
	return route{sdk.Endpoint{Method: "POST", Path: path, Permission: perm, Scope: scope, UnitParam: param, Summary: summary}, h}
}

// Routes lists every route of the plugin, area by area.
func Routes() []route {
	dir := newIndexCache() // the Directory's pages share it
	return slices.Concat(
		homeRoutes(),
		yearRoutes(),
		scheduleRoutes(),
		allocationRoutes(),
		reviewRoutes(),
		schoolRoutes(),
		hubRoutes(),
		trustRoutes(),
		reviewerRoutes(),
		trainingRoutes(),
		meRoutes(),
		newsRoutes(),
		// The School Support Directory part (issue 15).
		directoryRoutes(dir),
		mapRoutes(dir),
		dayRoutes(),
		meetingRoutes(),
		centralRoutes(),
		helpRoutes(dir),
		figureRoutes(),
	)
}

// Router declares Routes on an sdk.Router: the plugin's handler, from which
// the SDK derives the manifest's routes.
func Router() *sdk.Router {
	rt := sdk.NewRouter()
	for _, r := range Routes() {
		h := r.handle
		if r.Method == http.MethodPost {
			h = parsed(h)
		}
		rt.Handle(r.Endpoint, h)
	}
	return rt
}

// parsed parses a POST's form before h reads it, so that r.PostForm holds
// every field (several values of one name included).
func parsed(h sdk.HandlerFunc) sdk.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return &sdk.HTTPError{Status: http.StatusBadRequest, Message: "The form could not be read: send it again from the page."}
		}
		return h(w, r)
	}
}

//go:embed templates/*.html
var templateFS embed.FS

// tmpl holds every page template, with the shared components' functions.
var tmpl = template.Must(template.New("").Funcs(funcs()).ParseFS(templateFS, "templates/*.html"))

func funcs() template.FuncMap {
	f := ui.FuncMap()
	f["htmlCell"] = htmlCell
	f["avail"] = func(csrf template.HTML, a availability) map[string]any { return map[string]any{"A": a, "CSRF": csrf} }
	f["dict"] = func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	f["plural"] = func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	}
	return f
}

// render answers the template name as a page.
func render(w http.ResponseWriter, r *http.Request, title, name string, data any) error {
	return sdk.Render(w, r, http.StatusOK, title, tmpl, name, data)
}

// renderStatus is render with a status (422 for a refused form).
func renderStatus(w http.ResponseWriter, r *http.Request, status int, title, name string, data any) error {
	return sdk.Render(w, r, status, title, tmpl, name, data)
}

// redirect answers a successful POST with 303 to the plugin path.
func redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, sdk.URL(r, path), http.StatusSeeOther)
	return nil
}

// id reads a path parameter as an id; a malformed one is a 404.
func id(r *http.Request, name string) (uint64, error) {
	v, err := strconv.ParseUint(r.PathValue(name), 10, 64)
	if err != nil || v == 0 {
		return 0, sdk.ErrNotFound
	}
	return v, nil
}

// st is the request's store, bound to the actor's tenant.
func st(r *http.Request) *store.Store { return storeOf(r.Context()) }

// storeOf is the call's store, bound to the actor's tenant; its counts
// (raw SQL, filtering tenant_id themselves) run on the unscoped handle.
func storeOf(ctx context.Context) *store.Store {
	return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx)).WithRaw(sdk.Unscoped(ctx))
}

// userID is the actor's user id.
func userID(r *http.Request) uint64 { return sdk.ActorFrom(r.Context()).GetUserId() }

// change is one audited write and where to go after it.
type change struct {
	Action, Entity string // "review.schedule", "review"
	ID             uint64
	Before, After  any
	Next           string // the plugin path to redirect to (303)
	Flash          string // the message the next page shows
}

// commit runs write in a transaction with its audit entry (sdk.AuditTx),
// so the change and its entry are kept together or not at all; then it
// confirms the change with a flash and redirects.
func commit(w http.ResponseWriter, r *http.Request, write func(tx *store.Store) (change, error)) error {
	ctx := r.Context()
	var c change
	err := st(r).Tx(func(tx *store.Store) error {
		var err error
		if c, err = write(tx); err != nil {
			return err
		}
		return sdk.AuditTx(ctx, tx.DB(), AuditPrefix+c.Action, c.Entity, strconv.FormatUint(c.ID, 10), c.Before, c.After)
	})
	if err != nil {
		return answer(err)
	}
	if c.Flash != "" {
		ui.Flash(w, c.Flash)
	}
	return redirect(w, r, c.Next)
}

// answer turns the store's errors into what the SDK answers: 404, 409 with
// the rule, 422 with every field's problem (still holding the field errors,
// so a handler can re-render its form with them: refused); anything else is
// left for a 500.
func answer(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return sdk.ErrNotFound
	case errors.Is(err, store.ErrConflict):
		return &sdk.HTTPError{Status: http.StatusConflict, Message: upperFirst(store.Message(err)) + ". Nothing was saved."}
	}
	var he *sdk.HTTPError
	if errors.As(err, &he) {
		return err
	}
	if es, ok := ui.ErrorsOf(err); ok {
		msgs := make([]string, len(es))
		for i, e := range es {
			msgs[i] = e.Message
		}
		return invalidForm{&sdk.HTTPError{Status: http.StatusUnprocessableEntity, Message: strings.Join(msgs, ". ") + ". Nothing was saved."}, es}
	}
	return err
}

// invalidForm is a refused form: the SDK answers it as its HTTPError (422
// with every message), and refused finds its field errors.
type invalidForm struct {
	he   *sdk.HTTPError
	errs ui.Errors
}

func (e invalidForm) Error() string   { return e.he.Error() }
func (e invalidForm) Unwrap() []error { return []error{e.he, e.errs} }

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
