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
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/yaml"
)

// Options say how a chart is rendered.
type Options struct {
	// Release and Namespace name the release.
	Release, Namespace string
	// Values are merged over the chart's defaults (and validated against its
	// values.schema.json, as helm install does).
	Values map[string]any
	// APIVersions are what the cluster serves ("group/version" and "group/version/Kind", as
	// APIVersions returns them); nil renders with Helm's built-in set, as `helm template`
	// does without --api-versions (no CRD-defined APIs such as monitoring.coreos.com/v1).
	APIVersions []string
}

// Render renders the chart in dir as release in namespace, with values merged over the
// chart's defaults and Helm's built-in API versions, into one multi-document YAML stream
// (templates in name order).
func Render(dir, release, namespace string, values map[string]any) ([]byte, error) {
	return RenderWith(dir, Options{Release: release, Namespace: namespace, Values: values})
}

// RenderWith renders the chart in dir with o into one multi-document YAML stream
// (templates in name order).
func RenderWith(dir string, o Options) ([]byte, error) {
	files, err := renderFiles(dir, o)
	if err != nil {
		return nil, err
	}
	return stream(files), nil
}

// Notes renders the chart's NOTES.txt, what helm install prints after installing.
func Notes(dir string, o Options) (string, error) {
	files, err := renderFiles(dir, o)
	if err != nil {
		return "", err
	}
	for n, body := range files {
		if strings.HasSuffix(n, "/templates/NOTES.txt") {
			return body, nil
		}
	}
	return "", fmt.Errorf("render notes: %s has no templates/NOTES.txt", dir)
}

// APIVersions lists the API versions a cluster serves as Helm passes them to templates
// (.Capabilities.APIVersions) when it installs into that cluster: every "group/version" and
// "group/version/Kind" (what helm's action.GetVersionSet computes; that package is not
// imported for it, as it pulls in Helm's storage drivers).
func APIVersions(d discovery.ServerResourcesInterface) ([]string, error) {
	groups, resources, err := d.ServerGroupsAndResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("discover api versions: %w", err)
	}
	seen := map[string]bool{}
	for _, g := range groups {
		for _, v := range g.Versions {
			seen[v.GroupVersion] = true
		}
	}
	for _, rl := range resources {
		for _, r := range rl.APIResources {
			seen[rl.GroupVersion+"/"+r.Kind] = true
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out, nil
}

func renderFiles(dir string, o Options) (map[string]string, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	caps := chartutil.DefaultCapabilities
	if o.APIVersions != nil {
		caps = chartutil.DefaultCapabilities.Copy()
		caps.APIVersions = chartutil.VersionSet(o.APIVersions)
	}
	opts := chartutil.ReleaseOptions{Name: o.Release, Namespace: o.Namespace, IsInstall: true, Revision: 1}
	vals, err := chartutil.ToRenderValues(ch, o.Values, opts, caps)
	if err != nil {
		return nil, fmt.Errorf("chart values: %w", err)
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	return files, nil
}

// stream joins the rendered manifests (not NOTES.txt) into one YAML stream, each document
// headed by its template.
func stream(files map[string]string) []byte {
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
	return out.Bytes()
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
