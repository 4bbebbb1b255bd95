package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testprom"
)

// TestUsageFromPrometheusEndToEnd: a real cluster without metrics.k8s.io and a real
// Prometheus holding cAdvisor samples for its pods. Usage comes from Prometheus, the cost
// allocation takes max(request, usage), and the over-requesting workload is a right-sizing
// candidate.
func TestUsageFromPrometheusEndToEnd(t *testing.T) {
	f := testcluster.Start(t, "shop")
	c := f.Clusters[0]
	c.CreateNode(t, "n1", testcluster.NodeOptions{CPU: "2", Memory: "10Gi", ProviderID: "aws:///us-east-1a/i-1",
		Labels: map[string]string{"node.kubernetes.io/instance-type": "m5.large", "topology.kubernetes.io/region": "us-east-1"}})
	c.CreatePod(t, pod("web", "big-1", "n1", "1", "1Gi", nil, nil))     // uses 0.1 core
	c.CreatePod(t, pod("web", "busy-1", "n1", "100m", "1Gi", nil, nil)) // uses 0.4 core
	end := time.Now().Truncate(time.Second)
	start := end.Add(-90 * time.Minute)
	var om strings.Builder
	om.WriteString("# TYPE container_cpu_usage_seconds counter\n")
	for pod, cores := range map[string]float64{"big-1": 0.1, "busy-1": 0.4} {
		om.WriteString(testprom.Series("container_cpu_usage_seconds_total", fmt.Sprintf(`cluster="shop",namespace="web",pod=%q,container="app"`, pod),
			start, end, 30*time.Second, func(i int) float64 { return float64(i) * 30 * cores }))
	}
	om.WriteString("# TYPE container_memory_working_set_bytes gauge\n")
	for _, pod := range []string{"big-1", "busy-1"} {
		om.WriteString(testprom.Series("container_memory_working_set_bytes", fmt.Sprintf(`cluster="shop",namespace="web",pod=%q,container="app"`, pod),
			start, end, 30*time.Second, func(int) float64 { return 256 << 20 }))
	}
	om.WriteString("# EOF\n")
	prom := testprom.Start(t, "global:\n  scrape_interval: 1m\n", testprom.Backfill(t, om.String()))

	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "snap")
	args := []string{"--kubeconfig", kc, "--prometheus-url", prom.URL, "--prometheus-cluster-label", "cluster", "--cpu-ram-price-ratio", "3"}
	if code, out, errOut := runCLI(t, append([]string{"snapshot", "--output-dir", snap}, args...)...); code != exitOK {
		t.Fatalf("snapshot: exit %d %s %s", code, out, errOut)
	}
	cl, err := fleet.ReadFacts(filepath.Join(snap, "shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	u := cl.Usage
	if u.Source != "prometheus" || u.Window != "1h0m0s" || u.Usage == nil || u.Usage.CPUMillis != 500 {
		t.Fatalf("usage: source %s window %s total %+v (want prometheus, 100m + 400m)", u.Source, u.Window, u.Usage)
	}
	// m5.large 0.096 USD/h over 2 cores × 3 + 10 GiB = 16 → RAM 0.006, CPU 0.018 per hour.
	// big-1:  max(1 core, 0.1)  × 0.018 + max(1 GiB, 0.25) × 0.006 = 0.018 + 0.006 = 0.024
	// busy-1: max(0.1, 0.4 core) × 0.018 + 1 GiB × 0.006           = 0.0072 + 0.006 = 0.0132
	ns := cl.Cost.Namespaces[0]
	near(t, "web allocation", ns.Hourly, 0.024+0.0132)
	near(t, "web CPU", ns.CPU, 0.018+0.0072)
	code, out, errOut := runCLI(t, "audit", "--snapshot", snap, "-o", "json")
	if code != exitOK {
		t.Fatalf("audit: %d %s", code, errOut)
	}
	var rightsizing []string
	for _, fd := range decodeAudit(t, out).Clusters[0].Findings {
		if fd.RuleID == "FA-COST-004" {
			rightsizing = append(rightsizing, fd.Message)
		}
	}
	if len(rightsizing) != 1 || rightsizing[0] != "Pod web/big-1 uses 100m CPU of 1000m requested (10%) over 1 pods" {
		t.Errorf("right-sizing findings: %v", rightsizing)
	}
}
