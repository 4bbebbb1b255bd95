// Package profile reads and validates ClusterProfile documents: a versioned, declarative
// description of the stack a fleet is rolled onto (Kubernetes version, layers, requirements,
// and the clusters it targets). Errors name the file, the field and the reason.
package profile

import (
	"fmt"
	"os"
	"path"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/fleetaudit/fleetaudit/internal/yamlfile"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// APIVersion and Kind of a ClusterProfile document.
const (
	APIVersion = "fleetaudit.io/v1alpha1"
	Kind       = "ClusterProfile"
)

// Layer types.
var LayerTypes = []string{"cni", "csi", "addon"}

// Severities a profile may block on.
var blockingSeverities = []string{"info", "low", "medium", "high", "critical"}

// Profile is a ClusterProfile document.
type Profile struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	Spec       Spec     `json:"spec"`
	// File is where the profile was read from (not part of the document).
	File string `json:"-"`
	// own is the document's own kubernetesVersion when WithTarget replaced it.
	own string
}

// Metadata names the profile.
type Metadata struct {
	Name string `json:"name"`
}

// Spec is the desired stack.
type Spec struct {
	// Version is the profile's own semantic version (MAJOR.MINOR.PATCH).
	Version string `json:"version"`
	// KubernetesVersion is the target Kubernetes version (v1.35.0).
	KubernetesVersion string       `json:"kubernetesVersion"`
	Layers            []Layer      `json:"layers"`
	Requirements      Requirements `json:"requirements"`
	Selector          Selector     `json:"selector"`
}

// Layer is one part of the stack: a CNI, a CSI driver or an add-on, installed as a Helm chart.
type Layer struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Chart Chart  `json:"chart"`
	// Kubernetes is the range of Kubernetes versions the layer supports, in Helm's
	// kubeVersion syntax (Masterminds/semver constraints): ">=1.28.0 <1.35.0"; see Range.
	Kubernetes string `json:"kubernetes"`
	// Image, when set, recognises the layer where it runs without Helm's labels (a managed
	// add-on, plain manifests): a workload running this image repository at this tag.
	Image *Image `json:"image,omitempty"`
}

// Image is a container image a layer runs: its repository with the registry
// (public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver; docker.io/library/… for Docker Hub) and
// the tag the profile version expects.
type Image struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
}

// Chart is a Helm chart reference.
type Chart struct {
	Repository string `json:"repository"`
	Name       string `json:"name"`
	Version    string `json:"version"`
}

// Requirements gate the upgrade.
type Requirements struct {
	// MinCompliance is the lowest compliance score per framework (rbac, cis), 0–1.
	MinCompliance map[string]float64 `json:"minCompliance,omitempty"`
	// BlockingSeverity: deny findings at or above it block the upgrade (default high).
	BlockingSeverity string `json:"blockingSeverity,omitempty"`
	// SurgeHeadroom is the spare share of allocatable CPU and memory required beyond draining
	// the busiest node (0–1), e.g. 0.1.
	SurgeHeadroom float64 `json:"surgeHeadroom,omitempty"`
	// MonthlyBudget is the most the cluster may cost per month (USD), 0 for none.
	MonthlyBudget float64 `json:"monthlyBudget,omitempty"`
	// MaxFactsAge is how old facts may be for a decision (default 1h): older facts deny.
	MaxFactsAge string `json:"maxFactsAge,omitempty"`
	// Rules are extra rule IDs whose deny findings also block (beyond category upgrade).
	Rules []string `json:"rules,omitempty"`
	// Backup requires a recent backup before an upgrade (rule FA-BAK-009); nil for none.
	Backup *BackupRequirement `json:"backup,omitempty"`
}

// BackupRequirement is what the gate requires of a cluster's backups.
type BackupRequirement struct {
	// MaxAge is how old the newest Completed Velero backup (and the newest one of each
	// namespace with workloads) may be, a Go duration such as 24h.
	MaxAge string `json:"maxAge"`
}

// Selector chooses the clusters the profile targets: names matching any glob.
type Selector struct {
	Clusters []string `json:"clusters"`
}

// Load reads and validates a profile file.
func Load(file string) (*Profile, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	return Parse(file, b)
}

// Parse parses and validates a profile document read from file.
func Parse(file string, b []byte) (*Profile, error) {
	p, err := decode(file, b)
	if err != nil {
		return nil, err
	}
	if errs := p.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: %s", file, strings.Join(errs, "; "))
	}
	return p, nil
}

// decode decodes a profile document strictly, without validating it (the catalog reports
// each field's problem on its own line; Parse joins them).
func decode(file string, b []byte) (*Profile, error) {
	var p Profile
	doc, err := yamlfile.Parse(file, b)
	if err == nil {
		err = doc.Decode(&p)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (see examples/profiles)", err)
	}
	p.File = file
	return &p, nil
}

// Validate returns every problem as "field: reason".
func (p *Profile) Validate() []string {
	var errs []string
	bad := func(field, format string, a ...any) { errs = append(errs, field+": "+fmt.Sprintf(format, a...)) }
	if p.APIVersion != APIVersion {
		bad("apiVersion", "%q is not %s", p.APIVersion, APIVersion)
	}
	if p.Kind != Kind {
		bad("kind", "%q is not %s", p.Kind, Kind)
	}
	if p.Metadata.Name == "" {
		bad("metadata.name", "is required")
	}
	switch {
	case p.Spec.Version == "":
		bad("spec.version", "is required (the profile's semantic version, e.g. 1.4.0)")
	case !validVersion(p.Spec.Version, false):
		bad("spec.version", "%q is not a semantic version MAJOR.MINOR.PATCH", p.Spec.Version)
	}
	if p.Spec.KubernetesVersion == "" {
		bad("spec.kubernetesVersion", "is required (e.g. v1.35.0)")
	} else if !validKubernetesVersion(p.Spec.KubernetesVersion) {
		bad("spec.kubernetesVersion", "%q is not a Kubernetes version vMAJOR.MINOR.PATCH", p.Spec.KubernetesVersion)
	}
	names := map[string]bool{}
	for i, l := range p.Spec.Layers {
		f := fmt.Sprintf("spec.layers[%d]", i)
		if l.Name == "" {
			bad(f+".name", "is required")
		} else if names[l.Name] {
			bad(f+".name", "%q is used by another layer", l.Name)
		}
		names[l.Name] = true
		if !contains(LayerTypes, l.Type) {
			bad(f+".type", "%q is not one of %s", l.Type, strings.Join(LayerTypes, ", "))
		}
		if l.Chart.Name == "" {
			bad(f+".chart.name", "is required")
		}
		if !validVersion(l.Chart.Version, true) {
			bad(f+".chart.version", "%q is not a semantic version", l.Chart.Version)
		}
		if l.Kubernetes != "" {
			if _, err := ParseRange(l.Kubernetes); err != nil {
				bad(f+".kubernetes", "%v", err)
			}
		}
		if im := l.Image; im != nil {
			if im.Repository == "" || strings.ContainsAny(im.Repository, ":@ ") || !strings.Contains(im.Repository, "/") {
				bad(f+".image.repository", "%q is not an image repository with its registry, such as registry.k8s.io/ingress-nginx/controller (no tag or digest)", im.Repository)
			}
			if im.Tag == "" || strings.ContainsAny(im.Tag, ":@/ ") {
				bad(f+".image.tag", "%q is not an image tag, such as v1.12.1", im.Tag)
			}
		}
	}
	r := p.Spec.Requirements
	for fw, v := range r.MinCompliance {
		if v < 0 || v > 1 {
			bad("spec.requirements.minCompliance."+fw, "%g is not a ratio between 0 and 1", v)
		}
	}
	if r.BlockingSeverity != "" && !contains(blockingSeverities, r.BlockingSeverity) {
		bad("spec.requirements.blockingSeverity", "%q is not one of %s", r.BlockingSeverity, strings.Join(blockingSeverities, ", "))
	}
	if r.SurgeHeadroom < 0 || r.SurgeHeadroom >= 1 {
		bad("spec.requirements.surgeHeadroom", "%g is not a share in [0, 1)", r.SurgeHeadroom)
	}
	if r.MonthlyBudget < 0 {
		bad("spec.requirements.monthlyBudget", "%g is negative", r.MonthlyBudget)
	}
	if r.MaxFactsAge != "" {
		if d, err := time.ParseDuration(r.MaxFactsAge); err != nil || d <= 0 {
			bad("spec.requirements.maxFactsAge", "%q is not a positive duration such as 30m", r.MaxFactsAge)
		}
	}
	if b := r.Backup; b != nil {
		if d, err := time.ParseDuration(b.MaxAge); err != nil || d <= 0 {
			bad("spec.requirements.backup.maxAge", "%q is not a positive duration such as 24h (Go syntax: h, m, s; no d)", b.MaxAge)
		}
	}
	if len(p.Spec.Selector.Clusters) == 0 {
		bad("spec.selector.clusters", "is required: name globs of the clusters the profile targets (\"*\" for all)")
	}
	for i, g := range p.Spec.Selector.Clusters {
		if _, err := path.Match(g, ""); err != nil {
			bad(fmt.Sprintf("spec.selector.clusters[%d]", i), "%q is not a valid glob", g)
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Targets reports whether the profile selects the cluster.
func (p *Profile) Targets(cluster string) bool {
	for _, g := range p.Spec.Selector.Clusters {
		if ok, _ := path.Match(g, cluster); ok {
			return true
		}
	}
	return false
}

// BlockingSeverity is the severity at or above which deny findings block (default high).
func (p *Profile) BlockingSeverity() string {
	if p.Spec.Requirements.BlockingSeverity == "" {
		return "high"
	}
	return p.Spec.Requirements.BlockingSeverity
}

// MaxFactsAge is how old facts may be (default one hour).
func (p *Profile) MaxFactsAge() time.Duration {
	if d, err := time.ParseDuration(p.Spec.Requirements.MaxFactsAge); err == nil && d > 0 {
		return d
	}
	return time.Hour
}

// ID is "name@version".
func (p *Profile) ID() string { return p.Metadata.Name + "@" + p.Spec.Version }

// WithTarget returns a copy that targets another Kubernetes version (e.g. the version a
// Cluster API upgrade asks for).
func (p *Profile) WithTarget(kubernetesVersion string) *Profile {
	c := *p
	c.own = p.ProfileTarget()
	c.Spec.KubernetesVersion = kubernetesVersion
	return &c
}

// ProfileTarget is the Kubernetes version the profile document itself names, also after
// WithTarget.
func (p *Profile) ProfileTarget() string {
	if p.own != "" {
		return p.own
	}
	return p.Spec.KubernetesVersion
}

// Input is the profile as rules see it (input.profile): the document plus parsed versions.
func (p *Profile) Input() (map[string]any, error) {
	target, err := facts.ParseVersion(p.Spec.KubernetesVersion)
	if err != nil {
		return nil, fmt.Errorf("profile %s: spec.kubernetesVersion: %w", p.ID(), err)
	}
	var layers []map[string]any
	for _, l := range p.Spec.Layers {
		layer := map[string]any{"name": l.Name, "type": l.Type, "chart": l.Chart, "kubernetes": l.Kubernetes}
		if rng, err := ParseRange(l.Kubernetes); err == nil {
			// Rego cannot read Helm's range syntax (||, ~, ^, x): the range is judged here.
			layer["admitsTarget"] = rng.Admits(target)
		}
		if l.Image != nil {
			layer["image"] = map[string]any{"repository": l.Image.Repository, "tag": l.Image.Tag}
		}
		layers = append(layers, layer)
	}
	return map[string]any{
		"name": p.Metadata.Name, "version": p.Spec.Version, "id": p.ID(),
		"kubernetesVersion": p.Spec.KubernetesVersion, "target": target,
		"layers": layers, "requirements": p.Spec.Requirements, "blockingSeverity": p.BlockingSeverity(),
	}, nil
}

// CompareVersions orders two profile versions (semantic versions, pre-releases before their
// release): -1, 0 or 1. A version that does not parse sorts before every one that does.
func CompareVersions(a, b string) int {
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	switch {
	case errA != nil && errB != nil:
		return strings.Compare(a, b)
	case errA != nil:
		return -1
	case errB != nil:
		return 1
	}
	return va.Compare(vb)
}
