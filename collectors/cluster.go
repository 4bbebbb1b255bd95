package collectors

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/version"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Cluster collects the cluster's identity, server version and nodes. It is the identity
// collector: when it fails the cluster counts as not audited.
type Cluster struct{}

// Name implements Collector.
func (Cluster) Name() string { return facts.IdentityCollector }

// Writes implements Writer.
func (Cluster) Writes() []string { return []string{"uid", "version", "nodes"} }

// Needs implements Needer.
func (Cluster) Needs() []string { return []string{"nodes"} }

// Collect implements Collector.
func (Cluster) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	info, err := t.Client.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("get server version: %w", err)
	}
	v, err := ServerVersion(info)
	if err != nil {
		return err
	}
	ns, err := t.Client.CoreV1().Namespaces().Get(ctx, metav1.NamespaceSystem, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get namespace kube-system: %w", err)
	}
	var nodes []facts.Node
	if err := each(ctx, t, "nodes", func(n *corev1.Node) { nodes = append(nodes, NodeFacts(n)) }); err != nil {
		return err
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	c.Version, c.UID, c.Nodes = v, string(ns.UID), nodes
	return nil
}

// ServerVersion converts the discovery version answer into facts.
func ServerVersion(info *version.Info) (*facts.Version, error) {
	v, err := facts.ParseVersion(info.GitVersion)
	if err != nil {
		return nil, fmt.Errorf("server version: %w", err)
	}
	return v, nil
}

// NodeFacts computes the facts of one node.
func NodeFacts(n *corev1.Node) facts.Node {
	f := facts.Node{
		Name:             n.Name,
		Labels:           n.Labels,
		ProviderID:       n.Spec.ProviderID,
		Unschedulable:    n.Spec.Unschedulable,
		ContainerRuntime: n.Status.NodeInfo.ContainerRuntimeVersion,
		Capacity:         resources(n.Status.Capacity),
		Allocatable:      resources(n.Status.Allocatable),
		Ready:            string(corev1.ConditionUnknown),
	}
	if v, err := facts.ParseVersion(n.Status.NodeInfo.KubeletVersion); err == nil {
		f.KubeletVersion = v
	}
	//nolint:staticcheck // KubeProxyVersion is deprecated but still reported by older kubelets.
	if v, err := facts.ParseVersion(n.Status.NodeInfo.KubeProxyVersion); err == nil {
		f.KubeProxyVersion = v
	}
	for _, cond := range n.Status.Conditions {
		f.Conditions = append(f.Conditions, facts.Condition{
			Type: string(cond.Type), Status: string(cond.Status), Reason: cond.Reason, Message: cond.Message,
		})
		if cond.Type == corev1.NodeReady {
			f.Ready = string(cond.Status)
		}
	}
	return f
}

func resources(l corev1.ResourceList) facts.Resources {
	return facts.Resources{
		CPUMillis:        milli(l, corev1.ResourceCPU),
		MemoryBytes:      value(l, corev1.ResourceMemory),
		Pods:             value(l, corev1.ResourcePods),
		EphemeralStorage: value(l, corev1.ResourceEphemeralStorage),
	}
}

func milli(l corev1.ResourceList, name corev1.ResourceName) int64 {
	if q, ok := l[name]; ok {
		return q.MilliValue()
	}
	return 0
}

func value(l corev1.ResourceList, name corev1.ResourceName) int64 {
	if q, ok := l[name]; ok {
		return q.Value()
	}
	return 0
}
