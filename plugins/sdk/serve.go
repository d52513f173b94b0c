package sdk

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// MaxMessageBytes is the largest message the plugin accepts from the core:
// room for the core's 10 MB request body limit (gRPC's default is 4 MiB).
const MaxMessageBytes = 16 << 20

// Serve runs the plugin: it answers go-plugin's handshake and serves the
// contract until the core stops the process. Call it from main. Logs go to
// stderr as JSON, which go-plugin forwards to the core's log. Run by hand,
// outside the core, the binary says so and exits. A plugin whose migrations
// are out of order, or whose Router disagrees with its manifest's routes,
// does not start: the reason goes to stderr marked [ERROR], which go-plugin
// logs as an error.
//
// The process never outlives the core that started it: it exits as soon as
// its parent process is gone (see watchParent), even when the core was killed
// with SIGKILL and could not stop it.
func Serve(p *Plugin) {
	if p == nil || p.Manifest == nil {
		fmt.Fprintln(os.Stderr, "[ERROR] sdk.Serve: the plugin has no manifest")
		os.Exit(1)
	}
	_, migrationsErr := checkMigrations(p.Migrations)
	if err := errors.Join(migrationsErr, checkRoutes(p)); err != nil {
		fmt.Fprintf(os.Stderr, "[ERROR] sdk.Serve: plugin %s: %v\n", p.Manifest.GetId(), err)
		os.Exit(1)
	}
	go watchParent(os.Getppid(), parentPoll, func() {
		fmt.Fprintf(os.Stderr, "[ERROR] sdk.Serve: plugin %s: the core that started it is gone; exiting\n", p.Manifest.GetId())
		os.Exit(3)
	})
	logger := hclog.New(&hclog.LoggerOptions{
		Name:       p.Manifest.GetId(),
		Level:      hclog.Info,
		Output:     os.Stderr,
		JSONFormat: true,
	})
	var servers []*server
	defer func() {
		for _, s := range servers {
			s.close()
		}
	}()
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: contract.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{
			contract.ProtocolV1: {contract.PluginName: &contract.GRPCPluginV1{
				NewServer: func(broker *plugin.GRPCBroker) pluginv1.PluginServiceServer {
					s := newServer(p, broker)
					servers = append(servers, s)
					return s
				},
			}},
		},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			opts = append(opts, contract.ServerOptions()...)
			return plugin.DefaultGRPCServer(append(opts, grpc.MaxRecvMsgSize(MaxMessageBytes)))
		},
		Logger: logger,
	})
}

// parentPoll is how often a plugin process checks that its parent lives.
const parentPoll = 100 * time.Millisecond

// watchParent calls gone once the process's parent is no longer ppid: when a
// parent dies the kernel re-parents its children (to init or a subreaper), so
// getppid changes. It is the portable half of "no plugin outlives the core";
// on Linux the core also asks the kernel to kill the plugin with its parent
// (PR_SET_PDEATHSIG), which acts at once. A plugin whose parent is already
// init (ppid 1, run by hand under a supervisor) is not watched.
func watchParent(ppid int, every time.Duration, gone func()) {
	if ppid <= 1 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		if os.Getppid() != ppid {
			gone()
			return
		}
	}
}
