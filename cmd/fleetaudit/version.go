package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) (int, error) {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	fmt.Fprintf(stdout, "fleetaudit %s (facts schema %s)\n", v, facts.SchemaVersion)
	return exitOK, nil
}
