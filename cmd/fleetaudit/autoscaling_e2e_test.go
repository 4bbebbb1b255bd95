package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testprom"
)

// installCRDs creates the CRDs of a vendored YAML file (testdata/crds) and waits until they
// are Established.
func installCRDs(t *testing.T, ext apiextclient.Interface, file string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "crds", file))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, doc := range bytes.Split(b, []byte("\n---")) {
		if len(bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(doc), []byte("---")))) == 0 {
			continue
		}
		var crd apiextv1.CustomResourceDefinition
		if err := yaml.Unmarshal(doc, &crd); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create CRD %s: %v", crd.Name, err)
		}
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			got, err := ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, crd.Name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range got.Status.Conditions {
				if c.Type == apiextv1.Established && c.Status == apiextv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			t.Fatalf("CRD %s not established: %v", crd.Name, err)
		}
	}
}

// TestAutoscalingAndObservabilityLiveEndToEnd seeds a real API server with HPAs (status set
// through the status subresource), the published VPA and Karpenter CRDs with objects, a
// cluster autoscaler with its status ConfigMap, three nodes and a fluent-bit DaemonSet ready
// on one of them, backfills a real Prometheus with up series for the kubelet and API server
// jobs only, audits through the CLI and checks the exact autoscaling and observability
// findings — and that the healthy look-alikes have none.
func TestAutoscalingAndObservabilityLiveEndToEnd(t *testing.T) {
	testprom.Require(t)
	f := testcluster.Start(t, "scale")
	c := f.Cluster("scale")
	ctx := context.Background()
	k := c.Admin
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	create := metav1.CreateOptions{}
	for _, ns := range []string{"shop", "logging"} {
		must(k.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, create))
	}
	for _, n := range []string{"n1", "n2", "n3"} {
		must(k.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n}}, create))
	}

	cpu := func(req string) corev1.ResourceRequirements {
		if req == "" {
			return corev1.ResourceRequirements{}
		}
		return corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(req)}}
	}
	deployment := func(ns, name string, labels map[string]string, containers ...corev1.Container) {
		sel := map[string]string{"run": name}
		must(k.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: sel},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: sel}, Spec: corev1.PodSpec{Containers: containers}}}}, create))
	}
	deployment("shop", "web", nil, corev1.Container{Name: "app", Image: "web:1", Resources: cpu("200m")})
	deployment("shop", "api", nil, corev1.Container{Name: "app", Image: "api:1", Resources: cpu("100m")})
	deployment("shop", "batch", nil, corev1.Container{Name: "app", Image: "batch:1", Resources: cpu("100m")},
		corev1.Container{Name: "sidecar", Image: "proxy:1"})
	deployment("kube-system", "cluster-autoscaler", map[string]string{"app.kubernetes.io/name": "cluster-autoscaler"},
		corev1.Container{Name: "cluster-autoscaler", Image: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.0"})

	utilization := int32(70)
	cpuMetric := []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &utilization}}}}
	two := int32(2)
	now := time.Now()
	hpa := func(name, target string, lo, hi int32, conds ...autoscalingv2.HorizontalPodAutoscalerCondition) {
		t.Helper()
		h, err := k.AutoscalingV2().HorizontalPodAutoscalers("shop").Create(ctx, &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: target},
				MinReplicas: &lo, MaxReplicas: hi, Metrics: cpuMetric}}, create)
		if err != nil {
			t.Fatal(err)
		}
		if len(conds) == 0 {
			return
		}
		h.Status = autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: lo, DesiredReplicas: lo, Conditions: conds}
		must(k.AutoscalingV2().HorizontalPodAutoscalers("shop").UpdateStatus(ctx, h, metav1.UpdateOptions{}))
	}
	cond := func(typ autoscalingv2.HorizontalPodAutoscalerConditionType, status corev1.ConditionStatus, reason, msg string, since time.Duration) autoscalingv2.HorizontalPodAutoscalerCondition {
		return autoscalingv2.HorizontalPodAutoscalerCondition{Type: typ, Status: status, Reason: reason, Message: msg,
			LastTransitionTime: metav1.NewTime(now.Add(-since))}
	}
	able := cond(autoscalingv2.AbleToScale, corev1.ConditionTrue, "ReadyForNewScale", "recommended size matches current size", 72*time.Hour)
	hpa("web", "web", 2, 10, able, cond(autoscalingv2.ScalingActive, corev1.ConditionTrue, "ValidMetricFound", "the HPA was able to compute the replica count", 72*time.Hour))
	hpa("api", "api", 2, 6, able, cond(autoscalingv2.ScalingActive, corev1.ConditionFalse, "FailedGetResourceMetric",
		"unable to get metrics for resource cpu: no metrics returned from resource metrics API", 48*time.Hour+30*time.Minute))
	// Failing for 10 minutes only: within the 1h grace.
	hpa("fresh", "api", 2, 4, able, cond(autoscalingv2.ScalingActive, corev1.ConditionFalse, "FailedGetResourceMetric", "no metrics", 10*time.Minute))
	hpa("ghost", "gone", 1, 3)
	hpa("batch", "batch", two, two)

	ext := apiextclient.NewForConfigOrDie(c.Config)
	installCRDs(t, ext, "vpa-v1-crd-gen.yaml")
	installCRDs(t, ext, "karpenter.sh_nodepools.yaml")
	dyn := dynamic.NewForConfigOrDie(c.Config)
	vpas := dyn.Resource(schema.GroupVersionResource{Group: "autoscaling.k8s.io", Version: "v1", Resource: "verticalpodautoscalers"})
	for name, spec := range map[string]map[string]any{
		"web-vpa": {"targetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "updatePolicy": map[string]any{"updateMode": "Auto"}},
		// Recommendations only: no conflict with the api HPA.
		"api-vpa": {"targetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "updatePolicy": map[string]any{"updateMode": "Off"}},
	} {
		must(vpas.Namespace("shop").Create(ctx, &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler", "metadata": map[string]any{"name": name}, "spec": spec}}, create))
	}
	pools := dyn.Resource(schema.GroupVersionResource{Group: "karpenter.sh", Version: "v1", Resource: "nodepools"})
	for name, used := range map[string]string{"default": "16", "spare": "8"} {
		p, err := pools.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": map[string]any{"name": name},
			"spec": map[string]any{
				"limits": map[string]any{"cpu": "16", "memory": "64Gi"},
				"template": map[string]any{"spec": map[string]any{
					"nodeClassRef": map[string]any{"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
					"requirements": []any{map[string]any{"key": "karpenter.sh/capacity-type", "operator": "In", "values": []any{"on-demand"}}},
				}},
			}}}, create)
		if err != nil {
			t.Fatal(err)
		}
		p.Object["status"] = map[string]any{"resources": map[string]any{"cpu": used, "memory": "32Gi", "nodes": "4"}}
		must(pools.UpdateStatus(ctx, p, metav1.UpdateOptions{}))
	}

	must(k.CoreV1().ConfigMaps("kube-system").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler-status"},
		Data: map[string]string{"status": `time: 2026-12-03 10:00:00.000000000 +0000 UTC
autoscalerStatus: Running
clusterWide:
  health:
    status: Healthy
nodeGroups:
- name: ng-full
  health:
    status: Healthy
    nodeCounts:
      registered:
        total: 5
        ready: 5
    cloudProviderTarget: 5
    minSize: 1
    maxSize: 5
  scaleUp:
    status: NoActivity
- name: ng-room
  health:
    status: Healthy
    nodeCounts:
      registered:
        total: 2
        ready: 2
    cloudProviderTarget: 2
    minSize: 1
    maxSize: 10
  scaleUp:
    status: NoActivity
`}}, create))

	ds, err := k.AppsV1().DaemonSets("logging").Create(ctx, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "fluent-bit"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"run": "fluent-bit"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"run": "fluent-bit"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "fluent-bit", Image: "fluent/fluent-bit:4.0.3"}}}}}}, create)
	if err != nil {
		t.Fatal(err)
	}
	ds.Status = appsv1.DaemonSetStatus{DesiredNumberScheduled: 3, CurrentNumberScheduled: 3, NumberReady: 1, NumberAvailable: 1, NumberUnavailable: 2}
	must(k.AppsV1().DaemonSets("logging").UpdateStatus(ctx, ds, metav1.UpdateOptions{}))

	// up series of the cluster: three kubelets and one API server up; no kube-state-metrics.
	// A second cluster's kube-state-metrics must not count for this one.
	end := now.Truncate(time.Second)
	start := end.Add(-30 * time.Minute)
	var om strings.Builder
	om.WriteString("# TYPE up gauge\n")
	for _, s := range []string{`cluster="scale",job="kubelet",instance="n1"`, `cluster="scale",job="kubelet",instance="n2"`,
		`cluster="scale",job="kubelet",instance="n3"`, `cluster="scale",job="apiserver",instance="10.0.0.1:443"`,
		`cluster="other",job="kube-state-metrics",instance="ksm:8080"`} {
		om.WriteString(testprom.Series("up", s, start, end, 30*time.Second, func(int) float64 { return 1 }))
	}
	om.WriteString("# EOF\n")
	prom := testprom.Start(t, "global:\n  scrape_interval: 30s\n", testprom.Backfill(t, om.String()))

	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "audit", "--kubeconfig", kc, "--prometheus-url", prom.URL, "--prometheus-cluster-label", "cluster", "-o", "json")
	if code == exitIncomplete || code == exitUsage {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a := decodeAudit(t, out)
	var got []string
	for _, fi := range a.Clusters[0].Findings {
		if fi.Category != "autoscaling" && fi.Category != "observability" {
			continue
		}
		if len(fi.Controls) == 0 {
			t.Errorf("%s carries no controls", fi.RuleID)
		}
		got = append(got, fi.RuleID+" "+fi.Resource.Kind+"/"+fi.Resource.Namespace+"/"+fi.Resource.Name+": "+fi.Message)
	}
	slices.Sort(got)
	want := []string{
		"FA-AS-001 HorizontalPodAutoscaler/shop/ghost: HPA shop/ghost scales Deployment gone (apps/v1), which does not exist",
		"FA-AS-002 HorizontalPodAutoscaler/shop/api: HPA shop/api cannot scale Deployment api: ScalingActive=False (FailedGetResourceMetric) for 2d0h: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
		"FA-AS-003 HorizontalPodAutoscaler/shop/batch: HPA shop/batch scales Deployment batch on utilization, but its containers lack requests: sidecar: cpu",
		"FA-AS-004 HorizontalPodAutoscaler/shop/batch: HPA shop/batch cannot change the size of Deployment batch: minReplicas = maxReplicas = 2",
		"FA-AS-005 APIService//v1beta1.metrics.k8s.io: 5 HPAs scale on CPU or memory (shop/api, shop/batch, shop/fresh, shop/ghost, shop/web) but metrics.k8s.io is not served (no APIService v1beta1.metrics.k8s.io)",
		"FA-AS-006 HorizontalPodAutoscaler/shop/web: VPA shop/web-vpa (updateMode Auto) and HPA shop/web both scale Deployment web on cpu",
		"FA-AS-007 NodePool//default: Karpenter NodePool default is at its limits: cpu 16 cores of 16 cores (100%)",
		"FA-AS-008 Deployment/kube-system/cluster-autoscaler: cluster autoscaler node group ng-full is at its maximum size (5 of max 5, 5 ready): it cannot add nodes",
		"FA-OBS-001 APIService//v1beta1.metrics.k8s.io: no resource metrics pipeline: metrics.k8s.io is not served (no APIService v1beta1.metrics.k8s.io)",
		`FA-OBS-002 Cluster//scale: Prometheus has no up series of job kube-state-metrics (series with cluster="scale"): ksm is not scraped`,
		"FA-OBS-004 DaemonSet/logging/fluent-bit: log agent DaemonSet logging/fluent-bit is ready on 1 of 3 nodes (3 desired, 3 schedulable): 2 nodes without a log agent",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range a.Clusters[0].Skipped {
		if strings.HasPrefix(s.Rule, "FA-AS-") || strings.HasPrefix(s.Rule, "FA-OBS-") {
			t.Errorf("%s skipped: %s", s.Rule, s.Reason)
		}
	}

	// Without --prometheus-url the scrapes collector does not run: FA-OBS-002 is not judged,
	// and says so, rather than passing.
	code, out, errOut = runCLI(t, "audit", "--kubeconfig", kc, "-o", "json")
	if code == exitIncomplete || code == exitUsage {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a = decodeAudit(t, out)
	skipped := false
	for _, s := range a.Clusters[0].Skipped {
		skipped = skipped || s.Rule == "FA-OBS-002" && strings.Contains(s.Reason, "scrapes collector did not run")
	}
	if !skipped {
		t.Errorf("FA-OBS-002 not reported as not judged without Prometheus: %+v", a.Clusters[0].Skipped)
	}
	for _, fi := range a.Clusters[0].Findings {
		if fi.RuleID == "FA-OBS-002" {
			t.Errorf("FA-OBS-002 judged without Prometheus: %s", fi.Message)
		}
	}
}

// TestDemoShowsAutoscalingAndObservability: the demo fleet shows findings of both categories
// on the clusters that are broken, and none on prod-eu-west, whose HPA, Karpenter NodePool,
// metrics API and fluent-bit are healthy.
func TestDemoShowsAutoscalingAndObservability(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--demo", "-o", "json")
	if code == exitUsage || code == exitIncomplete {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a := decodeAudit(t, out)
	got := map[string][]string{}
	for _, c := range a.Clusters {
		for _, fi := range c.Findings {
			if fi.Category == "autoscaling" || fi.Category == "observability" {
				got[c.Name] = append(got[c.Name], fi.RuleID)
			}
		}
		slices.Sort(got[c.Name])
	}
	want := map[string][]string{
		"prod-us-central": {"FA-AS-002", "FA-AS-004", "FA-OBS-004"},
		"staging-eastus":  {"FA-AS-002", "FA-AS-003", "FA-AS-005", "FA-AS-008", "FA-OBS-001", "FA-OBS-003"},
	}
	for _, name := range []string{"prod-eu-west", "prod-us-central", "staging-eastus"} {
		if !slices.Equal(got[name], want[name]) {
			t.Errorf("%s: %v, want %v", name, got[name], want[name])
		}
	}
}
