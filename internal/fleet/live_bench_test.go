package fleet_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/pager"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/testkit/synth"
	"github.com/fleetaudit/fleetaudit/internal/testkit/testcluster"
)

type listFunc func(context.Context, metav1.ListOptions) (runtime.Object, error)

// plainLists are paginated LISTs of every resource a live audit reads, each once: the floor
// an audit cannot beat.
func plainLists(cs kubernetes.Interface, md metadata.Interface) map[string]listFunc {
	ls := map[string]listFunc{
		"nodes": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().Nodes().List(ctx, o)
		},
		"pods": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().Pods("").List(ctx, o)
		},
		"clusterroles": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().ClusterRoles().List(ctx, o)
		},
		"roles": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().Roles("").List(ctx, o)
		},
		"clusterrolebindings": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().ClusterRoleBindings().List(ctx, o)
		},
		"rolebindings": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().RoleBindings("").List(ctx, o)
		},
		"serviceaccounts": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().ServiceAccounts("").List(ctx, o)
		},
		"resourcequotas": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().ResourceQuotas("").List(ctx, o)
		},
		"limitranges": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().LimitRanges("").List(ctx, o)
		},
		"pdbs": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.PolicyV1().PodDisruptionBudgets("").List(ctx, o)
		},
		"deployments": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().Deployments("").List(ctx, o)
		},
		"statefulsets": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().StatefulSets("").List(ctx, o)
		},
		"daemonsets": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().DaemonSets("").List(ctx, o)
		},
		"replicasets": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().ReplicaSets("").List(ctx, o)
		},
		"jobs": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.BatchV1().Jobs("").List(ctx, o)
		},
		// Whole CronJobs (the workloads collector reads their pod templates; the API-version
		// scan reuses their metadata).
		"cronjobs": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.BatchV1().CronJobs("").List(ctx, o)
		},
		"namespaces": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().Namespaces().List(ctx, o)
		},
		"networkpolicies": func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.NetworkingV1().NetworkPolicies("").List(ctx, o)
		},
	}
	// The API-version scan reads these kinds' metadata.
	for _, gvr := range []schema.GroupVersionResource{
		{Group: "flowcontrol.apiserver.k8s.io", Version: "v1", Resource: "flowschemas"},
		{Group: "flowcontrol.apiserver.k8s.io", Version: "v1", Resource: "prioritylevelconfigurations"},
		{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"},
		{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"},
		{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"},
		{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"},
		{Group: "scheduling.k8s.io", Version: "v1", Resource: "priorityclasses"},
		{Group: "storage.k8s.io", Version: "v1", Resource: "storageclasses"},
		{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"},
		{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"},
	} {
		ls[gvr.Resource] = func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return md.Resource(gvr).List(ctx, o)
		}
	}
	return ls
}

func drain(ctx context.Context, list listFunc) (int, error) {
	p := pager.New(pager.SimplePageFunc(func(o metav1.ListOptions) (runtime.Object, error) { return list(ctx, o) }))
	p.PageSize = 500
	n := 0
	err := p.EachListItem(ctx, metav1.ListOptions{}, func(runtime.Object) error { n++; return nil })
	return n, err
}

// BenchmarkLiveAuditVsList seeds a real API server with about 12,000 objects (synth's scale 1,
// with its workloads: ReplicaSets, DaemonSets, Jobs, CronJobs, NetworkPolicies and full pod
// specs; privileged pods among them, as in real clusters), then compares a
// full live audit (every collector, paginated LISTs, rule evaluation) with plain paginated
// LISTs of the same resources, with the same client settings (QPS 100, burst 200, pages of
// 500). Reported: list-ms, audit-ms, their ratio audit/list (of the totals), and the median
// of the iterations' ratios (median-audit/list), which one slow moment of the machine moves
// less; and the client's CPU time of each (list-cpu-ms, audit-cpu-ms).
func BenchmarkLiveAuditVsList(b *testing.B) {
	f := testcluster.StartWith(b, testcluster.Options{AllowPrivileged: true}, "live")
	c := f.Clusters[0]
	seedCfg := rest.CopyConfig(c.Config)
	seedCfg.QPS, seedCfg.Burst = -1, 0
	sc := synth.Generate(7, 0, synth.ShapeFor(10000))
	start := time.Now()
	if err := synth.Seed(context.Background(), kubernetes.NewForConfigOrDie(seedCfg), sc, 16); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d objects in %s", sc.Objects(), time.Since(start).Round(time.Millisecond))

	kc := filepath.Join(b.TempDir(), "kubeconfig")
	if err := testcluster.WriteKubeconfig(kc, f.Contexts()...); err != nil {
		b.Fatal(err)
	}
	targets, err := fleet.LoadKubeconfig(fleet.KubeconfigOptions{Path: kc, QPS: 100, Burst: 200, Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	cfg := targets[0].Config
	cs, md := kubernetes.NewForConfigOrDie(cfg), metadata.NewForConfigOrDie(cfg)
	engine, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	lists := plainLists(cs, md)
	ctx := context.Background()
	listAll := func() (objects int) {
		for name, l := range lists {
			n, err := drain(ctx, l)
			if err != nil {
				b.Fatalf("list %s: %v", name, err)
			}
			objects += n
		}
		return objects
	}
	audit := func() {
		a, err := fleet.Run(ctx, fleet.LiveJobs(targets, fleet.Options{PageSize: 500}), engine, fleet.Options{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if a.Incomplete() {
			b.Fatalf("audit incomplete: %s", a.Clusters[0].Problem)
		}
	}
	// cpu is this process's CPU time (user and system): the client's own work, which the other
	// processes of a busy machine move less than the wall time.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var listCPU, auditCPU time.Duration
	timed := func(f func(), cpuTotal *time.Duration) time.Duration {
		goruntime.GC() // each starts from a collected heap: neither inherits the other's garbage
		t0, c0 := time.Now(), cpu()
		f()
		*cpuTotal += cpu() - c0
		return time.Since(t0)
	}
	var listTotal, auditTotal time.Duration
	var ratios []float64
	objects := 0
	i := 0
	for b.Loop() {
		// Each iteration times both, in alternating order, so drift of the machine and the
		// server's caches favour neither.
		var list, aud time.Duration
		if i%2 == 0 {
			list = timed(func() { objects = listAll() }, &listCPU)
			aud = timed(audit, &auditCPU)
		} else {
			aud = timed(audit, &auditCPU)
			list = timed(func() { objects = listAll() }, &listCPU)
		}
		i++
		listTotal += list
		auditTotal += aud
		ratios = append(ratios, float64(aud)/float64(list))
	}
	if testing.Verbose() {
		jobs := fleet.LiveJobs(targets, fleet.Options{PageSize: 500})
		t0 := time.Now()
		c := jobs[0].Facts(ctx, nil)
		t1 := time.Now()
		fleet.Evaluate(ctx, engine, c)
		if dump := os.Getenv("FLEETAUDIT_DUMP_FACTS"); dump != "" {
			_ = fleet.WriteSnapshot(dump, c)
		}
		b.Logf("collect %s, evaluate %s (%d findings)", t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond), len(fleet.Evaluate(ctx, engine, c).Findings))
		for _, r := range c.Collection { // a collector's time includes waiting for the LISTs it reads first
			b.Logf("  collector %-9s %4.0f ms", r.Collector, r.DurationSeconds*1000)
		}
		for _, name := range slices.Sorted(maps.Keys(lists)) {
			t0 := time.Now()
			n, _ := drain(ctx, lists[name])
			b.Logf("  list %-32s %5d items %4d ms", name, n, time.Since(t0).Milliseconds())
		}
	}
	b.ReportMetric(float64(objects), "objects")
	b.ReportMetric(float64(listTotal.Milliseconds())/float64(b.N), "list-ms")
	b.ReportMetric(float64(auditTotal.Milliseconds())/float64(b.N), "audit-ms")
	b.ReportMetric(float64(auditTotal)/float64(listTotal), "audit/list")
	b.ReportMetric(float64(listCPU.Milliseconds())/float64(b.N), "list-cpu-ms")
	b.ReportMetric(float64(auditCPU.Milliseconds())/float64(b.N), "audit-cpu-ms")
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "median-audit/list")
}
