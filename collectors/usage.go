package collectors

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Usage sources.
const (
	UsageMetricsServer = "metrics-server"
	UsagePrometheus    = "prometheus"
	UsageUnavailable   = "unavailable"
)

// UsageConfig says where actual usage comes from when the cluster serves no metrics.k8s.io.
type UsageConfig struct {
	// PrometheusURLs maps a cluster name to a Prometheus base URL; "*" is the default.
	PrometheusURLs map[string]string
	// ClusterLabel, when set, selects a cluster's series in a shared Prometheus by
	// LABEL="<cluster name>".
	ClusterLabel string
	// Window is the averaging window of Prometheus queries (default 1h).
	Window time.Duration
}

func (c UsageConfig) prometheusFor(cluster string) string {
	if u, ok := c.PrometheusURLs[cluster]; ok {
		return u
	}
	return c.PrometheusURLs["*"]
}

// UsageCollector collects requests, limits, quotas, limit ranges and actual usage.
type UsageCollector struct{ Config UsageConfig }

// Name implements Collector.
func (UsageCollector) Name() string { return "usage" }

// Writes implements Writer.
func (UsageCollector) Writes() []string { return []string{"usage"} }

// Needs implements Needer.
func (UsageCollector) Needs() []string { return []string{"pods", "resourcequotas", "limitranges"} }

// Collect implements Collector.
func (u UsageCollector) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	pods, err := t.Pods(ctx)
	if err != nil {
		return err
	}
	var quotas []*corev1.ResourceQuota
	var lrs []*corev1.LimitRange
	if err := each(ctx, t, "resourcequotas", func(q *corev1.ResourceQuota) { quotas = append(quotas, q) }); err != nil {
		return err
	}
	if err := each(ctx, t, "limitranges", func(l *corev1.LimitRange) { lrs = append(lrs, l) }); err != nil {
		return err
	}
	source, window, usage, err := u.podUsage(ctx, t, c.Name)
	if err != nil {
		return err
	}
	t.shared.podUsage = usage
	c.Usage = BuildUsage(pods, quotas, lrs, usage, source)
	c.Usage.Window = window
	return nil
}

// podUsage reads per-pod usage from metrics.k8s.io when served, else from Prometheus when
// configured; else usage is unavailable (nil map).
func (u UsageCollector) podUsage(ctx context.Context, t Target, cluster string) (string, string, map[string]facts.Resources, error) {
	if t.Metrics != nil {
		if _, err := t.Client.Discovery().ServerResourcesForGroupVersion("metrics.k8s.io/v1beta1"); err == nil {
			m, err := metricsServerUsage(ctx, t)
			if err != nil {
				return "", "", nil, err
			}
			return UsageMetricsServer, "", m, nil
		} else if !apierrors.IsNotFound(err) && !strings.Contains(err.Error(), "could not find the requested resource") {
			return "", "", nil, fmt.Errorf("discover metrics.k8s.io: %w", err)
		}
	}
	if url := u.Config.prometheusFor(cluster); url != "" {
		w := u.Config.Window
		if w <= 0 {
			w = time.Hour
		}
		m, err := PrometheusUsage(ctx, url, u.Config.ClusterLabel, cluster, w)
		if err != nil {
			return "", "", nil, err
		}
		if len(m) == 0 {
			return UsageUnavailable, "", nil, nil
		}
		return UsagePrometheus, w.String(), m, nil
	}
	return UsageUnavailable, "", nil, nil
}

func metricsServerUsage(ctx context.Context, t Target) (map[string]facts.Resources, error) {
	list, err := t.Metrics.MetricsV1beta1().PodMetricses("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list pod metrics: %w", err)
	}
	out := map[string]facts.Resources{}
	for _, pm := range list.Items {
		var r facts.Resources
		for _, c := range pm.Containers {
			r.CPUMillis += c.Usage.Cpu().MilliValue()
			r.MemoryBytes += c.Usage.Memory().Value()
		}
		out[pm.Namespace+"/"+pm.Name] = r
	}
	return out, nil
}

// PodRequests returns a pod's effective requests and limits the way the scheduler counts
// them: the larger of the app containers (plus sidecar init containers) and the largest
// regular init container, plus pod overhead.
func PodRequests(p *corev1.Pod) (req, lim facts.Resources) {
	var appReq, appLim, initReq, initLim facts.Resources
	add := func(dst *facts.Resources, l corev1.ResourceList) {
		dst.CPUMillis += milli(l, corev1.ResourceCPU)
		dst.MemoryBytes += value(l, corev1.ResourceMemory)
	}
	for _, c := range p.Spec.Containers {
		add(&appReq, c.Resources.Requests)
		add(&appLim, c.Resources.Limits)
	}
	for _, c := range p.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			add(&appReq, c.Resources.Requests) // sidecar: runs alongside the app containers
			add(&appLim, c.Resources.Limits)
			continue
		}
		initReq.CPUMillis = max(initReq.CPUMillis, milli(c.Resources.Requests, corev1.ResourceCPU))
		initReq.MemoryBytes = max(initReq.MemoryBytes, value(c.Resources.Requests, corev1.ResourceMemory))
		initLim.CPUMillis = max(initLim.CPUMillis, milli(c.Resources.Limits, corev1.ResourceCPU))
		initLim.MemoryBytes = max(initLim.MemoryBytes, value(c.Resources.Limits, corev1.ResourceMemory))
	}
	req = facts.Resources{CPUMillis: max(appReq.CPUMillis, initReq.CPUMillis), MemoryBytes: max(appReq.MemoryBytes, initReq.MemoryBytes)}
	lim = facts.Resources{CPUMillis: max(appLim.CPUMillis, initLim.CPUMillis), MemoryBytes: max(appLim.MemoryBytes, initLim.MemoryBytes)}
	req.CPUMillis += milli(p.Spec.Overhead, corev1.ResourceCPU)
	req.MemoryBytes += value(p.Spec.Overhead, corev1.ResourceMemory)
	return req, lim
}

// Workload names the controller of a pod: a Deployment (through its ReplicaSet), StatefulSet,
// DaemonSet, Job, other owner, or the pod itself.
func Workload(p *corev1.Pod) (kind, name string) {
	for _, o := range p.OwnerReferences {
		if o.Controller == nil || !*o.Controller {
			continue
		}
		if o.Kind == "ReplicaSet" {
			if h := p.Labels["pod-template-hash"]; h != "" && strings.HasSuffix(o.Name, "-"+h) {
				return "Deployment", strings.TrimSuffix(o.Name, "-"+h)
			}
		}
		return o.Kind, o.Name
	}
	return "Pod", p.Name
}

// InterruptionTolerant: StatefulSet pods, and pods annotated
// fleetaudit.io/interruption-tolerant: "false", do not tolerate losing their node.
func InterruptionTolerant(p *corev1.Pod) bool {
	if v, ok := p.Annotations["fleetaudit.io/interruption-tolerant"]; ok {
		return v != "false"
	}
	kind, _ := Workload(p)
	return kind != "StatefulSet"
}

func addRes(a *facts.Resources, b facts.Resources) {
	a.CPUMillis += b.CPUMillis
	a.MemoryBytes += b.MemoryBytes
}

func addUsage(a **facts.Resources, b facts.Resources) {
	if *a == nil {
		*a = &facts.Resources{}
	}
	addRes(*a, b)
}

// BuildUsage rolls pods, quotas and limit ranges up into facts. usage maps "NS/POD" to actual
// usage; nil means unavailable.
func BuildUsage(pods []*corev1.Pod, quotas []*corev1.ResourceQuota, lrs []*corev1.LimitRange, usage map[string]facts.Resources, source string) *facts.Usage {
	out := &facts.Usage{Source: source, Namespaces: []facts.NamespaceUsage{}, Nodes: []facts.NodeUsage{},
		Workloads: []facts.WorkloadUsage{}, Quotas: []facts.Quota{}, LimitRanges: []facts.LimitRange{}}
	ns := map[string]*facts.NamespaceUsage{}
	nodes := map[string]*facts.NodeUsage{}
	wls := map[[3]string]*facts.WorkloadUsage{}
	for _, p := range pods {
		req, lim := PodRequests(p)
		u, hasUsage := usage[p.Namespace+"/"+p.Name]
		n := ns[p.Namespace]
		if n == nil {
			n = &facts.NamespaceUsage{Name: p.Namespace}
			ns[p.Namespace] = n
		}
		n.Pods++
		addRes(&n.Requests, req)
		addRes(&n.Limits, lim)
		addRes(&out.Requests, req)
		addRes(&out.Limits, lim)
		if hasUsage {
			addUsage(&n.Usage, u)
			addUsage(&out.Usage, u)
		}
		if p.Status.Phase == corev1.PodPending || p.Spec.NodeName == "" {
			n.PendingPods++
			out.PendingPods++
		}
		for _, c := range p.Spec.Containers {
			if _, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
				if _, ok := c.Resources.Requests[corev1.ResourceMemory]; ok {
					continue
				}
			}
			n.ContainersWithoutRequests++
			if len(n.ExamplesWithoutRequests) < 3 {
				n.ExamplesWithoutRequests = append(n.ExamplesWithoutRequests, p.Name+"/"+c.Name)
			}
		}
		if p.Spec.NodeName != "" {
			nu := nodes[p.Spec.NodeName]
			if nu == nil {
				nu = &facts.NodeUsage{Name: p.Spec.NodeName}
				nodes[p.Spec.NodeName] = nu
			}
			nu.Pods++
			addRes(&nu.Requests, req)
			addRes(&nu.Limits, lim)
			if hasUsage {
				addUsage(&nu.Usage, u)
			}
		}
		kind, name := Workload(p)
		key := [3]string{p.Namespace, kind, name}
		w := wls[key]
		if w == nil {
			w = &facts.WorkloadUsage{Namespace: p.Namespace, Kind: kind, Name: name, InterruptionTolerant: InterruptionTolerant(p)}
			wls[key] = w
		}
		w.Pods++
		addRes(&w.Requests, req)
		if hasUsage {
			addUsage(&w.Usage, u)
		}
	}
	for _, n := range ns {
		out.Namespaces = append(out.Namespaces, *n)
	}
	for _, n := range nodes {
		out.Nodes = append(out.Nodes, *n)
	}
	for _, w := range wls {
		out.Workloads = append(out.Workloads, *w)
	}
	slices.SortFunc(out.Namespaces, func(a, b facts.NamespaceUsage) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(out.Nodes, func(a, b facts.NodeUsage) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(out.Workloads, func(a, b facts.WorkloadUsage) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	for _, q := range quotas {
		out.Quotas = append(out.Quotas, facts.Quota{Namespace: q.Namespace, Name: q.Name,
			Hard: quantities(q.Status.Hard, q.Spec.Hard), Used: quantities(q.Status.Used, nil)})
	}
	slices.SortFunc(out.Quotas, func(a, b facts.Quota) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for _, l := range lrs {
		lr := facts.LimitRange{Namespace: l.Namespace, Name: l.Name}
		for _, item := range l.Spec.Limits {
			if item.Type != corev1.LimitTypeContainer {
				continue
			}
			lr.DefaultRequests = lr.DefaultRequests || len(item.DefaultRequest) > 0
			lr.DefaultLimits = lr.DefaultLimits || len(item.Default) > 0
		}
		out.LimitRanges = append(out.LimitRanges, lr)
	}
	slices.SortFunc(out.LimitRanges, func(a, b facts.LimitRange) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// quantities converts a ResourceList to base units (CPU-like resources in millicores). The
// status is preferred; the spec is the fallback before the quota controller has synced.
func quantities(l, fallback corev1.ResourceList) map[string]int64 {
	if len(l) == 0 {
		l = fallback
	}
	out := map[string]int64{}
	for name, q := range l {
		out[string(name)] = quantityValue(string(name), q)
	}
	return out
}

func quantityValue(name string, q resource.Quantity) int64 {
	if name == "cpu" || strings.HasSuffix(name, ".cpu") {
		return q.MilliValue()
	}
	return q.Value()
}
