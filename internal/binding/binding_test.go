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
	if _, err := b.ProfileFor("dev-1"); err == nil || !strings.Contains(err.Error(), "dev-1 is bound to no profile") {
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
