package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

func newVersionCmd(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version and the facts schema version",
		Example: "  fleetaudit version",
		Args:    cobra.NoArgs,
		RunE: c.runE(func(*cobra.Command, []string) (int, error) {
			fmt.Fprintf(c.stdout, "fleetaudit %s (facts schema %s)\n", versionString(), facts.SchemaVersion)
			return exitOK, nil
		}),
	}
}

// versionString is the stamped version, or the module version of a go install.
func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return v
}
