package profile

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	a, err := Parse("a.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("b.yaml", []byte(strings.NewReplacer(
		"version: 1.2.3", "version: 2.0.0",
		"v1.34.1", "v1.36.0",
		`{name: cilium, type: cni, chart: {name: cilium, version: 1.16.3}, kubernetes: ">=1.28.0 <1.35.0"}`,
		`{name: calico, type: cni, chart: {name: tigera-operator, version: 3.31.0}}`,
		`selector: {clusters: ["prod-*"]}`,
		"requirements: {minCompliance: {cis: 0.5}, blockingSeverity: critical, rules: [FA-X-1]}\n  selector: {clusters: [\"prod-*\", \"edge-*\"]}",
	).Replace(good)))
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(a, b)
	got, _ := json.Marshal(d)
	want := `{"from":"p@1.2.3","to":"p@2.0.0",` +
		`"kubernetes":{"from":"v1.34.1","to":"v1.36.0","minors":2,"skipsMinors":true},` +
		`"layersAdded":[{"name":"calico","type":"cni","chart":{"repository":"","name":"tigera-operator","version":"3.31.0"},"kubernetes":""}],` +
		`"layersRemoved":[{"name":"cilium","type":"cni","chart":{"repository":"","name":"cilium","version":"1.16.3"},"kubernetes":"\u003e=1.28.0 \u003c1.35.0"}],` +
		`"requirements":[{"field":"minCompliance.cis","from":"","to":"0.5"},{"field":"blockingSeverity","from":"","to":"critical"},{"field":"rules","from":"","to":"FA-X-1"}],` +
		`"selector":{"added":["edge-*"]}}`
	if string(got) != want {
		t.Errorf("diff\n got %s\nwant %s", got, want)
	}
	if s := d.Summary(); s != "Kubernetes v1.34.1 → v1.36.0 (skips minors); layers +calico, -cilium; requirements minCompliance.cis, blockingSeverity, rules; selector" {
		t.Errorf("summary %q", s)
	}
	if back := Compare(b, a); back.Kubernetes.Minors != -2 || !back.Kubernetes.SkipsMinors || back.Selector.Removed[0] != "edge-*" {
		t.Errorf("reverse: %+v", back)
	}
	if d := Compare(a, a); !d.Empty() || d.Summary() != "no change" {
		t.Errorf("same profile: %+v", d)
	}
}
