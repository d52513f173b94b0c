package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/pluginhost"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/tenancy"
)

// privacyCmd is `upwards privacy`: subject export and erasure of one pupil
// across the core and every plugin, the retention sweep, and the requests
// made. Pupils are named by id; a UPN is read from stdin (--upn-stdin),
// never taken as an argument, so it does not land in shell history.
func privacyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "privacy", Short: "Export or erase a pupil everywhere (subject rights); run the retention sweep"}
	var (
		tenantSlug   string
		pupilID      uint
		upnStdin     bool
		out          string
		allowPartial bool
		reason       string
	)
	pupilFlags := func(c *cobra.Command) {
		c.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
		c.Flags().UintVar(&pupilID, "pupil", 0, "the pupil's id")
		c.Flags().BoolVar(&upnStdin, "upn-stdin", false, "read the pupil's UPN from the first line of stdin instead of --pupil")
	}
	// pick resolves the pupil named by --pupil or --upn-stdin.
	pick := func(cmd *cobra.Command, ctx context.Context, svc *privacy.Service, t tenancy.Tenant) (uint, error) {
		switch {
		case upnStdin && pupilID != 0:
			return 0, errors.New("give --pupil or --upn-stdin, not both")
		case upnStdin:
			line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return 0, fmt.Errorf("read the UPN from stdin: %w", err)
			}
			p, err := svc.FindByUPN(ctx, t.ID, strings.TrimSpace(line))
			if err != nil {
				return 0, err
			}
			return p.ID, nil
		case pupilID == 0:
			return 0, errors.New("--pupil ID (or --upn-stdin) is required")
		}
		return pupilID, nil
	}

	export := &cobra.Command{
		Use: "export", Short: "Write everything the core and every plugin hold about a pupil to a zip archive", Args: cobra.NoArgs,
		Example: "  upwards privacy export --tenant northstar --pupil 4711 --out pupil-4711.zip\n  echo A123... | upwards privacy export --tenant northstar --upn-stdin",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withPrivacy(cmd, tenantSlug, func(ctx context.Context, svc *privacy.Service, t tenancy.Tenant) error {
				id, err := pick(cmd, ctx, svc, t)
				if err != nil {
					return err
				}
				path := out
				if path == "" {
					path = fmt.Sprintf("pupil-%d-export.zip", id)
				}
				var w io.Writer = cmd.OutOrStdout()
				var f *os.File
				if path != "-" {
					// Refuse to overwrite, and create the file before the
					// export is gathered and audited.
					if f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
						return fmt.Errorf("create the archive: %w", err)
					}
					w = f
				}
				arch, err := svc.Export(ctx, t.ID, id, privacy.ExportOptions{AllowPartial: allowPartial})
				if err == nil {
					err = arch.WriteZip(w)
				}
				if f != nil {
					if cerr := f.Close(); err == nil {
						err = cerr
					}
					if err != nil {
						_ = os.Remove(path)
					}
				}
				if err != nil {
					return err
				}
				msg := cmd.ErrOrStderr()
				fmt.Fprintf(msg, "Exported pupil %d (request %d) to %s:\n", id, arch.Request.ID, path)
				printOutcomes(msg, arch.Manifest.Sources)
				if !arch.Manifest.Complete {
					fmt.Fprintf(msg, "WARNING: the export is PARTIAL: %s failed; manifest.json in the archive says so.\n",
						strings.Join(arch.Request.Failed(), ", "))
				}
				return nil
			})
		},
	}
	pupilFlags(export)
	export.Flags().StringVar(&out, "out", "", `archive file to create (default pupil-ID-export.zip; "-" writes to stdout)`)
	export.Flags().BoolVar(&allowPartial, "allow-partial", false, "write the archive even if a plugin fails (its manifest names the failure)")

	erase := &cobra.Command{
		Use: "erase", Short: "Erase a pupil from every plugin, then from the core", Args: cobra.NoArgs,
		Example: `  upwards privacy erase --tenant northstar --pupil 4711 --reason "Parent's request of 3 March"`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withPrivacy(cmd, tenantSlug, func(ctx context.Context, svc *privacy.Service, t tenancy.Tenant) error {
				id, err := pick(cmd, ctx, svc, t)
				if err != nil {
					return err
				}
				req, err := svc.Erase(ctx, t.ID, id, reason)
				if err != nil && !errors.Is(err, privacy.ErrIncomplete) {
					return err
				}
				w := cmd.OutOrStdout()
				switch {
				case err != nil:
					fmt.Fprintf(w, "Erasure of pupil %d (request %d, attempt %d) is INCOMPLETE:\n", id, req.ID, req.Attempts)
				case req.CompletedAt != nil:
					fmt.Fprintf(w, "Pupil %d is erased everywhere (request %d, finished %s):\n", id, req.ID, req.CompletedAt.UTC().Format("2006-01-02 15:04"))
				}
				printOutcomes(w, req.Outcomes)
				return err
			})
		},
	}
	pupilFlags(erase)
	erase.Flags().StringVar(&reason, "reason", "", "why the pupil is erased, kept in the audit log (required; never the pupil's name or UPN)")

	retention := &cobra.Command{Use: "retention", Short: "The retention period: pupils who left longer ago are erased daily"}
	run := &cobra.Command{
		Use: "run", Short: "Run a tenant's retention sweep now", Args: cobra.NoArgs,
		Example: "  upwards privacy retention run --tenant northstar",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withPrivacy(cmd, tenantSlug, func(ctx context.Context, svc *privacy.Service, t tenancy.Tenant) error {
				rep, err := svc.RunRetention(ctx, t.ID)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if rep.Days == 0 {
					fmt.Fprintf(w, "Retention is off for %s (%s = 0): no pupil is due.\n", t.Slug, privacy.SettingRetentionDays)
				} else {
					fmt.Fprintf(w, "Retention %d days for %s: %d pupils left before %s; %d erased, %d incomplete.\n",
						rep.Days, t.Slug, rep.Due, rep.Cutoff.Format("2006-01-02"), rep.Erased, rep.Incomplete)
				}
				if rep.Retried > 0 {
					fmt.Fprintf(w, "%d earlier incomplete erasures finished.\n", rep.Retried)
				}
				if rep.Incomplete > 0 {
					return fmt.Errorf("%d erasures are incomplete (see upwards privacy requests); the next sweep tries them again", rep.Incomplete)
				}
				return nil
			})
		},
	}
	run.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
	retention.AddCommand(run)

	requests := &cobra.Command{
		Use: "requests", Short: "List a tenant's subject exports and erasures, newest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withPrivacy(cmd, tenantSlug, func(ctx context.Context, svc *privacy.Service, t tenancy.Tenant) error {
				var rs []privacy.Request
				var err error
				if pupilID != 0 {
					rs, err = svc.RequestsOfPupil(ctx, t.ID, pupilID)
				} else {
					rs, err = svc.Requests(ctx, t.ID, 100)
				}
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tWHEN\tPUPIL\tKIND\tSTATUS\tATTEMPTS\tFAILED\tBY\tREASON")
				for _, r := range rs {
					fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.CreatedAt.UTC().Format("2006-01-02 15:04"), r.PupilID,
						r.Kind, r.Status, r.Attempts, strings.Join(r.Failed(), ","), r.RequestedLabel, r.Reason)
				}
				return w.Flush()
			})
		},
	}
	requests.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
	requests.Flags().UintVar(&pupilID, "pupil", 0, "only this pupil's requests")

	cmd.AddCommand(export, erase, retention, requests)
	return cmd
}

// withPrivacy opens the app and the plugin runtime (no Redis: plugins are
// launched on this machine as the core's nodes launch them) and runs fn with
// the subject-rights service, as the "cli" actor.
func withPrivacy(cmd *cobra.Command, tenantSlug string, fn func(context.Context, *privacy.Service, tenancy.Tenant) error) error {
	a, ctx, err := openApp(cmd, true)
	if err != nil {
		return err
	}
	defer a.Close()
	t, err := tenantFlag(cmd, a, tenantSlug)
	if err != nil {
		return err
	}
	if err := a.LoadPermissions(ctx); err != nil {
		return err
	}
	rt, err := pluginhost.New(pluginhost.Deps{DB: a.DB, DatabaseURL: a.Config.DatabaseURL, DataDir: a.Config.DataDir,
		CoreVersion: app.Version, Tenancy: a.Tenancy, Identity: a.Identity, Authz: a.Authz, AuditKey: a.AuditKey, Log: a.Log}, pluginhost.Options{})
	if err != nil {
		return err
	}
	defer rt.Close()
	return fn(ctx, privacy.New(a.DB, a.Pupils, a.Tenancy, rt, a.Log), t)
}

// printOutcomes lists what each source did.
func printOutcomes(w io.Writer, outs []privacy.Outcome) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, o := range outs {
		detail := ""
		switch {
		case o.Files != nil:
			detail = fmt.Sprintf("%d files", len(o.Files))
		case o.Erased != 0 || o.Anonymised != 0:
			detail = fmt.Sprintf("%d erased, %d anonymised", o.Erased, o.Anonymised)
		}
		if o.Error != "" {
			detail = o.Error
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", o.Source, o.Status, detail)
	}
	_ = tw.Flush()
}
