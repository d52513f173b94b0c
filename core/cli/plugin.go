package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/pluginhost"
)

// pluginCmd is `upwards plugin`: install, list, enable, disable and upgrade
// programme plugins, and confirm or discard pending upgrades. It changes the
// registry, which running serve and worker nodes pick up within seconds
// (schedules included); enable and disable also send the plugin its
// tenant.enabled / tenant.disabled event from this process.
func pluginCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "plugin", Short: "Install, upgrade (and confirm upgrades), list, enable and disable programme plugins"}
	registry := func(cmd *cobra.Command) (*app.App, context.Context, *pluginhost.Registry, error) {
		a, ctx, err := openApp(cmd, true)
		if err != nil {
			return nil, nil, nil, err
		}
		return a, ctx, pluginhost.NewRegistry(a.DB, pluginhost.RegistryOptions{CoreVersion: app.Version, Logger: a.Log}), nil
	}
	var force, yes bool
	installOrUpgrade := func(upgrade bool) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			a, ctx, reg, err := registry(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			o, err := reg.InstallWith(ctx, args[0], pluginhost.InstallOptions{Force: force, Upgrade: upgrade, Confirmed: yes})
			if err != nil {
				return err
			}
			return printOutcome(cmd.OutOrStdout(), o)
		}
	}
	install := &cobra.Command{
		Use: "install PATH", Short: "Register a plugin binary (its manifest is checked and its SHA-256 recorded)", Args: cobra.ExactArgs(1),
		Example: "  upwards plugin install /opt/upwards/plugins/challengegap", RunE: installOrUpgrade(false),
	}
	install.Flags().BoolVar(&force, "force", false, "reinstall the same version, or install an older one")
	install.Flags().BoolVar(&yes, "yes", false, "when it replaces an installed build: apply it at once even if it adds permissions, roles or default grants")
	upgrade := &cobra.Command{
		Use: "upgrade PATH", Short: "Replace an installed plugin with a newer build, showing what it adds and removes", Args: cobra.ExactArgs(1),
		Long: `Replace an installed plugin with a newer build. The command prints what the new build adds and removes
(permissions, roles, default grants, routes, schedules, jobs, navigation, settings, events). A build that
adds permissions, roles or default grants, or widens a route, is not applied until an operator confirms it:
it waits as a pending upgrade (the old build keeps running) and the command exits with status 1. Confirm it
with "upwards plugin confirm ID" or the Confirm button on /admin/plugins, or apply it at once with --yes.`,
		Example: "  upwards plugin upgrade /opt/upwards/plugins/challengegap\n  upwards plugin upgrade /opt/upwards/plugins/challengegap --yes",
		RunE:    installOrUpgrade(true),
	}
	upgrade.Flags().BoolVar(&force, "force", false, "allow the same or an older version (a downgrade)")
	upgrade.Flags().BoolVar(&yes, "yes", false, "apply it at once even if it adds permissions, roles or default grants (after printing them)")
	decide := func(confirm bool) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 32)
			if err != nil {
				return fmt.Errorf("%q is not the number of a pending upgrade (upwards plugin list shows them)", args[0])
			}
			a, ctx, reg, err := registry(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			if !confirm {
				u, err := reg.DiscardUpgrade(ctx, uint(id))
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Discarded pending upgrade %d (plugin %s %s); the installed build keeps running.\n", u.ID, u.PluginID, u.Version)
				return nil
			}
			o, err := reg.ConfirmUpgrade(ctx, uint(id))
			if err != nil {
				return err
			}
			return printOutcome(cmd.OutOrStdout(), o)
		}
	}
	confirm := &cobra.Command{Use: "confirm ID", Short: "Apply a pending upgrade (its new permissions, roles and default grants take effect)", Args: cobra.ExactArgs(1),
		Example: "  upwards plugin confirm 3", RunE: decide(true)}
	discard := &cobra.Command{Use: "discard ID", Short: "Drop a pending upgrade; the installed build keeps running", Args: cobra.ExactArgs(1),
		Example: "  upwards plugin discard 3", RunE: decide(false)}
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
			if err := w.Flush(); err != nil {
				return err
			}
			pending, err := reg.PendingUpgrades(ctx)
			if err != nil || len(pending) == 0 {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "\nPending upgrades (upwards plugin confirm|discard ID):")
			w = tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tPLUGIN\tVERSION\tSHA256\tPROPOSED BY\tAT (UTC)\tPATH")
			for _, u := range pending {
				fmt.Fprintf(w, "%d\t%s\t%s\t%.12s\t%s\t%s\t%s\n", u.ID, u.PluginID, u.Version, u.SHA256, u.ProposedLabel, u.CreatedAt.UTC().Format("2006-01-02 15:04"), u.BinaryPath)
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
	cmd.AddCommand(install, list, enable, disable, upgrade, confirm, discard, pluginNewCmd(), pluginDevCmd())
	return cmd
}

// printOutcome says what an install, upgrade or confirmation did: the new
// build, or, for a replacement, what it changes and whether it was applied
// or waits for an operator (then the error is pluginhost.ErrPending, so the
// command exits non-zero and a deploy script notices).
func printOutcome(out io.Writer, o pluginhost.Outcome) error {
	if o.Previous == nil {
		p := o.Plugin
		fmt.Fprintf(out, "Installed plugin %s %s (%s, contract v%d, sha256 %s).\n", p.ID, p.Version, p.Name, p.Protocol, p.SHA256)
		fmt.Fprintf(out, "Enable it for a tenant with: upwards plugin enable %s --tenant SLUG\n", p.ID)
		return nil
	}
	fmt.Fprint(out, o.Diff.String())
	if u := o.Pending; u != nil {
		fmt.Fprintf(out, "Not applied: %s %s adds permissions, roles or default grants, or widens a route (above), so it waits for an operator as pending upgrade %d; %s %s keeps running.\n",
			u.PluginID, u.Version, u.ID, o.Plugin.ID, o.Plugin.Version)
		fmt.Fprintf(out, "Confirm it with: upwards plugin confirm %d (or the Confirm button on /admin/plugins), or run the upgrade again with --yes.\n", u.ID)
		return fmt.Errorf("plugin %s %s not applied: %w", u.PluginID, u.Version, pluginhost.ErrPending)
	}
	p := o.Plugin
	fmt.Fprintf(out, "Replaced %s %s with plugin %s %s (%s, contract v%d, sha256 %s).\n", o.Previous.ID, o.Previous.Version, p.ID, p.Version, p.Name, p.Protocol, p.SHA256)
	return nil
}
