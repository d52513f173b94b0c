package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/plugindev"
)

// DevBuildsDir is where `upwards plugin dev` writes its builds, under DATA_DIR.
const DevBuildsDir = "dev-builds"

// ErrNotEmbedded refuses the dev loop on an install that is not the
// embedded single-machine default.
var ErrNotEmbedded = errors.New("upwards plugin dev needs the embedded install")

// pluginDevCmd is `upwards plugin dev DIR`: build the plugin in DIR, install
// it for one tenant of the embedded install, and rebuild and swap it on
// every source change, with no version bump and no --force.
func pluginDevCmd() *cobra.Command {
	var tenantSlug string
	cmd := &cobra.Command{
		Use:   "dev DIR",
		Short: "Build a plugin from source, install it for one tenant and swap it on every change (embedded install only)",
		Long: `Build the plugin whose main package is DIR (go build, CGO_ENABLED=0, -ldflags "-s -w") into DATA_DIR/dev-builds/,
install that build, enable it for --tenant, then watch DIR: after each change of a file
there (Go sources, go.mod, embedded templates and assets; not tests) build again and
install the new build in place of the old one, with the same version and no --force.
A running "upwards serve" of the same install switches to the new build on its next
request to the plugin (it reads the registry from the shared database). A build that
fails is printed and the previous build keeps running.

Only for the embedded install (SQLite database and embedded Redis) on the author's own
machine: an install on PostgreSQL or an external Redis is refused, since a build swapped
without a version bump must never reach shared or production installs. Every swap is
audited as plugin.dev.reinstall.`,
		Args:    cobra.ExactArgs(1),
		Example: "  upwards plugin dev ./reviews --tenant northstar",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if err := requireEmbedded(cfg); err != nil {
				return err
			}
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			if tenantSlug == "" {
				tenantSlug = cfg.DefaultTenant
			}
			t, err := tenantFlag(cmd, a, tenantSlug)
			if err != nil {
				return err
			}
			if err := a.Start(ctx); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			loop := &plugindev.Loop{
				Dir: args[0],
				Out: filepath.Join(cfg.DataDir, DevBuildsDir, filepath.Base(filepath.Clean(args[0]))),
				Log: out,
				Install: func(ctx context.Context, path string) (string, error) {
					p, err := a.Plugins.DevReinstall(ctx, path)
					if err != nil {
						return "", err
					}
					if err := a.Plugins.Enable(ctx, p.ID, t.ID); err != nil {
						return "", err
					}
					return fmt.Sprintf("Installed %s %s (sha256 %s) for %s: open /p/%s/; a running server switches to this build on its next request.",
						p.ID, p.Version, p.ShortSHA(), t.Slug, p.ID), nil
				},
			}
			return loop.Run(ctx)
		},
	}
	cmd.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug to enable the plugin for (default: --default-tenant, or the only tenant)")
	return cmd
}

// requireEmbedded refuses an install that is not the embedded default,
// naming the setting at fault and why.
func requireEmbedded(cfg config.Config) error {
	var why []string
	if !strings.HasPrefix(cfg.DatabaseURL, "sqlite:") {
		why = append(why, "its database is PostgreSQL (UPWARDS_DATABASE_URL / --database-url)")
	}
	if cfg.RedisURL != jobs.EmbeddedURL {
		why = append(why, "its Redis is external (UPWARDS_REDIS_URL / --redis-url)")
	}
	if len(why) == 0 {
		return nil
	}
	return fmt.Errorf("%w (SQLite and embedded Redis), but %s: the dev loop replaces a plugin's build without a version bump, "+
		"which must never happen to a shared or production install; run it against a local embedded install "+
		"(e.g. --database-url sqlite:var/upwards.db --redis-url embedded) and ship with `upwards plugin upgrade`",
		ErrNotEmbedded, strings.Join(why, " and "))
}
