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
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
)

//go:embed fleet/*.json
var files embed.FS

var loaded = time.Now().UTC().Truncate(time.Second)

// Jobs returns one fleet job per demo cluster. The demo facts count as collected when the
// process started, so the gate (which refuses stale facts) can be tried on them.
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
		c.CollectedAt = loaded
		jobs = append(jobs, fleet.Job{Name: c.Name, Facts: func(context.Context, fleet.FinalFunc) *facts.Cluster { return c }})
	}
	return jobs, nil
}
