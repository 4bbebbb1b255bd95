package binding

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/profile"
)

const good = `apiVersion: fleetaudit.io/v1alpha1
kind: Bindings
profiles:
  - clusters: ["prod-*"]
    profile: platform
    overrides:
      - clusters: [prod-eu-west]
        requirements: {blockingSeverity: medium}
        reason: "payments SLA: block on medium findings too"
  - clusters: [staging-*]
    profile: platform@2.0.0
clusterObjects:
  - {object: capi-prod/eu-west, cluster: prod-eu-west}
`

func write(t *testing.T, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bindings.yaml")
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLookups(t *testing.T) {
	b, err := Load(write(t, good))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := b.ClusterFor("capi-prod", "eu-west"); err != nil || c != "prod-eu-west" {
		t.Errorf("ClusterFor: %q %v", c, err)
	}
	if _, err := b.ClusterFor("default", "eu-west"); err == nil || !strings.Contains(err.Error(), "add {object: default/eu-west, cluster: FLEET-CLUSTER} to clusterObjects") {
		t.Errorf("unbound object: %v", err)
	}
	bd, err := b.ProfileFor("prod-eu-west")
	if err != nil || bd.Profile != "platform" || len(bd.Overrides) != 1 {
		t.Errorf("prod-eu-west: %+v %v", bd, err)
	}
	if bd, err := b.ProfileFor("prod-us-central"); err != nil || len(bd.Overrides) != 0 {
		t.Errorf("the override is for prod-eu-west only: %+v %v", bd, err)
	}
	if _, err := b.ProfileFor("dev-1"); err == nil || !strings.Contains(err.Error(), "dev-1 is bound to no profile (its labels: none)") {
		t.Errorf("unbound cluster: %v", err)
	}
	var none *Bindings
	if _, err := none.ProfileFor("x"); err == nil || !strings.Contains(err.Error(), "--bindings FILE") {
		t.Errorf("no bindings: %v", err)
	}
}

func TestConflictingBindingsFailClosed(t *testing.T) {
	b, err := Load(write(t, good+`  - {object: capi-prod/us, cluster: prod-us}
`))
	if err != nil {
		t.Fatal(err)
	}
	b.Profiles = append(b.Profiles, ProfileBinding{Clusters: []string{"prod-eu-*"}, Profile: "edge"})
	if _, err := b.ProfileFor("prod-eu-west"); err == nil || !strings.Contains(err.Error(), "bound to both platform (profiles[0]) and edge (profiles[2])") {
		t.Errorf("conflict: %v", err)
	}
}

func TestBadBindings(t *testing.T) {
	for name, c := range map[string]struct{ doc, want string }{
		"no reason":    {strings.Replace(good, "        reason: \"payments SLA: block on medium findings too\"\n", "", 1), "profiles[0].overrides[0].reason: is required"},
		"bad object":   {strings.Replace(good, "capi-prod/eu-west", "eu-west", 1), `clusterObjects[0].object: "eu-west" is not namespace/name`},
		"object twice": {good + "  - {object: capi-prod/eu-west, cluster: prod-us-central}\n", "capi-prod/eu-west is bound to both prod-eu-west and prod-us-central"},
		"typo":         {strings.Replace(good, "profile: platform\n", "profle: platform\n", 1), `unknown field "profiles[0].profle"`},
		"bad severity": {strings.Replace(good, "blockingSeverity: medium", "blockingSeverity: hihg", 1), `blockingSeverity: "hihg" is not one of`},
		"wrong kind":   {strings.Replace(good, "kind: Bindings", "kind: Binding", 1), `kind: "Binding" is not Bindings`},
	} {
		if _, err := Load(write(t, c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

// TestOverridesCannotLoosenStalenessOrLeakAcrossEntries: an override may shorten maxFactsAge
// but not lengthen it, and only the first matching entry's overrides apply.
func TestOverridesCannotLoosenStalenessOrLeakAcrossEntries(t *testing.T) {
	p := &profile.Profile{Metadata: profile.Metadata{Name: "platform"}}
	p.Spec.Version = "1.0.0"
	got, lines := Apply(p, []Override{{Requirements: profile.Requirements{MaxFactsAge: "8760h"}, Reason: "never stale"}})
	if got.MaxFactsAge() != p.MaxFactsAge() || len(lines) != 0 {
		t.Errorf("a longer maxFactsAge was applied: %s %v", got.MaxFactsAge(), lines)
	}
	if got, _ := Apply(p, []Override{{Requirements: profile.Requirements{MaxFactsAge: "10m"}, Reason: "fresh"}}); got.MaxFactsAge().Minutes() != 10 {
		t.Errorf("a shorter maxFactsAge was not applied: %s", got.MaxFactsAge())
	}
	b := &Bindings{Profiles: []ProfileBinding{{Clusters: []string{"prod-*"}, Profile: "platform"},
		{Clusters: []string{"*"}, Profile: "platform", Overrides: []Override{{Requirements: profile.Requirements{BlockingSeverity: "critical"}, Reason: "lab"}}}}}
	if bd, err := b.ProfileFor("prod-eu"); err != nil || len(bd.Overrides) != 0 {
		t.Errorf("a broad entry's override reached prod: %+v %v", bd, err)
	}
	if bd, _ := b.ProfileFor("lab-1"); len(bd.Overrides) != 1 {
		t.Errorf("lab-1 lost its own override: %+v", bd)
	}
}

func TestResolveAndApply(t *testing.T) {
	mk := func(name, version, sev string) *profile.Profile {
		p := &profile.Profile{Metadata: profile.Metadata{Name: name}}
		p.Spec.Version, p.Spec.Requirements.BlockingSeverity = version, sev
		return p
	}
	ps := []*profile.Profile{mk("platform", "2.0.0", "high"), mk("platform", "2.10.0", "high"), mk("platform", "2.10.0-rc.1", "high"), mk("edge", "1.0.0", "critical")}
	if p, err := Resolve("platform", ps); err != nil || p.Spec.Version != "2.10.0" {
		t.Errorf("newest platform: %v %v", p, err)
	}
	if p, err := Resolve("platform@2.0.0", ps); err != nil || p.Spec.Version != "2.0.0" {
		t.Errorf("pinned: %v %v", p, err)
	}
	if _, err := Resolve("platform@9.9.9", ps); err == nil {
		t.Error("a pin to a missing version must fail")
	}
	p, lines := Apply(ps[0], []Override{{Requirements: profile.Requirements{BlockingSeverity: "medium", MinCompliance: map[string]float64{"cis": 0.8}}, Reason: "SLA"}})
	if p.BlockingSeverity() != "medium" || p.Spec.Requirements.MinCompliance["cis"] != 0.8 || ps[0].BlockingSeverity() != "high" ||
		len(lines) != 1 || lines[0] != "blockingSeverity=medium, minCompliance.cis=0.8: SLA" {
		t.Errorf("apply: %+v %v (original %s)", p.Spec.Requirements, lines, ps[0].BlockingSeverity())
	}
}

func TestLabelSelectors(t *testing.T) {
	b, err := Parse("b.yaml", []byte(`apiVersion: fleetaudit.io/v1alpha1
kind: Bindings
clusterLabels:
  - clusters: ["prod-*"]
    labels: {env: prod}
  - clusters: [prod-eu-west]
    labels: {region: eu, tier: gold}
  - clusters: [staging-*]
    labels: {env: staging}
  - clusters: [odd-1]
    labels: {env: prod}
  - clusters: ["odd-*"]
    labels: {env: staging}
profiles:
  - selector: {matchLabels: {env: prod, tier: gold}}
    profile: platform
    wave: 3
  - selector: {matchLabels: {region: eu}}
    clusters: ["*-us"]
    profile: edge
  - selector: {matchExpressions: [{key: env, operator: In, values: [prod]}]}
    profile: platform
    wave: 2
  - clusters: ["staging-*"]
    selector: {matchLabels: {env: staging}}
    profile: platform
    wave: 1
`))
	if err != nil {
		t.Fatal(err)
	}
	if l, err := b.LabelsOf("prod-eu-west"); err != nil || l["env"] != "prod" || l["region"] != "eu" || l["tier"] != "gold" {
		t.Errorf("labels are the union of the matching entries: %v %v", l, err)
	}
	for cluster, want := range map[string]string{"prod-eu-west": "platform", "prod-us": "platform", "staging-1": "platform"} {
		bd, err := b.ProfileFor(cluster)
		if err != nil || bd.Profile != want {
			t.Errorf("%s: %+v %v, want %s", cluster, bd, err, want)
		}
	}
	if bd, _ := b.ProfileFor("prod-eu-west"); bd.Wave != 3 {
		t.Errorf("first matching entry gives the wave: %+v", bd)
	}
	// Labels that make two bindings to different profiles hold a cluster: an error.
	b.ClusterLabels = append(b.ClusterLabels, ClusterLabels{Clusters: []string{"prod-us"}, Labels: map[string]string{"region": "eu"}})
	if _, err := b.ProfileFor("prod-us"); err == nil || !strings.Contains(err.Error(), "bound to both edge (profiles[1]) and platform (profiles[2])") {
		t.Errorf("ambiguous: %v", err)
	}
	// A cluster the globs do not name gets no labels and no profile: fail closed, and the
	// message shows what the cluster has.
	if _, err := b.ProfileFor("dev-1"); err == nil || !strings.Contains(err.Error(), "dev-1 is bound to no profile (its labels: none)") {
		t.Errorf("unbound: %v", err)
	}
	if _, err := b.ProfileFor("odd-1"); err == nil || !strings.Contains(err.Error(), "label env=prod from clusterLabels[3] and env=staging from clusterLabels[4]") {
		t.Errorf("conflicting labels must deny: %v", err)
	}
}

func TestLabelSelectorValidation(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"profiles: [{profile: p}]", "profiles[0]: give clusters"},
		{"profiles: [{selector: {}, profile: p}]", "profiles[0].selector: is empty and would select every cluster"},
		{"profiles: [{selector: {matchExpressions: [{key: env, operator: Near}]}, profile: p}]", "profiles[0].selector: "},
		{"clusterLabels: [{labels: {env: prod}}]\nprofiles: []", "clusterLabels[0].clusters: is required"},
		{"clusterLabels: [{clusters: [a], labels: {}}]\nprofiles: []", "clusterLabels[0].labels: is required"},
		{"clusterLabels: [{clusters: [a], labels: {'bad key!': x}}]\nprofiles: []", `clusterLabels[0].labels: key "bad key!"`},
		{"clusterLabels: [{clusters: [a], labels: {env: 'no spaces'}}]\nprofiles: []", `clusterLabels[0].labels.env: value "no spaces"`},
		{"clusterLabels: [{clusters: ['[a'], labels: {env: x}}]\nprofiles: []", `clusterLabels[0].clusters[0]: "[a" is not a valid glob`},
	} {
		_, err := Parse("b.yaml", []byte("apiVersion: fleetaudit.io/v1alpha1\nkind: Bindings\n"+c.doc+"\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.doc, err, c.want)
		}
	}
}
