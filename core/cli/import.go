package cli

import "github.com/spf13/cobra"

func importCmd() *cobra.Command {
	return &cobra.Command{Use: "import", Short: "(not yet built)", Hidden: true}
}
