package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/dashboards"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testprom"
	"github.com/fleetaudit/fleetaudit/internal/testkit/velero"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// seedObservableCluster gives a cluster something for every dashboard panel: priced on-demand
// and spot nodes, an old kubelet (upgrade blocker), pods with requests, a quota with status, a
// risky RBAC binding.
func seedObservableCluster(t *testing.T, c *testcluster.Cluster) {
	ctx := context.Background()
	c.CreateNode(t, "od-1", testcluster.NodeOptions{CPU: "2", Memory: "8Gi", ProviderID: "aws:///us-east-1a/i-1", KubeletVersion: "v1.30.2",
		Labels: map[string]string{"node.kubernetes.io/instance-type": "m5.large", "topology.kubernetes.io/region": "us-east-1", "eks.amazonaws.com/capacityType": "ON_DEMAND"}})
	c.CreateNode(t, "spot-1", testcluster.NodeOptions{CPU: "2", Memory: "4Gi", ProviderID: "aws:///us-east-1b/i-2",
		Labels: map[string]string{"node.kubernetes.io/instance-type": "c5.large", "topology.kubernetes.io/region": "us-east-1", "karpenter.sh/capacity-type": "spot"}})
	for i, node := range []string{"od-1", "spot-1"} {
		c.CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("web-%d", i), Namespace: "web"},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "app", Image: "app", Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")}}}}}})
	}
	q, err := c.Admin.CoreV1().ResourceQuotas("web").Create(ctx, &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "web"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": resource.MustParse("1100m")}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q.Status = corev1.ResourceQuotaStatus{Hard: q.Spec.Hard, Used: corev1.ResourceList{"requests.cpu": resource.MustParse("1")}}
	if _, err := c.Admin.CoreV1().ResourceQuotas("web").UpdateStatus(ctx, q, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "ops"},
		Subjects: []rbacv1.Subject{{Kind: "User", Name: "ops@example.com", APIGroup: rbacv1.GroupName}},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

// TestServeScrapedByPrometheus: a real Prometheus scrapes fleetaudit serve while it audits a
// real cluster; then every query of every dashboard panel returns at least one series, and
// every alert expression evaluates. (The same Prometheus also holds backfilled cAdvisor
// samples, which serve reads as the cluster's usage source.)
func TestServeScrapedByPrometheus(t *testing.T) {
	testprom.Require(t)
	f := testcluster.Start(t, "east")
	seedObservableCluster(t, f.Clusters[0])
	// Velero with a location and a completed scheduled backup, for the Day-2 backup panels.
	velero.Install(t, f.Clusters[0].Config)
	f.Clusters[0].CreateNamespace(t, "velero")
	done := time.Now().Add(-3 * time.Hour).UTC().Format(time.RFC3339)
	velero.Create(t, f.Clusters[0].Config, "backupstoragelocations", `
metadata: {namespace: velero, name: default}
spec: {provider: aws, default: true, objectStorage: {bucket: backups}}
status: {phase: Available}`)
	velero.Create(t, f.Clusters[0].Config, "schedules", `
metadata: {namespace: velero, name: nightly}
spec: {schedule: "0 2 * * *", template: {includedNamespaces: ["*"]}}
status: {phase: Enabled, lastBackup: "`+done+`"}`)
	velero.Create(t, f.Clusters[0].Config, "backups", `
metadata: {namespace: velero, name: nightly-1, labels: {velero.io/schedule-name: nightly}}
spec: {includedNamespaces: ["*"]}
status: {phase: Completed, startTimestamp: "`+done+`", completionTimestamp: "`+done+`"}`)
	// A log shipper that mounts the node's logs: a Pod Security (baseline) violation for the
	// workload posture panels.
	f.Clusters[0].CreatePod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "log-shipper", Namespace: "web"}, Spec: corev1.PodSpec{
		Volumes: []corev1.Volume{{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}}},
		Containers: []corev1.Container{{Name: "shipper", Image: "fluent/fluent-bit:3.2", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")}}}},
	}})
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	profileFile := filepath.Join(dir, "profile.yaml")
	write(t, profileFile, "apiVersion: fleetaudit.io/v1alpha1\nkind: ClusterProfile\nmetadata: {name: next}\nspec:\n  version: 1.0.0\n  kubernetesVersion: v1.35.0\n  selector: {clusters: [\"*\"]}\n")
	// Every cluster is held to "next", which has no version for the 1.34 they run: drift.
	bindingsFile := filepath.Join(dir, "bindings.yaml")
	write(t, bindingsFile, "apiVersion: fleetaudit.io/v1alpha1\nkind: Bindings\nprofiles:\n  - {clusters: [\"*\"], profile: next}\nclusterObjects: []\n")

	end := time.Now().Truncate(time.Second)
	var om strings.Builder
	om.WriteString("# TYPE container_cpu_usage_seconds counter\n")
	for i := range 2 {
		om.WriteString(testprom.Series("container_cpu_usage_seconds_total", fmt.Sprintf(`cluster="east",namespace="web",pod="web-%d",container="app"`, i),
			end.Add(-90*time.Minute), end, 30*time.Second, func(j int) float64 { return float64(j) * 30 * 0.1 }))
	}
	om.WriteString("# TYPE container_memory_working_set_bytes gauge\n")
	for i := range 2 {
		om.WriteString(testprom.Series("container_memory_working_set_bytes", fmt.Sprintf(`cluster="east",namespace="web",pod="web-%d",container="app"`, i),
			end.Add(-90*time.Minute), end, 30*time.Second, func(int) float64 { return 300 << 20 }))
	}
	om.WriteString("# EOF\n")
	data := testprom.Backfill(t, om.String())

	serveAddr := freeAddr(t)
	prom := testprom.Start(t, fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: fleetaudit\n    static_configs:\n      - targets: [%q]\n", serveAddr), data)

	stderr := runServe(t, "--kubeconfig", kc, "--listen", serveAddr, "--interval", "2s", "--jitter", "0",
		"--profile", profileFile, "--bindings", bindingsFile, "--prometheus-url", prom.URL, "--prometheus-cluster-label", "cluster",
		"--cis", "local", "--cis-targets", "master,node", "--cis-benchmark", "cis-1.12")

	query := promQuery(t, prom.URL)
	// Wait until Prometheus holds a scrape of a finished audit with gate decisions and usage.
	deadline := time.Now().Add(90 * time.Second)
	for {
		v, err := query(`fleetaudit_upgrade_ready and on(cluster) fleetaudit_resource_usage{resource="cpu"} and on(cluster) fleetaudit_cis_checks`)
		if err == nil && v.(model.Vector).Len() > 0 {
			break
		}
		if time.Now().After(deadline) {
			resp, _ := http.Get("http://" + serveAddr + "/metrics")
			var body string
			if resp != nil {
				b := make([]byte, 4000)
				n, _ := resp.Body.Read(b)
				body = string(b[:n])
				resp.Body.Close()
			}
			t.Fatalf("Prometheus never scraped a complete audit (last err %v)\nserve stderr:\n%s\n/metrics:\n%s", err, stderr.String(), body)
		}
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a few more scrapes, for panels over ranges

	qs, err := dashboards.Queries()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		expr := strings.NewReplacer("$cluster", ".*", "$profile", ".*").Replace(q.Expr)
		v, err := query(expr)
		if err != nil {
			t.Errorf("%s / %s: %v\n%s", q.Dashboard, q.Panel, err, expr)
			continue
		}
		if n := seriesCount(v); n == 0 {
			t.Errorf("%s / %s: no series for %s", q.Dashboard, q.Panel, expr)
		}
	}

	raw, err := os.ReadFile("../../deploy/prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Alert, Expr string }
		}
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatal(err)
	}
	firing := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			v, err := query(r.Expr)
			if err != nil {
				t.Errorf("alert %s: %v", r.Alert, err)
				continue
			}
			firing[r.Alert] = seriesCount(v) > 0
		}
	}
	// With this cluster's seeding these conditions hold right now (before their "for"); the
	// test CA issues the API server's serving certificate for one day.
	for _, a := range []string{"FleetauditCriticalFindings", "FleetauditQuotaNearlyFull", "FleetauditUpgradeBlocked", "FleetauditCertificateExpiresSoon"} {
		if !firing[a] {
			t.Errorf("alert %s's expression should match the seeded cluster", a)
		}
	}
	if firing["FleetauditCertificateExpiring"] {
		t.Error("no certificate of the test cluster expires in 7 to 30 days")
	}
	if len(firing) != 8 {
		t.Errorf("evaluated %d alert expressions, want 8", len(firing))
	}
}

// runServe runs `fleetaudit serve ARGS...` until the test ends, when it must exit 0; the
// returned builder collects its stderr.
func runServe(t *testing.T, args ...string) *strings.Builder {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var code int
	stderr := &strings.Builder{}
	wg.Go(func() {
		code = run(ctx, append([]string{"serve"}, args...), &strings.Builder{}, stderr)
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if code != exitOK {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	})
	return stderr
}

// promQuery is an instant query against the Prometheus at url, at the current time.
func promQuery(t *testing.T, url string) func(expr string) (model.Value, error) {
	t.Helper()
	client, err := api.NewClient(api.Config{Address: url})
	if err != nil {
		t.Fatal(err)
	}
	pq := promv1.NewAPI(client)
	return func(expr string) (model.Value, error) {
		qctx, qcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer qcancel()
		v, _, _, err := pq.Query(qctx, expr, time.Now())
		return v, err
	}
}

func seriesCount(v model.Value) int {
	switch x := v.(type) {
	case model.Vector:
		return x.Len()
	case model.Matrix:
		return x.Len()
	case *model.Scalar:
		return 1
	}
	return 0
}
