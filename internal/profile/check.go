package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// The parts of `fleetaudit profile check` that need no rendering: where a layer's chart is,
// and whether the layers' Kubernetes ranges agree with each other and with the charts.

// LayerConflicts reports pairs of layers whose Kubernetes ranges share no version: no
// cluster can run both, whatever spec.kubernetesVersion says. A range that does not parse is
// Validate's to report and is skipped here.
func LayerConflicts(p *Profile) []Problem {
	type rng struct {
		i int
		r *Range
	}
	var rs []rng
	for i, l := range p.Spec.Layers {
		if l.Kubernetes == "" {
			continue
		}
		if r, err := ParseRange(l.Kubernetes); err == nil {
			rs = append(rs, rng{i, r})
		}
	}
	var out []Problem
	for a := 0; a < len(rs); a++ {
		for b := a + 1; b < len(rs); b++ {
			if !rs[a].r.Overlaps(rs[b].r) {
				la, lb := p.Spec.Layers[rs[a].i], p.Spec.Layers[rs[b].i]
				out = append(out, Problem{File: p.File, Field: fmt.Sprintf("spec.layers[%d].kubernetes", rs[b].i), Message: fmt.Sprintf(
					"layer %s supports Kubernetes %q and layer %s supports %q: no version satisfies both, so no cluster can run this profile; pick chart versions whose ranges overlap",
					la.Name, la.Kubernetes, lb.Name, lb.Kubernetes)})
			}
		}
	}
	return out
}

// Overlaps reports whether some Kubernetes release is in both ranges. A range is a union of
// intervals whose ends are the versions it names, so two ranges overlap exactly when one of
// those versions, the patch after it, or a minor's first release is in both.
func (r *Range) Overlaps(o *Range) bool {
	var cands []*facts.Version
	for _, e := range append(rangeEnds(r.text), rangeEnds(o.text)...) {
		cands = append(cands, &facts.Version{Major: int(e.Major()), Minor: int(e.Minor()), Patch: int(e.Patch())},
			&facts.Version{Major: int(e.Major()), Minor: int(e.Minor()), Patch: int(e.Patch()) + 1})
	}
	for minor := 0; minor < 100; minor++ {
		cands = append(cands, &facts.Version{Major: 1, Minor: minor})
	}
	for _, v := range cands {
		if r.Admits(v) && o.Admits(v) {
			return true
		}
	}
	return false
}

// versionInRange matches the versions a range names.
var versionInRange = regexp.MustCompile(`v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?`)

// rangeEnds are the versions a range names.
func rangeEnds(r string) []*semver.Version {
	var out []*semver.Version
	for _, m := range versionInRange.FindAllString(r, -1) {
		if v, err := semver.NewVersion(m); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// ChartKubeVersion reads a chart's own kubeVersion constraint (Chart.yaml) and reports
// whether it admits version (v1.35.0); a chart without one admits every version.
func ChartKubeVersion(chartYAML []byte, version string) (constraint string, ok bool, err error) {
	var meta struct {
		KubeVersion string `json:"kubeVersion"`
	}
	if err := yaml.Unmarshal(chartYAML, &meta); err != nil {
		return "", false, fmt.Errorf("Chart.yaml: %w", err)
	}
	if meta.KubeVersion == "" {
		return "", true, nil
	}
	c, err := semver.NewConstraint(meta.KubeVersion)
	if err != nil {
		return meta.KubeVersion, false, fmt.Errorf("Chart.yaml kubeVersion %q: %w", meta.KubeVersion, err)
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return meta.KubeVersion, false, fmt.Errorf("version %q: %w", version, err)
	}
	return meta.KubeVersion, c.Check(v), nil
}

// ErrChartNotFound is returned by FindChart when no folder holds the chart's version.
var ErrChartNotFound = errors.New("chart not found")

// FindChart looks for a layer's chart at its pinned version in each folder of dirs, in the
// layouts people keep charts in: NAME-VERSION.tgz (what `helm pull` writes and what Helm's
// repository cache holds), NAME-VERSION/, NAME/VERSION/ and NAME/ (an unpacked chart whose
// Chart.yaml has that version). No network is used.
func FindChart(dirs []string, c Chart) (string, error) {
	var tried []string
	for _, d := range dirs {
		for _, cand := range []string{
			filepath.Join(d, c.Name+"-"+c.Version+".tgz"),
			filepath.Join(d, c.Name+"-"+c.Version),
			filepath.Join(d, c.Name, c.Version),
			filepath.Join(d, c.Name),
		} {
			tried = append(tried, cand)
			st, err := os.Stat(cand)
			if err != nil {
				continue
			}
			if !st.IsDir() {
				return cand, nil
			}
			b, err := os.ReadFile(filepath.Join(cand, "Chart.yaml"))
			if err != nil {
				continue
			}
			var meta struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			}
			if yaml.Unmarshal(b, &meta) == nil && meta.Name == c.Name && strings.TrimPrefix(meta.Version, "v") == strings.TrimPrefix(c.Version, "v") {
				return cand, nil
			}
		}
	}
	if len(dirs) == 0 {
		return "", fmt.Errorf("%w: %s %s: no --charts folder given", ErrChartNotFound, c.Name, c.Version)
	}
	return "", fmt.Errorf("%w: %s %s is in none of %s; fetch it with `helm pull %s --version %s -d %s` (no network is used here)",
		ErrChartNotFound, c.Name, c.Version, strings.Join(tried, ", "), chartRef(c), c.Version, dirs[0])
}

// chartRef is how helm pull names the chart.
func chartRef(c Chart) string {
	if strings.HasPrefix(c.Repository, "oci://") {
		return strings.TrimSuffix(c.Repository, "/") + "/" + c.Name
	}
	if c.Repository == "" {
		return c.Name
	}
	return c.Name + " --repo " + c.Repository
}
