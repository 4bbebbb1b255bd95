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

	"github.com/fleetaudit/fleetaudit/examples"
	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/profile"
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
		shiftConditions(c, loaded.Sub(c.CollectedAt))
		if c.Backup != nil { // backups keep their age
			c.Backup.Shift(loaded.Sub(c.CollectedAt))
		}
		shiftCertificates(c.Certificates, loaded.Sub(c.CollectedAt))
		c.CollectedAt = loaded
		jobs = append(jobs, fleet.Job{Name: c.Name, Facts: func(context.Context, fleet.FinalFunc) *facts.Cluster { return c }})
	}
	return jobs, nil
}

// shiftConditions moves the HPA conditions' transition times by d, with collectedAt, so the
// ages the demo documents were written with (an HPA failing for three days) stay the same.
func shiftConditions(c *facts.Cluster, d time.Duration) {
	if c.Autoscaling == nil {
		return
	}
	for i := range c.Autoscaling.HPAs {
		for j := range c.Autoscaling.HPAs[i].Conditions {
			if t := c.Autoscaling.HPAs[i].Conditions[j].LastTransitionTime; t != nil {
				moved := t.Add(d)
				c.Autoscaling.HPAs[i].Conditions[j].LastTransitionTime = &moved
			}
		}
	}
}

// shiftCertificates moves the demo's certificate times by d, with collectedAt: the days
// left, and so the findings, stay those the files were written for.
func shiftCertificates(c *facts.Certificates, d time.Duration) {
	if c == nil {
		return
	}
	shift := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		s := t.Add(d)
		return &s
	}
	for i := range c.Items {
		c.Items[i].NotBefore, c.Items[i].NotAfter = shift(c.Items[i].NotBefore), shift(c.Items[i].NotAfter)
	}
	for i := range c.CertManager.Certificates {
		x := &c.CertManager.Certificates[i]
		x.NotAfter, x.RenewalTime = shift(x.NotAfter), shift(x.RenewalTime)
	}
	for i := range c.CSRs {
		c.CSRs[i].CreatedAt = c.CSRs[i].CreatedAt.Add(d)
	}
}

// Bound is the demo fleet's bindings and the example catalog they bind to (examples/).
func Bound() (*binding.Bindings, *profile.Catalog, error) {
	b, err := examples.FS.ReadFile("bindings.yaml")
	if err != nil {
		return nil, nil, err
	}
	bs, err := binding.Parse("examples/bindings.yaml", b)
	if err != nil {
		return nil, nil, err
	}
	files, err := fs.Glob(examples.FS, "profiles/*.yaml")
	if err != nil {
		return nil, nil, err
	}
	var ps []*profile.Profile
	for _, f := range files {
		raw, err := examples.FS.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		p, err := profile.Parse("examples/"+f, raw)
		if err != nil {
			return nil, nil, err
		}
		ps = append(ps, p)
	}
	cat, problems := profile.NewCatalog(ps)
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("example catalog: %v", problems[0])
	}
	return bs, cat, nil
}
