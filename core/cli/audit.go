package cli

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
)

func auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Verify the hash-chained audit log and print its heads"}
	var tenantSlug, headsFile string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Walk each tenant's audit chain and report the first broken link",
		Long: `Walks every tenant's audit chain (or one tenant's with --tenant) and checks each
row's hash, its link to the previous row and the sequence numbers. A broken chain
names the first broken row and exits non-zero. --heads FILE also checks that the
heads printed earlier by "upwards audit head" are still in the chains, which
detects a log rewritten as a whole or cut short.`,
		Args: cobra.NoArgs,
		Example: `  upwards audit verify
  upwards audit verify --tenant northstar --heads /secure/audit-heads.txt`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, false)
			if err != nil {
				return err
			}
			defer a.Close()
			tenants, names, err := auditTenants(cmd, a, tenantSlug)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			broken := 0
			for _, id := range tenants {
				rep, err := audit.Verify(ctx, a.DB.DB, id)
				if err != nil {
					return err
				}
				if b := rep.Break; b != nil {
					broken++
					fmt.Fprintf(out, "tenant %d %s: BROKEN at row id %d, seq %d: %s\n", id, names[id], b.EventID, b.Seq, b.Reason)
					continue
				}
				fmt.Fprintf(out, "tenant %d %s: OK, %d rows checked, head seq %d hash %s\n", id, names[id], rep.Rows, rep.HeadSeq, rep.HeadHash)
			}
			if headsFile != "" {
				n, err := checkHeads(cmd, a, headsFile, tenants)
				broken += n
				if err != nil {
					return err
				}
			}
			if broken > 0 {
				return fmt.Errorf("audit log: %d broken chain(s) or head(s)", broken)
			}
			return nil
		},
	}
	verify.Flags().StringVar(&tenantSlug, "tenant", "", "verify only this tenant (slug)")
	verify.Flags().StringVar(&headsFile, "heads", "", `file of heads printed earlier by "upwards audit head" to check are still in the chain`)
	var headTenant string
	headCmd := &cobra.Command{
		Use:   "head",
		Short: "Print each tenant's newest audit seq and hash, to keep outside the database",
		Long: `Prints one line per tenant: TENANT_ID SLUG SEQ HASH. Keep the output where the
database's administrators cannot write (a different system, a signed email, a
ticket) and check it later with "upwards audit verify --heads FILE".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, false)
			if err != nil {
				return err
			}
			defer a.Close()
			tenants, names, err := auditTenants(cmd, a, headTenant)
			if err != nil {
				return err
			}
			for _, id := range tenants {
				seq, hash, err := audit.Head(ctx, a.DB.DB, id)
				if err != nil {
					return err
				}
				if hash == "" {
					hash = "-"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d %s %d %s\n", id, names[id], seq, hash)
			}
			return nil
		},
	}
	headCmd.Flags().StringVar(&headTenant, "tenant", "", "print only this tenant's head (slug)")
	cmd.AddCommand(verify, headCmd)
	return cmd
}

// auditTenants returns the tenants to check, one (--tenant) or every tenant
// with audit events, and their slugs ("(deleted)" for a tenant since removed).
func auditTenants(cmd *cobra.Command, a *app.App, slug string) ([]uint, map[uint]string, error) {
	ctx := cmd.Context()
	if !a.DB.Migrator().HasColumn(&audit.Event{}, "hash") {
		return nil, nil, fmt.Errorf("the audit log is not chained yet: run upwards migrate up (migration 5)")
	}
	names := map[uint]string{}
	if slug != "" {
		t, err := a.Tenancy.TenantBySlug(ctx, slug)
		if err != nil {
			return nil, nil, fmt.Errorf("tenant %q: %w", slug, err)
		}
		names[t.ID] = t.Slug
		return []uint{t.ID}, names, nil
	}
	ts, err := a.Tenancy.ListTenants(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range ts {
		names[t.ID] = t.Slug
	}
	ids, err := audit.ChainTenants(ctx, a.DB.DB)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		if _, ok := names[id]; !ok {
			names[id] = "(deleted)"
			if id == 0 {
				names[id] = "(install)" // install-wide events, e.g. plugin installs
			}
		}
	}
	return ids, names, nil
}

// checkHeads reads lines "TENANT_ID SLUG SEQ HASH" and reports each head that
// is no longer in its chain; it returns how many.
func checkHeads(cmd *cobra.Command, a *app.App, path string, tenants []uint) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("read heads: %w", err)
	}
	defer f.Close()
	want := map[uint]bool{}
	for _, id := range tenants {
		want[id] = true
	}
	out := cmd.OutOrStdout()
	bad := 0
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 4 {
			return bad, fmt.Errorf("heads %s line %d: want TENANT_ID SLUG SEQ HASH", path, line)
		}
		id, err1 := strconv.ParseUint(fields[0], 10, 64)
		seq, err2 := strconv.ParseInt(fields[2], 10, 64)
		if err1 != nil || err2 != nil {
			return bad, fmt.Errorf("heads %s line %d: tenant id and seq must be numbers", path, line)
		}
		if !want[uint(id)] && tenantsGiven(cmd) {
			continue
		}
		if seq == 0 {
			continue // the tenant had no events when the head was taken
		}
		if err := audit.CheckHead(cmd.Context(), a.DB.DB, uint(id), seq, fields[3]); err != nil {
			bad++
			fmt.Fprintf(out, "tenant %d: head seq %d from %s line %d: %v\n", id, seq, path, line, err)
			continue
		}
		fmt.Fprintf(out, "tenant %d: head seq %d is still in the chain\n", id, seq)
	}
	if err := sc.Err(); err != nil {
		return bad, fmt.Errorf("read heads %s: %w", path, err)
	}
	return bad, nil
}

func tenantsGiven(cmd *cobra.Command) bool { return cmd.Flags().Changed("tenant") }
