package pageplugin

import (
	"context"
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Manifest declares the plugin.
func Manifest() *pluginv1.Manifest {
	anywhere := pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE
	readers := []string{"teacher", "headteacher", "hub_manager", "trust_leader", "tenant_admin"}
	return &pluginv1.Manifest{
		Id: ID, Name: "Bench page", Version: "1.0.0", MinCoreVersion: "0.1.0",
		Description: "The plugin benchmark's page: the actor's schools.",
		Permissions: []*pluginv1.PermissionDecl{
			{Name: PermRead, Description: "Read the page", DefaultRoles: readers},
			{Name: PermWrite, Description: "Write notes", DefaultRoles: []string{"tenant_admin"}},
		},
		Routes: []*pluginv1.RouteDecl{
			{Method: "GET", Path: "/", Permission: PermRead, Scope: anywhere, Summary: "The actor's schools"},
			{Method: "GET", Path: "/stats", Permission: PermRead, Scope: anywhere, Summary: "Counters of the benchmark"},
		},
		Navigation: []*pluginv1.NavItem{{Label: "Bench page", Path: "/", Permission: PermRead}},
	}
}

// hostData reads the page's data through the Host API: one GetSchools and
// one Authorize call.
type hostData struct{ h *sdk.Host }

func (d hostData) Schools(ctx context.Context) ([]School, error) {
	ss, err := d.h.Schools(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]School, len(ss))
	for i, s := range ss {
		out[i] = School{ID: s.GetId(), Name: s.GetName(), URN: s.GetUrn(), Parents: len(s.GetParentIds())}
	}
	return out, nil
}

func (d hostData) CanWrite(ctx context.Context) (bool, error) {
	return d.h.Can(ctx, PermWrite, 0)
}

// Plugin is the plugin process's definition: Handler over the Host API.
func Plugin() *sdk.Plugin {
	stats := &Stats{}
	data := func(r *http.Request) Data { return hostData{h: sdk.HostFrom(r.Context())} }
	return &sdk.Plugin{Manifest: Manifest(), Handler: Handler(data, stats)}
}
