package policy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// TestNonWaivableChecks: each check fails the move it is about — under the most lenient
// profile there is (blockingSeverity critical, every rule's findings below it) — and passes
// its look-alike, a move that is legal.
func TestNonWaivableChecks(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	cluster := func(api, kubelet string, mutate ...func(*facts.Cluster)) *facts.Cluster {
		c := readyCluster(t, kubelet, now.Add(-time.Minute))
		c.Version = mustVersion(t, api)
		for _, m := range mutate {
			m(c)
		}
		return c
	}
	requested := func(removed string) func(*facts.Cluster) {
		return func(c *facts.Cluster) {
			c.Upgrade.RequestedDeprecatedAPIs = []facts.RequestedAPI{{Group: "flowcontrol.apiserver.k8s.io", Version: "v1beta3", Resource: "flowschemas", RemovedRelease: removed}}
		}
	}
	haSpread := func(c *facts.Cluster) {
		c.Upgrade.APIServers = []facts.APIServer{{ID: "a", Version: mustVersion(t, "v1.33.4")}, {ID: "b", Version: mustVersion(t, "v1.34.2")}}
	}
	for _, tc := range []struct {
		name, target string
		c            *facts.Cluster
		want         SafetyCheck // "" for a legal move
		msg          string
	}{
		{"three minors at once", "v1.35.0", cluster("v1.32.9", "v1.32.9"), SafetyMinorJump, "from v1.32.9 to v1.35.0, 3 minor versions at once"},
		{"two minors at once", "v1.35.0", cluster("v1.33.5-eks-3025e55", "v1.33.5"), SafetyMinorJump, "2 minor versions at once: Kubernetes upgrades the control plane one minor at a time (move to 1.34 first)"},
		{"one minor: legal", "v1.35.0", cluster("v1.34.2", "v1.33.0"), "", ""},
		{"HA instance one minor behind the rest", "v1.35.0", cluster("v1.34.2", "v1.34.2", haSpread), SafetyMinorJump, "from v1.33.4 to v1.35.0"},
		{"major change", "v2.0.0", cluster("v1.34.2", "v1.34.2"), SafetyReleaseFormat, `"v2.0.0" is not a Kubernetes release`},
		{"minor downgrade", "v1.33.9", cluster("v1.34.2", "v1.33.0"), SafetyMinorDowngrade, "does not support minor downgrades"},
		{"patch rollback: legal", "v1.34.1", cluster("v1.34.2", "v1.34.2"), "", ""},
		{"same version: legal", "v1.34.2", cluster("v1.34.2", "v1.34.2"), "", ""},
		{"kubelet too old after the move", "v1.35.0", cluster("v1.34.2", "v1.31.7"), SafetyKubeletSkew, "kubelet v1.31.7 on node n1 would be 4 minor versions behind"},
		{"kubelet at the limit: legal", "v1.35.0", cluster("v1.34.2", "v1.32.0"), "", ""},
		{"kubelet newer than the target", "v1.35.0", cluster("v1.34.2", "v1.36.0"), SafetyKubeletSkew, "would be newer than the API server v1.35.0"},
		{"not a release: vendor build", "v1.35.0-eks-1", cluster("v1.34.2", "v1.34.2"), SafetyReleaseFormat, "is not a Kubernetes release"},
		{"not a release: no patch", "v1.35", cluster("v1.34.2", "v1.34.2"), SafetyReleaseFormat, "is not a Kubernetes release"},
		{"not a release: garbage", "latest", cluster("v1.34.2", "v1.34.2"), SafetyReleaseFormat, "is not a Kubernetes release"},
		{"release candidate under a profile of the release", "v1.35.0-rc.1", cluster("v1.34.2", "v1.34.2"), SafetyReleaseFormat, "is a pre-release, and the profile targets the release v1.35.0"},
		{"number too long to be a release", "v1.35.99999999999999999999", cluster("v1.34.2", "v1.34.2"), SafetyReleaseFormat, "is not a Kubernetes release"},
		{"kubelet version unknown", "v1.35.0", cluster("v1.34.2", "v1.34.2", func(c *facts.Cluster) { c.Nodes[0].KubeletVersion = nil }), SafetyKubeletSkew, "the kubelet version of node n1 is unknown"},
		{"before 1.28 kubelets may trail by two only", "v1.27.3", cluster("v1.26.9", "v1.24.17"), SafetyKubeletSkew, "3 minor versions behind the API server v1.27.3 (at most 2 allowed)"},
		{"release candidate under a profile of a release candidate: legal", "v1.35.0-rc.1", cluster("v1.34.2", "v1.34.2"), "", ""},
		{"API removed by the target still requested", "v1.35.0", cluster("v1.34.2", "v1.34.2", requested("1.35")), SafetyRemovedAPIs, "clients still request flowcontrol.apiserver.k8s.io/v1beta3 flowschemas, which Kubernetes v1.35.0 removes (1.35)"},
		{"API removed long ago: legal (clients already get 404)", "v1.35.0", cluster("v1.34.2", "v1.34.2", requested("1.32")), "", ""},
		{"API removed later: legal", "v1.35.0", cluster("v1.34.2", "v1.34.2", requested("1.36")), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := gateProfile(t, "  requirements: {blockingSeverity: critical}\n")
			if strings.Contains(tc.target, "-rc.") && tc.want == "" {
				p.Spec.KubernetesVersion = "v1.35.0-rc.0" // a profile of a pre-release
			}
			p = p.WithTarget(tc.target)
			d := e.Gate(context.Background(), "c1", tc.c, p, now)
			if tc.want == "" {
				if len(d.Safety) != 0 || !d.Allowed {
					t.Fatalf("legal move denied: %v", d.Reasons)
				}
				return
			}
			if d.Allowed || len(d.Safety) == 0 || d.Safety[0].Check != tc.want || !strings.Contains(d.Safety[0].Message, tc.msg) {
				t.Fatalf("want %s (%q), got allowed=%v %+v", tc.want, tc.msg, d.Allowed, d.Safety)
			}
			if !strings.HasPrefix(d.Reasons[0], "non-waivable "+string(tc.want)+": ") {
				t.Errorf("first reason %q", d.Reasons[0])
			}
		})
	}
}
