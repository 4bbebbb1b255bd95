package collectors_test

import (
	"runtime"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/internal/testkit/synth"
)

// The collectors' pure computations on one synthetic cluster of about 10,000 objects.

func benchCluster(b *testing.B) *synth.Cluster {
	b.Helper()
	return synth.Generate(1, 0, synth.ShapeFor(10000))
}

func BenchmarkNodeFacts(b *testing.B) {
	c := benchCluster(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range c.Nodes {
			_ = collectors.NodeFacts(n)
		}
	}
}

func BenchmarkBuildRBAC(b *testing.B) {
	c := benchCluster(b)
	in := collectors.RBACObjects{ClusterRoles: c.ClusterRoles, Roles: c.Roles, ClusterRoleBindings: c.ClusterRoleBindings,
		RoleBindings: c.RoleBindings, ServiceAccounts: c.ServiceAccounts, Pods: c.Pods}
	b.ReportAllocs()
	for b.Loop() {
		_ = collectors.BuildRBAC(in)
	}
}

func BenchmarkBuildUsage(b *testing.B) {
	c := benchCluster(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = collectors.BuildUsage(c.Pods, c.Quotas, c.LimitRanges, nil, collectors.UsageUnavailable)
	}
}

func BenchmarkComputeCost(b *testing.B) {
	c := benchCluster(b)
	prices, _ := pricing.Default()
	var nodes []facts.Node
	for _, n := range c.Nodes {
		nodes = append(nodes, collectors.NodeFacts(n))
	}
	cfg := collectors.CostConfig{Prices: prices, SpotFallbackDiscount: collectors.DefaultSpotFallbackDiscount}
	b.ReportAllocs()
	for b.Loop() {
		_ = collectors.ComputeCost(nodes, c.Pods, nil, cfg)
	}
}

func BenchmarkWrittenVersions(b *testing.B) {
	c := benchCluster(b)
	gv := schema.GroupVersion{Group: "batch", Version: "v1"}
	b.ReportAllocs()
	for b.Loop() {
		for _, o := range c.OldAPIObjects {
			_ = collectors.WrittenVersions(o, gv, "CronJob")
		}
	}
}

// BenchmarkBuildWorkloads reports, besides the usual figures, the allocations per 1,000 pods
// (running and pending pods of the synthetic cluster, most of them owned by ReplicaSets).
func BenchmarkBuildWorkloads(b *testing.B) {
	c := benchCluster(b)
	in := c.WorkloadObjects()
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		_ = collectors.BuildWorkloads(in)
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(len(in.Pods)), "pods")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(len(in.Pods))*1000, "allocs/1kpods")
}
