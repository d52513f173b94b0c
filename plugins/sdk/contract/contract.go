// Package contract is the runtime side of the plugin contract shared by the
// core and the SDK: the go-plugin handshake, the protocol versions, the gRPC
// glue that carries the PluginService and the Host callback, and the checks a
// manifest must pass before a plugin is registered.
package contract

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// ProtocolV1 is the contract version of package pluginv1.
const ProtocolV1 = 1

// SupportedProtocols lists the contract versions this build speaks, oldest first.
var SupportedProtocols = []int{ProtocolV1}

// PluginName is the name the programme plugin is dispensed under.
const PluginName = "programme"

// Handshake is the go-plugin handshake. The magic cookie only keeps a plugin
// binary from being run by hand by mistake; it is not a security measure (the
// registry's checksum is).
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolV1,
	MagicCookieKey:   "UPWARDS_PLUGIN",
	MagicCookieValue: "8d2c6f0e-upwards-programme-plugin",
}

// GRPCPluginV1 carries contract v1 over go-plugin. On the plugin's side NewServer
// builds the PluginService from the broker (to reach the Host later); on the
// core's side GRPCClient returns a *ClientV1.
type GRPCPluginV1 struct {
	plugin.NetRPCUnsupportedPlugin
	NewServer func(broker *plugin.GRPCBroker) pluginv1.PluginServiceServer
}

// GRPCServer registers the plugin's service (plugin side).
func (p *GRPCPluginV1) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	pluginv1.RegisterPluginServiceServer(s, p.NewServer(broker))
	return nil
}

// GRPCClient returns the core's handle on the plugin (core side).
func (p *GRPCPluginV1) GRPCClient(_ context.Context, broker *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return &ClientV1{PluginServiceClient: pluginv1.NewPluginServiceClient(conn), Broker: broker}, nil
}

// ClientV1 is the core's connection to one plugin process speaking v1.
type ClientV1 struct {
	pluginv1.PluginServiceClient
	Broker *plugin.GRPCBroker
}

// ServeHost starts the Host service on the broker for the plugin to dial and
// returns the broker id to pass in ConfigureRequest.host_broker_id.
func (c *ClientV1) ServeHost(host pluginv1.HostServiceServer) uint32 {
	id := c.Broker.NextId()
	go c.Broker.AcceptAndServe(id, func(opts []grpc.ServerOption) *grpc.Server {
		s := grpc.NewServer(append(opts, ServerOptions()...)...)
		pluginv1.RegisterHostServiceServer(s, host)
		return s
	})
	return id
}

// PluginSets returns the versioned plugin sets for the core's side of the handshake.
func PluginSets() map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		ProtocolV1: {PluginName: &GRPCPluginV1{}},
	}
}

// FlashHeader is the response header in which a plugin's page handler asks
// the core to show a one-time confirmation ("Review saved") on the next page
// in the shell (ui.Flash sets it). Its value is the message, percent-encoded
// as a URL path segment. The core removes the header, keeps at most
// FlashMaxLen characters of printable text, and sets its own flash cookie,
// so the message survives the redirect that follows a save. A core that
// predates the header drops it from a page and passes it on with a
// redirect, where browsers ignore it: the save stands, unconfirmed.
const FlashHeader = "X-Upwards-Flash"

// FlashMaxLen is the most characters of a flash message the core shows.
const FlashMaxLen = 200
