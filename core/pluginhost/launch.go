package pluginhost

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// maxMessage bounds one gRPC message between core and plugin (request and
// response bodies travel whole).
const maxMessage = 32 << 20

// startTimeout bounds the launch handshake of a plugin process.
const startTimeout = 15 * time.Second

// pluginEnv is the environment a plugin process starts with: never the
// core's own (which holds the database URL and SMTP credentials).
func pluginEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TZ", "LANG", "LC_ALL"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// clientConfig is the go-plugin configuration of one launch of path, which
// must have the SHA-256 sum.
// calls, if not nil, counts the calls under way on the connection.
func clientConfig(path string, sum []byte, logger hclog.Logger, calls *callCounter) *plugin.ClientConfig {
	cmd := exec.Command(path)
	cmd.Env = pluginEnv()
	cmd.SysProcAttr = procAttr()
	dial := append(contract.DialOptions(), grpc.WithDefaultCallOptions(
		grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)))
	if calls != nil {
		dial = append(dial, calls.dialOptions()...)
	}
	return &plugin.ClientConfig{
		HandshakeConfig:  contract.Handshake,
		VersionedPlugins: contract.PluginSets(),
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		Logger:           logger,
		Managed:          false,
		StartTimeout:     startTimeout,
		GRPCDialOptions:  dial,
	}
}

// launch starts path and dispenses the programme plugin; calls, if not nil,
// counts the calls under way on the connection.
func launch(path string, sum []byte, logger hclog.Logger, calls *callCounter) (*plugin.Client, *contract.ClientV1, error) {
	client := plugin.NewClient(clientConfig(path, sum, logger, calls))
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, nil, launchError(path, err)
	}
	raw, err := rpc.Dispense(contract.PluginName)
	if err != nil {
		client.Kill()
		return nil, nil, fmt.Errorf("plugin %s: dispense %q: %w", path, contract.PluginName, err)
	}
	conn, ok := raw.(*contract.ClientV1)
	if !ok {
		client.Kill()
		return nil, nil, fmt.Errorf("plugin %s: dispensed %T, not a contract v1 client", path, raw)
	}
	return client, conn, nil
}

// ErrChecksum is wrapped by the error of launching a binary that is not the
// one installed.
var ErrChecksum = plugin.ErrChecksumsDoNotMatch

// ErrProtocol is wrapped by the error of launching a plugin that speaks a
// contract version this core does not.
var ErrProtocol = errors.New("unsupported contract version")

var pluginVersionRE = regexp.MustCompile(`Plugin version: (\d+)`)

// launchError explains go-plugin's launch failures.
func launchError(path string, err error) error {
	if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
		return fmt.Errorf("plugin binary %s is not the one installed: its SHA-256 differs from the registry's, so it was not started; "+
			"install the new build with `upwards plugin upgrade %s` (%w)", path, path, err)
	}
	if m := pluginVersionRE.FindStringSubmatch(err.Error()); m != nil {
		v, _ := strconv.Atoi(m[1])
		return fmt.Errorf("plugin %s speaks contract version %d, but this core speaks version %v: rebuild it against a supported SDK: %w (%v)",
			path, v, contract.SupportedProtocols, ErrProtocol, err)
	}
	return fmt.Errorf("start plugin %s: %w", path, err)
}

// inspect launches path once to read its manifest and the contract version
// it negotiated, then stops it.
func inspect(ctx context.Context, path string, sum []byte, logger hclog.Logger) (*pluginv1.Manifest, int, error) {
	client, conn, err := launch(path, sum, logger, nil)
	if err != nil {
		return nil, 0, err
	}
	defer client.Kill()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	resp, err := conn.GetManifest(ctx, &pluginv1.GetManifestRequest{})
	if err != nil {
		return nil, 0, fmt.Errorf("plugin %s: read manifest: %w", path, err)
	}
	return resp.GetManifest(), client.NegotiatedVersion(), nil
}
