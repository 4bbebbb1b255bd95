package testcluster

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NodeOptions shape a seeded node.
type NodeOptions struct {
	KubeletVersion string // default v1.34.4
	Labels         map[string]string
	ProviderID     string
	CPU, Memory    string // capacity = allocatable; default 4 and 16Gi
	NotReady       bool
	Unschedulable  bool
}

// CreateNode creates a node and then sets its status (version, capacity, Ready condition)
// through the status subresource, as a kubelet would.
func (c *Cluster) CreateNode(t testing.TB, name string, o NodeOptions) *corev1.Node {
	t.Helper()
	ctx := context.Background()
	if o.KubeletVersion == "" {
		o.KubeletVersion = "v1.34.4"
	}
	if o.CPU == "" {
		o.CPU = "4"
	}
	if o.Memory == "" {
		o.Memory = "16Gi"
	}
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: o.Labels},
		Spec:       corev1.NodeSpec{ProviderID: o.ProviderID, Unschedulable: o.Unschedulable},
	}
	created, err := c.Admin.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("%s: create node %s: %v", c.Name, name, err)
	}
	ready := corev1.ConditionTrue
	if o.NotReady {
		ready = corev1.ConditionFalse
	}
	res := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(o.CPU),
		corev1.ResourceMemory: resource.MustParse(o.Memory),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	created.Status = corev1.NodeStatus{
		Capacity: res, Allocatable: res,
		NodeInfo: corev1.NodeSystemInfo{KubeletVersion: o.KubeletVersion, ContainerRuntimeVersion: "containerd://2.1.0"},
		Conditions: []corev1.NodeCondition{{
			Type: corev1.NodeReady, Status: ready, Reason: "KubeletReady",
			LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(),
		}},
	}
	if o.NotReady {
		created.Status.Conditions[0].Reason = "KubeletNotReady"
	}
	updated, err := c.Admin.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("%s: set status of node %s: %v", c.Name, name, err)
	}
	return updated
}

// CreateNamespace creates a namespace and its default ServiceAccount (no controller manager
// runs to create it).
func (c *Cluster) CreateNamespace(t testing.TB, name string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.Admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("%s: create namespace %s: %v", c.Name, name, err)
	}
	c.ensureServiceAccount(t, name, "default")
}

func (c *Cluster) ensureServiceAccount(t testing.TB, ns, name string) {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	_, err := c.Admin.CoreV1().ServiceAccounts(ns).Create(context.Background(), sa, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("%s: create serviceaccount %s/%s: %v", c.Name, ns, name, err)
	}
}

// CreatePod creates a pod bound to its spec.nodeName and marks it Running through the status
// subresource. Its namespace and ServiceAccount are created when missing.
func (c *Cluster) CreatePod(t testing.TB, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	ctx := context.Background()
	c.CreateNamespace(t, pod.Namespace)
	if sa := pod.Spec.ServiceAccountName; sa != "" {
		c.ensureServiceAccount(t, pod.Namespace, sa)
	}
	created, err := c.Admin.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("%s: create pod %s/%s: %v", c.Name, pod.Namespace, pod.Name, err)
	}
	if pod.Status.Phase == "" {
		pod.Status.Phase = corev1.PodRunning
	}
	created.Status = pod.Status
	if created.Status.Phase == corev1.PodRunning && len(created.Status.Conditions) == 0 {
		created.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
		created.Status.StartTime = &metav1.Time{Time: metav1.Now().Time}
	}
	updated, err := c.Admin.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("%s: set status of pod %s/%s: %v", c.Name, pod.Namespace, pod.Name, err)
	}
	return updated
}
