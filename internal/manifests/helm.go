package manifests

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
	"k8s.io/apimachinery/pkg/util/version"
	"sigs.k8s.io/yaml"
)

// HelmOptions say how a chart is rendered: like `helm template`, with no cluster and no
// network.
type HelmOptions struct {
	// ValueFiles are merged over the chart's values.yaml in order (--values).
	ValueFiles []string
	// Set are KEY=VALUE overrides in Helm's --set syntax, applied last.
	Set []string
	// KubeVersion is .Capabilities.KubeVersion and is checked against the chart's
	// kubeVersion constraint (e.g. v1.35.0).
	KubeVersion string
	// APIVersions are added to .Capabilities.APIVersions (like helm template -a), for charts
	// that render objects only when an API is served (monitoring.coreos.com/v1, …).
	APIVersions []string
	// Release and Namespace name the release (defaults: the chart's name, "default").
	Release, Namespace string
}

// HelmInput is a chart folder (or packaged .tgz) rendered with o. Each rendered object is a
// Document located at its template file (Rendered: true, lines of the template's rendered
// output); NOTES.txt and partials are not objects.
func HelmInput(dir string, o HelmOptions) Input {
	return Input{Kind: KindHelm, Path: dir, Read: func(context.Context) ([]Document, error) {
		return renderHelm(dir, o)
	}}
}

func renderHelm(dir string, o HelmOptions) ([]Document, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: load chart: %w (is it a chart folder with a Chart.yaml, or a packaged .tgz?)", dir, err)
	}
	vals, err := mergeValues(o.ValueFiles, o.Set)
	if err != nil {
		return nil, err
	}
	caps := chartutil.DefaultCapabilities.Copy()
	if o.KubeVersion != "" {
		v, err := version.ParseSemantic(o.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("kube version %q: %w (want e.g. v1.35.0)", o.KubeVersion, err)
		}
		caps.KubeVersion = chartutil.KubeVersion{
			Version: "v" + v.String(), Major: fmt.Sprint(v.Major()), Minor: fmt.Sprint(v.Minor()),
		}
	}
	if len(o.APIVersions) > 0 {
		caps.APIVersions = append(slices.Clone(caps.APIVersions), o.APIVersions...)
	}
	if c := ch.Metadata.KubeVersion; c != "" && !chartutil.IsCompatibleRange(c, caps.KubeVersion.Version) {
		return nil, fmt.Errorf("%s: chart %s requires kubeVersion %s, which %s does not satisfy (set --kube-version)",
			dir, ch.Name(), c, caps.KubeVersion.Version)
	}
	rel := chartutil.ReleaseOptions{Name: o.Release, Namespace: o.Namespace, IsInstall: true, Revision: 1}
	if rel.Name == "" {
		rel.Name = ch.Name()
	}
	if rel.Namespace == "" {
		rel.Namespace = "default"
	}
	rv, err := chartutil.ToRenderValues(ch, vals, rel, caps)
	if err != nil {
		return nil, fmt.Errorf("%s: chart values: %w", dir, err)
	}
	files, err := engine.Render(ch, rv)
	if err != nil {
		return nil, fmt.Errorf("%s: render chart: %w", dir, err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		if isManifestTemplate(n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var docs []Document
	for _, n := range names {
		file := templateFile(dir, ch.Name(), n)
		for _, d := range SplitDocuments(file, []byte(files[n])) {
			d.Rendered = true
			docs = append(docs, d)
		}
	}
	return docs, nil
}

// mergeValues merges values files in order, then --set values, like helm template -f/--set
// (read locally only: a URL is not a file here).
func mergeValues(files, set []string) (map[string]any, error) {
	base := map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("values file: %w", err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("values file %s: %w", f, err)
		}
		base = mergeMaps(base, m)
	}
	for _, s := range set {
		if err := strvals.ParseInto(s, base); err != nil {
			return nil, fmt.Errorf("--set %q: %w (want KEY=VALUE, e.g. image.tag=v1)", s, err)
		}
	}
	return base, nil
}

// mergeMaps merges b over a, recursing into maps present in both.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	maps.Copy(out, a)
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// isManifestTemplate: rendered YAML of a template, not a partial (_x.tpl) or NOTES.txt.
func isManifestTemplate(name string) bool {
	base := path.Base(name)
	if strings.HasPrefix(base, "_") {
		return false
	}
	ext := path.Ext(base)
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}

// templateFile turns the engine's "chartname/templates/x.yaml" (or a subchart's
// "chartname/charts/sub/templates/x.yaml") into the file's path under dir.
func templateFile(dir, chartName, rendered string) string {
	rel := strings.TrimPrefix(rendered, chartName+"/")
	if strings.HasSuffix(dir, ".tgz") {
		return dir + "#" + rel
	}
	return filepath.ToSlash(filepath.Join(dir, rel))
}
