package collectors

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"syscall"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

func TestNodeFacts(t *testing.T) {
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{"karpenter.sh/capacity-type": "spot"}},
		Spec:       corev1.NodeSpec{ProviderID: "aws:///eu-west-1a/i-1", Unschedulable: true},
		Status: corev1.NodeStatus{
			Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3500m"),
				corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("58")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3"), corev1.ResourceMemory: resource.MustParse("7Gi")},
			NodeInfo:    corev1.NodeSystemInfo{KubeletVersion: "v1.31.4-eks-aeac579", ContainerRuntimeVersion: "containerd://1.7.2"},
			Conditions: []corev1.NodeCondition{
				{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
				{Type: corev1.NodeReady, Status: corev1.ConditionFalse, Reason: "KubeletNotReady", Message: "PLEG"},
			},
		},
	}
	f := NodeFacts(n)
	if f.Ready != "False" || !f.Unschedulable || f.ProviderID != "aws:///eu-west-1a/i-1" {
		t.Errorf("status fields: %+v", f)
	}
	if f.KubeletVersion == nil || f.KubeletVersion.Minor != 31 || f.KubeletVersion.Patch != 4 || f.KubeletVersion.GitVersion != "v1.31.4-eks-aeac579" {
		t.Errorf("kubelet version: %+v", f.KubeletVersion)
	}
	if f.KubeProxyVersion != nil {
		t.Errorf("empty kube-proxy version should stay nil, got %+v", f.KubeProxyVersion)
	}
	want := facts.Resources{CPUMillis: 3500, MemoryBytes: 8 << 30, Pods: 58}
	if f.Capacity != want {
		t.Errorf("capacity %+v, want %+v", f.Capacity, want)
	}
	if f.Allocatable.CPUMillis != 3000 || f.Allocatable.MemoryBytes != 7<<30 {
		t.Errorf("allocatable %+v", f.Allocatable)
	}
	if len(f.Conditions) != 2 || f.Conditions[1].Reason != "KubeletNotReady" {
		t.Errorf("conditions %+v", f.Conditions)
	}
}

func TestNodeWithoutReadyConditionIsUnknown(t *testing.T) {
	if f := NodeFacts(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "x"}}); f.Ready != "Unknown" || f.KubeletVersion != nil {
		t.Errorf("got %+v", f)
	}
}

func TestServerVersion(t *testing.T) {
	v, err := ServerVersion(&version.Info{GitVersion: "v1.34.4"})
	if err != nil || v.Major != 1 || v.Minor != 34 || v.Patch != 4 {
		t.Errorf("got %+v, %v", v, err)
	}
	if _, err := ServerVersion(&version.Info{GitVersion: "v0.0.0-master+$Format"}); err != nil {
		t.Errorf("an unstamped server still parses as 0.0: %v", err)
	}
	if _, err := ServerVersion(&version.Info{GitVersion: "nonsense"}); err == nil {
		t.Error("want an error for an unparseable version")
	}
}

func TestClassify(t *testing.T) {
	gr := schema.GroupResource{Resource: "nodes"}
	live := context.Background()
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	for _, tc := range []struct {
		ctx  context.Context
		err  error
		want string
	}{
		{live, apierrors.NewUnauthorized("no"), ReasonUnauthorized},
		{live, fmt.Errorf("list nodes: %w", apierrors.NewForbidden(gr, "", errors.New("rbac"))), ReasonForbidden},
		{expired, errors.New("anything after the deadline"), ReasonTimeout},
		{live, &url.Error{Op: "Get", URL: "https://x", Err: syscall.ECONNREFUSED}, ReasonUnreachable},
		{live, errors.New("boom"), ReasonError},
	} {
		if got := Classify(tc.ctx, tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// TestClusterCollectorPaginates lists more nodes than one page holds from a real API server.
func TestClusterCollectorPaginates(t *testing.T) {
	f := testcluster.Start(t, "paging")
	c := f.Clusters[0]
	for i := range 23 {
		c.CreateNode(t, fmt.Sprintf("node-%02d", i), testcluster.NodeOptions{KubeletVersion: "v1.33.1"})
	}
	var got facts.Cluster
	Run(context.Background(), All(Config{}), Target{Client: c.Admin, PageSize: 5}, &got)
	if got.Status() != facts.StatusOK {
		t.Fatalf("collection failed: %s", got.Problem())
	}
	if len(got.Nodes) != 23 || got.Nodes[0].Name != "node-00" || got.Nodes[22].Name != "node-22" {
		t.Fatalf("want 23 sorted nodes over 5 pages, got %d", len(got.Nodes))
	}
	if got.Version.GitVersion != "v1.34.4" || got.UID == "" {
		t.Errorf("identity: version %+v uid %q", got.Version, got.UID)
	}
	if got.Nodes[3].KubeletVersion.Minor != 33 || got.Nodes[3].Allocatable.CPUMillis != 4000 {
		t.Errorf("node facts: %+v", got.Nodes[3])
	}
}
