package main

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

func pod(ns, name, node, cpu, mem string, owner *metav1.OwnerReference, labels map[string]string) *corev1.Pod {
	req := corev1.ResourceList{}
	if cpu != "" {
		req[corev1.ResourceCPU] = resource.MustParse(cpu)
		req[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{
			{Name: "app", Image: "app", Resources: corev1.ResourceRequirements{Requests: req}}}},
	}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{*owner}
	}
	return p
}

func owner(kind, name string) *metav1.OwnerReference {
	yes := true
	return &metav1.OwnerReference{APIVersion: "apps/v1", Kind: kind, Name: name, UID: types.UID("uid-" + name), Controller: &yes}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

// TestCostOnRealCluster seeds nodes labelled the EKS, Karpenter, GKE and AKS ways, Running pods
// with requests, a reservation and a quota with status, and checks every cost figure against
// arithmetic done by hand below (CPU:RAM price ratio 3, spot fallback discount 60 %).
func TestCostOnRealCluster(t *testing.T) {
	f := testcluster.Start(t, "cost")
	c := f.Clusters[0]
	aws := func(typ, extraKey, extraVal string) map[string]string {
		return map[string]string{"node.kubernetes.io/instance-type": typ, "topology.kubernetes.io/region": "us-east-1", extraKey: extraVal}
	}
	c.CreateNode(t, "eks-od", testcluster.NodeOptions{CPU: "2", Memory: "10Gi", ProviderID: "aws:///us-east-1a/i-1",
		Labels: aws("m5.large", "eks.amazonaws.com/capacityType", "ON_DEMAND")})
	c.CreateNode(t, "karp-spot", testcluster.NodeOptions{CPU: "2", Memory: "11Gi", ProviderID: "aws:///us-east-1b/i-2",
		Labels: aws("c5.large", "karpenter.sh/capacity-type", "spot")})
	c.CreateNode(t, "gke-spot", testcluster.NodeOptions{CPU: "2", Memory: "14Gi", ProviderID: "gce://p/us-central1-a/gke-spot",
		Labels: map[string]string{"node.kubernetes.io/instance-type": "e2-standard-2", "topology.kubernetes.io/region": "us-central1", "cloud.google.com/gke-spot": "true"}})
	c.CreateNode(t, "aks-od", testcluster.NodeOptions{CPU: "2", Memory: "14Gi", ProviderID: "azure:///subscriptions/s/vm/0",
		Labels: map[string]string{"node.kubernetes.io/instance-type": "Standard_D2s_v5", "topology.kubernetes.io/region": "eastus"}})
	c.CreateNode(t, "aks-spot", testcluster.NodeOptions{CPU: "4", Memory: "12Gi", ProviderID: "azure:///subscriptions/s/vm/1",
		Labels: map[string]string{"node.kubernetes.io/instance-type": "Standard_D4s_v5", "topology.kubernetes.io/region": "eastus", "kubernetes.azure.com/scalesetpriority": "spot"}})
	c.CreateNode(t, "mystery", testcluster.NodeOptions{CPU: "8", Memory: "32Gi", ProviderID: "aws:///us-east-1a/i-9",
		Labels: aws("x9.mega", "kubernetes.io/os", "linux")})

	rs := owner("ReplicaSet", "web-5d8f7")
	hash := map[string]string{"pod-template-hash": "5d8f7"}
	c.CreatePod(t, pod("web", "web-5d8f7-a", "eks-od", "500m", "2Gi", rs, hash))
	web2 := pod("web", "web-5d8f7-b", "karp-spot", "1", "1Gi", rs, hash)
	web2.Spec.Containers = append(web2.Spec.Containers, corev1.Container{Name: "log", Image: "log"}) // no requests
	c.CreatePod(t, web2)
	c.CreatePod(t, pod("db", "pg-0", "gke-spot", "1", "4Gi", owner("StatefulSet", "pg"), nil))
	c.CreatePod(t, pod("db", "pg-1", "aks-od", "1", "4Gi", owner("StatefulSet", "pg"), nil))
	c.CreatePod(t, pod("batch", "job-x", "aks-spot", "2", "6Gi", nil, nil))
	c.CreatePod(t, pod("batch", "odd-1", "mystery", "250m", "1Gi", nil, nil))
	ctx := context.Background()
	q, err := c.Admin.CoreV1().ResourceQuotas("web").Create(ctx, &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "web-quota", Namespace: "web"},
		Spec:       corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": resource.MustParse("1600m")}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q.Status = corev1.ResourceQuotaStatus{Hard: q.Spec.Hard, Used: corev1.ResourceList{"requests.cpu": resource.MustParse("1500m")}}
	if _, err := c.Admin.CoreV1().ResourceQuotas("web").UpdateStatus(ctx, q, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Admin.CoreV1().LimitRanges("db").Create(ctx, &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "defaults", Namespace: "db"},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
			DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	resv := filepath.Join(dir, "reservations.yaml")
	write(t, resv, "- {name: azure-ri-2026, instance_type: Standard_D2s_v5, region: eastus, count: 1, hourly_rate: 0.06}\n")
	params := filepath.Join(dir, "params.yaml")
	write(t, params, "cost:\n  monthly_budget:\n    cost: 200\n")
	snap := filepath.Join(dir, "snap")
	flags := []string{"--kubeconfig", kc, "--reservations", resv, "--cpu-ram-price-ratio", "3"}
	if code, out, errOut := runCLI(t, append([]string{"snapshot", "--output-dir", snap}, flags...)...); code != exitOK {
		t.Fatalf("snapshot: exit %d\n%s%s", code, out, errOut)
	}
	cl, err := fleet.ReadFacts(filepath.Join(snap, "cost.json"))
	if err != nil {
		t.Fatal(err)
	}
	cost := cl.Cost

	// Node prices (USD/h) and the CPU:RAM split, ramPrice = price / (cores × 3 + GiB):
	//   eks-od    m5.large on-demand          0.096                  / (2×3+10=16) → RAM 0.006,   CPU 0.018
	//   karp-spot c5.large spot, no spot row  0.085 × (1−0.6) = 0.034 / (2×3+11=17) → RAM 0.002,   CPU 0.006
	//   gke-spot  e2-standard-2 spot row      0.0402                 / (2×3+14=20) → RAM 0.00201, CPU 0.00603
	//   aks-od    D2s_v5 covered by the RI    0.06                   / (2×3+14=20) → RAM 0.003,   CPU 0.009
	//   aks-spot  D4s_v5 spot, no spot row    0.192 × 0.4 = 0.0768   / (4×3+12=24) → RAM 0.0032,  CPU 0.0096
	//   mystery   x9.mega: not in the table → unpriced
	want := map[string]struct {
		typ, source string
		hourly      float64
		cpu, ram    float64
	}{
		"eks-od":    {"on-demand", "eks.amazonaws.com/capacityType", 0.096, 0.018, 0.006},
		"karp-spot": {"spot", "karpenter.sh/capacity-type", 0.034, 0.006, 0.002},
		"gke-spot":  {"spot", "cloud.google.com/gke-spot", 0.0402, 0.00603, 0.00201},
		"aks-od":    {"reserved", "reservation", 0.06, 0.009, 0.003},
		"aks-spot":  {"spot", "kubernetes.azure.com/scalesetpriority", 0.0768, 0.0096, 0.0032},
		"mystery":   {"on-demand", "provider-id", 0, 0, 0},
	}
	for _, n := range cost.Nodes {
		w := want[n.Name]
		if n.CapacityType != w.typ || n.CapacitySource != w.source {
			t.Errorf("%s: capacity %s via %s, want %s via %s", n.Name, n.CapacityType, n.CapacitySource, w.typ, w.source)
		}
		if w.hourly == 0 {
			if n.Hourly != nil {
				t.Errorf("%s should be unpriced, got %v", n.Name, *n.Hourly)
			}
			continue
		}
		if n.Hourly == nil {
			t.Errorf("%s unpriced", n.Name)
			continue
		}
		near(t, n.Name+" hourly", *n.Hourly, w.hourly)
		near(t, n.Name+" CPU price", n.CPUHourly, w.cpu)
		near(t, n.Name+" RAM price", n.RAMHourly, w.ram)
	}
	for _, n := range cost.Nodes {
		if (n.Name == "aks-od") != (n.Reservation == "azure-ri-2026") {
			t.Errorf("%s: reservation %q; only aks-od is covered by azure-ri-2026", n.Name, n.Reservation)
		}
	}
	// Cluster: 0.096 + 0.034 + 0.0402 + 0.06 + 0.0768 = 0.307 USD/h; × 730 = 224.11 USD/month.
	near(t, "hourly", cost.Hourly, 0.307)
	near(t, "monthly", cost.Monthly, 224.11)
	near(t, "on-demand hourly", cost.HourlyByCapacityType["on-demand"], 0.096)
	near(t, "spot hourly", cost.HourlyByCapacityType["spot"], 0.034+0.0402+0.0768) // 0.151
	near(t, "reserved hourly", cost.HourlyByCapacityType["reserved"], 0.06)
	if strings.Join(cost.Unpriced, ",") != "mystery" {
		t.Errorf("unpriced %v", cost.Unpriced)
	}
	// Allocation, max(request, usage) with usage unavailable = requests:
	//   web:   web-a 0.5 core × 0.018 + 2 GiB × 0.006 = 0.009 + 0.012 = 0.021
	//          web-b 1 × 0.006 + 1 × 0.002            = 0.006 + 0.002 = 0.008      → 0.029 (CPU 0.015, RAM 0.014)
	//   db:    pg-0 1 × 0.00603 + 4 × 0.00201         = 0.00603 + 0.00804 = 0.01407
	//          pg-1 1 × 0.009 + 4 × 0.003             = 0.009 + 0.012 = 0.021      → 0.03507 (CPU 0.01503, RAM 0.02004)
	//   batch: job-x 2 × 0.0096 + 6 × 0.0032          = 0.0192 + 0.0192 = 0.0384; odd-1 on an unpriced node → 0.0384
	// Idle = 0.307 − (0.029 + 0.03507 + 0.0384 = 0.10247) = 0.20453.
	wantNS := map[string][3]float64{"web": {0.015, 0.014, 0.029}, "db": {0.01503, 0.02004, 0.03507}, "batch": {0.0192, 0.0192, 0.0384}}
	for _, n := range cost.Namespaces {
		w, ok := wantNS[n.Name]
		if !ok {
			t.Errorf("unexpected namespace %s", n.Name)
			continue
		}
		near(t, n.Name+" CPU", n.CPU, w[0])
		near(t, n.Name+" RAM", n.RAM, w[1])
		near(t, n.Name+" total", n.Hourly, w[2])
		if n.Name == "batch" && n.UnpricedPods != 1 {
			t.Errorf("batch unpriced pods %d", n.UnpricedPods)
		}
	}
	near(t, "idle", cost.IdleHourly, 0.20453)
	// Spot share of CPU requests: tolerant web-a 500 (od) + web-b 1000 (spot) + job-x 2000 (spot)
	// + odd-1 250 (od) = 3750, 3000 on spot; intolerant pg-0 1000 (spot) + pg-1 1000 = 2000, 1000 on spot.
	if s := cost.Spot; s.TolerantCPUMillis != 3750 || s.TolerantSpotCPUMillis != 3000 || s.IntolerantCPUMillis != 2000 || s.IntolerantSpotCPUMillis != 1000 ||
		strings.Join(s.IntolerantOnSpot, ",") != "db StatefulSet/pg" {
		t.Errorf("spot share %+v", s)
	}
	u := cl.Usage
	if u.Source != "unavailable" {
		t.Errorf("usage source %q: no metrics-server or Prometheus here, usage must be unavailable", u.Source)
	}
	if u.Usage != nil || u.Requests.CPUMillis != 5750 {
		t.Errorf("usage totals %+v (requests 500+1000+1000+1000+2000+250 = 5750m)", u)
	}

	// Findings from the same facts, with a 200 USD budget for this cluster.
	code, out, errOut := runCLI(t, "audit", "--snapshot", snap, "--params", params, "-o", "json")
	if code != exitOK {
		t.Fatalf("audit: exit %d %s", code, errOut)
	}
	a := decodeAudit(t, out)
	got := map[string][]string{}
	for _, fd := range a.Clusters[0].Findings {
		got[fd.RuleID] = append(got[fd.RuleID], fd.Message)
	}
	for id, frag := range map[string]string{
		"FA-COST-001": "50% of the CPU requests of interruption-intolerant workloads run on spot",
		"FA-COST-002": "projected monthly cost 224.11 USD is over the budget of 200.00 USD (112%)",
		"FA-COST-003": "67% of the node cost is idle (0.2045 of 0.3070 USD per hour)",
		"FA-COST-005": "node mystery (x9.mega in us-east-1, on-demand) has no price",
		"FA-QUO-001":  "ResourceQuota web/web-quota: requests.cpu is 94% used (1500 of 1600)",
		"FA-QUO-003":  "1 containers in namespace web have no CPU or memory request (e.g. web-5d8f7-b/log)",
	} {
		if !strings.Contains(strings.Join(got[id], "\n"), frag) {
			t.Errorf("%s: want %q, got %v", id, frag, got[id])
		}
	}
	if n := len(got["FA-QUO-002"]); n != 4 { // web: no LimitRange; db: no quota; batch: neither (2)
		t.Errorf("FA-QUO-002: %d warnings, want 4: %v", n, got["FA-QUO-002"])
	}
	if len(got["FA-COST-004"]) != 0 {
		t.Errorf("right-sizing needs known usage, got %v", got["FA-COST-004"])
	}
}
