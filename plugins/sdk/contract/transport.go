package contract

import "google.golang.org/grpc"

// Transport settings both ends of the contract use. Core and plugin talk
// over a local socket, one small message per call, many calls at once:
//
//   - a fixed 1 MiB flow-control window (setting it turns off gRPC's
//     bandwidth-delay estimator, whose pings cost a write and a read on both
//     sides for each burst of data, and which a local socket does not need);
//   - a pool of stream workers, so a call runs on a goroutine whose stack
//     has already grown instead of growing a fresh one each time;
//   - write buffers shared between connections rather than one per connection;
//   - no client-side retries: a call is not buffered for replay, and a plugin
//     that is down answers 503 through the supervisor, not through a retry.
//
// Compression stays off (gRPC's default): the bytes never leave the machine.
const (
	windowBytes   = 1 << 20
	streamWorkers = 64
)

// ServerOptions are the gRPC server options of the plugin's PluginService
// and of the core's HostService.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.InitialWindowSize(windowBytes),
		grpc.InitialConnWindowSize(windowBytes),
		grpc.NumStreamWorkers(streamWorkers),
		grpc.SharedWriteBuffer(true),
	}
}

// DialOptions are the gRPC dial options of the core's connection to a
// plugin and of the plugin's connection to the Host.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(windowBytes),
		grpc.WithInitialConnWindowSize(windowBytes),
		grpc.WithSharedWriteBuffer(true),
		grpc.WithDisableRetry(),
	}
}
