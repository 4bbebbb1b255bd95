package manifests

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// object is the identity of a rendered document, for assertions.
type rendered struct {
	File, Kind, Namespace, Name string
	Line                        int
}

func objects(t *testing.T, docs []Document) []rendered {
	t.Helper()
	out := make([]rendered, 0, len(docs))
	for _, d := range docs {
		var m struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(d.Data, &m); err != nil {
			t.Fatalf("%s:%d: %v\n%s", d.File, d.Line, err, d.Data)
		}
		if !d.Rendered {
			t.Errorf("%s:%d: rendered document not marked Rendered", d.File, d.Line)
		}
		out = append(out, rendered{d.File, m.Kind, m.Metadata.Namespace, m.Metadata.Name, d.Line})
	}
	return out
}

func TestHelmInputLocatesObjectsAtTheirTemplates(t *testing.T) {
	in := HelmInput("testdata/charts/shop", HelmOptions{Release: "web", Namespace: "shop"})
	if in.Kind != KindHelm || in.Path != "testdata/charts/shop" {
		t.Fatalf("input = %+v", in)
	}
	docs, err := in.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := objects(t, docs)
	// deployment.yaml renders a ServiceAccount (line 1) and, after "---" on line 6, the
	// Deployment from line 7; pdb.yaml begins with its comment line. NOTES.txt, the
	// partial and the ServiceMonitor (its API is not served) render no object.
	want := []rendered{
		{"testdata/charts/shop/templates/deployment.yaml", "ServiceAccount", "shop", "web-web", 1},
		{"testdata/charts/shop/templates/deployment.yaml", "Deployment", "shop", "web-web", 7},
		{"testdata/charts/shop/templates/pdb.yaml", "PodDisruptionBudget", "shop", "web-web", 1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("objects:\n got %+v\nwant %+v", got, want)
	}
	if !strings.Contains(string(docs[1].Data), "privileged: false") {
		t.Errorf("default values not applied:\n%s", docs[1].Data)
	}
}

func TestHelmInputValuesSetAndCapabilities(t *testing.T) {
	vf := filepath.Join(t.TempDir(), "prod.yaml")
	if err := os.WriteFile(vf, []byte("replicas: 5\nprivileged: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	docs, err := HelmInput("testdata/charts/shop", HelmOptions{
		ValueFiles: []string{vf}, Set: []string{"image.tag=2.0.0"},
		APIVersions: []string{"monitoring.coreos.com/v1"}, KubeVersion: "v1.24.3",
	}).Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := objects(t, docs)
	if len(got) != 4 || got[3].Kind != "ServiceMonitor" || got[3].Namespace != "default" || got[3].Name != "shop-web" {
		t.Fatalf("with monitoring.coreos.com/v1 served, want the ServiceMonitor too (release defaults to the chart's name, namespace to default): %+v", got)
	}
	dep := string(docs[1].Data)
	for _, s := range []string{"replicas: 5", "privileged: true", "registry.example.com/shop/web:2.0.0"} {
		if !strings.Contains(dep, s) {
			t.Errorf("rendered Deployment lacks %q:\n%s", s, dep)
		}
	}
}

func TestHelmInputErrorsSayWhatAndWhere(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.yaml"), []byte("replicas: [1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		dir  string
		o    HelmOptions
		want []string
	}{
		"no chart":            {dir: "testdata/nochart", want: []string{"testdata/nochart", "load chart", "Chart.yaml"}},
		"missing values file": {dir: "testdata/charts/shop", o: HelmOptions{ValueFiles: []string{"testdata/missing.yaml"}}, want: []string{"values file", "testdata/missing.yaml"}},
		"invalid values file": {dir: "testdata/charts/shop", o: HelmOptions{ValueFiles: []string{filepath.Join(bad, "broken.yaml")}}, want: []string{"broken.yaml"}},
		"bad --set":           {dir: "testdata/charts/shop", o: HelmOptions{Set: []string{"image.tag"}}, want: []string{`--set "image.tag"`, "KEY=VALUE"}},
		"kubeVersion":         {dir: "testdata/charts/shop", o: HelmOptions{KubeVersion: "v1.19.4"}, want: []string{"requires kubeVersion >=1.20.0-0", "v1.19.4", "--kube-version"}},
		"bad kube version":    {dir: "testdata/charts/shop", o: HelmOptions{KubeVersion: "one.two"}, want: []string{`"one.two"`, "v1.35.0"}},
	} {
		t.Run(name, func(t *testing.T) {
			docs, err := HelmInput(c.dir, c.o).Read(context.Background())
			if err == nil {
				t.Fatalf("no error; %d documents", len(docs))
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestKustomizeInputLocatesObjectsAtTheirOrigin(t *testing.T) {
	docs, err := KustomizeInput("testdata/kustomize/overlay").Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := objects(t, docs)
	slices.SortFunc(got, func(a, b rendered) int { return strings.Compare(a.Kind+a.Name, b.Kind+b.Name) })
	// Objects keep the file and line they were written at in the base, under their built
	// names; the generated ConfigMap points at the kustomization that generates it.
	want := []rendered{
		{"testdata/kustomize/overlay/kustomization.yaml", "ConfigMap", "prod", "", 1},
		{"testdata/kustomize/base/deployment.yaml", "Deployment", "prod", "prod-api", 7},
		{"testdata/kustomize/base/deployment.yaml", "ServiceAccount", "prod", "prod-api", 1},
		{"testdata/kustomize/base/service.yaml", "Service", "prod", "prod-api", 1},
	}
	if len(got) != len(want) {
		t.Fatalf("objects:\n got %+v\nwant %+v", got, want)
	}
	for i := range want {
		g := got[i]
		if want[i].Kind == "ConfigMap" { // its name carries a content hash
			if !strings.HasPrefix(g.Name, "prod-api-settings-") {
				t.Errorf("generated ConfigMap name %q", g.Name)
			}
			g.Name = ""
		}
		if g != want[i] {
			t.Errorf("object %d:\n got %+v\nwant %+v", i, g, want[i])
		}
	}
	for _, d := range docs {
		if strings.Contains(string(d.Data), "config.kubernetes.io/origin") {
			t.Errorf("origin annotation left in %s:\n%s", d.File, d.Data)
		}
		if strings.Contains(string(d.Data), "kind: Deployment") && !strings.Contains(string(d.Data), "privileged: true") {
			t.Errorf("overlay patch not applied:\n%s", d.Data)
		}
	}
	// The build asked for origins without writing them to disk.
	b, err := os.ReadFile("testdata/kustomize/overlay/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "buildMetadata") {
		t.Error("kustomization.yaml was modified on disk")
	}
}

func TestKustomizeInputErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("resources:\n  - missing.yaml\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, "testdata/nochart"} {
		_, err := KustomizeInput(d).Read(context.Background())
		if err == nil || !strings.Contains(err.Error(), d) || !strings.Contains(err.Error(), "kustomize build") {
			t.Errorf("%s: error %v, want one naming the overlay and the build", d, err)
		}
	}
}
