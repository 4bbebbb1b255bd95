package main

import (
	"context"
	"fmt"
	"io"

	"github.com/fleetaudit/fleetaudit/internal/profile"
)

func runProfile(_ context.Context, args []string, stdout, _ io.Writer) (int, error) {
	if len(args) < 2 || args[0] != "validate" {
		return exitUsage, usagef("want: profile validate FILE...")
	}
	for _, f := range args[1:] {
		p, err := profile.Load(f)
		if err != nil {
			return exitUsage, usageError{err}
		}
		fmt.Fprintf(stdout, "%s: ClusterProfile %s is valid (Kubernetes %s, %d layers)\n", f, p.ID(), p.Spec.KubernetesVersion, len(p.Spec.Layers))
	}
	return exitOK, nil
}
