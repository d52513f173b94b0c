package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
)

// resetPasswordCmd is `upwards user reset-password`: an operator's way to
// let a user back in. By default it prints a one-time link (valid for an
// hour, as the emailed ones); with --password-stdin it sets the password
// read from stdin (never from argv, which other users of the machine can
// see). Either way the user's sessions end and API tokens are revoked when
// the password is set.
func resetPasswordCmd() *cobra.Command {
	var tenantSlug, email string
	var stdin bool
	cmd := &cobra.Command{
		Use: "reset-password", Short: "Print a one-time link to set a user's password, or set it from stdin", Args: cobra.NoArgs,
		Example: `  upwards user reset-password --tenant northstar --email head@example.org
  printf '%s\n' "$NEW_PASSWORD" | upwards user reset-password --tenant northstar --email head@example.org --password-stdin`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := tenantFlag(cmd, a, tenantSlug)
			if err != nil {
				return err
			}
			u, err := a.Identity.UserByEmail(ctx, t.ID, email)
			if err != nil {
				return fmt.Errorf("user %q in %s: %w", email, t.Slug, err)
			}
			out := cmd.OutOrStdout()
			if stdin {
				password, err := readPassword(cmd.InOrStdin())
				if err != nil {
					return err
				}
				if err := a.Identity.SetPassword(ctx, t.ID, u.ID, password); err != nil {
					return err
				}
				fmt.Fprintf(out, "Set the password of %s in %s; their sessions are logged out and API tokens revoked.\n", u.Email, t.Slug)
				return nil
			}
			token, exp, err := a.Identity.IssueResetToken(ctx, t.ID, u.ID)
			if err != nil {
				return err
			}
			link := strings.TrimRight(a.Config.BaseURL, "/") + "/password/reset?token=" + url.QueryEscape(token)
			fmt.Fprintf(out, "One-time link for %s (works once, until %s UTC):\n%s\n", u.Email, exp.UTC().Format("Mon 2 Jan 2006 15:04"), link)
			return nil
		},
	}
	cmd.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
	cmd.Flags().StringVar(&email, "email", "", "the user's email (required)")
	cmd.Flags().BoolVar(&stdin, "password-stdin", false, "set the password read from the first line of stdin instead of printing a link")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}
