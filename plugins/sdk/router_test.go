package sdk

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"gorm.io/gorm"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

const permRead, permWrite = "demo.thing.read", "demo.thing.write"

// demoRouter declares three routes; each handler names itself and the
// path values it sees.
func demoRouter() *Router {
	rt := NewRouter()
	echo := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = fmt.Fprintf(w, "%s unit=%s note=%s", name, r.PathValue("unit"), r.PathValue("note"))
		}
	}
	rt.HandleFunc(Endpoint{Method: "GET", Path: "/", Permission: permRead, Scope: ScopeAnywhere, Summary: "Home"}, echo("home"))
	rt.HandleFunc(Endpoint{Method: "GET", Path: "/schools/:unit", Permission: permRead, Scope: ScopeUnit, UnitParam: "unit",
		Summary: "A school's notes"}, echo("school"))
	rt.HandleFunc(Endpoint{Method: "POST", Path: "/schools/:unit/notes/:note", Permission: permWrite, Scope: ScopeUnit, UnitParam: "unit",
		Summary: "Change a note"}, echo("note"))
	return rt
}

func TestRouterDerivesTheManifestRoutesExactly(t *testing.T) {
	want := []*pluginv1.RouteDecl{
		{Method: "GET", Path: "/", Permission: permRead, Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE, Summary: "Home"},
		{Method: "GET", Path: "/schools/:unit", Permission: permRead, Scope: pluginv1.RouteScope_ROUTE_SCOPE_UNIT, UnitParam: "unit", Summary: "A school's notes"},
		{Method: "POST", Path: "/schools/:unit/notes/:note", Permission: permWrite, Scope: pluginv1.RouteScope_ROUTE_SCOPE_UNIT, UnitParam: "unit", Summary: "Change a note"},
	}
	rt := demoRouter()
	got := rt.Decls()
	if len(got) != len(want) {
		t.Fatalf("%d decls, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if !proto.Equal(got[i], want[i]) {
			t.Errorf("decl %d = %v, want %v", i, got[i], want[i])
		}
	}
	got[0].Permission = "changed"
	if rt.Decls()[0].GetPermission() != permRead {
		t.Error("Decls hands out the router's own declarations")
	}

	// The SDK's manifest takes the router's routes when it lists none, and
	// keeps the author's when they agree.
	m := testManifest()
	m.Routes = nil
	s := newServer(&Plugin{Manifest: m, Handler: rt}, nil)
	resp, err := s.GetManifest(t.Context(), &pluginv1.GetManifestRequest{})
	if err != nil || len(resp.GetManifest().GetRoutes()) != 3 || !proto.Equal(resp.GetManifest().GetRoutes()[2], want[2]) {
		t.Fatalf("manifest routes %v (%v)", resp.GetManifest().GetRoutes(), err)
	}
	m.Routes = rt.Decls()
	if _, err := s.GetManifest(t.Context(), &pluginv1.GetManifestRequest{}); err != nil {
		t.Fatalf("agreeing routes refused: %v", err)
	}
}

func TestRouterRefusesAManifestThatDisagrees(t *testing.T) {
	m := testManifest()
	m.Routes = demoRouter().Decls()
	m.Routes[1].Permission = permWrite                                                                         // declared differently
	m.Routes = append(m.Routes[:2], &pluginv1.RouteDecl{Method: "GET", Path: "/orphan", Permission: permRead}) // no handler; POST …/notes/:note left out
	err := checkRoutes(&Plugin{Manifest: m, Handler: demoRouter()})
	for _, want := range []string{
		"route GET /schools/:unit is declared differently in the manifest and the router",
		"the manifest declares route GET /orphan, which the router does not serve",
		"the router serves route POST /schools/:unit/notes/:note, which the manifest does not declare",
		"leave Manifest.Routes empty",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	s := newServer(&Plugin{Manifest: m, Handler: demoRouter()}, nil)
	if _, err := s.GetManifest(t.Context(), &pluginv1.GetManifestRequest{}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("GetManifest with disagreeing routes: %v", err)
	}
	// Another handler is the author's business.
	if err := checkRoutes(&Plugin{Manifest: m, Handler: http.NewServeMux()}); err != nil {
		t.Errorf("a ServeMux handler: %v", err)
	}
}

func TestRouterRefusesDuplicateAndMissingHandlers(t *testing.T) {
	e := Endpoint{Method: "GET", Path: "/x", Permission: permRead, Scope: ScopeAnywhere}
	msg := panicOf(func() {
		rt := NewRouter()
		rt.HandleFunc(e, func(http.ResponseWriter, *http.Request) {})
		rt.Handle(e, func(http.ResponseWriter, *http.Request) error { return nil })
	})
	if msg != "sdk.Router: route GET /x is declared twice" {
		t.Errorf("duplicate: %q", msg)
	}
	if msg := panicOf(func() { NewRouter().Handle(e, nil) }); msg != "sdk.Router: route GET /x has no handler" {
		t.Errorf("nil handler: %q", msg)
	}
	if msg := panicOf(func() { NewRouter().HandleFunc(e, nil) }); msg != "sdk.Router: route GET /x has no handler" {
		t.Errorf("nil func: %q", msg)
	}
	// The same path with another method is another route.
	rt := NewRouter()
	rt.HandleFunc(e, func(http.ResponseWriter, *http.Request) {})
	rt.HandleFunc(Endpoint{Method: "POST", Path: "/x", Permission: permWrite, Scope: ScopeAnywhere}, func(http.ResponseWriter, *http.Request) {})
	if len(rt.Decls()) != 2 {
		t.Errorf("GET and POST /x: %v", rt.Decls())
	}
}

func TestRouterDispatchesOnTheCoresRoute(t *testing.T) {
	s, _ := testServer(t, &Plugin{Handler: demoRouter()})
	actor := &pluginv1.Actor{TenantId: 1, UserId: 100}
	call := func(method, path, route string) *pluginv1.HandleHTTPResponse {
		t.Helper()
		resp, err := s.HandleHTTP(t.Context(), &pluginv1.HandleHTTPRequest{Actor: actor, Method: method, Path: path, Route: route})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	cases := []struct {
		method, path, route string
		status              int32
		body                string
	}{
		{"GET", "/", "/", 200, "home unit= note="},
		{"GET", "/schools/42", "/schools/:unit", 200, "school unit=42 note="},
		{"POST", "/schools/42/notes/7", "/schools/:unit/notes/:note", 200, "note unit=42 note=7"},
		// The core's route decides, not the path: no second matching.
		{"GET", "/schools/42", "/", 200, "home unit= note="},
		{"GET", "/schools/42/notes/7", "/schools/:unit/notes/:note", 405, "Method Not Allowed\n"},
		{"GET", "/unknown", "/unknown", 404, "404 page not found\n"},
		{"GET", "/", "", 404, "404 page not found\n"},
	}
	for _, c := range cases {
		resp := call(c.method, c.path, c.route)
		if resp.GetStatus() != c.status || string(resp.GetBody()) != c.body {
			t.Errorf("%s %s (route %q) = %d %q, want %d %q", c.method, c.path, c.route, resp.GetStatus(), resp.GetBody(), c.status, c.body)
		}
	}
	if resp := call("GET", "/schools/42/notes/7", "/schools/:unit/notes/:note"); header(resp, "Allow") != "POST" {
		t.Errorf("405 answered Allow %q", header(resp, "Allow"))
	}
}

func TestHandlerFuncAnswersErrorsWithTheirStatus(t *testing.T) {
	var answer error
	rt := NewRouter()
	rt.Handle(Endpoint{Method: "GET", Path: "/", Permission: permRead, Scope: ScopeAnywhere}, func(w http.ResponseWriter, r *http.Request) error {
		return answer
	})
	rt.Handle(Endpoint{Method: "GET", Path: "/half", Permission: permRead, Scope: ScopeAnywhere}, func(w http.ResponseWriter, r *http.Request) error {
		Page(w, r, "Done", "<p>saved</p>")
		return errors.New("late failure")
	})
	s, _ := testServer(t, &Plugin{Handler: rt})
	call := func(path string) *pluginv1.HandleHTTPResponse {
		t.Helper()
		resp, err := s.HandleHTTP(t.Context(), &pluginv1.HandleHTTPRequest{Actor: &pluginv1.Actor{TenantId: 1, UserId: 100, RequestId: "req-42"},
			Method: "GET", Path: path, Route: path})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	cases := []struct {
		err    error
		status int32
		title  string
		says   string
	}{
		{nil, 200, "", ""},
		{fmt.Errorf("load review 7: %w", ErrNotFound), 404, "Not found", "There is no such page"},
		{fmt.Errorf("load review 7: %w", gorm.ErrRecordNotFound), 404, "Not found", "There is no such page"},
		{fmt.Errorf("lead of cluster 3: %w", ErrForbidden), 403, "Not allowed", "You may not do this here."},
		{fmt.Errorf("cohort: %w", &HTTPError{Status: http.StatusConflict, Message: "The baseline was taken: say why the cohort changes."}),
			409, "Conflict", "The baseline was taken: say why the cohort changes."},
		{errors.New("database is on fire"), 500, "Something went wrong", "give an administrator this reference: req-42."},
	}
	for _, c := range cases {
		answer = c.err
		resp := call("/")
		if resp.GetStatus() != c.status || resp.GetTitle() != c.title || !strings.Contains(string(resp.GetBody()), c.says) {
			t.Errorf("%v: %d %q %s; want %d %q saying %q", c.err, resp.GetStatus(), resp.GetTitle(), resp.GetBody(), c.status, c.title, c.says)
		}
		if c.err != nil && !resp.GetFragment() {
			t.Errorf("%v: the answer is not a page", c.err)
		}
		if strings.Contains(string(resp.GetBody()), "on fire") {
			t.Errorf("the page shows the internal error: %s", resp.GetBody())
		}
	}
	// An answer already written stands.
	if resp := call("/half"); resp.GetStatus() != 200 || string(resp.GetBody()) != "<p>saved</p>" {
		t.Errorf("an error after the answer: %d %s", resp.GetStatus(), resp.GetBody())
	}
}

// panicOf returns what fn panics with, or "" when it returns.
func panicOf(fn func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	fn()
	return ""
}
