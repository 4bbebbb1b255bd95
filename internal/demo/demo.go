// Package demo embeds a small demo fleet: facts documents of three clusters (EKS, GKE and AKS
// shaped) with different findings, so `fleetaudit audit --demo` shows what the tool does
// without a cluster. The files are ordinary snapshot documents.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

//go:embed fleet/*.json
var files embed.FS

// Jobs returns one fleet job per demo cluster.
func Jobs() ([]fleet.Job, error) {
	names, err := fs.Glob(files, "fleet/*.json")
	if err != nil {
		return nil, err
	}
	jobs := make([]fleet.Job, 0, len(names))
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		c, err := fleet.DecodeFacts("demo/"+path.Base(n), b)
		if err != nil {
			return nil, fmt.Errorf("embedded demo fleet: %w", err)
		}
		jobs = append(jobs, fleet.Job{Name: c.Name, Facts: func(context.Context) *facts.Cluster { return c }})
	}
	return jobs, nil
}
