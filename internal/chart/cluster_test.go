package chart

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

// waitEstablished waits until discovery serves every version of the CRDs in files.
func waitEstablished(t *testing.T, c *testcluster.Cluster, files ...string) {
	t.Helper()
	var want []string
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		docs, err := Documents(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			spec := d["spec"].(map[string]any)
			for _, v := range spec["versions"].([]any) {
				want = append(want, spec["group"].(string)+"/"+v.(map[string]any)["name"].(string))
			}
		}
	}
	disc := kubernetes.NewForConfigOrDie(c.Config).Discovery()
	deadline := time.Now().Add(30 * time.Second)
	for {
		served, err := APIVersions(disc)
		missing := slices.DeleteFunc(slices.Clone(want), func(v string) bool { return slices.Contains(served, v) })
		if err == nil && len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("CRDs not served after 30s: %v (%v)", missing, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// dryRunAll renders every value set with the cluster's discovered API versions as
// Capabilities (what helm install does) and dry-runs every object on the real API server;
// it returns the kinds rendered per value set.
func dryRunAll(t *testing.T, c *testcluster.Cluster) map[string]map[string]int {
	t.Helper()
	served, err := APIVersions(kubernetes.NewForConfigOrDie(c.Config).Discovery())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int{}
	for name, values := range valueSets() {
		docs := renderWith(t, Options{Values: values, APIVersions: served})
		apply(t, c.Config, docs, true)
		out[name] = kinds(docs)
	}
	return out
}

// TestChartAppliesToRealCluster: every object of every value set passes a server-side
// dry-run apply on a real API server (schema validation, admission, RBAC escalation checks):
// first without the Prometheus Operator's and grafana-operator's CRDs (their kinds must then
// not be rendered, or the install would fail), then with their real CRDs installed (the
// objects must then be rendered and valid against the upstream schemas).
func TestChartAppliesToRealCluster(t *testing.T) {
	c := testcluster.Start(t, "chart").Clusters[0]
	prepare(t, c, "capi-crds.yaml")
	without := dryRunAll(t, c)
	for name, k := range without {
		if k["ServiceMonitor"]+k["PrometheusRule"]+k["GrafanaDashboard"] != 0 {
			t.Errorf("%s without the operators' CRDs rendered their kinds: %v", name, k)
		}
	}
	if without["everything"]["ExtensionConfig"] != 1 {
		t.Errorf("the ExtensionConfig was not rendered: %v", without["everything"])
	}
	prepare(t, c, "monitoring-crds.yaml", "grafana-crds.yaml")
	with := dryRunAll(t, c)
	for name, n := range map[string]int{"defaults": 1, "everything": 1, "networkPolicy": 1, "persistence": 1, "cronjob": 0, "indexedJob": 1, "statefulSet": 1} {
		if k := with[name]; k["ServiceMonitor"] != n || k["PrometheusRule"] != n {
			t.Errorf("%s with the Prometheus Operator's CRDs: %d ServiceMonitor, %d PrometheusRule, want %d", name, k["ServiceMonitor"], k["PrometheusRule"], n)
		}
	}
	if with["everything"]["GrafanaDashboard"] != nDashboards {
		t.Errorf("everything with grafana-operator's CRD: %d GrafanaDashboards, want %d", with["everything"]["GrafanaDashboard"], nDashboards)
	}
}

// TestChartPassesWorkloadRules judges the chart's own pods with fleetaudit's workload rules
// (the facts built by the same pure function the live collector uses): with the defaults
// nothing is high or critical, the Pod Security restricted rules, requests, memory limits and
// probes find nothing, and what remains is the expected advice.
func TestChartPassesWorkloadRules(t *testing.T) {
	ctx := context.Background()
	engine, err := policy.New(ctx, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"defaults", "networkPolicy", "everything", "cronjob", "indexedJob", "statefulSet"} {
		in := workloadObjects(t, render(t, valueSets()[name]))
		if len(in.Deployments)+len(in.StatefulSets)+len(in.CronJobs) == 0 {
			t.Fatalf("%s: no workloads rendered", name)
		}
		findings, err := engine.Evaluate(ctx, &facts.Cluster{Name: "chart", Workloads: collectors.BuildWorkloads(in)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range findings {
			if f.Category != "workload" {
				continue
			}
			got = append(got, f.RuleID+" "+string(f.Severity))
			if f.Severity.AtLeast(policy.SeverityHigh) {
				t.Errorf("%s: %s %s: %s", name, f.Severity, f.RuleID, f.Message)
			}
			if !expectedAdvice[f.RuleID] {
				t.Errorf("%s: unexpected %s %s: %s", name, f.Severity, f.RuleID, f.Message)
			}
		}
		t.Logf("%s: workload findings %v", name, got)
		if name == "defaults" && !slices.Contains(got, "FA-WL-025 medium") {
			t.Errorf("defaults: expected the namespace without NetworkPolicies (FA-WL-025 medium), got %v", got)
		}
		if (name == "networkPolicy" || name == "statefulSet") && slices.Contains(got, "FA-WL-025 medium") {
			t.Errorf("networkPolicy: the chart's NetworkPolicy is not seen: %v", got)
		}
	}
}

// expectedAdvice are the only workload rules the chart may trip: images pinned by tag, not
// digest (FA-WL-019, low; image.digest pins it); no NetworkPolicy in the namespace
// (FA-WL-025, medium; networkPolicy.enabled); no default-deny policy (FA-WL-026, low: the
// chart's policy allows exactly its own traffic, a namespace-wide default-deny is the
// platform's). Every Pod Security, requests, limits and probes rule must stay silent.
var expectedAdvice = map[string]bool{"FA-WL-019": true, "FA-WL-025": true, "FA-WL-026": true}

// workloadObjects decodes the rendered workloads, the release namespace and the
// NetworkPolicies into what collectors.BuildWorkloads takes.
func workloadObjects(t *testing.T, docs []map[string]any) collectors.WorkloadObjects {
	t.Helper()
	in := collectors.WorkloadObjects{Namespaces: []*corev1.Namespace{{}}}
	in.Namespaces[0].Name = "fleetaudit"
	for _, d := range docs {
		var into any
		switch d["kind"] {
		case "Deployment":
			x := &appsv1.Deployment{}
			in.Deployments, into = append(in.Deployments, x), x
		case "StatefulSet":
			x := &appsv1.StatefulSet{}
			in.StatefulSets, into = append(in.StatefulSets, x), x
		case "CronJob":
			x := &batchv1.CronJob{}
			in.CronJobs, into = append(in.CronJobs, x), x
		case "ServiceAccount":
			x := &corev1.ServiceAccount{}
			in.ServiceAccounts, into = append(in.ServiceAccounts, x), x
		case "NetworkPolicy":
			x := &networkingv1.NetworkPolicy{}
			in.NetworkPolicies, into = append(in.NetworkPolicies, x), x
		default:
			continue
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(d, into); err != nil {
			t.Fatalf("%s: %v", d["kind"], err)
		}
	}
	return in
}
