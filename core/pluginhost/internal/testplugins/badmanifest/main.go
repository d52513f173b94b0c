// Command badmanifest is a raw test plugin whose manifest breaks the contract.
package main

import (
	"context"

	"github.com/hashicorp/go-plugin"

	"github.com/challengepartners/upwards/core/pluginhost/internal/testplugins/tp"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

type server struct {
	pluginv1.UnimplementedPluginServiceServer
}

func (server) GetManifest(context.Context, *pluginv1.GetManifestRequest) (*pluginv1.GetManifestResponse, error) {
	return &pluginv1.GetManifestResponse{Manifest: &pluginv1.Manifest{
		Id: "bad", Name: "Bad", Version: "one", Protocol: 1,
		Permissions: []*pluginv1.PermissionDecl{{Name: "core.user.write", DefaultRoles: []string{"teacher"}}},
		Routes:      []*pluginv1.RouteDecl{{Method: "GET", Path: "/", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE}},
	}}, nil
}

func main() {
	tp.Serve(func(*plugin.GRPCBroker) pluginv1.PluginServiceServer { return server{} })
}
