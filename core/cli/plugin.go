package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/pluginhost"
)

// pluginCmd is `upwards plugin`: install, list, enable, disable and upgrade
// programme plugins. It changes the registry, which running serve and worker
// nodes pick up within seconds (schedules included); enable and disable also
// send the plugin its tenant.enabled / tenant.disabled event from this process.
func pluginCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "plugin", Short: "Install, upgrade, list, enable and disable programme plugins"}
	registry := func(cmd *cobra.Command) (*app.App, context.Context, *pluginhost.Registry, error) {
		a, ctx, err := openApp(cmd, true)
		if err != nil {
			return nil, nil, nil, err
		}
		return a, ctx, pluginhost.NewRegistry(a.DB, pluginhost.RegistryOptions{CoreVersion: app.Version, Logger: a.Log}), nil
	}
	var force bool
	installOrUpgrade := func(upgrade bool) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			a, ctx, reg, err := registry(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			before, _ := reg.List(ctx)
			var p pluginhost.Plugin
			if upgrade {
				p, err = reg.Upgrade(ctx, args[0], force)
			} else {
				p, err = reg.Install(ctx, args[0], force)
			}
			if err != nil {
				return err
			}
			verb := "Installed"
			for _, b := range before {
				if b.ID == p.ID {
					verb = fmt.Sprintf("Replaced %s %s with", b.ID, b.Version)
				}
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%s plugin %s %s (%s, contract v%d, sha256 %s).\n", verb, p.ID, p.Version, p.Name, p.Protocol, p.SHA256)
			if verb == "Installed" {
				fmt.Fprintf(out, "Enable it for a tenant with: upwards plugin enable %s --tenant SLUG\n", p.ID)
			}
			return nil
		}
	}
	install := &cobra.Command{
		Use: "install PATH", Short: "Register a plugin binary (its manifest is checked and its SHA-256 recorded)", Args: cobra.ExactArgs(1),
		Example: "  upwards plugin install /opt/upwards/plugins/challengegap", RunE: installOrUpgrade(false),
	}
	install.Flags().BoolVar(&force, "force", false, "reinstall the same version, or install an older one")
	upgrade := &cobra.Command{
		Use: "upgrade PATH", Short: "Replace an installed plugin with a newer build", Args: cobra.ExactArgs(1),
		Example: "  upwards plugin upgrade /opt/upwards/plugins/challengegap", RunE: installOrUpgrade(true),
	}
	upgrade.Flags().BoolVar(&force, "force", false, "allow the same or an older version (a downgrade)")
	list := &cobra.Command{
		Use: "list", Short: "List installed plugins and the tenants enabling them", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, reg, err := registry(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			ps, err := reg.List(ctx)
			if err != nil {
				return err
			}
			ts, err := a.Tenancy.ListTenants(ctx)
			if err != nil {
				return err
			}
			slugs := map[uint]string{}
			for _, t := range ts {
				slugs[t.ID] = t.Slug
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tVERSION\tSTATE\tSHA256\tTENANTS\tPATH")
			for _, p := range ps {
				ids, err := reg.EnabledTenants(ctx, p.ID)
				if err != nil {
					return err
				}
				var names []string
				for _, id := range ids {
					names = append(names, slugs[id])
				}
				state := p.State
				if p.LastError != "" {
					state += ": " + p.LastError
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name, p.Version, state, p.ShortSHA(), strings.Join(names, ","), p.BinaryPath)
			}
			return w.Flush()
		},
	}
	var tenantSlug string
	toggle := func(enable bool) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			a, ctx, reg, err := registry(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := tenantFlag(cmd, a, tenantSlug)
			if err != nil {
				return err
			}
			if _, err := reg.Get(ctx, args[0]); err != nil {
				return err
			}
			// The runtime, not the bare registry: a plugin subscribing to
			// tenant.enabled / tenant.disabled hears it from this process.
			if err := a.Start(ctx); err != nil {
				return err
			}
			if enable {
				err = a.Plugins.Enable(ctx, args[0], t.ID)
			} else {
				err = a.Plugins.Disable(ctx, args[0], t.ID)
			}
			if err != nil {
				return err
			}
			verb := map[bool]string{true: "Enabled", false: "Disabled"}[enable]
			fmt.Fprintf(cmd.OutOrStdout(), "%s plugin %s for %s.\n", verb, args[0], t.Slug)
			return nil
		}
	}
	enable := &cobra.Command{Use: "enable ID", Short: "Let a tenant use a plugin", Args: cobra.ExactArgs(1),
		Example: "  upwards plugin enable challengegap --tenant partnership", RunE: toggle(true)}
	disable := &cobra.Command{Use: "disable ID", Short: "Stop a tenant using a plugin (its data stays)", Args: cobra.ExactArgs(1),
		Example: "  upwards plugin disable challengegap --tenant partnership", RunE: toggle(false)}
	for _, c := range []*cobra.Command{enable, disable} {
		c.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
	}
	cmd.AddCommand(install, list, enable, disable, upgrade, pluginNewCmd(), pluginDevCmd())
	return cmd
}
