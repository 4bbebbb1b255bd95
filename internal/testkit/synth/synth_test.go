package synth

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
)

// TestFactsCarryWorkloads: a synthetic facts document passes the strict snapshot reader and
// its workloads hold every kind the generator makes, each pod template once.
func TestFactsCarryWorkloads(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := Generate(1, 0, ShapeFor(2000))
	b, err := json.Marshal(Facts(c, prices, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := facts.Decode(b)
	if err != nil {
		t.Fatalf("the strict reader refuses a synthetic document: %v", err)
	}
	kinds := map[string]int{}
	owners := map[string]int{}
	for _, w := range f.Workloads.Items {
		kinds[w.Kind]++
		owners[w.Owner]++
	}
	want := map[string]int{"Deployment": len(c.Deployments), "StatefulSet": len(c.StatefulSets), "DaemonSet": len(nodeAgents),
		"CronJob": len(c.CronJobs) + len(c.OldAPIObjects)}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s workloads, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
	// Old ReplicaSets, Jobs of CronJobs and controlled pods are judged under their controller;
	// the bare Jobs, debug pods and static pods stand alone.
	if kinds["ReplicaSet"] != 0 || kinds["Job"] == 0 || kinds["Pod"] == 0 || owners["Node/"+c.Nodes[0].Name] != 1 {
		t.Errorf("kinds %v, owners %v", kinds, owners)
	}
	if len(f.Workloads.Namespaces) != len(c.Namespaces) || len(f.Workloads.NetworkPolicies) != len(c.NetworkPolicies) || len(c.ReplicaSets) <= len(c.Deployments) {
		t.Errorf("%d namespaces, %d network policies, %d ReplicaSets of %d Deployments", len(f.Workloads.Namespaces), len(f.Workloads.NetworkPolicies), len(c.ReplicaSets), len(c.Deployments))
	}
}
