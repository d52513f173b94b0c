// Package cli defines the upwards command line (cobra): serve, worker,
// migrate, tenant, user, demo and version.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/config"
)

// Root returns the upwards command with every subcommand.
func Root() *cobra.Command {
	root := &cobra.Command{
		Use:           "upwards",
		Short:         "Upwards: the partnership's programmes on one self-hosted platform",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	config.RegisterFlags(root.PersistentFlags())
	root.AddCommand(serveCmd(), workerCmd(), migrateCmd(), tenantCmd(), userCmd(), pluginCmd(), importCmd(), privacyCmd(), auditCmd(), demoCmd(), versionCmd())
	return root
}

// loadConfig reads flags and environment; a bad value names the setting.
func loadConfig(cmd *cobra.Command) (config.Config, error) {
	return config.Load(cmd.Root().PersistentFlags(), os.Getenv)
}

// openApp opens the database (and migrates it when migrate is true) for a CLI command.
func openApp(cmd *cobra.Command, migrate bool) (*app.App, context.Context, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return nil, nil, err
	}
	log := app.NewLogger(cfg, cmd.ErrOrStderr())
	ctx := audit.WithActor(cmd.Context(), audit.Actor{Label: "cli"})
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	if migrate {
		if _, err := a.Migrate(ctx); err != nil {
			a.Close()
			return nil, nil, err
		}
	}
	return a, ctx, nil
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of this build",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			printVersion(cmd.OutOrStdout())
			return nil
		},
	}
}

func printVersion(w io.Writer) {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
	}
	fmt.Fprintf(w, "upwards %s%s %s %s/%s\n", app.Version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
