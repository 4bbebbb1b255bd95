// Package rollout plans the move of a fleet to a profile version: per cluster, the sequence
// of catalog versions it must pass through (the control plane moves one minor at a time) and
// the order in which clusters go (waves: staging before production).
package rollout

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

// Cluster is what the plan knows of one fleet cluster.
type Cluster struct {
	Name string
	// Version is the running Kubernetes version; nil when the cluster has no facts.
	Version *facts.Version
	// Wave orders the rollout: lower waves go first (from the bindings).
	Wave int
}

// Step is one move: to a catalog version of the profile, one Kubernetes minor (or patch)
// at a time.
type Step struct {
	Profile           string `json:"profile"`
	KubernetesVersion string `json:"kubernetesVersion"`
}

// ClusterPlan is the way of one cluster to the target.
type ClusterPlan struct {
	Cluster string `json:"cluster"`
	Wave    int    `json:"wave"`
	From    string `json:"from,omitempty"`
	// Steps lead from the running version to the target, first step first; empty when the
	// cluster is already at the target.
	Steps []Step `json:"steps"`
	// Problem says why no way could be planned (no facts, a minor the catalog has no
	// version for, a downgrade); the cluster then cannot move.
	Problem string `json:"problem,omitempty"`
	// Decision is the gate's answer for the first step (set by the caller).
	Decision *policy.Decision `json:"decision,omitempty"`
}

// Plan is a fleet's way to a profile version, clusters in rollout order.
type Plan struct {
	Target   string        `json:"target"`
	Clusters []ClusterPlan `json:"clusters"`
	// Checks are the profile checks of the target and the versions on the way (plan
	// --charts): a version that fails its own check is not rollable, and a cluster whose
	// first step is such a version may not take it.
	Checks []ProfileCheck `json:"checks,omitempty"`
}

// ProfileCheck is the outcome of `profile check` for one profile version.
type ProfileCheck struct {
	Profile string `json:"profile"`
	// Rollable is false when the version fails its own check.
	Rollable bool     `json:"rollable"`
	Reasons  []string `json:"reasons,omitempty"`
}

// Make plans the way of each cluster to target through the versions of its profile in cat.
// A step is the newest catalog version of each Kubernetes minor between the running minor
// and the target's, ending at target itself; a minor with no catalog version is a problem.
func Make(cat *profile.Catalog, target *profile.Profile, clusters []Cluster) Plan {
	to, err := policy.ParseRelease(target.Spec.KubernetesVersion)
	plan := Plan{Target: target.ID(), Clusters: []ClusterPlan{}}
	byMinor := map[int]*profile.Profile{}
	for _, p := range cat.Versions(target.Metadata.Name) {
		v, perr := policy.ParseRelease(p.Spec.KubernetesVersion)
		if perr != nil || profile.CompareVersions(p.Spec.Version, target.Spec.Version) > 0 {
			continue // not a release, or newer than the target: never a step on the way
		}
		if cur := byMinor[v.Minor]; cur == nil || profile.CompareVersions(p.Spec.Version, cur.Spec.Version) > 0 {
			byMinor[v.Minor] = p
		}
	}
	for _, c := range clusters {
		cp := ClusterPlan{Cluster: c.Name, Wave: c.Wave, Steps: []Step{}}
		switch {
		case err != nil:
			cp.Problem = fmt.Sprintf("target %s: %v", target.ID(), err)
		case c.Version == nil:
			cp.Problem = "no facts for the cluster: its running version is unknown (fail closed)"
		default:
			cp.From = c.Version.GitVersion
			cp.Steps, cp.Problem = steps(c.Version, to, target, byMinor)
		}
		plan.Clusters = append(plan.Clusters, cp)
	}
	plan.Sort()
	return plan
}

// Sort puts the clusters in rollout order: by wave, then name.
func (p *Plan) Sort() {
	slices.SortFunc(p.Clusters, func(a, b ClusterPlan) int {
		return cmp.Or(cmp.Compare(a.Wave, b.Wave), cmp.Compare(a.Cluster, b.Cluster))
	})
}

func steps(from, to *facts.Version, target *profile.Profile, byMinor map[int]*profile.Profile) ([]Step, string) {
	switch {
	case from.Major != to.Major:
		return []Step{}, fmt.Sprintf("%s to %s is a major version change", from.GitVersion, to.GitVersion)
	case to.Minor < from.Minor:
		return []Step{}, fmt.Sprintf("%s is an older minor than the running %s: Kubernetes does not support minor downgrades", to.GitVersion, from.GitVersion)
	case to.Minor == from.Minor && to.Patch == from.Patch:
		return []Step{}, ""
	}
	var out []Step
	for m := from.Minor + 1; m < to.Minor; m++ {
		p := byMinor[m]
		if p == nil {
			return []Step{}, fmt.Sprintf("the catalog has no version of %s for Kubernetes 1.%d, which the control plane must pass through: add one", target.Metadata.Name, m)
		}
		out = append(out, Step{Profile: p.ID(), KubernetesVersion: p.Spec.KubernetesVersion})
	}
	return append(out, Step{Profile: target.ID(), KubernetesVersion: target.Spec.KubernetesVersion}), ""
}
