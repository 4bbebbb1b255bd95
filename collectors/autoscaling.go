package collectors

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Autoscaling collects what scales the cluster: HorizontalPodAutoscalers (with whether their
// target exists and requests what they scale on), VerticalPodAutoscalers and Karpenter
// NodePools where their CRDs are installed, and the cluster autoscaler's Deployment and status
// ConfigMap (cluster-autoscaler-status, read by name: no other ConfigMap is read).
type Autoscaling struct{}

// Name implements Collector.
func (Autoscaling) Name() string { return "autoscaling" }

// Writes implements Writer.
func (Autoscaling) Writes() []string { return []string{"autoscaling"} }

// Needs implements Needer. The Deployments, StatefulSets, ReplicaSets and CRDs are shared with
// the workloads and upgrade collectors.
func (Autoscaling) Needs() []string {
	return []string{"horizontalpodautoscalers", "deployments", "statefulsets", "replicasets", "customresourcedefinitions"}
}

// CRDs and API paths of the optional autoscalers.
const (
	vpaCRD          = "verticalpodautoscalers.autoscaling.k8s.io"
	vpaPath         = "/apis/autoscaling.k8s.io/v1/verticalpodautoscalers"
	nodePoolCRD     = "nodepools.karpenter.sh"
	nodePoolPath    = "/apis/karpenter.sh/v1/nodepools"
	caStatusMapName = "cluster-autoscaler-status"
)

// AutoscalingObjects are the raw objects the autoscaling facts are computed from.
type AutoscalingObjects struct {
	HPAs         []*autoscalingv2.HorizontalPodAutoscaler
	Deployments  []*appsv1.Deployment
	StatefulSets []*appsv1.StatefulSet
	ReplicaSets  []*appsv1.ReplicaSet
	// VPAs and NodePools are nil when their CRD is not installed.
	VPAs      []*unstructured.Unstructured
	NodePools []*unstructured.Unstructured
	// CAStatus is the cluster autoscaler's status ConfigMap; nil when absent.
	CAStatus *corev1.ConfigMap
}

// Collect implements Collector.
func (Autoscaling) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	var in AutoscalingObjects
	served := map[string]bool{}
	steps := []func() error{
		func() error {
			return each(ctx, t, "horizontalpodautoscalers", func(x *autoscalingv2.HorizontalPodAutoscaler) { in.HPAs = append(in.HPAs, x) })
		},
		func() error {
			return each(ctx, t, "deployments", func(x *appsv1.Deployment) { in.Deployments = append(in.Deployments, x) })
		},
		func() error {
			return each(ctx, t, "statefulsets", func(x *appsv1.StatefulSet) { in.StatefulSets = append(in.StatefulSets, x) })
		},
		func() error {
			return each(ctx, t, "replicasets", func(x *appsv1.ReplicaSet) { in.ReplicaSets = append(in.ReplicaSets, x) })
		},
		func() error {
			return each(ctx, t, "customresourcedefinitions", func(x *apiextv1.CustomResourceDefinition) {
				for _, v := range x.Spec.Versions {
					if v.Served && v.Name == "v1" {
						served[x.Name] = true
					}
				}
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if served[vpaCRD] {
		in.VPAs = []*unstructured.Unstructured{}
		if err := listEach(ctx, t, "verticalpodautoscalers", listPath(t, vpaPath), func() { in.VPAs = in.VPAs[:0] },
			func(x *unstructured.Unstructured) { in.VPAs = append(in.VPAs, x) }); err != nil {
			return err
		}
	}
	if served[nodePoolCRD] {
		in.NodePools = []*unstructured.Unstructured{}
		if err := listEach(ctx, t, "nodepools", listPath(t, nodePoolPath), func() { in.NodePools = in.NodePools[:0] },
			func(x *unstructured.Unstructured) { in.NodePools = append(in.NodePools, x) }); err != nil {
			return err
		}
	}
	forbidden := false
	if d := findClusterAutoscaler(in.Deployments); d != nil {
		cm, err := t.Client.CoreV1().ConfigMaps(d.Namespace).Get(ctx, caStatusMapName, metav1.GetOptions{})
		switch {
		case err == nil:
			in.CAStatus = cm
		case apierrors.IsNotFound(err):
		case apierrors.IsForbidden(err):
			forbidden = true // the chart grants get on it in kube-system only
		default:
			return fmt.Errorf("get configmap %s/%s: %w", d.Namespace, caStatusMapName, err)
		}
	}
	a := BuildAutoscaling(in)
	if forbidden {
		a.ClusterAutoscaler.Status = CAStatusForbidden
	}
	c.Autoscaling = a
	return nil
}

// BuildAutoscaling computes the autoscaling facts from raw objects (the cluster autoscaler's
// status from in.CAStatus).
func BuildAutoscaling(in AutoscalingObjects) *facts.Autoscaling {
	specs := map[objKey]*corev1.PodSpec{}
	for _, x := range in.Deployments {
		specs[objKey{"Deployment", x.Namespace, x.Name}] = &x.Spec.Template.Spec
	}
	for _, x := range in.StatefulSets {
		specs[objKey{"StatefulSet", x.Namespace, x.Name}] = &x.Spec.Template.Spec
	}
	for _, x := range in.ReplicaSets {
		specs[objKey{"ReplicaSet", x.Namespace, x.Name}] = &x.Spec.Template.Spec
	}
	out := &facts.Autoscaling{HPAs: make([]facts.HPA, 0, len(in.HPAs)), VPA: facts.VPAInstall{Installed: in.VPAs != nil, Items: []facts.VPA{}},
		Karpenter: facts.Karpenter{Installed: in.NodePools != nil, NodePools: []facts.NodePool{}}}
	for _, h := range in.HPAs {
		out.HPAs = append(out.HPAs, HPAFacts(h, specs))
	}
	slices.SortFunc(out.HPAs, func(a, b facts.HPA) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for _, v := range in.VPAs {
		out.VPA.Items = append(out.VPA.Items, VPAFacts(v))
	}
	slices.SortFunc(out.VPA.Items, func(a, b facts.VPA) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for _, p := range in.NodePools {
		out.Karpenter.NodePools = append(out.Karpenter.NodePools, NodePoolFacts(p))
	}
	slices.SortFunc(out.Karpenter.NodePools, func(a, b facts.NodePool) int { return cmp.Compare(a.Name, b.Name) })
	out.ClusterAutoscaler = ClusterAutoscalerFacts(findClusterAutoscaler(in.Deployments), in.CAStatus)
	return out
}

// HPAFacts converts an HPA; specs are the pod templates of the listed scale targets, by kind,
// namespace and name.
func HPAFacts(h *autoscalingv2.HorizontalPodAutoscaler, specs map[objKey]*corev1.PodSpec) facts.HPA {
	ref := h.Spec.ScaleTargetRef
	f := facts.HPA{Namespace: h.Namespace, Name: h.Name, Target: facts.ObjectRef{APIVersion: ref.APIVersion, Kind: ref.Kind, Name: ref.Name},
		MinReplicas: 1, MaxReplicas: h.Spec.MaxReplicas, CurrentReplicas: h.Status.CurrentReplicas, DesiredReplicas: h.Status.DesiredReplicas,
		Metrics: make([]facts.HPAMetric, 0, len(h.Spec.Metrics))}
	if h.Spec.MinReplicas != nil {
		f.MinReplicas = *h.Spec.MinReplicas
	}
	for _, m := range h.Spec.Metrics {
		f.Metrics = append(f.Metrics, hpaMetric(m))
	}
	for _, c := range h.Status.Conditions {
		tc := facts.TimedCondition{Type: string(c.Type), Status: string(c.Status), Reason: c.Reason, Message: c.Message}
		if !c.LastTransitionTime.IsZero() {
			ts := c.LastTransitionTime.UTC()
			tc.LastTransitionTime = &ts
		}
		f.Conditions = append(f.Conditions, tc)
	}
	if ref.Kind != "Deployment" && ref.Kind != "StatefulSet" && ref.Kind != "ReplicaSet" || apiGroup(ref.APIVersion) != appsv1.GroupName {
		return f // a kind fleetaudit does not list (a custom resource with a scale subresource)
	}
	spec, found := specs[objKey{ref.Kind, h.Namespace, ref.Name}]
	f.TargetFound = &found
	if found {
		f.MissingRequests = missingRequests(f.Metrics, spec)
	}
	return f
}

func hpaMetric(m autoscalingv2.MetricSpec) facts.HPAMetric {
	out := facts.HPAMetric{Type: string(m.Type)}
	switch {
	case m.Resource != nil:
		out.Resource, out.TargetType = string(m.Resource.Name), string(m.Resource.Target.Type)
	case m.ContainerResource != nil:
		out.Resource, out.Container, out.TargetType = string(m.ContainerResource.Name), m.ContainerResource.Container, string(m.ContainerResource.Target.Type)
	case m.Pods != nil:
		out.Name, out.TargetType = m.Pods.Metric.Name, string(m.Pods.Target.Type)
	case m.Object != nil:
		out.Name, out.TargetType = m.Object.Metric.Name, string(m.Object.Target.Type)
	case m.External != nil:
		out.Name, out.TargetType = m.External.Metric.Name, string(m.External.Target.Type)
	}
	return out
}

// missingRequests lists "CONTAINER: RESOURCE" for each container a Utilization metric needs a
// request on and that has none: every regular container for a Resource metric (the HPA sums
// over the pod), the named one for a ContainerResource metric. A limit without a request
// counts as a request (Kubernetes copies it).
func missingRequests(metrics []facts.HPAMetric, spec *corev1.PodSpec) []string {
	var out []string
	for _, m := range metrics {
		if m.TargetType != string(autoscalingv2.UtilizationMetricType) || m.Resource == "" {
			continue
		}
		for _, c := range spec.Containers {
			if m.Type == string(autoscalingv2.ContainerResourceMetricSourceType) && c.Name != m.Container {
				continue
			}
			name := corev1.ResourceName(m.Resource)
			_, req := c.Resources.Requests[name]
			_, lim := c.Resources.Limits[name]
			if s := c.Name + ": " + m.Resource; !req && !lim && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// vpaObject is the part of a VerticalPodAutoscaler the facts keep.
type vpaObject struct {
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     struct {
		TargetRef *struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Name       string `json:"name"`
		} `json:"targetRef"`
		UpdatePolicy *struct {
			UpdateMode string `json:"updateMode"`
		} `json:"updatePolicy"`
		ResourcePolicy *struct {
			ContainerPolicies []struct {
				ContainerName       string    `json:"containerName"`
				Mode                string    `json:"mode"`
				ControlledResources *[]string `json:"controlledResources"`
			} `json:"containerPolicies"`
		} `json:"resourcePolicy"`
	} `json:"spec"`
}

// VPAFacts converts an autoscaling.k8s.io/v1 VerticalPodAutoscaler.
func VPAFacts(u *unstructured.Unstructured) facts.VPA {
	var v vpaObject
	_ = fromUnstructured(u, &v) // fields of the wrong type stay empty
	f := facts.VPA{Namespace: u.GetNamespace(), Name: u.GetName(), UpdateMode: "Recreate", ControlledResources: []string{}}
	if r := v.Spec.TargetRef; r != nil {
		f.Target = facts.ObjectRef{APIVersion: r.APIVersion, Kind: r.Kind, Name: r.Name}
	}
	if p := v.Spec.UpdatePolicy; p != nil && p.UpdateMode != "" {
		f.UpdateMode = p.UpdateMode
	}
	all := []string{"cpu", "memory"}
	add := func(rs []string) {
		for _, r := range rs {
			if !slices.Contains(f.ControlledResources, r) {
				f.ControlledResources = append(f.ControlledResources, r)
			}
		}
	}
	// A container without its own policy follows the "*" policy, else the defaults (both
	// resources): with policies for some containers only, the rest still get both.
	star := false
	if p := v.Spec.ResourcePolicy; p != nil {
		for _, cp := range p.ContainerPolicies {
			star = star || cp.ContainerName == "*"
			if cp.Mode == "Off" {
				continue
			}
			if cp.ControlledResources == nil {
				add(all)
			} else {
				add(*cp.ControlledResources)
			}
		}
	}
	if !star {
		add(all)
	}
	slices.Sort(f.ControlledResources)
	return f
}

// NodePoolFacts converts a karpenter.sh/v1 NodePool: spec.limits and status.resources.
func NodePoolFacts(u *unstructured.Unstructured) facts.NodePool {
	var p struct {
		Spec struct {
			Limits map[string]string `json:"limits"`
		} `json:"spec"`
		Status struct {
			Resources map[string]string `json:"resources"`
		} `json:"status"`
	}
	_ = fromUnstructured(u, &p)
	return facts.NodePool{Name: u.GetName(), Limits: resourceAmounts(p.Spec.Limits), Resources: resourceAmounts(p.Status.Resources)}
}

// findClusterAutoscaler picks the Deployment that runs the cluster autoscaler: named
// cluster-autoscaler or …-cluster-autoscaler (the Helm chart's names), or labelled so in
// app.kubernetes.io/name, app or k8s-app. kube-system first, then by namespace and name.
func findClusterAutoscaler(ds []*appsv1.Deployment) *appsv1.Deployment {
	is := func(s string) bool { return s == "cluster-autoscaler" || strings.HasSuffix(s, "-cluster-autoscaler") }
	var found []*appsv1.Deployment
	for _, d := range ds {
		l := d.Labels
		if is(d.Name) || is(l["app.kubernetes.io/name"]) || is(l["app"]) || is(l["k8s-app"]) {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b *appsv1.Deployment) int {
		return cmp.Or(-cmp.Compare(boolInt(a.Namespace == metav1.NamespaceSystem), boolInt(b.Namespace == metav1.NamespaceSystem)),
			cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return found[0]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
