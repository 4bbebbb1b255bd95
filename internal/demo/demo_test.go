package demo

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
)

var update = flag.Bool("update", false, "rewrite the usage and cost facts of the demo fleet")

// demoPod is one pod of the demo fleet: requests and (when known) usage.
type demoPod struct {
	ns, name, node, kind, owner string
	cpu, mem                    string // requests
	useCPU, useMem              string // usage; empty: unknown
}

var demoPods = map[string][]demoPod{
	"prod-eu-west": {
		{"payments", "payments-api-7d9f-abcde", "ip-10-0-1-12.eu-west-1.compute.internal", "Deployment", "payments-api", "500m", "1Gi", "120m", "600Mi"},
		{"payments", "payments-api-7d9f-fghij", "ip-10-0-2-34.eu-west-1.compute.internal", "Deployment", "payments-api", "500m", "1Gi", "110m", "580Mi"},
		{"payments", "payments-db-0", "ip-10-0-3-56.eu-west-1.compute.internal", "StatefulSet", "payments-db", "1", "2Gi", "700m", "1800Mi"},
		{"platform", "external-secrets-5c8b-x2k4z", "ip-10-0-1-12.eu-west-1.compute.internal", "Deployment", "external-secrets", "100m", "128Mi", "20m", "90Mi"},
	},
	"prod-us-central": {
		{"checkout", "cart-6b7c-aaaaa", "gke-prod-default-pool-1a2b3c4d-0001", "Deployment", "cart", "250m", "512Mi", "", ""},
		{"checkout", "cart-6b7c-bbbbb", "gke-prod-default-pool-1a2b3c4d-0002", "Deployment", "cart", "250m", "512Mi", "", ""},
		{"checkout", "cart-6b7c-ccccc", "gke-prod-spot-pool-5e6f7a8b-0001", "Deployment", "cart", "250m", "512Mi", "", ""},
		{"search", "search-indexer-0", "gke-prod-spot-pool-5e6f7a8b-0001", "StatefulSet", "search-indexer", "1", "4Gi", "", ""},
	},
	"staging-eastus": {
		{"ci", "pipeline-runner-1", "aks-spot-11223344-vmss000000", "Job", "pipeline-runner-1", "2", "4Gi", "1800m", "3Gi"},
		{"ci", "pipeline-runner-2", "aks-user-87654321-vmss000000", "Job", "pipeline-runner-2", "2", "4Gi", "1900m", "3Gi"},
		{"sandbox", "toolbox", "aks-system-12345678-vmss000000", "Pod", "", "", "", "5m", "40Mi"},
	},
}

func (d demoPod) pod() *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: d.ns, Name: d.name},
		Spec:   corev1.PodSpec{NodeName: d.node, Containers: []corev1.Container{{Name: "app"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	if d.cpu != "" {
		p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(d.cpu), corev1.ResourceMemory: resource.MustParse(d.mem)}
	}
	if d.kind != "Pod" {
		yes := true
		p.OwnerReferences = []metav1.OwnerReference{{Kind: d.kind, Name: d.owner, UID: types.UID(d.owner), Controller: &yes}}
	}
	return p
}

// TestDemoUsageAndCostMatchTheCode recomputes the demo clusters' usage and cost facts from
// the pods above with the collectors' own functions and the embedded price table; the
// committed documents must match (run with -update to rewrite them).
func TestDemoUsageAndCostMatchTheCode(t *testing.T) {
	prices, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	for cluster, pods := range demoPods {
		path := filepath.Join("fleet", cluster+".json")
		c, err := fleet.ReadFacts(path)
		if err != nil {
			t.Fatal(err)
		}
		var ps []*corev1.Pod
		usage := map[string]facts.Resources{}
		for _, d := range pods {
			ps = append(ps, d.pod())
			if d.useCPU != "" {
				cpu, mem := resource.MustParse(d.useCPU), resource.MustParse(d.useMem)
				usage[d.ns+"/"+d.name] = facts.Resources{CPUMillis: cpu.MilliValue(), MemoryBytes: mem.Value()}
			}
		}
		source := collectors.UsagePrometheus
		if len(usage) == 0 {
			usage, source = nil, collectors.UsageUnavailable
		}
		u := collectors.BuildUsage(ps, nil, nil, usage, source)
		if source == collectors.UsagePrometheus {
			u.Window = "1h0m0s"
		}
		cost := collectors.ComputeCost(c.Nodes, ps, usage, collectors.CostConfig{Prices: prices, SpotFallbackDiscount: collectors.DefaultSpotFallbackDiscount})
		want := *c
		want.Usage, want.Cost = u, cost
		got, _ := json.Marshal(c)
		exp, _ := json.Marshal(&want)
		if string(got) == string(exp) {
			continue
		}
		if !*update {
			t.Errorf("%s: usage/cost facts differ from what the code computes; run go test ./internal/demo -update", path)
			continue
		}
		want.Collection = appendOnce(want.Collection, "usage", 0.93)
		want.Collection = appendOnce(want.Collection, "cost", 0.01)
		b, _ := json.MarshalIndent(&want, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	jobs, err := Jobs()
	if err != nil || len(jobs) != 3 {
		t.Fatalf("demo jobs: %d %v", len(jobs), err)
	}
	if c := jobs[0].Facts(context.Background(), nil); c.Cost == nil || c.Usage == nil {
		t.Errorf("%s lacks usage/cost facts", c.Name)
	}
}

func appendOnce(runs []facts.CollectorRun, name string, d float64) []facts.CollectorRun {
	for _, r := range runs {
		if r.Collector == name {
			return runs
		}
	}
	return append(runs, facts.CollectorRun{Collector: name, DurationSeconds: d})
}
