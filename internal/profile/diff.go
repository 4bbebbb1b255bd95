package profile

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Diff is what changes from one profile version to another: what `profile diff` prints and
// what an upgrade plan reads. Every list is sorted, so the same two profiles give the same
// diff.
type Diff struct {
	From string `json:"from"` // name@version
	To   string `json:"to"`
	// Kubernetes is the move of spec.kubernetesVersion; nil when it does not change.
	Kubernetes *KubernetesChange `json:"kubernetes,omitempty"`
	// LayersAdded and LayersRemoved are whole layers, by name.
	LayersAdded   []Layer `json:"layersAdded,omitempty"`
	LayersRemoved []Layer `json:"layersRemoved,omitempty"`
	// LayersChanged are the layers in both whose fields differ, by name.
	LayersChanged []LayerChange `json:"layersChanged,omitempty"`
	// Requirements are the spec.requirements fields that differ.
	Requirements []FieldChange `json:"requirements,omitempty"`
	// Selector is the change of spec.selector.clusters; nil when it does not change.
	Selector *SelectorChange `json:"selector,omitempty"`
}

// KubernetesChange is a move of the target Kubernetes version.
type KubernetesChange struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Minors is the number of minor versions moved (negative: back); 0 within a minor.
	Minors int `json:"minors"`
	// SkipsMinors is true for a move of more than one minor (or a major change), which the
	// gate never allows in one step.
	SkipsMinors bool `json:"skipsMinors"`
}

// LayerChange is a layer present in both versions whose fields differ.
type LayerChange struct {
	Name    string        `json:"name"`
	Changes []FieldChange `json:"changes"`
}

// FieldChange is one field's old and new value ("" when unset).
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// SelectorChange is the cluster globs added and removed.
type SelectorChange struct {
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// Compare is the diff from a to b.
func Compare(a, b *Profile) Diff {
	d := Diff{From: a.ID(), To: b.ID()}
	if a.Spec.KubernetesVersion != b.Spec.KubernetesVersion {
		d.Kubernetes = kubernetesChange(a.Spec.KubernetesVersion, b.Spec.KubernetesVersion)
	}
	old, cur := layersByName(a), layersByName(b)
	for _, name := range slices.Sorted(maps.Keys(cur)) {
		if o, ok := old[name]; !ok {
			d.LayersAdded = append(d.LayersAdded, cur[name])
		} else if ch := layerChanges(o, cur[name]); len(ch) > 0 {
			d.LayersChanged = append(d.LayersChanged, LayerChange{Name: name, Changes: ch})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(old)) {
		if _, ok := cur[name]; !ok {
			d.LayersRemoved = append(d.LayersRemoved, old[name])
		}
	}
	d.Requirements = requirementChanges(a.Spec.Requirements, b.Spec.Requirements)
	added, removed := setDiff(a.Spec.Selector.Clusters, b.Spec.Selector.Clusters)
	if len(added)+len(removed) > 0 {
		d.Selector = &SelectorChange{Added: added, Removed: removed}
	}
	return d
}

// Empty reports whether nothing but the version changes.
func (d Diff) Empty() bool {
	return d.Kubernetes == nil && len(d.LayersAdded)+len(d.LayersRemoved)+len(d.LayersChanged)+len(d.Requirements) == 0 && d.Selector == nil
}

// Summary is the diff on one line: "Kubernetes v1.34.2 → v1.35.0; layers +a, -b, ~c
// (chart.version 1.0.0 → 1.1.0); requirements maxFactsAge; selector".
func (d Diff) Summary() string {
	if d.Empty() {
		return "no change"
	}
	var parts []string
	if k := d.Kubernetes; k != nil {
		s := "Kubernetes " + k.From + " → " + k.To
		if k.SkipsMinors {
			s += " (skips minors)"
		}
		parts = append(parts, s)
	}
	var layers []string
	for _, l := range d.LayersAdded {
		layers = append(layers, "+"+l.Name)
	}
	for _, l := range d.LayersRemoved {
		layers = append(layers, "-"+l.Name)
	}
	for _, l := range d.LayersChanged {
		s := "~" + l.Name
		for _, c := range l.Changes {
			if c.Field == "chart.version" {
				s += " " + c.From + " → " + c.To
			}
		}
		layers = append(layers, s)
	}
	if len(layers) > 0 {
		parts = append(parts, "layers "+strings.Join(layers, ", "))
	}
	if len(d.Requirements) > 0 {
		fields := make([]string, len(d.Requirements))
		for i, r := range d.Requirements {
			fields[i] = r.Field
		}
		parts = append(parts, "requirements "+strings.Join(fields, ", "))
	}
	if d.Selector != nil {
		parts = append(parts, "selector")
	}
	return strings.Join(parts, "; ")
}

func kubernetesChange(from, to string) *KubernetesChange {
	k := &KubernetesChange{From: from, To: to}
	a, errA := facts.ParseVersion(from)
	b, errB := facts.ParseVersion(to)
	if errA != nil || errB != nil {
		return k
	}
	k.Minors = b.Minor - a.Minor
	k.SkipsMinors = a.Major != b.Major || k.Minors > 1 || k.Minors < -1
	return k
}

func layersByName(p *Profile) map[string]Layer {
	m := map[string]Layer{}
	for _, l := range p.Spec.Layers {
		m[l.Name] = l
	}
	return m
}

// layerChanges are the differing fields of a layer, in the order of the document.
func layerChanges(a, b Layer) []FieldChange {
	var out []FieldChange
	for _, f := range []FieldChange{
		{"type", a.Type, b.Type},
		{"chart.repository", a.Chart.Repository, b.Chart.Repository},
		{"chart.name", a.Chart.Name, b.Chart.Name},
		{"chart.version", a.Chart.Version, b.Chart.Version},
		{"kubernetes", a.Kubernetes, b.Kubernetes},
	} {
		if f.From != f.To {
			out = append(out, f)
		}
	}
	return out
}

// requirementChanges are the differing requirement fields; minCompliance per framework.
func requirementChanges(a, b Requirements) []FieldChange {
	num := func(f float64) string {
		if f == 0 {
			return ""
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	var out []FieldChange
	fws := map[string]bool{}
	for fw := range a.MinCompliance {
		fws[fw] = true
	}
	for fw := range b.MinCompliance {
		fws[fw] = true
	}
	for _, fw := range slices.Sorted(maps.Keys(fws)) {
		out = append(out, FieldChange{"minCompliance." + fw, num(a.MinCompliance[fw]), num(b.MinCompliance[fw])})
	}
	out = append(out,
		FieldChange{"blockingSeverity", a.BlockingSeverity, b.BlockingSeverity},
		FieldChange{"surgeHeadroom", num(a.SurgeHeadroom), num(b.SurgeHeadroom)},
		FieldChange{"monthlyBudget", num(a.MonthlyBudget), num(b.MonthlyBudget)},
		FieldChange{"maxFactsAge", a.MaxFactsAge, b.MaxFactsAge},
		FieldChange{"rules", strings.Join(a.Rules, ","), strings.Join(b.Rules, ",")},
	)
	return slices.DeleteFunc(out, func(f FieldChange) bool { return f.From == f.To })
}

// setDiff is what b adds to a and what it removes, sorted.
func setDiff(a, b []string) (added, removed []string) {
	for _, s := range b {
		if !slices.Contains(a, s) {
			added = append(added, s)
		}
	}
	for _, s := range a {
		if !slices.Contains(b, s) {
			removed = append(removed, s)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}
