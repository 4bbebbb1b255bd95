package policy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

func gateProfile(t *testing.T, extra string) *profile.Profile {
	t.Helper()
	p, err := profile.Parse("p.yaml", []byte(`apiVersion: fleetaudit.io/v1alpha1
kind: ClusterProfile
metadata: {name: std}
spec:
  version: 1.0.0
  kubernetesVersion: v1.35.0
  selector: {clusters: ["*"]}
`+extra))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readyCluster(t *testing.T, kubelet string, collected time.Time) *facts.Cluster {
	return &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: "c1", CollectedAt: collected,
		Version: mustVersion(t, "v1.34.2"),
		Nodes: []facts.Node{{Name: "n1", Ready: "True", KubeletVersion: mustVersion(t, kubelet),
			Allocatable: facts.Resources{CPUMillis: 4000, MemoryBytes: 8 << 30}}},
		Usage:      &facts.Usage{Source: "unavailable"},
		Upgrade:    &facts.Upgrade{},
		Collection: []facts.CollectorRun{{Collector: "cluster"}, {Collector: "usage"}, {Collector: "upgrade"}},
	}
}

func TestGateDecisions(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	p := gateProfile(t, "")
	ctx := context.Background()

	d := e.Gate(ctx, "c1", readyCluster(t, "v1.33.0", now.Add(-time.Minute)), p, now)
	if !d.Allowed || len(d.Reasons) != 0 || d.Message() != "fleetaudit: c1 is ready for v1.35.0 (std@1.0.0)" {
		t.Errorf("ready cluster denied: %+v", d)
	}
	if len(d.Explain) != len(e.Rules()) {
		t.Errorf("explain has %d outcomes, want one per rule (%d)", len(d.Explain), len(e.Rules()))
	}

	d = e.Gate(ctx, "c1", readyCluster(t, "v1.31.0", now.Add(-time.Minute)), p, now)
	if d.Allowed || len(d.Blocking) != 1 || len(d.Reasons) != 2 ||
		d.Reasons[0] != "non-waivable kubelet-skew: kubelet v1.31.0 on node n1 would be 4 minor versions behind the API server v1.35.0 (at most 3 allowed): upgrade the node first" ||
		!strings.Contains(d.Reasons[1], "FA-UPG-001 high: kubelet v1.31.0 on node n1 is 4 minor versions behind the API server v1.35.0") {
		t.Errorf("old kubelet must deny, non-waivable reason first: %+v", d.Reasons)
	}
	again := e.Gate(ctx, "c1", readyCluster(t, "v1.31.0", now.Add(-time.Minute)), p, now)
	if again.Message() != d.Message() {
		t.Errorf("messages must be deterministic:\n%s\n%s", d.Message(), again.Message())
	}
	// A critical-only profile lets a high finding through (as a warning of the allowed move),
	// but not the non-waivable skew.
	lenient := gateProfile(t, "  requirements: {blockingSeverity: critical}\n")
	pdb := readyCluster(t, "v1.33.0", now.Add(-time.Minute))
	pdb.Upgrade.PDBs = []facts.PDB{{Namespace: "db", Name: "pg", DisruptionsAllowed: 0, CurrentHealthy: 1, DesiredHealthy: 1, ExpectedPods: 1}}
	if d := e.Gate(ctx, "c1", pdb, lenient, now); !d.Allowed || len(d.Warnings) != 1 || !strings.HasPrefix(d.Warnings[0], "FA-UPG-005 high: PodDisruptionBudget db/pg allows 0 disruptions") {
		t.Errorf("blockingSeverity critical should let a high finding through as a warning: %v %v", d.Reasons, d.Warnings)
	}
	if d := e.Gate(ctx, "c1", readyCluster(t, "v1.31.0", now.Add(-time.Minute)), lenient, now); d.Allowed || len(d.Safety) != 1 || d.Safety[0].Check != SafetyKubeletSkew {
		t.Errorf("a lenient profile must not waive the kubelet skew: %+v", d.Reasons)
	}

	for name, tc := range map[string]struct {
		c    *facts.Cluster
		want string
	}{
		"never collected": {nil, "no facts for the cluster"},
		"stale":           {readyCluster(t, "v1.33.0", now.Add(-2*time.Hour)), "facts are stale: collected 2h0m0s ago, the profile allows 1h0m0s (fail closed)"},
		"failed":          {&facts.Cluster{Name: "c1", Collection: []facts.CollectorRun{{Collector: "cluster", Reason: "unreachable", Error: "refused"}}}, "facts are missing: cluster: unreachable: refused"},
		"incomplete": {func() *facts.Cluster {
			c := readyCluster(t, "v1.33.0", now)
			c.Collection[2] = facts.CollectorRun{Collector: "upgrade", Reason: "forbidden", Error: "no"}
			return c
		}(), "collector upgrade did not succeed"},
	} {
		d := e.Gate(ctx, "c1", tc.c, p, now)
		if d.Allowed || len(d.Reasons) != 1 || !strings.Contains(d.Reasons[0], tc.want) {
			t.Errorf("%s: want a fail-closed denial %q, got %+v", name, tc.want, d.Reasons)
		}
	}
}

// TestGateWaivedFindingsDoNotBlock: a waived blocking finding no longer blocks; it is listed
// in Waived and as a warning naming who accepted it. Findings the waiver does not cover
// still block.
func TestGateWaivedFindingsDoNotBlock(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	c := readyCluster(t, "v1.33.0", now.Add(-time.Minute))
	c.Upgrade.PDBs = []facts.PDB{
		{Namespace: "db", Name: "pg", DisruptionsAllowed: 0, CurrentHealthy: 1, DesiredHealthy: 1, ExpectedPods: 1},
		{Namespace: "web", Name: "front", DisruptionsAllowed: 0, CurrentHealthy: 1, DesiredHealthy: 1, ExpectedPods: 1},
	}
	p := gateProfile(t, "")
	if d := e.Gate(ctx, "c1", c, p, now); d.Allowed || len(d.Blocking) != 2 {
		t.Fatalf("two PDBs that allow no disruption must block: %v", d.Reasons)
	}
	waivePG := func(fs []Finding) {
		for i := range fs {
			if fs[i].RuleID == "FA-UPG-005" && fs[i].Resource.Name == "pg" {
				fs[i].Waiver = &Waiver{Owner: "dba@example.com", Reason: "pg has a standby", Expires: "2027-01-31", Source: "w.yaml:4"}
			}
		}
	}
	d := e.GateWaived(ctx, "c1", c, p, now, waivePG)
	if d.Allowed || len(d.Blocking) != 1 || d.Blocking[0].Resource.Name != "front" || len(d.Waived) != 1 || d.Waived[0].Resource.Name != "pg" {
		t.Errorf("the waived PDB must not block, the other must: blocking %v, waived %v", d.Blocking, d.Waived)
	}
	waiveAll := func(fs []Finding) {
		for i := range fs {
			fs[i].Waiver = &Waiver{Owner: "dba@example.com", Reason: "r", Expires: "2027-01-31", Source: "w.yaml:4"}
		}
	}
	d = e.GateWaived(ctx, "c1", c, p, now, waiveAll)
	want := "waived FA-UPG-005 high: PodDisruptionBudget db/pg allows 0 disruptions"
	if !d.Allowed || len(d.Reasons) != 0 || len(d.Warnings) != 2 || !strings.HasPrefix(d.Warnings[0], want) || !strings.HasSuffix(d.Warnings[0], "(accepted by dba@example.com until 2027-01-31)") {
		t.Errorf("with both waived the move is allowed, each waiver a warning: %v %v", d.Reasons, d.Warnings)
	}
	for _, o := range d.Explain {
		if o.ID == "FA-UPG-005" && (o.Result != "pass" || o.Findings != 2 || o.Waived != 2) {
			t.Errorf("explain of a rule whose findings are all waived: %+v", o)
		}
	}
}
