package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/tenancy"
)

func importCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: "Import data from files (pupils)"}
	var tenant, school string
	var validOnly, dryRun bool
	pupilsCmd := &cobra.Command{
		Use:   "pupils --tenant T --school URN FILE",
		Short: "Import a school's pupils from a CSV or XLSX file (all-or-nothing unless --valid-only)",
		Long: `Reads a CSV (UTF-8, UTF-16 or Windows-1252, detected) or XLSX file of one
school's pupils, checks every row, and writes them in one transaction: pupils
are matched by UPN, and a row equal to the stored pupil changes nothing.
With errors in any row nothing is written (exit status 1) unless --valid-only
imports the other rows. --dry-run checks and counts without writing.
Errors name the row and field, never the UPN. See docs/pupils.md for the format.`,
		Example: `  upwards import pupils --tenant northstar --school 900001 pupils.csv
  upwards import pupils --tenant northstar --school 900001 --dry-run pupils.xlsx`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tenant == "" || school == "" {
				return errors.New("--tenant and --school are required")
			}
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open %s: %w", filepath.Base(args[0]), err)
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return fmt.Errorf("read %s: %w", filepath.Base(args[0]), err)
			}
			a, ctx, err := openApp(cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := a.Tenancy.TenantBySlug(ctx, tenant)
			if err != nil {
				return fmt.Errorf("tenant %q: %w", tenant, err)
			}
			u, err := a.Tenancy.UnitByRef(ctx, t.ID, school)
			if err != nil {
				return fmt.Errorf("school %q: %w", school, err)
			}
			if u.Kind != tenancy.KindSchool {
				return fmt.Errorf("%q is a %s, not a school", school, u.Kind.Label())
			}
			mode := importer.ModeAll
			if validOnly {
				mode = importer.ModeValid
			}
			errw := cmd.ErrOrStderr()
			p := &progressLine{w: errw, every: time.Second}
			svc := importer.New(a.DB, a.Pupils)
			res, err := svc.Run(ctx, f, st.Size(), importer.Options{
				TenantID: t.ID, SchoolID: u.ID, Mode: mode, DryRun: dryRun, Via: "cli:import pupils",
				EntityID: "cli", Progress: p.show,
				// The CLI acts for the whole tenant: a pupil at another school moves.
				CanImportAt: func(_ context.Context, _ uint) (bool, error) { return true, nil },
			})
			p.done()
			var fe *importfile.FileError
			if errors.As(err, &fe) {
				return fmt.Errorf("%s: %s; nothing was imported", filepath.Base(args[0]), fe.Msg)
			}
			if err != nil && !errors.Is(err, importer.ErrRowErrors) {
				return err
			}
			printImport(cmd.OutOrStdout(), u, res, dryRun)
			switch {
			case errors.Is(err, importer.ErrRowErrors):
				return fmt.Errorf("%d rows have errors: nothing was imported (fix them, or use --valid-only to import the %d valid rows)", res.ErrorRows, res.Valid())
			case dryRun && res.ErrorRows > 0:
				return fmt.Errorf("%d rows have errors", res.ErrorRows)
			}
			return nil
		},
	}
	pupilsCmd.Flags().StringVar(&tenant, "tenant", "", "tenant slug")
	pupilsCmd.Flags().StringVar(&school, "school", "", "the school's URN (or unit id)")
	pupilsCmd.Flags().BoolVar(&validOnly, "valid-only", false, "import the valid rows even when others have errors")
	pupilsCmd.Flags().BoolVar(&dryRun, "dry-run", false, "check and count, write nothing")
	cmd.AddCommand(pupilsCmd)
	return cmd
}

// printImport writes the per-row errors and the summary (never names or UPNs).
func printImport(w io.Writer, school tenancy.Unit, res importer.Result, dryRun bool) {
	info := res.Info
	fmt.Fprintf(w, "File: %s, %s, %d data rows.\n", info.Format, info.Encoding, res.Total)
	for _, f := range info.Missing {
		fmt.Fprintf(w, "No %s column: %s.\n", f, f.Default())
	}
	for _, e := range res.Errors {
		fmt.Fprintf(w, "row %d, %s: %s\n", e.Row, e.Field, e.Message)
	}
	if res.ErrorsTruncated {
		fmt.Fprintf(w, "(only the first %d problems are listed)\n", len(res.Errors))
	}
	switch {
	case dryRun:
		fmt.Fprintf(w, "Dry run for %s: %d new, %d changed (%d moving from another school), %d unchanged, %d with errors. Nothing was written.\n",
			school.Name, res.New, res.Changed, res.Moved, res.Unchanged, res.ErrorRows)
	case res.Committed:
		fmt.Fprintf(w, "Imported into %s: %d created, %d updated (%d moved from another school), %d unchanged, %d skipped with errors.\n",
			school.Name, res.Created, res.Updated, res.Moved, res.Unchanged, res.ErrorRows)
	}
}

// progressLine shows "checking 12000 rows" / "writing 12000/29000 rows" on
// one line of stderr at most once a period, for long files.
type progressLine struct {
	w     io.Writer
	every time.Duration
	last  time.Time
	shown bool
}

func (p *progressLine) show(pr importer.Progress) {
	if time.Since(p.last) < p.every {
		return
	}
	if p.last.IsZero() { // first call: start the clock, show from the next
		p.last = time.Now()
		return
	}
	p.last = time.Now()
	p.shown = true
	if pr.Total > 0 {
		fmt.Fprintf(p.w, "\r%s %d/%d rows (%.0f%%)   ", pr.Phase, pr.Rows, pr.Total, 100*pr.Fraction)
	} else {
		fmt.Fprintf(p.w, "\r%s %d rows (%.0f%%)   ", pr.Phase, pr.Rows, 100*pr.Fraction)
	}
}

func (p *progressLine) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
