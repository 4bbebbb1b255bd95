package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fleetaudit/fleetaudit/internal/profile"
)

func newProfileCmd(c *cli) *cobra.Command {
	validate := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check ClusterProfile documents",
		Example: `  fleetaudit profile validate examples/profiles/platform-1.34.yaml
  fleetaudit profile validate profiles/*.yaml`,
		Args: cobra.MinimumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: c.runE(func(_ *cobra.Command, args []string) (int, error) {
			for _, f := range args {
				p, err := profile.Load(f)
				if err != nil {
					return exitUsage, usageError{err}
				}
				fmt.Fprintf(c.stdout, "%s: ClusterProfile %s is valid (Kubernetes %s, %d layers)\n", f, p.ID(), p.Spec.KubernetesVersion, len(p.Spec.Layers))
			}
			return exitOK, nil
		}),
	}
	return groupCmd(c, "profile", "Work with ClusterProfile documents", "  fleetaudit profile validate examples/profiles/platform-1.34.yaml", validate)
}
