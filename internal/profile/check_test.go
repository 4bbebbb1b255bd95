package profile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLayerConflicts(t *testing.T) {
	p := &Profile{File: "p.yaml", Spec: Spec{Layers: []Layer{
		{Name: "cni", Kubernetes: ">=1.28.0 <1.34.0"},
		{Name: "csi", Kubernetes: ">=1.33.0"},       // overlaps cni on 1.33
		{Name: "mesh", Kubernetes: ">=1.34.0-0"},    // no overlap with cni
		{Name: "any"},                               // no range: no conflict
		{Name: "broken", Kubernetes: "not a range"}, // Validate's to report
	}}}
	got := LayerConflicts(p)
	if len(got) != 1 {
		t.Fatalf("conflicts = %v, want cni × mesh only", got)
	}
	g := got[0]
	if g.File != "p.yaml" || g.Field != "spec.layers[2].kubernetes" || !strings.Contains(g.Message, "layer cni") || !strings.Contains(g.Message, "layer mesh") {
		t.Errorf("conflict = %+v", g)
	}
	// Adjacent patch ranges that meet only on a late patch still overlap.
	p.Spec.Layers = []Layer{{Name: "a", Kubernetes: ">=1.30.5 <1.31.0"}, {Name: "b", Kubernetes: "<=1.30.50"}}
	if got := LayerConflicts(p); len(got) != 0 {
		t.Errorf("1.30.5–1.30.50 overlap, got %v", got)
	}
}

func TestChartKubeVersion(t *testing.T) {
	for _, c := range []struct {
		yaml, version string
		ok            bool
		err           bool
	}{
		{"name: x\nversion: 1.0.0\n", "v1.35.0", true, false},
		{"name: x\nkubeVersion: '>=1.28.0-0 <1.35.0-0'\n", "v1.34.2", true, false},
		{"name: x\nkubeVersion: '>=1.28.0-0 <1.35.0-0'\n", "v1.35.0", false, false},
		{"name: x\nkubeVersion: 'nonsense'\n", "v1.35.0", false, true},
		{"name: [x\n", "v1.35.0", false, true},
	} {
		_, ok, err := ChartKubeVersion([]byte(c.yaml), c.version)
		if ok != c.ok || (err != nil) != c.err {
			t.Errorf("%q at %s: ok=%v err=%v", c.yaml, c.version, ok, err)
		}
	}
}

func TestFindChart(t *testing.T) {
	d := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(d, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("cilium-1.18.2.tgz", "not really a tgz, found by name")
	write("calico/Chart.yaml", "name: calico\nversion: 3.31.0\n")
	write("ebs/1.40.0/Chart.yaml", "name: ebs\nversion: 1.40.0\n")
	write("old/Chart.yaml", "name: old\nversion: 1.0.0\n")
	for _, c := range []struct {
		chart Chart
		want  string
	}{
		{Chart{Name: "cilium", Version: "1.18.2"}, "cilium-1.18.2.tgz"},
		{Chart{Name: "calico", Version: "3.31.0"}, "calico"},
		{Chart{Name: "ebs", Version: "1.40.0"}, filepath.Join("ebs", "1.40.0")},
	} {
		got, err := FindChart([]string{filepath.Join(d, "none"), d}, c.chart)
		if err != nil || got != filepath.Join(d, c.want) {
			t.Errorf("%s: %q, %v; want %s", c.chart.Name, got, err, c.want)
		}
	}
	// The unpacked chart of another version is not the layer's chart.
	_, err := FindChart([]string{d}, Chart{Name: "old", Version: "2.0.0", Repository: "https://charts.example.com"})
	if !errors.Is(err, ErrChartNotFound) || !strings.Contains(err.Error(), "helm pull old --repo https://charts.example.com --version 2.0.0 -d "+d) {
		t.Errorf("err = %v", err)
	}
	if _, err := FindChart(nil, Chart{Name: "x", Version: "1.0.0"}); !errors.Is(err, ErrChartNotFound) || !strings.Contains(err.Error(), "--charts") {
		t.Errorf("no dirs: %v", err)
	}
}
