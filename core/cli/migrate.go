package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func migrateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "migrate", Short: "Apply, revert or list core schema migrations"}
	up := &cobra.Command{
		Use: "up", Short: "Apply every pending migration", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, false)
			if err != nil {
				return err
			}
			defer a.Close()
			applied, err := a.Migrate(ctx)
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "The schema is up to date.")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Applied migrations %v.\n", applied)
			return nil
		},
	}
	var steps int
	down := &cobra.Command{
		Use: "down", Short: "Revert the newest migrations (one unless --steps)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, false)
			if err != nil {
				return err
			}
			defer a.Close()
			m, err := a.Migrator()
			if err != nil {
				return err
			}
			reverted, err := m.Down(ctx, steps)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Reverted migrations %v.\n", reverted)
			return nil
		},
	}
	down.Flags().IntVar(&steps, "steps", 1, "how many migrations to revert")
	status := &cobra.Command{
		Use: "status", Short: "List migrations and whether each is applied", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, false)
			if err != nil {
				return err
			}
			defer a.Close()
			m, err := a.Migrator()
			if err != nil {
				return err
			}
			st, err := m.Status(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VERSION\tNAME\tAPPLIED")
			for _, s := range st {
				at := "pending"
				if s.AppliedAt != nil {
					at = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
				}
				fmt.Fprintf(w, "%d\t%s\t%s\n", s.Version, s.Name, at)
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(up, down, status)
	return cmd
}
