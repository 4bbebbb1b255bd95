package main

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"
)

// plutoFile is Pluto's versions.yaml.
type plutoFile struct {
	DeprecatedVersions []plutoRow `json:"deprecated-versions"`
	// TargetVersions are Pluto's default targets per component (not used).
	TargetVersions map[string]string `json:"target-versions"`
}

// plutoRow is one deprecated API of Pluto's: Version is "group/version" ("v1" for core),
// releases are "v1.25.0" ("" when unknown or not removed), Component is "k8s" or an add-on.
type plutoRow struct {
	Version      string `json:"version"`
	Kind         string `json:"kind"`
	DeprecatedIn string `json:"deprecated-in"`
	RemovedIn    string `json:"removed-in"`
	Replacement  string `json:"replacement-api"`
	Available    string `json:"replacement-available-in"`
	Component    string `json:"component"`
}

// override is one entry of overrides.yaml.
type override struct {
	API          string   `json:"api"`
	Kinds        []string `json:"kinds"`
	DeprecatedIn *string  `json:"deprecatedIn,omitempty"`
	RemovedIn    *string  `json:"removedIn,omitempty"`
	Replacement  *string  `json:"replacement,omitempty"`
	Component    *string  `json:"component,omitempty"`
	Scan         *bool    `json:"scan,omitempty"`
	Drop         bool     `json:"drop,omitempty"`
	Why          string   `json:"why"`
}

// entry is one row of rules/removed_apis.yaml (the shape rules.RemovedAPI reads).
type entry struct {
	Group, Version, Kind    string
	DeprecatedIn, RemovedIn string
	Replacement, Component  string
	Scan                    *bool
}

// Meta is what the header records about the source.
type Meta struct {
	// Source says where the Pluto file came from (repository, tag, commit).
	Source string
	// PlutoVersion is the Pluto release the data is from.
	PlutoVersion string
	// Date is the generation date (YYYY-MM-DD).
	Date string
}

// components maps Pluto's component names to the table's.
var components = map[string]string{"k8s": "kubernetes", "": "kubernetes"}

// Generate writes the table from Pluto's versions.yaml and fleetaudit's overrides. It is
// deterministic: the same inputs and Meta give the same bytes.
func Generate(pluto, overrides []byte, meta Meta) ([]byte, error) {
	var pf plutoFile
	if err := yaml.UnmarshalStrict(pluto, &pf); err != nil {
		return nil, fmt.Errorf("read Pluto's versions.yaml: %w", err)
	}
	var ovs []override
	if err := yaml.UnmarshalStrict(overrides, &ovs); err != nil {
		return nil, fmt.Errorf("read overrides.yaml: %w", err)
	}
	rows := map[[2]string]*entry{} // by [group/version, kind]
	var skipped []string
	for _, p := range pf.DeprecatedVersions {
		group, version, ok := splitAPI(p.Version)
		if !ok || p.Kind == "" && version == "" {
			skipped = append(skipped, fmt.Sprintf("%s %s", p.Version, p.Kind))
			continue
		}
		kind := p.Kind
		if kind == "" {
			kind = "*" // every kind of the group/version
		}
		comp := p.Component
		if c, ok := components[comp]; ok {
			comp = c
		}
		e := &entry{Group: group, Version: version, Kind: kind, DeprecatedIn: release(p.DeprecatedIn),
			RemovedIn: release(p.RemovedIn), Replacement: p.Replacement, Component: comp}
		key := [2]string{p.Version, kind}
		if old, dup := rows[key]; dup && *old != *e {
			return nil, fmt.Errorf("pluto: %s %s is listed twice with different data: %+v and %+v", p.Version, kind, *old, *e)
		}
		rows[key] = e
	}
	for i, o := range ovs {
		if o.API == "" || len(o.Kinds) == 0 || o.Why == "" {
			return nil, fmt.Errorf("overrides.yaml: entry %d: api, kinds and why are required", i+1)
		}
		for _, kind := range o.Kinds {
			key := [2]string{o.API, kind}
			e, ok := rows[key]
			switch {
			case o.Drop && !ok:
				return nil, fmt.Errorf("overrides.yaml: entry %d drops %s %s, which Pluto does not list: delete the override", i+1, o.API, kind)
			case o.Drop:
				delete(rows, key)
				continue
			case !ok && o.Component == nil:
				return nil, fmt.Errorf("overrides.yaml: entry %d: Pluto does not list %s %s: a row to add needs component (is the api or kind misspelt?)", i+1, o.API, kind)
			case !ok:
				group, version, _ := splitAPI(o.API)
				e = &entry{Group: group, Version: version, Kind: kind}
				rows[key] = e
			}
			set(&e.DeprecatedIn, o.DeprecatedIn)
			set(&e.RemovedIn, o.RemovedIn)
			set(&e.Replacement, o.Replacement)
			set(&e.Component, o.Component)
			if o.Scan != nil {
				e.Scan = o.Scan
			}
		}
	}
	list := make([]*entry, 0, len(rows))
	for _, e := range rows {
		if e.DeprecatedIn == "" && e.RemovedIn == "" {
			return nil, fmt.Errorf("%s/%s %s has neither deprecatedIn nor removedIn", e.Group, e.Version, e.Kind)
		}
		list = append(list, e)
	}
	slices.SortFunc(list, func(a, b *entry) int {
		return cmp.Or(cmp.Compare(rank(a.Component), rank(b.Component)), cmp.Compare(a.Component, b.Component),
			compareRelease(a.RemovedIn, b.RemovedIn), compareRelease(a.DeprecatedIn, b.DeprecatedIn),
			cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Kind, b.Kind))
	})
	return write(list, skipped, meta), nil
}

func set(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// rank puts Kubernetes first, then the add-ons by name.
func rank(component string) int {
	if component == "kubernetes" {
		return 0
	}
	return 1
}

// splitAPI splits "group/version" ("v1" is the core group); ok is false for a string that is
// not an API version (Pluto has a row whose version is only a group: "rbac.istio.io").
func splitAPI(api string) (group, version string, ok bool) {
	group, version, found := strings.Cut(api, "/")
	if !found {
		group, version = "", api
	}
	if !strings.HasPrefix(version, "v") || strings.Contains(version, ".") || strings.Contains(version, "/") {
		return "", "", false
	}
	return group, version, true
}

// release writes Pluto's "v1.25.0" as the table's "1.25" ("v1.6.2" as "1.6.2").
func release(s string) string {
	if s == "" {
		return ""
	}
	v, err := semver.NewVersion(s)
	if err != nil {
		return strings.TrimPrefix(s, "v") // the loader's validation names it
	}
	if v.Patch() == 0 && v.Prerelease() == "" {
		return fmt.Sprintf("%d.%d", v.Major(), v.Minor())
	}
	return v.String()
}

// compareRelease orders releases, "" (not removed) last.
func compareRelease(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	if errA != nil || errB != nil {
		return cmp.Compare(a, b)
	}
	return va.Compare(vb)
}

func write(list []*entry, skipped []string, meta Meta) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `# Deprecated and removed APIs, with their replacement. GENERATED by hack/removedapis: do not
# edit; change hack/removedapis/overrides.yaml and run go run ./hack/removedapis.
#
# Source: Pluto's versions.yaml (%s), Pluto %s,
# Apache License 2.0 (hack/removedapis/testdata/PLUTO-LICENSE), with fleetaudit's corrections
# and additions (hack/removedapis/overrides.yaml, each with its reason).
# Generated: %s.
#
# deprecatedIn and removedIn are releases of the component: Kubernetes minors for kubernetes,
# the add-on's own version for an add-on (cert-manager 1.6). removedIn is empty for APIs
# deprecated but not yet removed. kinds: ["*"] covers every kind of the group/version. Extend
# the table with --removed-apis FILE (same shape). scan: false marks kinds not scanned for
# writes on live clusters (see overrides.yaml); files are judged whatever scan says.
`, meta.Source, meta.PlutoVersion, meta.Date)
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "# Pluto rows left out (no API version to match): %s.\n", strings.Join(skipped, "; "))
	}
	comp := ""
	for _, e := range list {
		if e.Component != comp {
			comp = e.Component
			fmt.Fprintf(&b, "\n# %s\n", comp)
		}
		fmt.Fprintf(&b, "- {group: %s, version: %s, kinds: [%s]", scalar(e.Group), scalar(e.Version), scalar(e.Kind))
		if e.DeprecatedIn != "" {
			fmt.Fprintf(&b, ", deprecatedIn: %q", e.DeprecatedIn)
		}
		if e.RemovedIn != "" {
			fmt.Fprintf(&b, ", removedIn: %q", e.RemovedIn)
		}
		fmt.Fprintf(&b, ", replacement: %s, component: %s", scalar(e.Replacement), scalar(e.Component))
		if e.Scan != nil && !*e.Scan {
			b.WriteString(", scan: false")
		}
		b.WriteString("}\n")
	}
	return b.Bytes()
}

// scalar writes s plain when YAML reads it back as the same string, else quoted.
func scalar(s string) string {
	if s == "" || strings.ContainsAny(s, ":{}[],#&*!|>'\"%@` ") || s == "true" || s == "false" || s == "null" {
		return fmt.Sprintf("%q", s)
	}
	return s
}
