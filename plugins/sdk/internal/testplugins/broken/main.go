// Command broken is a plugin that breaks the contract in every way
// plugintest checks, so its tests can see each failure message. With
// BROKEN_STORAGE=mismatch its manifest claims a storage version no
// migration reaches; with BROKEN_ROUTER=mismatch its handler is an
// sdk.Router serving fewer routes than the manifest declares.
package main

import (
	"context"
	"errors"
	"net/http"
	"os"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func main() {
	anywhere := pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE
	m := &pluginv1.Manifest{
		Id: "broken", Name: "Broken", Version: "1.0.0",
		Permissions: []*pluginv1.PermissionDecl{{Name: "broken.thing.read", DefaultRoles: []string{"teacher", "wizard"}}},
		Routes: []*pluginv1.RouteDecl{
			{Method: "GET", Path: "/fail", Permission: "broken.thing.read", Scope: anywhere},
			{Method: "GET", Path: "/unrouted", Permission: "broken.thing.read", Scope: anywhere},
			{Method: "GET", Path: "/empty", Permission: "authenticated", Scope: anywhere},
			{Method: "GET", Path: "/open", Scope: anywhere},
			{Method: "GET", Path: "/units/:id", Permission: "broken.thing.read", Scope: pluginv1.RouteScope_ROUTE_SCOPE_UNIT},
		},
		Jobs:      []*pluginv1.JobDecl{{Name: "fails"}, {Name: "missing"}},
		Schedules: []*pluginv1.ScheduleDecl{{Job: "fails", Cron: "every monday"}},
		Extensions: []*pluginv1.ExtensionDecl{
			{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: "broken.thing.read"},
			{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: "broken.thing.read"},
			{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: "broken.thing.read"},
		},
	}
	if os.Getenv("BROKEN_STORAGE") == "mismatch" {
		m.StorageSchemaVersion = 2
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "database is on fire", http.StatusInternalServerError)
	})
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, _ *http.Request) { sdk.MarkPage(w, "Empty") })
	mux.HandleFunc("GET /open", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("GET /units/{id}", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	var handler http.Handler = mux
	if os.Getenv("BROKEN_ROUTER") == "mismatch" {
		// A router serving one of the manifest's five routes: Serve refuses it.
		rt := sdk.NewRouter()
		rt.HandleFunc(sdk.Endpoint{Method: "GET", Path: "/fail", Permission: "broken.thing.read", Scope: anywhere}, mux.ServeHTTP)
		handler = rt
	}
	sdk.Serve(&sdk.Plugin{
		Manifest:   m,
		Handler:    handler,
		Jobs:       map[string]sdk.JobFunc{"fails": func(context.Context, []byte) error { return errors.New("cannot reach the exam board") }},
		Migrations: []sdk.Migration{{Version: 1, Name: "nothing", Up: func(*gorm.DB) error { return nil }}},
		Health:     func(context.Context) error { return errors.New("the cache is gone") },
		// Extensions that break the contract, each in one way.
		SchoolPanels: func(_ context.Context, units []uint64) ([]sdk.SchoolPanel, error) {
			return []sdk.SchoolPanel{
				{UnitID: units[0], Lines: []sdk.PanelLine{{Text: "Data overdue", Link: "https://evil.example/"}}},
				{UnitID: 987654, Lines: []sdk.PanelLine{{Text: "Someone else's school"}}},
			}, nil
		},
		Todos: func(context.Context) ([]sdk.Todo, error) {
			return []sdk.Todo{{Title: "Open the admin page", Link: "/nowhere"}, {Title: "No link at all"}}, nil
		},
		Figures: func(context.Context) ([]sdk.Figure, error) { return nil, errors.New("the figures table is locked") },
	})
}
