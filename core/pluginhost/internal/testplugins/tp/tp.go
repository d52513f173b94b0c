// Package tp helps the raw test plugins of core/pluginhost: they implement
// pluginv1.PluginServiceServer directly (not through the SDK), so the tests
// exercise the contract exactly as a plugin binary sees it.
package tp

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hashicorp/go-plugin"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Serve serves the plugin built by newServer as contract v1 and never returns.
func Serve(newServer func(*plugin.GRPCBroker) pluginv1.PluginServiceServer) {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: contract.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{
			contract.ProtocolV1: {contract.PluginName: &contract.GRPCPluginV1{NewServer: newServer}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
	})
}

// DialHost connects to the core's Host service on the broker.
func DialHost(b *plugin.GRPCBroker, id uint32) (pluginv1.HostServiceClient, error) {
	conn, err := b.Dial(id)
	if err != nil {
		return nil, fmt.Errorf("dial host: %w", err)
	}
	return pluginv1.NewHostServiceClient(conn), nil
}

// JSON answers v as a JSON document.
func JSON(v any) *pluginv1.HandleHTTPResponse {
	b, _ := json.Marshal(v)
	return &pluginv1.HandleHTTPResponse{Status: http.StatusOK, Body: b,
		Headers: []*pluginv1.Header{{Name: "Content-Type", Values: []string{"application/json"}}}}
}

// Fragment answers an HTML fragment for the core's shell.
func Fragment(title, html string) *pluginv1.HandleHTTPResponse {
	return &pluginv1.HandleHTTPResponse{Status: http.StatusOK, Fragment: true, Title: title, Body: []byte(html)}
}

// Text answers plain text.
func Text(status int32, s string) *pluginv1.HandleHTTPResponse {
	return &pluginv1.HandleHTTPResponse{Status: status, Body: []byte(s),
		Headers: []*pluginv1.Header{{Name: "Content-Type", Values: []string{"text/plain; charset=utf-8"}}}}
}
