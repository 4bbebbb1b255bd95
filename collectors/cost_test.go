package collectors

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

func TestCapacityType(t *testing.T) {
	for _, tc := range []struct {
		labels   map[string]string
		provider string
		want     string
	}{
		{map[string]string{"karpenter.sh/capacity-type": "reserved", "eks.amazonaws.com/capacityType": "SPOT"}, "aws://x", "reserved"}, // first match wins
		{map[string]string{"eks.amazonaws.com/capacityType": "SPOT"}, "aws://x", "spot"},
		{map[string]string{"eks.amazonaws.com/capacityType": "ON_DEMAND"}, "aws://x", "on-demand"},
		{map[string]string{"cloud.google.com/gke-provisioning": "spot"}, "gce://x", "spot"},
		{map[string]string{"cloud.google.com/gke-provisioning": "standard"}, "gce://x", "on-demand"},
		{map[string]string{"cloud.google.com/gke-preemptible": "true"}, "gce://x", "spot"},
		{map[string]string{"kubernetes.azure.com/scalesetpriority": "spot"}, "azure://x", "spot"},
		{map[string]string{"lifecycle": "EC2Spot"}, "aws://x", "spot"},
		{map[string]string{"pool": "cheap"}, "", "spot"}, // the user's --spot-label pool=cheap
		{map[string]string{"pool": "dear"}, "aws://x", "on-demand"},
		{nil, "", "unknown"},
	} {
		got, _ := CapacityType(facts.Node{Labels: tc.labels, ProviderID: tc.provider}, map[string]string{"pool": "cheap"})
		if got != tc.want {
			t.Errorf("%v %q: %s, want %s", tc.labels, tc.provider, got, tc.want)
		}
	}
}

func TestPodRequestsInitSidecarOverhead(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	res := func(cpu, mem string) corev1.ResourceRequirements {
		return corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}}
	}
	p := &corev1.Pod{Spec: corev1.PodSpec{
		Containers:     []corev1.Container{{Resources: res("200m", "100Mi")}, {Resources: res("300m", "100Mi")}},
		InitContainers: []corev1.Container{{Resources: res("2", "50Mi")}, {RestartPolicy: &always, Resources: res("100m", "10Mi")}},
		Overhead:       corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m")},
	}}
	req, _ := PodRequests(p)
	// app 200m+300m + sidecar 100m = 600m, but the 2-core init container dominates: max = 2000m, + 10m overhead.
	// memory: app 200Mi + sidecar 10Mi = 210Mi > init 50Mi.
	if req.CPUMillis != 2010 || req.MemoryBytes != 210<<20 {
		t.Errorf("requests %+v", req)
	}
}

func TestWorkload(t *testing.T) {
	yes := true
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web-5d8f7-x", Labels: map[string]string{"pod-template-hash": "5d8f7"},
		OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-5d8f7", Controller: &yes}}}}
	if k, n := Workload(p); k != "Deployment" || n != "web" {
		t.Errorf("%s %s", k, n)
	}
	p.OwnerReferences[0] = metav1.OwnerReference{Kind: "StatefulSet", Name: "pg", Controller: &yes}
	if k, _ := Workload(p); k != "StatefulSet" || InterruptionTolerant(p) {
		t.Errorf("StatefulSet pods are interruption-intolerant")
	}
	p.Annotations = map[string]string{"fleetaudit.io/interruption-tolerant": "true"}
	if !InterruptionTolerant(p) {
		t.Error("the annotation wins")
	}
	if k, n := Workload(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "solo"}}); k != "Pod" || n != "solo" {
		t.Errorf("bare pod: %s %s", k, n)
	}
}
