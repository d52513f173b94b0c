package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/demo"
)

func demoCmd() *cobra.Command {
	var (
		andServe   bool
		pluginsDir string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build the demo install (the partnership's 2017-18 schools and a trust) and print its logins",
		Long: "Builds, once, a demo install from the real 2017-18 list of the partnership's schools by hub, cluster,\n" +
			"delivery centre and coaching cohort, plus a fictional multi-academy trust of seven schools, with\n" +
			"generated users for each role. It installs the four programme plugins from --plugins-dir (make build puts them\n" +
			"there), enables all four for the partnership and Challenge the Gap alone for the trust, and lets each build its\n" +
			"demo programme. Running it again only prints the logins. With --serve it then serves.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			build := func(ctx context.Context, a *app.App) error {
				return buildDemo(ctx, a, cmd.OutOrStdout())
			}
			seed := func(ctx context.Context, a *app.App) error {
				return seedDemoPlugins(ctx, a, pluginsDir, cmd.OutOrStdout())
			}
			if andServe {
				return serve(cmd, build, seed)
			}
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			return BuildDemo(ctx, a, pluginsDir, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&andServe, "serve", false, "serve the install after building it")
	cmd.Flags().StringVar(&pluginsDir, "plugins-dir", defaultPluginsDir(), "where the demo's plugin binaries are (make build puts them in bin/plugins)")
	return cmd
}

// BuildDemo does what `upwards demo` does on a migrated app that is not yet
// started: it builds the demo install (once), starts the app (and its
// plugin runtime), then installs and enables the demo's programme plugins
// found in pluginsDir and runs their demo_seed jobs. It prints the logins
// and notes to out. A benchmark builds the full demo with it.
func BuildDemo(ctx context.Context, a *app.App, pluginsDir string, out io.Writer) error {
	if err := buildDemo(ctx, a, out); err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	return seedDemoPlugins(ctx, a, pluginsDir, out)
}

func buildDemo(ctx context.Context, a *app.App, out io.Writer) error {
	if err := a.LoadPermissions(ctx); err != nil {
		return err
	}
	start := time.Now()
	res, err := demo.Build(ctx, demo.Services{Tenancy: a.Tenancy, Identity: a.Identity, Authz: a.Authz, Pupils: a.Pupils})
	if err != nil {
		return fmt.Errorf("build demo: %w", err)
	}
	if res.Created {
		fmt.Fprintf(out, "Built the demo install in %.1f s.\n", time.Since(start).Seconds())
		for _, w := range res.Warnings {
			fmt.Fprintln(out, "  note:", w)
		}
	} else {
		fmt.Fprintln(out, "The demo install is already built.")
	}
	for _, slug := range []string{demo.PartnershipSlug, demo.TrustSlug} {
		var parts []string
		for k, n := range res.Counts[slug] {
			parts = append(parts, fmt.Sprintf("%d %s", n, k.Label()))
		}
		sort.Strings(parts)
		if n := res.Pupils[slug]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d pupils (generated)", n))
		}
		if n := res.Staff[slug]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d staff of the programme's schools (generated)", n))
		}
		fmt.Fprintf(out, "  %s: %v\n", slug, parts)
	}
	fmt.Fprintf(out, "\nDemo logins (password for all: %s):\n", demo.Password)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  ORGANISATION\tEMAIL\tROLE\tAT")
	for _, l := range res.Logins {
		org := l.Tenant
		if l.Host != "" {
			org += " (" + hostURL(a.Config, l.Host) + ")"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", org, l.Email, l.Role, l.At)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nAt %s the login page lets you choose the organisation; %s and %s select it by host name.\n",
		a.Config.BaseURL, hostURL(a.Config, demo.PartnershipHost), hostURL(a.Config, demo.TrustHost))
	return nil
}
