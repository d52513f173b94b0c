package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/scaffold"
)

// pluginNewCmd is `upwards plugin new NAME`: it writes a standalone plugin
// project (manifest, page, form, job, migration, contract test) that builds
// and passes its tests as written. It needs no database.
func pluginNewCmd() *cobra.Command {
	var opts scaffold.Options
	var dir, upwardsPath string
	cmd := &cobra.Command{
		Use:   "new NAME",
		Short: "Write a new plugin project: manifest, page, job, migration and a contract test",
		Long: `Write a new plugin project into --dir (default ./NAME), which must be empty or absent.
NAME is the plugin id: 2-32 lower-case letters and digits, starting with a letter.

The project requires one module, the Upwards SDK (github.com/challengepartners/upwards/plugins/sdk).
It builds against the SDK of a local Upwards checkout (a replace directive in go.mod), found
above the current directory or given with --upwards-path, so it builds offline; or, with
--sdk-version, against a published SDK version (then run go mod tidy).`,
		Args:    cobra.ExactArgs(1),
		Example: "  upwards plugin new reviews --module example.org/upwards-reviews --dir ./reviews",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if dir == "" {
				dir = opts.Name
			}
			switch {
			case upwardsPath != "":
				opts.SDKPath = filepath.Join(upwardsPath, scaffold.SDKDir)
			case opts.SDKVersion == "":
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				root := scaffold.LocateCheckout(wd)
				if root == "" {
					return fmt.Errorf("no Upwards checkout above %s: give --upwards-path or --sdk-version", wd)
				}
				opts.SDKPath = filepath.Join(root, scaffold.SDKDir)
			}
			if err := scaffold.Write(dir, opts); err != nil {
				return err
			}
			abs, _ := filepath.Abs(dir)
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Wrote plugin %s in %s.\n\nNext:\n", opts.Name, abs)
			fmt.Fprintf(out, "  upwards plugin dev %s --tenant SLUG   # build, install and swap it on every change (embedded install)\n\nor by hand:\n", dir)
			fmt.Fprintf(out, "  cd %s\n  go test ./...             # builds it and checks the contract\n", dir)
			fmt.Fprintf(out, "  go build -o %s .\n  upwards plugin install ./%s\n  upwards plugin enable %s --tenant SLUG\n", opts.Name, opts.Name, opts.Name)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Module, "module", "", "Go module path of the new project (default NAME)")
	f.StringVar(&dir, "dir", "", "directory to write (default ./NAME)")
	f.StringVar(&upwardsPath, "upwards-path", "", "local Upwards checkout whose SDK (plugins/sdk) to build against (default: the one above the current directory)")
	f.StringVar(&opts.SDKVersion, "sdk-version", "", "published SDK version to require instead of a local checkout, e.g. v0.4.0")
	return cmd
}
