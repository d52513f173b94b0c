package cli

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/tenancy"
)

func tenantCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tenant", Short: "Create and list tenants (organisations owning data)"}
	var hosts []string
	create := &cobra.Command{
		Use: "create SLUG NAME", Short: "Create a tenant", Args: cobra.ExactArgs(2),
		Example: `  upwards tenant create northstar "Northstar Learning Trust" --host trust.example.org`,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := a.Tenancy.CreateTenant(ctx, args[0], args[1], hosts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created tenant %s (%s), id %d.\n", t.Slug, t.Name, t.ID)
			return nil
		},
	}
	create.Flags().StringSliceVar(&hosts, "host", nil, "host name that selects this tenant (repeatable)")
	list := &cobra.Command{
		Use: "list", Short: "List tenants", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			ts, err := a.Tenancy.ListTenants(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSLUG\tNAME\tHOSTS")
			for _, t := range ts {
				hs, err := a.Tenancy.TenantHosts(ctx, t.ID)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", t.ID, t.Slug, t.Name, strings.Join(hs, ","))
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(create, list)
	return cmd
}

// tenantFlag resolves --tenant SLUG, or the only tenant when there is one.
func tenantFlag(cmd *cobra.Command, a *app.App, slug string) (tenancy.Tenant, error) {
	ctx := cmd.Context()
	if slug != "" {
		t, err := a.Tenancy.TenantBySlug(ctx, slug)
		if err != nil {
			return t, fmt.Errorf("tenant %q: %w", slug, err)
		}
		return t, nil
	}
	ts, err := a.Tenancy.ListTenants(ctx)
	if err != nil {
		return tenancy.Tenant{}, err
	}
	if len(ts) != 1 {
		return tenancy.Tenant{}, fmt.Errorf("--tenant is required: this install has %d tenants", len(ts))
	}
	return ts[0], nil
}

func randomPassword() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func readPassword(in io.Reader) (string, error) {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Create users, grant roles and list users"}
	var tenantSlug, email, name string
	var operator, stdin bool
	create := &cobra.Command{
		Use: "create", Short: "Create a user (the password is generated and printed unless --password-stdin)", Args: cobra.NoArgs,
		Example: `  upwards user create --tenant northstar --email head@example.org --name "A Head"`,
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
			password := randomPassword()
			if stdin {
				if password, err = readPassword(cmd.InOrStdin()); err != nil {
					return err
				}
			}
			u, err := a.Identity.CreateUser(ctx, t.ID, email, name, password, operator)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created user %d %s in %s.\n", u.ID, u.Email, t.Slug)
			if !stdin {
				fmt.Fprintf(cmd.OutOrStdout(), "Password: %s\n", password)
			}
			return nil
		},
	}
	create.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
	create.Flags().StringVar(&email, "email", "", "email address (required)")
	create.Flags().StringVar(&name, "name", "", "full name (required)")
	create.Flags().BoolVar(&operator, "operator", false, "make the user an install operator (job monitor)")
	create.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from the first line of stdin")
	_ = create.MarkFlagRequired("email")
	_ = create.MarkFlagRequired("name")

	var role, unit string
	grant := &cobra.Command{
		Use: "grant", Short: "Grant a role to a user at an org unit (id or URN; default the whole tenant)", Args: cobra.NoArgs,
		Example: `  upwards user grant --tenant northstar --email head@example.org --role headteacher --unit 100123`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.LoadPermissions(ctx); err != nil {
				return err
			}
			t, err := tenantFlag(cmd, a, tenantSlug)
			if err != nil {
				return err
			}
			u, err := a.Identity.UserByEmail(ctx, t.ID, email)
			if err != nil {
				return fmt.Errorf("user %q in %s: %w", email, t.Slug, err)
			}
			target, err := a.Tenancy.RootUnit(ctx, t.ID)
			if err != nil {
				return err
			}
			if unit != "" {
				if target, err = a.Tenancy.UnitByRef(ctx, t.ID, unit); err != nil {
					return fmt.Errorf("unit %q: %w", unit, err)
				}
			}
			if err := a.Authz.Grant(ctx, t.ID, u.ID, role, target.ID, nil); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Granted %s to %s at %s.\n", role, u.Email, target.Name)
			return nil
		},
	}
	grant.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
	grant.Flags().StringVar(&email, "email", "", "the user's email (required)")
	grant.Flags().StringVar(&role, "role", "", "role name, e.g. tenant_admin, trust_leader, headteacher (required)")
	grant.Flags().StringVar(&unit, "unit", "", "org unit id or school URN (default: the whole tenant)")
	_ = grant.MarkFlagRequired("email")
	_ = grant.MarkFlagRequired("role")

	var query string
	list := &cobra.Command{
		Use: "list", Short: "List users of a tenant", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.LoadPermissions(ctx); err != nil {
				return err
			}
			t, err := tenantFlag(cmd, a, tenantSlug)
			if err != nil {
				return err
			}
			users, _, err := a.Identity.ListUsers(ctx, t.ID, query, 1000, 0)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tEMAIL\tNAME\tROLES")
			for _, u := range users {
				gs, err := a.Authz.Grants(ctx, t.ID, u.ID)
				if err != nil {
					return err
				}
				var roles []string
				for _, g := range gs {
					r := g.Role + "@" + strconv.FormatUint(uint64(g.UnitID), 10)
					if !g.Active { // a role of a plugin the tenant does not enable
						r += "(inactive)"
					}
					roles = append(roles, r)
				}
				if u.IsOperator {
					roles = append(roles, "operator")
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, strings.Join(roles, ","))
			}
			return w.Flush()
		},
	}
	list.Flags().StringVar(&tenantSlug, "tenant", "", "tenant slug (optional when there is one tenant)")
	list.Flags().StringVar(&query, "query", "", "only users whose email or name contains this")
	cmd.AddCommand(create, grant, list, resetPasswordCmd())
	return cmd
}
