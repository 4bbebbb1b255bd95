package collectors

import (
	"cmp"
	"context"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Workloads collects what runs in the cluster for the workload posture rules: every pod
// template once, under the object people manage it by; the namespaces with their Pod Security
// labels; the NetworkPolicies. It keeps no env values, commands, ConfigMap or Secret contents,
// labels, or annotations other than AppArmor's.
type Workloads struct{}

// Name implements Collector.
func (Workloads) Name() string { return "workloads" }

// Writes implements Writer.
func (Workloads) Writes() []string { return []string{"workloads"} }

// Needs implements Needer. The pods and ServiceAccounts LISTs are shared with usage and rbac,
// the Deployments, StatefulSets and DaemonSets with upgrade.
func (Workloads) Needs() []string {
	return []string{"pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs",
		"namespaces", "networkpolicies", "serviceaccounts"}
}

// WorkloadObjects are the raw objects the workloads facts are computed from.
type WorkloadObjects struct {
	Pods            []*corev1.Pod
	Deployments     []*appsv1.Deployment
	StatefulSets    []*appsv1.StatefulSet
	DaemonSets      []*appsv1.DaemonSet
	ReplicaSets     []*appsv1.ReplicaSet
	Jobs            []*batchv1.Job
	CronJobs        []*batchv1.CronJob
	Namespaces      []*corev1.Namespace
	NetworkPolicies []*networkingv1.NetworkPolicy
	ServiceAccounts []*corev1.ServiceAccount
}

// Collect implements Collector. The CronJobs it lists are remembered for the upgrade
// collector's scan of written API versions, which then lists them no second time.
func (Workloads) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	var in WorkloadObjects
	err := each(ctx, t, "cronjobs", func(x *batchv1.CronJob) { in.CronJobs = append(in.CronJobs, x) })
	if err != nil {
		return err
	}
	t.remember(batchv1.SchemeGroupVersion, "CronJob", metas(in.CronJobs, func(x *batchv1.CronJob) metav1.ObjectMeta { return x.ObjectMeta }))
	steps := []func() error{
		func() error {
			return each(ctx, t, "deployments", func(x *appsv1.Deployment) { in.Deployments = append(in.Deployments, x) })
		},
		func() error {
			return each(ctx, t, "statefulsets", func(x *appsv1.StatefulSet) { in.StatefulSets = append(in.StatefulSets, x) })
		},
		func() error {
			return each(ctx, t, "daemonsets", func(x *appsv1.DaemonSet) { in.DaemonSets = append(in.DaemonSets, x) })
		},
		func() error {
			return each(ctx, t, "replicasets", func(x *appsv1.ReplicaSet) { in.ReplicaSets = append(in.ReplicaSets, x) })
		},
		func() error { return each(ctx, t, "jobs", func(x *batchv1.Job) { in.Jobs = append(in.Jobs, x) }) },
		func() error {
			return each(ctx, t, "namespaces", func(x *corev1.Namespace) { in.Namespaces = append(in.Namespaces, x) })
		},
		func() error {
			return each(ctx, t, "networkpolicies", func(x *networkingv1.NetworkPolicy) { in.NetworkPolicies = append(in.NetworkPolicies, x) })
		},
		func() error {
			return each(ctx, t, "serviceaccounts", func(x *corev1.ServiceAccount) { in.ServiceAccounts = append(in.ServiceAccounts, x) })
		},
		func() (err error) { in.Pods, err = t.Pods(ctx); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	c.Workloads = BuildWorkloads(in)
	return nil
}

// objKey names a listed controller: its kind, namespace and name.
type objKey struct{ kind, namespace, name string }

// BuildWorkloads computes the workloads facts from raw objects. An object whose controller is
// listed here (a ReplicaSet of a Deployment, a Job of a CronJob, a Pod of a ReplicaSet,
// StatefulSet, DaemonSet or Job) is left out: its pod template is judged under its
// controller's name. A controller reference to an object that is not listed (deleted, or a
// kind fleetaudit does not list, such as a Node for static pods) keeps the object and names
// the controller in Owner, so no pod template escapes the rules.
func BuildWorkloads(in WorkloadObjects) *facts.Workloads {
	listed := make(map[objKey]struct{}, len(in.ReplicaSets)+len(in.Jobs)+len(in.Deployments)+
		len(in.StatefulSets)+len(in.DaemonSets)+len(in.CronJobs))
	for _, x := range in.Deployments {
		listed[objKey{"Deployment", x.Namespace, x.Name}] = struct{}{}
	}
	for _, x := range in.StatefulSets {
		listed[objKey{"StatefulSet", x.Namespace, x.Name}] = struct{}{}
	}
	for _, x := range in.DaemonSets {
		listed[objKey{"DaemonSet", x.Namespace, x.Name}] = struct{}{}
	}
	for _, x := range in.ReplicaSets {
		listed[objKey{"ReplicaSet", x.Namespace, x.Name}] = struct{}{}
	}
	for _, x := range in.Jobs {
		listed[objKey{"Job", x.Namespace, x.Name}] = struct{}{}
	}
	for _, x := range in.CronJobs {
		listed[objKey{"CronJob", x.Namespace, x.Name}] = struct{}{}
	}
	// owner is "" when m's controller is one of kinds and listed (m is then left out, ok
	// false), else "Kind/name" of its controller ("" without one).
	owner := func(m *metav1.ObjectMeta, kinds ...string) (owner string, ok bool) {
		ref := metav1.GetControllerOfNoCopy(m)
		if ref == nil {
			return "", true
		}
		if slices.Contains(kinds, ref.Kind) && apiGroup(ref.APIVersion) == controllerGroup(ref.Kind) {
			if _, found := listed[objKey{ref.Kind, m.Namespace, ref.Name}]; found {
				return "", false
			}
		}
		return ref.Kind + "/" + ref.Name, true
	}

	b := newPodSpecBuilder(in.ServiceAccounts)
	out := &facts.Workloads{Items: make([]facts.Workload, 0, len(in.Deployments)+len(in.StatefulSets)+len(in.DaemonSets)+len(in.CronJobs))}
	add := func(kind, apiVersion string, m *metav1.ObjectMeta, own string, tmpl *metav1.ObjectMeta, spec *corev1.PodSpec) {
		out.Items = append(out.Items, facts.Workload{Kind: kind, APIVersion: apiVersion, Namespace: m.Namespace, Name: m.Name,
			Owner: own, Pod: b.spec(m.Namespace, tmpl.Annotations, spec)})
	}
	for _, x := range in.Deployments {
		add("Deployment", "apps/v1", &x.ObjectMeta, "", &x.Spec.Template.ObjectMeta, &x.Spec.Template.Spec)
	}
	for _, x := range in.StatefulSets {
		add("StatefulSet", "apps/v1", &x.ObjectMeta, "", &x.Spec.Template.ObjectMeta, &x.Spec.Template.Spec)
	}
	for _, x := range in.DaemonSets {
		add("DaemonSet", "apps/v1", &x.ObjectMeta, "", &x.Spec.Template.ObjectMeta, &x.Spec.Template.Spec)
	}
	for _, x := range in.CronJobs {
		t := &x.Spec.JobTemplate.Spec.Template
		add("CronJob", "batch/v1", &x.ObjectMeta, "", &t.ObjectMeta, &t.Spec)
	}
	for _, x := range in.ReplicaSets {
		if own, ok := owner(&x.ObjectMeta, "Deployment"); ok {
			add("ReplicaSet", "apps/v1", &x.ObjectMeta, own, &x.Spec.Template.ObjectMeta, &x.Spec.Template.Spec)
		}
	}
	for _, x := range in.Jobs {
		if own, ok := owner(&x.ObjectMeta, "CronJob"); ok {
			add("Job", "batch/v1", &x.ObjectMeta, own, &x.Spec.Template.ObjectMeta, &x.Spec.Template.Spec)
		}
	}
	for _, x := range in.Pods {
		if own, ok := owner(&x.ObjectMeta, "ReplicaSet", "StatefulSet", "DaemonSet", "Job"); ok {
			add("Pod", "v1", &x.ObjectMeta, own, &x.ObjectMeta, &x.Spec)
		}
	}
	slices.SortFunc(out.Items, func(a, b facts.Workload) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	out.Namespaces = NamespaceFacts(in.Namespaces)
	out.NetworkPolicies = NetworkPolicyFacts(in.NetworkPolicies)
	return out
}

// apiGroup is the group of an apiVersion ("apps/v1" → "apps", "v1" → "").
func apiGroup(apiVersion string) string {
	if g, _, ok := strings.Cut(apiVersion, "/"); ok {
		return g
	}
	return ""
}

// controllerGroup is the API group of the controller kinds BuildWorkloads lists.
func controllerGroup(kind string) string {
	if kind == "Job" || kind == "CronJob" {
		return batchv1.GroupName
	}
	return appsv1.GroupName
}

// podSecurityLabels are the Pod Security Admission labels, without their common prefix.
var podSecurityLabels = []string{"enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"}

const podSecurityPrefix = "pod-security.kubernetes.io/"

// NamespaceFacts converts namespaces, sorted by name; of their labels only the Pod Security
// Admission ones are kept.
func NamespaceFacts(nss []*corev1.Namespace) []facts.Namespace {
	out := make([]facts.Namespace, 0, len(nss))
	for _, ns := range nss {
		n := facts.Namespace{Name: ns.Name}
		for _, l := range podSecurityLabels {
			if v, ok := ns.Labels[podSecurityPrefix+l]; ok {
				if n.PodSecurity == nil {
					n.PodSecurity = map[string]string{}
				}
				n.PodSecurity[l] = v
			}
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b facts.Namespace) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// NetworkPolicyFacts converts NetworkPolicies to their shapes, sorted by namespace and name.
// Without spec.policyTypes, Kubernetes applies a policy to ingress always and to egress when
// it has egress rules; PolicyTypes says so explicitly.
func NetworkPolicyFacts(nps []*networkingv1.NetworkPolicy) []facts.NetworkPolicy {
	out := make([]facts.NetworkPolicy, 0, len(nps))
	for _, np := range nps {
		sel := np.Spec.PodSelector
		p := facts.NetworkPolicy{Namespace: np.Namespace, Name: np.Name,
			SelectsAll:   len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0,
			IngressRules: len(np.Spec.Ingress), EgressRules: len(np.Spec.Egress)}
		ingress, egress := len(np.Spec.PolicyTypes) == 0, len(np.Spec.PolicyTypes) == 0 && len(np.Spec.Egress) > 0
		for _, t := range np.Spec.PolicyTypes {
			ingress = ingress || t == networkingv1.PolicyTypeIngress
			egress = egress || t == networkingv1.PolicyTypeEgress
		}
		p.PolicyTypes = make([]string, 0, 2)
		if ingress {
			p.PolicyTypes = append(p.PolicyTypes, string(networkingv1.PolicyTypeIngress))
		}
		if egress {
			p.PolicyTypes = append(p.PolicyTypes, string(networkingv1.PolicyTypeEgress))
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b facts.NetworkPolicy) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}
