// Package chart renders fleetaudit's Helm chart (deploy/helm/fleetaudit) with Helm's own Go
// packages, for the plain manifests in deploy/manifests and for tests. The fleetaudit binary
// does not import it.
package chart

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"sigs.k8s.io/yaml"
)

// Render renders the chart in dir as release in namespace, with values merged over the
// chart's defaults, into one multi-document YAML stream (templates in name order).
func Render(dir, release, namespace string, values map[string]any) ([]byte, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	opts := chartutil.ReleaseOptions{Name: release, Namespace: namespace, IsInstall: true, Revision: 1}
	vals, err := chartutil.ToRenderValues(ch, values, opts, chartutil.DefaultCapabilities)
	if err != nil {
		return nil, fmt.Errorf("chart values: %w", err)
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	var names []string
	for n, body := range files {
		if strings.HasSuffix(n, ".yaml") && strings.TrimSpace(body) != "" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out bytes.Buffer
	for _, n := range names {
		for _, doc := range strings.Split(files[n], "\n---") {
			if strings.TrimSpace(strings.TrimPrefix(doc, "---")) == "" {
				continue
			}
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", n, strings.TrimSpace(strings.TrimPrefix(doc, "---")))
		}
	}
	return out.Bytes(), nil
}

// Documents splits a rendered stream into objects.
func Documents(stream []byte) ([]map[string]any, error) {
	var out []map[string]any
	for _, doc := range strings.Split(string(stream), "\n---") {
		doc = strings.TrimSpace(strings.TrimPrefix(doc, "---"))
		if doc == "" {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			return nil, fmt.Errorf("rendered document: %w\n%s", err, doc)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// SyncedFiles maps each file the chart carries (under files/) to the repository file it is a
// copy of: the alert rules and the generated dashboards.
func SyncedFiles(repoRoot string) (map[string]string, error) {
	chartDir := filepath.Join(repoRoot, "deploy/helm/fleetaudit")
	out := map[string]string{
		filepath.Join(chartDir, "files/alerts.yaml"): filepath.Join(repoRoot, "deploy/prometheus/alerts.yaml"),
	}
	dashboards, err := filepath.Glob(filepath.Join(repoRoot, "dashboards/json/*.json"))
	if err != nil {
		return nil, err
	}
	for _, d := range dashboards {
		out[filepath.Join(chartDir, "files/dashboards", filepath.Base(d))] = d
	}
	return out, nil
}

// Sync copies the synced files into the chart.
func Sync(repoRoot string) error {
	files, err := SyncedFiles(repoRoot)
	if err != nil {
		return err
	}
	for dst, src := range files {
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
