package synth

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
)

// Facts computes the facts document of a synthetic cluster with the collectors' own pure
// functions (usage is unknown: no usage source).
func Facts(c *Cluster, prices *pricing.Table, collected time.Time) *facts.Cluster {
	f := &facts.Cluster{SchemaVersion: facts.SchemaVersion, Name: c.Name, Server: "https://" + c.Name + ".synth.invalid",
		UID: c.Name + "-uid", CollectedAt: collected}
	f.Version, _ = facts.ParseVersion(c.Version)
	for _, n := range c.Nodes {
		f.Nodes = append(f.Nodes, collectors.NodeFacts(n))
	}
	pods := c.RunningPods()
	f.RBAC = collectors.BuildRBAC(collectors.RBACObjects{ClusterRoles: c.ClusterRoles, Roles: c.Roles,
		ClusterRoleBindings: c.ClusterRoleBindings, RoleBindings: c.RoleBindings, ServiceAccounts: c.ServiceAccounts, Pods: pods})
	f.Usage = collectors.BuildUsage(pods, c.Quotas, c.LimitRanges, nil, collectors.UsageUnavailable)
	f.Cost = collectors.ComputeCost(f.Nodes, pods, nil, collectors.CostConfig{Prices: prices, SpotFallbackDiscount: collectors.DefaultSpotFallbackDiscount})
	u := &facts.Upgrade{APIServers: []facts.APIServer{{ID: "apiserver-1"}}, Workloads: []facts.ReplicaWorkload{}, APIUse: []facts.APIUse{}}
	for _, p := range c.PDBs {
		u.PDBs = append(u.PDBs, collectors.PDBFacts(p))
	}
	for _, d := range c.Deployments {
		u.Workloads = append(u.Workloads, facts.ReplicaWorkload{Namespace: d.Namespace, Kind: "Deployment", Name: d.Name, Replicas: *d.Spec.Replicas, ReadyReplicas: d.Status.ReadyReplicas})
	}
	for _, s := range c.StatefulSets {
		u.Workloads = append(u.Workloads, facts.ReplicaWorkload{Namespace: s.Namespace, Kind: "StatefulSet", Name: s.Name, Replicas: *s.Spec.Replicas, ReadyReplicas: s.Status.ReadyReplicas})
	}
	for _, o := range c.OldAPIObjects {
		u.APIUse = append(u.APIUse, collectors.WrittenVersions(o, schema.GroupVersion{Group: "batch", Version: "v1"}, "CronJob")...)
	}
	f.Upgrade = u
	f.Workloads = collectors.BuildWorkloads(c.WorkloadObjects())
	for _, name := range []string{facts.IdentityCollector, "rbac", "usage", "cost", "workloads", "upgrade"} {
		f.Collection = append(f.Collection, facts.CollectorRun{Collector: name})
	}
	return f
}

// RunningPods are the pods a live collection keeps (Running, Pending, or no phase yet).
func (c *Cluster) RunningPods() []*corev1.Pod {
	out := make([]*corev1.Pod, 0, len(c.Pods))
	for _, p := range c.Pods {
		if p.Status.Phase == corev1.PodRunning || p.Status.Phase == corev1.PodPending || p.Status.Phase == "" {
			out = append(out, p)
		}
	}
	return out
}

// WorkloadObjects are the objects the workloads collector reads from the cluster once seeded
// (the old-API objects are CronJobs there too).
func (c *Cluster) WorkloadObjects() collectors.WorkloadObjects {
	cronJobs := slices.Clone(c.CronJobs)
	for _, m := range c.OldAPIObjects {
		cronJobs = append(cronJobs, legacyCronJob(m))
	}
	return collectors.WorkloadObjects{Pods: c.RunningPods(), Deployments: c.Deployments, StatefulSets: c.StatefulSets,
		DaemonSets: c.DaemonSets, ReplicaSets: c.ReplicaSets, Jobs: c.Jobs, CronJobs: cronJobs, Namespaces: c.Namespaces,
		NetworkPolicies: c.NetworkPolicies, ServiceAccounts: c.ServiceAccounts}
}
