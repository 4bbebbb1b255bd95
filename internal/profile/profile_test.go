package profile

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestExamplesAreValid(t *testing.T) {
	files, _ := filepath.Glob("../../examples/profiles/*.yaml")
	if len(files) < 2 {
		t.Fatalf("example profiles missing: %v", files)
	}
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := p.Input(); err != nil {
			t.Errorf("%s: input: %v", f, err)
		}
	}
}

const good = `apiVersion: fleetaudit.io/v1alpha1
kind: ClusterProfile
metadata: {name: p}
spec:
  version: 1.2.3
  kubernetesVersion: v1.34.1
  layers:
    - {name: cilium, type: cni, chart: {name: cilium, version: 1.16.3}, kubernetes: ">=1.28.0 <1.35.0"}
  selector: {clusters: ["prod-*"]}
`

func TestBadProfilesGiveFileFieldAndReason(t *testing.T) {
	for name, c := range map[string]struct{ doc, want string }{
		"bad semver":             {strings.Replace(good, "version: 1.2.3", "version: 1.2", 1), `bad.yaml: spec.version: "1.2" is not a semantic version MAJOR.MINOR.PATCH`},
		"bad k8s version":        {strings.Replace(good, "v1.34.1", "latest", 1), `spec.kubernetesVersion: "latest" is not a Kubernetes version`},
		"unknown layer":          {strings.Replace(good, "type: cni", "type: mesh", 1), `spec.layers[0].type: "mesh" is not one of cni, csi, addon`},
		"missing version":        {strings.Replace(good, "  version: 1.2.3\n", "", 1), "spec.version: is required"},
		"missing selector":       {strings.Replace(good, "  selector: {clusters: [\"prod-*\"]}\n", "", 1), "spec.selector.clusters: is required"},
		"bad range":              {strings.Replace(good, ">=1.28.0 <1.35.0", "1.28+", 1), `spec.layers[0].kubernetes: range "1.28+"`},
		"typo field":             {strings.Replace(good, "kubernetesVersion", "kubernetesVerison", 1), `unknown field "spec.kubernetesVerison"`},
		"wrong kind":             {strings.Replace(good, "kind: ClusterProfile", "kind: Profile", 1), `kind: "Profile" is not ClusterProfile`},
		"bad chart version":      {strings.Replace(good, "version: 1.16.3", "version: stable", 1), `spec.layers[0].chart.version: "stable" is not a semantic version`},
		"backup max age in days": {strings.Replace(good, "  selector:", "  requirements: {backup: {maxAge: 7d}}\n  selector:", 1), `spec.requirements.backup.maxAge: "7d" is not a positive duration such as 24h (Go syntax: h, m, s; no d)`},
		"backup max age missing": {strings.Replace(good, "  selector:", "  requirements: {backup: {}}\n  selector:", 1), `spec.requirements.backup.maxAge: "" is not a positive duration`},
		"backup typo":            {strings.Replace(good, "  selector:", "  requirements: {backup: {maxage: 24h}}\n  selector:", 1), `unknown field "spec.requirements.backup.maxage"`},
	} {
		_, err := Parse("bad.yaml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "bad.yaml:") {
			t.Errorf("%s: error %v, want it to start with the file and contain %q", name, err, c.want)
		}
	}
}

// A valid backup requirement reaches the rules as input.profile.requirements.backup.maxAge.
func TestBackupRequirementInput(t *testing.T) {
	p, err := Parse("p.yaml", []byte(strings.Replace(good, "  selector:", "  requirements: {backup: {maxAge: 36h}}\n  selector:", 1)))
	if err != nil {
		t.Fatal(err)
	}
	in, err := p.Input()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(in["requirements"])
	if string(b) != `{"backup":{"maxAge":"36h"}}` {
		t.Errorf("requirements as rules see them: %s", b)
	}
}

func TestTargetsAndDefaults(t *testing.T) {
	p, err := Parse("p.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Targets("prod-eu") || p.Targets("staging") {
		t.Error("selector")
	}
	if p.BlockingSeverity() != "high" || p.MaxFactsAge().String() != "1h0m0s" || p.ID() != "p@1.2.3" {
		t.Errorf("defaults: %s %s %s", p.BlockingSeverity(), p.MaxFactsAge(), p.ID())
	}
	in, err := p.WithTarget("v1.35.0").Input()
	if err != nil || in["kubernetesVersion"] != "v1.35.0" || p.Spec.KubernetesVersion != "v1.34.1" {
		t.Errorf("WithTarget must copy: %v %v", in["kubernetesVersion"], err)
	}
}
