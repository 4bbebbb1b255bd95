package collectors

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestHPAFactsTargetAndRequests(t *testing.T) {
	cpu := resource.MustParse("100m")
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}}
	dep.Spec.Template.Spec.Containers = []corev1.Container{
		{Name: "app", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: cpu}}},
		{Name: "limited", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: cpu}}},
		{Name: "bare"},
	}
	util := int32(60)
	metric := func(typ autoscalingv2.MetricSourceType, res corev1.ResourceName, container string, target autoscalingv2.MetricTargetType) autoscalingv2.MetricSpec {
		mt := autoscalingv2.MetricTarget{Type: target, AverageUtilization: &util}
		if typ == autoscalingv2.ContainerResourceMetricSourceType {
			return autoscalingv2.MetricSpec{Type: typ, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{Name: res, Container: container, Target: mt}}
		}
		return autoscalingv2.MetricSpec{Type: typ, Resource: &autoscalingv2.ResourceMetricSource{Name: res, Target: mt}}
	}
	hpa := func(kind, apiVersion, name string, ms ...autoscalingv2.MetricSpec) *autoscalingv2.HorizontalPodAutoscaler {
		return &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "h"},
			Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: kind, APIVersion: apiVersion, Name: name},
				MaxReplicas: 5, Metrics: ms}}
	}
	specs := map[objKey]*corev1.PodSpec{{"Deployment", "shop", "web"}: &dep.Spec.Template.Spec}
	for _, tc := range []struct {
		name    string
		h       *autoscalingv2.HorizontalPodAutoscaler
		found   *bool
		missing []string
	}{
		{"cpu utilization: every container without request or limit", hpa("Deployment", "apps/v1", "web",
			metric(autoscalingv2.ResourceMetricSourceType, corev1.ResourceCPU, "", autoscalingv2.UtilizationMetricType),
			metric(autoscalingv2.ResourceMetricSourceType, corev1.ResourceMemory, "", autoscalingv2.UtilizationMetricType)),
			new(true), []string{"bare: cpu", "app: memory", "limited: memory", "bare: memory"}},
		{"average value needs no request", hpa("Deployment", "apps/v1", "web",
			metric(autoscalingv2.ResourceMetricSourceType, corev1.ResourceCPU, "", autoscalingv2.AverageValueMetricType)), new(true), nil},
		{"container resource: the named container only", hpa("Deployment", "apps/v1", "web",
			metric(autoscalingv2.ContainerResourceMetricSourceType, corev1.ResourceCPU, "app", autoscalingv2.UtilizationMetricType)), new(true), nil},
		{"missing target", hpa("Deployment", "apps/v1", "gone"), new(false), nil},
		{"StatefulSet of another group is not judged", hpa("StatefulSet", "example.com/v1", "web"), nil, nil},
		{"custom kind is not judged", hpa("Rollout", "argoproj.io/v1alpha1", "web"), nil, nil},
	} {
		got := HPAFacts(tc.h, specs)
		if (got.TargetFound == nil) != (tc.found == nil) || got.TargetFound != nil && *got.TargetFound != *tc.found {
			t.Errorf("%s: targetFound %v, want %v", tc.name, got.TargetFound, tc.found)
		}
		if !slices.Equal(got.MissingRequests, tc.missing) {
			t.Errorf("%s: missing %q, want %q", tc.name, got.MissingRequests, tc.missing)
		}
		if got.MinReplicas != 1 {
			t.Errorf("%s: minReplicas %d, want the default 1", tc.name, got.MinReplicas)
		}
	}
}

func TestVPAFacts(t *testing.T) {
	vpa := func(spec map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"namespace": "shop", "name": "v"}, "spec": spec}}
	}
	target := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
	for _, tc := range []struct {
		spec      map[string]any
		mode      string
		resources []string
	}{
		{map[string]any{"targetRef": target}, "Recreate", []string{"cpu", "memory"}},
		{map[string]any{"targetRef": target, "updatePolicy": map[string]any{"updateMode": "Off"}}, "Off", []string{"cpu", "memory"}},
		{map[string]any{"targetRef": target, "resourcePolicy": map[string]any{"containerPolicies": []any{
			map[string]any{"containerName": "*", "controlledResources": []any{"memory"}}}}}, "Recreate", []string{"memory"}},
		{map[string]any{"targetRef": target, "resourcePolicy": map[string]any{"containerPolicies": []any{
			map[string]any{"containerName": "*", "mode": "Off"}}}}, "Recreate", []string{}},
		// A policy for one container leaves the others on the defaults.
		{map[string]any{"targetRef": target, "resourcePolicy": map[string]any{"containerPolicies": []any{
			map[string]any{"containerName": "app", "controlledResources": []any{"memory"}}}}}, "Recreate", []string{"cpu", "memory"}},
	} {
		got := VPAFacts(vpa(tc.spec))
		if got.UpdateMode != tc.mode || !slices.Equal(got.ControlledResources, tc.resources) || got.Target.Name != "web" {
			t.Errorf("%v: %+v, want mode %s resources %v", tc.spec, got, tc.mode, tc.resources)
		}
	}
}

func TestNodePoolFacts(t *testing.T) {
	got := NodePoolFacts(&unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "default"},
		"spec":   map[string]any{"limits": map[string]any{"cpu": "16", "memory": "64Gi", "nvidia.com/gpu": "2"}},
		"status": map[string]any{"resources": map[string]any{"cpu": "15500m", "memory": "32Gi", "nodes": "4"}}}})
	if got.Limits["cpu"] != 16000 || got.Limits["memory"] != 64<<30 || got.Limits["nvidia.com/gpu"] != 2 ||
		got.Resources["cpu"] != 15500 || got.Resources["nodes"] != 4 {
		t.Errorf("%+v", got)
	}
}

func TestClusterAutoscalerFacts(t *testing.T) {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "cluster-autoscaler"}}
	if f := ClusterAutoscalerFacts(d, nil); f.Status != "" || f.Replicas != 1 {
		t.Errorf("without status ConfigMap: %+v", f)
	}
	legacy := &corev1.ConfigMap{Data: map[string]string{"status": "Cluster-autoscaler status at 2023-01-01:\nCluster-wide:\n  Health: Healthy (ready=3)\n"}}
	if f := ClusterAutoscalerFacts(d, legacy); f.Status != CAStatusUnparsed || f.NodeGroups != nil {
		t.Errorf("legacy text: %+v", f)
	}
	yamlStatus := &corev1.ConfigMap{Data: map[string]string{"status": "autoscalerStatus: Running\nnodeGroups:\n- name: ng\n  health:\n    status: Healthy\n    nodeCounts:\n      registered: {total: 3, ready: 2}\n    cloudProviderTarget: 3\n    minSize: 1\n    maxSize: 3\n  scaleUp: {status: Backoff}\n"}}
	f := ClusterAutoscalerFacts(d, yamlStatus)
	if f.Status != CAStatusYAML || f.AutoscalerStatus != "Running" || len(f.NodeGroups) != 1 {
		t.Fatalf("yaml: %+v", f)
	}
	if g := f.NodeGroups[0]; g.Name != "ng" || g.Ready != 2 || g.Registered != 3 || g.Target != 3 || g.MaxSize != 3 || g.ScaleUp != "Backoff" {
		t.Errorf("node group %+v", g)
	}
	if ClusterAutoscalerFacts(nil, yamlStatus) != nil {
		t.Error("facts without a Deployment")
	}
	helm := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "autoscaler", Name: "ca-aws-cluster-autoscaler"}}
	other := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "coredns"}}
	if got := findClusterAutoscaler([]*appsv1.Deployment{other, helm}); got != helm {
		t.Errorf("found %v, want the Helm chart's name", got)
	}
	if got := findClusterAutoscaler([]*appsv1.Deployment{helm, d}); got != d {
		t.Errorf("found %v, want kube-system's first", got)
	}
}

func TestMetricsAPIFacts(t *testing.T) {
	for _, tc := range []struct{ list, registered, available, service string }{
		{`{"items":[]}`, "false", "", ""},
		{`{"items":[{"metadata":{"name":"v1beta1.metrics.k8s.io"},"spec":{"service":{"namespace":"kube-system","name":"metrics-server"}},"status":{"conditions":[{"type":"Available","status":"False","reason":"MissingEndpoints"}]}}]}`, "true", "False", "kube-system/metrics-server"},
		{`{"items":[{"metadata":{"name":"v1beta1.metrics.k8s.io"},"spec":{}}]}`, "true", "Unknown", ""},
	} {
		got, err := MetricsAPIFacts([]byte(tc.list))
		if err != nil {
			t.Fatal(err)
		}
		if reg := map[bool]string{true: "true", false: "false"}[got.Registered]; reg != tc.registered || got.Available != tc.available || got.Service != tc.service {
			t.Errorf("%s: %+v", tc.list, got)
		}
	}
	if _, err := MetricsAPIFacts([]byte("<html>")); err == nil {
		t.Error("a non-JSON answer must be an error")
	}
}
