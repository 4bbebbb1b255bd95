package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/fleetaudit/fleetaudit/dashboards"
)

func newDashboardsCmd(c *cli) *cobra.Command {
	var out outputDir
	cmd := &cobra.Command{
		Use:   "dashboards --output-dir DIR",
		Short: "Write the Grafana dashboards (JSON) into a folder",
		Example: `  fleetaudit dashboards --output-dir grafana/
  fleetaudit dashboards --output-dir dashboards/json   # what make generate does`,
		Args: cobra.NoArgs,
	}
	out.register(cmd, "folder to write the Grafana dashboards (JSON) into")
	cmd.RunE = c.runE(func(cmd *cobra.Command, _ []string) (int, error) {
		dir, err := out.resolve(cmd, c.stderr)
		if err != nil {
			return exitUsage, err
		}
		return writeDashboards(dir, c.stdout)
	})
	return cmd
}

func writeDashboards(out string, stdout io.Writer) (int, error) {
	files, err := dashboards.Write(out)
	if err != nil {
		return exitUsage, usageError{err}
	}
	slices.Sort(files)
	for _, f := range files {
		fmt.Fprintln(stdout, "wrote", f)
	}
	return exitOK, nil
}
