package cli

import "github.com/spf13/cobra"

func privacyCmd() *cobra.Command {
	return &cobra.Command{Use: "privacy", Short: "(not yet built)", Hidden: true}
}
