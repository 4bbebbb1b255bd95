package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// krewPlugin is the part of krew's Plugin (v1alpha2) that krew needs to install a plugin.
type krewPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version          string `json:"version"`
		Homepage         string `json:"homepage"`
		ShortDescription string `json:"shortDescription"`
		Description      string `json:"description"`
		Caveats          string `json:"caveats"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			SHA256 string `json:"sha256"`
			Bin    string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

// TestKrewManifest: deploy/krew/fleetaudit.yaml has what krew validates (name, semver
// version, descriptions, per-platform selector, https uri of that version, sha256, bin),
// so kubectl krew install --manifest installs it as kubectl fleetaudit.
func TestKrewManifest(t *testing.T) {
	b, err := os.ReadFile("../../deploy/krew/fleetaudit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var p krewPlugin
	if err := yaml.UnmarshalStrict(b, &p); err != nil {
		t.Fatalf("not a krew Plugin: %v", err)
	}
	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" || p.Metadata.Name != "fleetaudit" {
		t.Errorf("header: %s %s %s", p.APIVersion, p.Kind, p.Metadata.Name)
	}
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(p.Spec.Version) {
		t.Errorf("version %q is not vMAJOR.MINOR.PATCH", p.Spec.Version)
	}
	if !strings.HasPrefix(p.Spec.Homepage, "https://") || p.Spec.ShortDescription == "" || len(p.Spec.ShortDescription) > 60 || p.Spec.Description == "" {
		t.Errorf("homepage %q, shortDescription %q (%d chars), description %d chars",
			p.Spec.Homepage, p.Spec.ShortDescription, len(p.Spec.ShortDescription), len(p.Spec.Description))
	}
	seen := map[string]bool{}
	for _, pl := range p.Spec.Platforms {
		goos, arch := pl.Selector.MatchLabels["os"], pl.Selector.MatchLabels["arch"]
		key := goos + "/" + arch
		if goos == "" || arch == "" || seen[key] {
			t.Errorf("platform selector %v: want a distinct os and arch", pl.Selector.MatchLabels)
		}
		seen[key] = true
		if !strings.HasPrefix(pl.URI, "https://") || !strings.Contains(pl.URI, "/"+p.Spec.Version+"/") || !strings.Contains(pl.URI, goos+"_"+arch) {
			t.Errorf("%s: uri %q is not this version's %s archive", key, pl.URI, key)
		}
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(pl.SHA256) {
			t.Errorf("%s: sha256 %q", key, pl.SHA256)
		}
		wantBin := "fleetaudit"
		if goos == "windows" {
			wantBin += ".exe"
		}
		if pl.Bin != wantBin {
			t.Errorf("%s: bin %q, want %q", key, pl.Bin, wantBin)
		}
	}
	for _, want := range []string{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64"} {
		if !seen[want] {
			t.Errorf("no %s platform", want)
		}
	}
}
