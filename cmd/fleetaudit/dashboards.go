package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/fleetaudit/fleetaudit/dashboards"
)

func runDashboards(_ context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("dashboards", stderr)
	out := fs.String("o", "", "folder to write the Grafana dashboards (JSON) into")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	if *out == "" {
		return exitUsage, usagef("-o DIR is required")
	}
	files, err := dashboards.Write(*out)
	if err != nil {
		return exitUsage, usageError{err}
	}
	slices.Sort(files)
	for _, f := range files {
		fmt.Fprintln(stdout, "wrote", f)
	}
	return exitOK, nil
}
