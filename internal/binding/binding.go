// Package binding reads the operator's bindings: which profile each fleet cluster is held
// to, and which fleet cluster a Cluster API Cluster object is. The gate's admission webhook
// and Cluster API hook take both from here and never from the object being admitted, whose
// annotations anyone allowed to update it can set.
package binding

import (
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/fleetaudit/fleetaudit/internal/profile"
	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
)

// APIVersion and Kind of a bindings document.
const (
	APIVersion = "fleetaudit.io/v1alpha1"
	Kind       = "Bindings"
)

// Bindings is a bindings document.
type Bindings struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// ClusterLabels give fleet clusters labels (env, region, tier …) that profile bindings
	// select on. They are the operator's, like the rest of this file: never read from a
	// cluster or from an admitted object.
	ClusterLabels []ClusterLabels `json:"clusterLabels,omitempty"`
	// Profiles bind fleet clusters to a profile.
	Profiles []ProfileBinding `json:"profiles"`
	// ClusterObjects say which fleet cluster a cluster.x-k8s.io Cluster object is.
	ClusterObjects []ObjectBinding `json:"clusterObjects"`
	// File is where the bindings were read from (not part of the document).
	File string `json:"-"`
}

// ClusterLabels sets Labels on the fleet clusters whose names match Clusters (globs). A
// cluster matched by several entries gets the union; two entries giving one key different
// values for the same cluster is an error for that cluster (its gate then denies).
type ClusterLabels struct {
	Clusters []string          `json:"clusters"`
	Labels   map[string]string `json:"labels"`
}

// ProfileBinding holds fleet clusters to Profile ("name", the newest version of that name,
// or "name@version", pinned): those whose names match Clusters (globs) and whose labels
// (from clusterLabels) match Selector. At least one of the two is required; with both, a
// cluster must match both.
type ProfileBinding struct {
	Clusters []string              `json:"clusters,omitempty"`
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
	Profile  string                `json:"profile"`
	// Wave orders rollouts (fleetaudit plan): lower waves go first, e.g. staging 1, prod 2.
	Wave int `json:"wave,omitempty"`
	// Overrides change requirement values for some of these clusters, each with a reason.
	Overrides []Override `json:"overrides,omitempty"`
}

// Override replaces requirement values of the bound profile for the clusters matching
// Clusters (default: every cluster of the binding). Reason is required: it is shown with
// every decision the override changes.
type Override struct {
	Clusters     []string             `json:"clusters,omitempty"`
	Requirements profile.Requirements `json:"requirements"`
	Reason       string               `json:"reason"`
}

// ObjectBinding says that the Cluster object Object ("namespace/name") is fleet cluster
// Cluster.
type ObjectBinding struct {
	Object  string `json:"object"`
	Cluster string `json:"cluster"`
}

// Load reads and validates a bindings file; errors name the file, line and field.
func Load(file string) (*Bindings, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read bindings: %w", err)
	}
	return Parse(file, b)
}

// Validate returns every problem as "field: reason".
func (b *Bindings) Validate() []string {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if b.APIVersion != APIVersion {
		add("apiVersion: %q is not %s", b.APIVersion, APIVersion)
	}
	if b.Kind != Kind {
		add("kind: %q is not %s", b.Kind, Kind)
	}
	for i, pb := range b.Profiles {
		at := fmt.Sprintf("profiles[%d]", i)
		if pb.Profile == "" {
			add("%s.profile: is required (a profile name, or name@version to pin one)", at)
		}
		if len(pb.Clusters) == 0 && pb.Selector == nil {
			add("%s: give clusters (fleet cluster names or globs such as prod-*) or a selector (matchLabels on clusterLabels), or both", at)
		}
		if pb.Selector != nil {
			if sel, err := metav1.LabelSelectorAsSelector(pb.Selector); err != nil {
				add("%s.selector: %s", at, err)
			} else if sel.Empty() {
				add("%s.selector: is empty and would select every cluster: give matchLabels or matchExpressions, or use clusters: [\"*\"]", at)
			}
		}
		for j, g := range pb.Clusters {
			if _, err := path.Match(g, ""); err != nil {
				add("%s.clusters[%d]: %q is not a valid glob", at, j, g)
			}
		}
		for j, o := range pb.Overrides {
			if strings.TrimSpace(o.Reason) == "" {
				add("%s.overrides[%d].reason: is required: say why this cluster differs from its profile", at, j)
			}
			for k, g := range o.Clusters {
				if _, err := path.Match(g, ""); err != nil {
					add("%s.overrides[%d].clusters[%d]: %q is not a valid glob", at, j, k, g)
				}
			}
			if d, err := time.ParseDuration(o.Requirements.MaxFactsAge); o.Requirements.MaxFactsAge != "" && (err != nil || d <= 0) {
				add("%s.overrides[%d].requirements.maxFactsAge: %q is not a positive duration such as 30m", at, j, o.Requirements.MaxFactsAge)
			}
			if o.Requirements.BlockingSeverity != "" && !slices.Contains([]string{"info", "low", "medium", "high", "critical"}, o.Requirements.BlockingSeverity) {
				add("%s.overrides[%d].requirements.blockingSeverity: %q is not one of info, low, medium, high, critical", at, j, o.Requirements.BlockingSeverity)
			}
		}
	}
	for i, cl := range b.ClusterLabels {
		at := fmt.Sprintf("clusterLabels[%d]", i)
		if len(cl.Clusters) == 0 {
			add("%s.clusters: is required (fleet cluster names or globs such as prod-*)", at)
		}
		for j, g := range cl.Clusters {
			if _, err := path.Match(g, ""); err != nil {
				add("%s.clusters[%d]: %q is not a valid glob", at, j, g)
			}
		}
		if len(cl.Labels) == 0 {
			add("%s.labels: is required (e.g. {env: prod})", at)
		}
		for _, k := range slices.Sorted(maps.Keys(cl.Labels)) {
			for _, msg := range validation.IsQualifiedName(k) {
				add("%s.labels: key %q: %s", at, k, msg)
			}
			for _, msg := range validation.IsValidLabelValue(cl.Labels[k]) {
				add("%s.labels.%s: value %q: %s", at, k, cl.Labels[k], msg)
			}
		}
	}
	seen := map[string]string{}
	for i, ob := range b.ClusterObjects {
		at := fmt.Sprintf("clusterObjects[%d]", i)
		ns, name, ok := strings.Cut(ob.Object, "/")
		if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
			add("%s.object: %q is not namespace/name of a Cluster object", at, ob.Object)
		}
		if ob.Cluster == "" {
			add("%s.cluster: is required (the fleet cluster this object is)", at)
		}
		if prev, dup := seen[ob.Object]; dup && prev != ob.Cluster {
			add("%s: %s is bound to both %s and %s", at, ob.Object, prev, ob.Cluster)
		}
		seen[ob.Object] = ob.Cluster
	}
	return errs
}

// ClusterFor is the fleet cluster the Cluster object namespace/name is.
func (b *Bindings) ClusterFor(namespace, name string) (string, error) {
	if b == nil {
		return "", fmt.Errorf("no bindings are configured, so the Cluster %s/%s is no fleet cluster: start serve with --bindings FILE listing it under clusterObjects", namespace, name)
	}
	for _, ob := range b.ClusterObjects {
		if ob.Object == namespace+"/"+name {
			return ob.Cluster, nil
		}
	}
	return "", fmt.Errorf("the Cluster %s/%s is bound to no fleet cluster: add {object: %s/%s, cluster: FLEET-CLUSTER} to clusterObjects in %s", namespace, name, namespace, name, b.File)
}

// Bound is a fleet cluster's binding: its profile reference and the overrides that apply.
type Bound struct {
	Profile   string
	Wave      int
	Overrides []Override
}

// ProfileFor is the binding of a fleet cluster. A cluster no binding matches, or that two
// bindings to different profiles match, is an error: the gate then denies (fail closed).
func (b *Bindings) ProfileFor(cluster string) (Bound, error) {
	if b == nil {
		return Bound{}, fmt.Errorf("no bindings are configured, so %s is bound to no profile: start serve with --bindings FILE", cluster)
	}
	lbls, err := b.LabelsOf(cluster)
	if err != nil {
		return Bound{}, err
	}
	var found []int
	for i, pb := range b.Profiles {
		if pb.selects(cluster, lbls) {
			found = append(found, i)
		}
	}
	if len(found) == 0 {
		return Bound{}, fmt.Errorf("cluster %s is bound to no profile (its labels: %s): add it to a profiles entry (clusters: [%s], or a selector matching its labels) in %s",
			cluster, labelString(lbls), cluster, b.File)
	}
	first := b.Profiles[found[0]]
	for _, i := range found[1:] {
		if b.Profiles[i].Profile != first.Profile {
			return Bound{}, fmt.Errorf("cluster %s is bound to both %s (profiles[%d]) and %s (profiles[%d]) in %s: make the bindings' cluster patterns and selectors disjoint",
				cluster, first.Profile, found[0], b.Profiles[i].Profile, i, b.File)
		}
	}
	// Overrides come from the first matching entry only: a broad entry further down (say
	// clusters: ["*"]) must not loosen what a specific one above says.
	out := Bound{Profile: first.Profile, Wave: first.Wave}
	for _, o := range first.Overrides {
		if len(o.Clusters) == 0 || matches(o.Clusters, cluster) {
			out.Overrides = append(out.Overrides, o)
		}
	}
	return out, nil
}

// LabelsOf is a fleet cluster's labels from clusterLabels (empty when none apply).
func (b *Bindings) LabelsOf(cluster string) (map[string]string, error) {
	out := map[string]string{}
	from := map[string]int{}
	if b == nil {
		return out, nil
	}
	for i, cl := range b.ClusterLabels {
		if !matches(cl.Clusters, cluster) {
			continue
		}
		for k, v := range cl.Labels {
			if prev, ok := out[k]; ok && prev != v {
				return nil, fmt.Errorf("cluster %s gets label %s=%s from clusterLabels[%d] and %s=%s from clusterLabels[%d] in %s: make the entries agree",
					cluster, k, prev, from[k], k, v, i, b.File)
			}
			out[k], from[k] = v, i
		}
	}
	return out, nil
}

func labelString(l map[string]string) string {
	if len(l) == 0 {
		return "none"
	}
	return "{" + labels.Set(l).String() + "}"
}

// selects reports whether the binding holds the cluster (lbls: its labels).
func (pb ProfileBinding) selects(cluster string, lbls map[string]string) bool {
	if len(pb.Clusters) > 0 && !matches(pb.Clusters, cluster) {
		return false
	}
	if pb.Selector != nil {
		sel, err := metav1.LabelSelectorAsSelector(pb.Selector)
		if err != nil || !sel.Matches(labels.Set(lbls)) {
			return false // an invalid selector selects nothing (Validate refuses it at load)
		}
	}
	return len(pb.Clusters) > 0 || pb.Selector != nil
}

func matches(globs []string, name string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// Resolve picks the profile a reference names among profiles (the catalog's rule:
// "name@version" exactly, or the newest version of "name").
func Resolve(ref string, profiles []*profile.Profile) (*profile.Profile, error) {
	if len(profiles) == 0 {
		return nil, fmt.Errorf("the bound profile %s: no profiles are configured (give --profile FILE or DIR)", ref)
	}
	cat, _ := profile.NewCatalog(profiles) // duplicates were reported when the profiles loaded
	if cat == nil {
		return nil, fmt.Errorf("the bound profile %s: the profiles given do not form a catalog", ref)
	}
	p, err := cat.Resolve(ref)
	if err != nil {
		return nil, fmt.Errorf("the bound profile %s: %w (see --profile)", ref, err)
	}
	return p, nil
}

// Apply returns p with the overrides' requirement values in place, and one line per
// override ("blockingSeverity=critical: reason") for the decision to show.
func Apply(p *profile.Profile, overrides []Override) (*profile.Profile, []string) {
	if len(overrides) == 0 {
		return p, nil
	}
	cp := *p
	req := cp.Spec.Requirements
	var lines []string
	for _, o := range overrides {
		r := o.Requirements
		var set []string
		if r.BlockingSeverity != "" {
			req.BlockingSeverity = r.BlockingSeverity
			set = append(set, "blockingSeverity="+r.BlockingSeverity)
		}
		// Stale facts are never waived: an override may only make maxFactsAge shorter.
		if d, err := time.ParseDuration(r.MaxFactsAge); err == nil && d > 0 && d < p.MaxFactsAge() {
			req.MaxFactsAge = r.MaxFactsAge
			set = append(set, "maxFactsAge="+r.MaxFactsAge)
		}
		if r.SurgeHeadroom != 0 {
			req.SurgeHeadroom = r.SurgeHeadroom
			set = append(set, fmt.Sprintf("surgeHeadroom=%g", r.SurgeHeadroom))
		}
		if r.MonthlyBudget != 0 {
			req.MonthlyBudget = r.MonthlyBudget
			set = append(set, fmt.Sprintf("monthlyBudget=%g", r.MonthlyBudget))
		}
		if len(r.MinCompliance) > 0 {
			mc := map[string]float64{}
			for k, v := range req.MinCompliance {
				mc[k] = v
			}
			for k, v := range r.MinCompliance {
				mc[k] = v
				set = append(set, fmt.Sprintf("minCompliance.%s=%g", k, v))
			}
			req.MinCompliance = mc
		}
		if len(r.Rules) > 0 {
			req.Rules = append(slices.Clone(req.Rules), r.Rules...)
			set = append(set, "rules+="+strings.Join(r.Rules, ","))
		}
		if len(set) > 0 {
			lines = append(lines, strings.Join(set, ", ")+": "+o.Reason)
		}
	}
	cp.Spec.Requirements = req
	return &cp, lines
}

// Parse reads a bindings document from b (read from name) and validates it.
func Parse(name string, b []byte) (*Bindings, error) {
	doc, err := yamlfile.Parse(name, b)
	var out Bindings
	if err == nil {
		err = doc.Decode(&out)
	}
	if err != nil {
		return nil, fmt.Errorf("bindings: %w", err)
	}
	out.File = name
	if errs := out.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: %s", name, strings.Join(errs, "; "))
	}
	return &out, nil
}

// Input is what the drift rules see as input.bound for a cluster: the bound profile's name,
// the pinned version ("" for none) and every catalog version of it, oldest first. nil when
// the cluster is not (or not unambiguously) bound, or its profile is not in the catalog.
func (b *Bindings) Input(cluster string, cat *profile.Catalog) map[string]any {
	if b == nil || cat == nil {
		return nil
	}
	bd, err := b.ProfileFor(cluster)
	if err != nil {
		return nil
	}
	name, pinned, _ := strings.Cut(bd.Profile, "@")
	var versions []any
	for _, p := range cat.Versions(name) {
		in, err := p.Input()
		if err != nil {
			continue
		}
		versions = append(versions, in)
	}
	if len(versions) == 0 {
		return nil
	}
	return map[string]any{"name": name, "pinned": pinned, "versions": versions}
}
