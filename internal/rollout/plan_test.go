package rollout

import (
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

func prof(version, k8s string) *profile.Profile {
	p := &profile.Profile{Metadata: profile.Metadata{Name: "platform"}}
	p.Spec.Version, p.Spec.KubernetesVersion = version, k8s
	return p
}

func v(s string) *facts.Version { x, _ := facts.ParseVersion(s); return x }

func TestStepsThroughTheCatalogInWaves(t *testing.T) {
	cat, _ := profile.NewCatalog([]*profile.Profile{
		prof("3.0.0", "v1.32.4"), prof("3.1.0", "v1.33.1"), prof("3.1.1", "v1.33.5"), prof("3.2.0", "v1.34.2"),
		prof("3.3.0", "v1.35.0"), prof("4.0.0", "v1.36.0")})
	target := cat.Get("platform@3.3.0")
	p := Make(cat, target, []Cluster{
		{Name: "prod-eu", Version: v("v1.33.5-eks-1"), Wave: 2},
		{Name: "staging", Version: v("v1.32.9"), Wave: 1},
		{Name: "prod-us", Version: v("v1.35.0"), Wave: 2},
		{Name: "lab", Version: v("v1.36.1"), Wave: 0},
		{Name: "new", Wave: 1},
	})
	got := map[string]ClusterPlan{}
	var order []string
	for _, c := range p.Clusters {
		got[c.Cluster] = c
		order = append(order, c.Cluster)
	}
	if strings.Join(order, ",") != "lab,new,staging,prod-eu,prod-us" {
		t.Errorf("rollout order %v", order)
	}
	path := func(c ClusterPlan) string {
		var s []string
		for _, st := range c.Steps {
			s = append(s, st.Profile+"("+st.KubernetesVersion+")")
		}
		return strings.Join(s, " -> ")
	}
	for name, want := range map[string]string{
		"staging": "platform@3.1.1(v1.33.5) -> platform@3.2.0(v1.34.2) -> platform@3.3.0(v1.35.0)",
		"prod-eu": "platform@3.2.0(v1.34.2) -> platform@3.3.0(v1.35.0)",
		"prod-us": "",
	} {
		if c := got[name]; path(c) != want || c.Problem != "" {
			t.Errorf("%s: %q (problem %q), want %q", name, path(c), c.Problem, want)
		}
	}
	if !strings.Contains(got["lab"].Problem, "minor downgrades") || !strings.Contains(got["new"].Problem, "no facts") {
		t.Errorf("lab %q, new %q", got["lab"].Problem, got["new"].Problem)
	}
	// A minor the catalog skips cannot be planned through.
	gap, _ := profile.NewCatalog([]*profile.Profile{prof("3.0.0", "v1.32.4"), prof("3.3.0", "v1.35.0")})
	p = Make(gap, gap.Get("platform@3.3.0"), []Cluster{{Name: "staging", Version: v("v1.32.9")}})
	if pr := p.Clusters[0].Problem; !strings.Contains(pr, "no version of platform for Kubernetes 1.33") {
		t.Errorf("gap: %q", pr)
	}
}
