package profile

import (
	"errors"
	"strings"
	"testing"
)

// TestCatalogErrors: each catalog-* fixture folder is named by what is wrong with it; every
// problem must name the file, the field where there is one, and a fix.
func TestCatalogErrors(t *testing.T) {
	for _, c := range []struct {
		dir  string
		want []string // one per problem, in order
	}{
		{"catalog-dup", []string{`catalog-dup/b.yaml: spec.version: web@1.0.0 is also defined in testdata/catalog-dup/a.yaml: each name@version must be in exactly one file`}},
		{"catalog-dup-build", []string{`catalog-dup-build/b.yaml: spec.version: web@1.0.0+build.7 is the same version as web@1.0.0 in testdata/catalog-dup-build/a.yaml`}},
		{"catalog-unordered", []string{`catalog-unordered/web-3.3.yaml: spec.kubernetesVersion: web@3.3.0 targets Kubernetes v1.33.5, an older minor than the older web@3.2.0 (v1.34.2, in testdata/catalog-unordered/web-3.2.yaml): a newer profile version must not move clusters back; raise spec.kubernetesVersion or give this profile a version below 3.2.0`}},
		{"catalog-invalid", []string{
			`catalog-invalid/web.yaml: spec.version: "one" is not a semantic version MAJOR.MINOR.PATCH`,
			`catalog-invalid/web.yaml: spec.layers[0].type: "mesh" is not one of cni, csi, addon`,
		}},
		{"catalog-not-profile", []string{`catalog-not-profile/bindings.yaml: kind: the file holds a Bindings (fleetaudit.io/v1alpha1), not a fleetaudit.io/v1alpha1 ClusterProfile: keep other YAML files out of the catalog folder`}},
		{"catalog-empty-file", []string{`catalog-empty-file/web.yaml: is empty: a catalog file holds one ClusterProfile document`}},
		{"catalog-no-yaml", []string{`testdata/catalog-no-yaml: holds no *.yaml or *.yml files: point at the folder`}},
		{"catalog-syntax", []string{`catalog-syntax/web.yaml:`}},
		{"catalog-multi-doc", []string{`catalog-multi-doc/web.yaml:10: a second YAML document; this file must hold exactly one: put each document in a file of its own`}},
		{"missing", []string{`testdata/missing: does not exist: give a ClusterProfile file or a folder of them`}},
	} {
		cat, err := LoadCatalog("testdata/" + c.dir)
		var ce *CatalogError
		if cat != nil || !errors.As(err, &ce) {
			t.Errorf("%s: catalog %v, error %v; want a *CatalogError", c.dir, cat, err)
			continue
		}
		if len(ce.Problems) != len(c.want) {
			t.Errorf("%s: %d problems, want %d:\n%v", c.dir, len(ce.Problems), len(c.want), err)
			continue
		}
		for i, w := range c.want {
			if got := ce.Problems[i].String(); !strings.Contains(got, w) {
				t.Errorf("%s: problem %d is\n  %s\nwant it to contain\n  %s", c.dir, i, got, w)
			}
		}
	}
}

func TestCatalogErrorListsEveryProblem(t *testing.T) {
	_, err := LoadCatalogPaths([]string{"testdata/catalog-dup", "testdata/catalog-empty-file"})
	if err == nil || !strings.HasPrefix(err.Error(), "2 problems in the profile catalog:\n  testdata/catalog-empty-file/web.yaml: is empty") ||
		!strings.Contains(err.Error(), "\n  testdata/catalog-dup/b.yaml: spec.version: web@1.0.0 is also defined") {
		t.Errorf("error:\n%v", err)
	}
}

func TestCatalogOrdersAndResolves(t *testing.T) {
	c, err := LoadCatalog("testdata/catalog-ok")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Names(), " "); got != "db web" {
		t.Errorf("names %q", got)
	}
	var ids []string
	for _, p := range c.All() {
		ids = append(ids, p.ID())
	}
	// 1.10.0 after 1.2.0-rc.1 (numeric, not lexical); a pre-release before its release;
	// .hidden/ skipped (its file does not parse); team-a/ read, .yml too.
	if got := strings.Join(ids, " "); got != "db@0.1.0 web@1.0.0 web@1.1.0 web@1.2.0-rc.1 web@1.10.0" {
		t.Errorf("all: %s", got)
	}
	if p := c.Latest("web"); p == nil || p.File != "testdata/catalog-ok/team-a/web-1.10.yaml" {
		t.Errorf("latest web: %v", p)
	}
	if c.Latest("nope") != nil || c.Get("web@9.9.9") != nil || c.Get("web@1.1.0").Spec.KubernetesVersion != "v1.34.0" {
		t.Error("Latest/Get of unknown or known IDs")
	}
	for ref, want := range map[string]string{
		"web":             "web@1.10.0",
		"web@1.2.0-rc.1":  "web@1.2.0-rc.1",
		"db":              "db@0.1.0",
		"nope":            `no profile "nope" in the catalog (it holds db, web)`,
		"web@1.3.0":       "no version 1.3.0 of profile web in the catalog (it holds 1.0.0, 1.1.0, 1.2.0-rc.1, 1.10.0)",
		"web@":            "no version  of profile web",
		"db@0.1.0+build1": "no version 0.1.0+build1 of profile db",
	} {
		p, err := c.Resolve(ref)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = p.ID()
		}
		if !strings.HasPrefix(got, want) {
			t.Errorf("Resolve(%q) = %q, want %q", ref, got, want)
		}
	}
	if len(c.Warnings()) != 0 {
		t.Errorf("warnings: %v", c.Warnings())
	}
}

func TestCatalogWarnings(t *testing.T) {
	for dir, want := range map[string]string{
		"warning-layer-range": `testdata/warning-layer-range/web.yaml: spec.layers[name=cilium].kubernetes: ">=1.28.0 <1.34.0" excludes the profile's own Kubernetes v1.34.2: widen the range or pick a chart version that supports it`,
		"warning-patch-back":  `testdata/warning-patch-back/web-1.0.1.yaml: spec.kubernetesVersion: web@1.0.1 targets Kubernetes v1.34.1, an older patch than web@1.0.0 (v1.34.3)`,
		"warning-minor-skip":  `testdata/warning-minor-skip/web-1.1.yaml: spec.kubernetesVersion: web@1.1.0 moves Kubernetes v1.32.0 to v1.34.0 from web@1.0.0, more than one minor`,
	} {
		c, err := LoadCatalog("testdata/" + dir)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if w := c.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0].String(), want) {
			t.Errorf("%s: warnings %v, want %s", dir, w, want)
		}
	}
}

// TestExampleCatalog: examples/profiles is one catalog; platform-1.34.yaml keeps its
// ingress-nginx range that excludes its own v1.34.2 (the gate's FA-UPG-008 demo), which the
// catalog reports as a warning, not an error.
func TestExampleCatalog(t *testing.T) {
	c, err := LoadCatalog("../../examples/profiles")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Versions("platform-standard") {
		got = append(got, p.Spec.Version+" "+p.Spec.KubernetesVersion)
	}
	if strings.Join(got, ", ") != "3.1.0 v1.33.5, 3.2.0 v1.34.2, 3.3.0 v1.35.0" {
		t.Errorf("platform-standard versions: %v", got)
	}
	w := c.Warnings()
	if len(w) != 1 || w[0].Field != "spec.layers[name=ingress-nginx].kubernetes" || !strings.HasSuffix(w[0].File, "platform-1.34.yaml") {
		t.Errorf("warnings: %v", w)
	}
}

func TestSingleFileIsACatalog(t *testing.T) {
	c, err := LoadCatalog("../../examples/profiles/edge-1.35.yaml")
	if err != nil || len(c.All()) != 1 || c.Latest("edge").Spec.Version != "1.0.0-rc.1" {
		t.Fatalf("%v %v", c, err)
	}
	if _, problems := NewCatalog(nil); len(problems) != 1 || !strings.Contains(problems[0].Message, "holds no ClusterProfile") {
		t.Errorf("empty catalog: %v", problems)
	}
}
