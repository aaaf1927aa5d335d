package cli

import (
	"github.com/spf13/cobra"
)

func (a *app) configCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration",
		Long: `Print the configuration pactwatch would use, after defaults, the --config
file, PACTWATCH_* environment variables and flags, as JSON. The output is
itself a valid --config file.`,
		Example: `  pactwatch config
  PACTWATCH_DB=/var/lib/pactwatch.db pactwatch config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeJSON(a.stdout, a.cfg)
		},
	}
}
