// Package profilecheck checks a ClusterProfile version against itself before it rolls out:
// every layer's chart is rendered for the profile's own Kubernetes version and audited by the
// same rules as live clusters (removed APIs, workload posture, RBAC), and the layers' version
// ranges are checked against each other, against the profile's Kubernetes version and against
// each chart's own kubeVersion. A profile that fails its own check is not rollable.
package profilecheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/manifests"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// DefaultFailOn is the severity at or above which an open finding on a layer fails the check.
const DefaultFailOn = policy.SeverityHigh

// Options say where charts are and what fails the check.
type Options struct {
	// Charts are the folders to find each layer's chart in (profile.FindChart layouts).
	Charts []string
	// FailOn: open findings at or above it fail the check (default high).
	FailOn policy.Severity
	// Fleet options for the audit of the rendered layers (workers, waivers, clock).
	Fleet fleet.Options
}

// Result is a profile's check: the problems of its layers as a whole and the audit of each
// rendered layer (one virtual cluster per layer, named PROFILE@VERSION/LAYER).
type Result struct {
	Profile           string `json:"profile"`
	KubernetesVersion string `json:"kubernetesVersion"`
	// Passed: no problem and no open finding at or above FailOn.
	Passed bool `json:"passed"`
	// FailOn is the severity that fails the check.
	FailOn policy.Severity `json:"failOn"`
	// Problems are what stops the profile from rolling out, each with where and what to do.
	Problems []profile.Problem `json:"problems"`
	// Layers are each layer's chart and what auditing it found.
	Layers []Layer `json:"layers"`
	// Audit is the audit of the rendered layers (nil when no layer could be rendered).
	Audit *fleet.Audit `json:"-"`
}

// Layer is one layer of the profile in the check.
type Layer struct {
	Name  string `json:"name"`
	Chart string `json:"chart"`
	// Path is where the chart was found; empty when it was not.
	Path string `json:"path,omitempty"`
	// Cluster is the name of the layer's virtual cluster in the audit.
	Cluster string `json:"cluster"`
	// Blocking counts the layer's open findings at or above FailOn.
	Blocking int `json:"blocking"`
}

// Reasons are the check's failures as sentences, for a plan or a gate answer.
func (r *Result) Reasons() []string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.String())
	}
	for _, l := range r.Layers {
		if l.Blocking > 0 {
			out = append(out, fmt.Sprintf("layer %s (%s) has %d open finding(s) at or above %s when rendered for Kubernetes %s",
				l.Name, l.Chart, l.Blocking, r.FailOn, r.KubernetesVersion))
		}
	}
	return out
}

// Check checks p: ranges first, then each layer's chart found in o.Charts, rendered for
// p.Spec.KubernetesVersion and audited with engine.
func Check(ctx context.Context, p *profile.Profile, engine *policy.Engine, o Options) (*Result, error) {
	if o.FailOn == "" {
		o.FailOn = DefaultFailOn
	}
	r := &Result{Profile: p.ID(), KubernetesVersion: p.Spec.KubernetesVersion, FailOn: o.FailOn,
		Problems: []profile.Problem{}, Layers: []Layer{}}
	kv, err := facts.ParseVersion(p.Spec.KubernetesVersion)
	if err != nil {
		return nil, fmt.Errorf("%s: spec.kubernetesVersion %q: %w", p.File, p.Spec.KubernetesVersion, err)
	}
	r.Problems = append(r.Problems, profile.LayerConflicts(p)...)
	var jobs []fleet.Job
	for i, l := range p.Spec.Layers {
		field := fmt.Sprintf("spec.layers[%d]", i)
		lc := Layer{Name: l.Name, Chart: l.Chart.Name + "@" + l.Chart.Version, Cluster: p.ID() + "/" + l.Name}
		if l.Kubernetes != "" {
			if rg, err := profile.ParseRange(l.Kubernetes); err == nil && !rg.Admits(kv) {
				r.Problems = append(r.Problems, profile.Problem{File: p.File, Field: field + ".kubernetes", Message: fmt.Sprintf(
					"layer %s supports Kubernetes %q, which excludes the profile's own %s: pick a chart version that supports it, or another Kubernetes version",
					l.Name, l.Kubernetes, p.Spec.KubernetesVersion)})
			}
		}
		path, err := profile.FindChart(o.Charts, l.Chart)
		if err != nil {
			r.Problems = append(r.Problems, profile.Problem{File: p.File, Field: field + ".chart", Message: fmt.Sprintf("layer %s: %v", l.Name, err)})
			r.Layers = append(r.Layers, lc)
			continue
		}
		lc.Path = path
		if b, err := os.ReadFile(filepath.Join(path, "Chart.yaml")); err == nil {
			if constraint, ok, err := profile.ChartKubeVersion(b, p.Spec.KubernetesVersion); err != nil || !ok {
				msg := fmt.Sprintf("layer %s: the chart's own kubeVersion %q excludes the profile's Kubernetes %s: the chart will refuse to install", l.Name, constraint, p.Spec.KubernetesVersion)
				if err != nil {
					msg = fmt.Sprintf("layer %s: %s: %v", l.Name, filepath.Join(path, "Chart.yaml"), err)
				}
				r.Problems = append(r.Problems, profile.Problem{File: p.File, Field: field + ".chart.version", Message: msg})
			}
		}
		in := manifests.HelmInput(path, manifests.HelmOptions{KubeVersion: p.Spec.KubernetesVersion, Release: l.Name, Namespace: l.Name})
		in.Path = lc.Cluster
		jobs = append(jobs, manifests.Job(in, manifests.Options{KubeVersion: p.Spec.KubernetesVersion}))
		r.Layers = append(r.Layers, lc)
	}
	if len(jobs) > 0 {
		a, err := fleet.Run(ctx, jobs, engine, o.Fleet, nil)
		if err != nil {
			return nil, err
		}
		r.Audit = a
		byCluster := map[string]*Layer{}
		for i := range r.Layers {
			byCluster[r.Layers[i].Cluster] = &r.Layers[i]
		}
		for _, c := range a.Clusters {
			l := byCluster[c.Cluster]
			if l == nil {
				continue
			}
			if c.Problem != "" {
				r.Problems = append(r.Problems, profile.Problem{File: p.File, Field: "layer " + l.Name,
					Message: fmt.Sprintf("chart %s could not be rendered or read completely: %s", l.Chart, c.Problem)})
			}
			for _, f := range c.Findings {
				if !f.Waived() && f.Severity.AtLeast(o.FailOn) {
					l.Blocking++
				}
			}
		}
	}
	r.Passed = len(r.Problems) == 0
	for _, l := range r.Layers {
		r.Passed = r.Passed && l.Blocking == 0
	}
	return r, nil
}

// Cache checks each profile once per run (a plan's steps share versions across clusters).
// It is safe for concurrent use; a check runs under its lock.
type Cache struct {
	mu      sync.Mutex
	engine  *policy.Engine
	opts    Options
	results map[string]*Result
	errs    map[string]error
}

// NewCache checks profiles with engine and o.
func NewCache(engine *policy.Engine, o Options) *Cache {
	return &Cache{engine: engine, opts: o, results: map[string]*Result{}, errs: map[string]error{}}
}

// Get is the check of p, computed the first time it is asked for.
func (c *Cache) Get(ctx context.Context, p *profile.Profile) (*Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.results[p.ID()]; ok {
		return r, c.errs[p.ID()]
	}
	r, err := Check(ctx, p, c.engine, c.opts)
	c.results[p.ID()], c.errs[p.ID()] = r, err
	return r, err
}

// Summary is "passed" or the reasons joined, for one line of a table.
func (r *Result) Summary() string {
	if r.Passed {
		return "passed"
	}
	return strings.Join(r.Reasons(), "; ")
}
