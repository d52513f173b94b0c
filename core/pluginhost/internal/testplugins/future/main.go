// Command future is a raw test plugin that speaks only a future contract
// version 9, which no core knows yet.
package main

import (
	"github.com/hashicorp/go-plugin"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func main() {
	hs := contract.Handshake
	hs.ProtocolVersion = 9
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: hs,
		VersionedPlugins: map[int]plugin.PluginSet{
			9: {contract.PluginName: &contract.GRPCPluginV1{NewServer: func(*plugin.GRPCBroker) pluginv1.PluginServiceServer {
				return pluginv1.UnimplementedPluginServiceServer{}
			}}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
	})
}
