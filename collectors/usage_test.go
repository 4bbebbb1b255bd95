package collectors

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes/fake"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsfake "k8s.io/metrics/pkg/client/clientset/versioned/fake"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// TestMetricsServerUsage is a narrow unit test of the metrics.k8s.io path with client-go fakes
// (the test API servers serve no metrics API); the Prometheus path is tested against a real
// Prometheus.
func TestMetricsServerUsage(t *testing.T) {
	cs := fake.NewClientset()
	cs.Discovery().(*fakediscovery.FakeDiscovery).Resources = []*metav1.APIResourceList{
		{GroupVersion: "metrics.k8s.io/v1beta1", APIResources: []metav1.APIResource{{Name: "pods"}}}}
	// The typed client lists resource "pods" of metrics.k8s.io, while the fake's tracker would
	// guess "podmetricses" from the kind: register the object under the resource it is read as.
	mc := metricsfake.NewSimpleClientset()
	pm := &metricsv1beta1.PodMetrics{
		ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "a"},
		Containers: []metricsv1beta1.ContainerMetrics{
			{Name: "app", Usage: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("150m"), corev1.ResourceMemory: resource.MustParse("100Mi")}},
			{Name: "side", Usage: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("28Mi")}},
		}}
	if err := mc.Tracker().Create(schema.GroupVersionResource{Group: "metrics.k8s.io", Version: "v1beta1", Resource: "pods"}, pm, "web"); err != nil {
		t.Fatal(err)
	}
	src, _, usage, err := UsageCollector{}.podUsage(context.Background(), Target{Client: cs, Metrics: mc}, "c")
	if err != nil {
		t.Fatal(err)
	}
	if src != UsageMetricsServer || usage["web/a"] != (facts.Resources{CPUMillis: 200, MemoryBytes: 128 << 20}) {
		t.Errorf("source %s usage %+v", src, usage)
	}
	// Without metrics.k8s.io and without Prometheus: unavailable, not zero.
	src, _, usage, err = UsageCollector{}.podUsage(context.Background(), Target{Client: fake.NewClientset(), Metrics: mc}, "c")
	if err != nil || src != UsageUnavailable || usage != nil {
		t.Errorf("want unavailable: %s %v %v", src, usage, err)
	}
}
