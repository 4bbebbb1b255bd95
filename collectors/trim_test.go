package collectors_test

import (
	"encoding/json"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/fleetaudit/fleetaudit/collectors"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/internal/testkit/synth"
)

func trimmed[T runtime.Object](t *testing.T, list string, in []T) []T {
	t.Helper()
	out := make([]T, len(in))
	for i, o := range in {
		out[i] = o.DeepCopyObject().(T)
		collectors.Trim(list, out[i])
	}
	return out
}

// factsOf computes every collector's facts that read the trimmed LISTs, and what the upgrade
// collector reads of Deployments, StatefulSets and DaemonSets (charts, images, replicas).
func factsOf(t *testing.T, c *synth.Cluster) []any {
	prices, _ := pricing.Default()
	var nodes []facts.Node
	for _, n := range c.Nodes {
		nodes = append(nodes, collectors.NodeFacts(n))
	}
	pods := c.RunningPods()
	out := []any{
		collectors.BuildRBAC(collectors.RBACObjects{ServiceAccounts: c.ServiceAccounts, Pods: pods}),
		collectors.BuildUsage(pods, c.Quotas, c.LimitRanges, nil, collectors.UsageUnavailable),
		collectors.ComputeCost(nodes, pods, nil, collectors.CostConfig{Prices: prices, SpotFallbackDiscount: collectors.DefaultSpotFallbackDiscount}),
		collectors.BuildWorkloads(c.WorkloadObjects()),
	}
	upgradeReads := func(m metav1.ObjectMeta, replicas *int32, spec corev1.PodSpec) {
		chart, ok := collectors.ChartFacts(m)
		var images []string
		for _, ct := range spec.Containers {
			images = append(images, ct.Image)
		}
		out = append(out, chart, ok, replicas, images)
	}
	for _, d := range c.Deployments {
		upgradeReads(d.ObjectMeta, d.Spec.Replicas, d.Spec.Template.Spec)
		out = append(out, d.Status.ReadyReplicas)
	}
	for _, s := range c.StatefulSets {
		upgradeReads(s.ObjectMeta, s.Spec.Replicas, s.Spec.Template.Spec)
		out = append(out, s.Status.ReadyReplicas)
	}
	for _, d := range c.DaemonSets {
		upgradeReads(d.ObjectMeta, nil, d.Spec.Template.Spec)
	}
	return out
}

// TestTrimKeepsWhatCollectorsRead: the facts computed from trimmed LIST items equal those from
// whole items, and the trims drop what they should (env, commands, probe handlers, volume
// details, managedFields, pod status beyond the phase).
func TestTrimKeepsWhatCollectorsRead(t *testing.T) {
	c := synth.Generate(5, 0, synth.ShapeFor(2000))
	// A pod with what synth pods lack: managedFields, last-applied, a sidecar, status.
	always := corev1.ContainerRestartPolicyAlways
	full := c.Pods[0].DeepCopy()
	full.Name = "full"
	full.OwnerReferences = nil
	full.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl", APIVersion: "v1", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{}}`)}}}
	full.Annotations = map[string]string{corev1.LastAppliedConfigAnnotation: `{"spec":{}}`, "container.apparmor.security.beta.kubernetes.io/app": "unconfined",
		"fleetaudit.io/interruption-tolerant": "false"}
	full.Spec.InitContainers = []corev1.Container{{Name: "proxy", Image: "envoy", RestartPolicy: &always, StartupProbe: &corev1.Probe{},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: *c.Pods[0].Spec.Containers[0].Resources.Requests.Cpu()}}}}
	full.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "dbg", Image: "busybox",
		Env: []corev1.EnvVar{{Name: "X", Value: "y"}}, SecurityContext: &corev1.SecurityContext{Privileged: new(bool)}}}}
	full.Spec.Volumes = append(full.Spec.Volumes, corev1.Volume{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}},
		corev1.Volume{Name: "token", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}})
	full.Spec.Overhead = corev1.ResourceList{corev1.ResourceMemory: *c.Pods[0].Spec.Containers[0].Resources.Requests.Memory()}
	full.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	c.Pods = append(c.Pods, full)

	want := factsOf(t, c)
	tc := *c
	tc.Pods = trimmed(t, "pods", c.Pods)
	tc.ReplicaSets = trimmed(t, "replicasets", c.ReplicaSets)
	tc.Deployments = trimmed(t, "deployments", c.Deployments)
	tc.StatefulSets = trimmed(t, "statefulsets", c.StatefulSets)
	tc.DaemonSets = trimmed(t, "daemonsets", c.DaemonSets)
	tc.Jobs = trimmed(t, "jobs", c.Jobs)
	tc.CronJobs = trimmed(t, "cronjobs", c.CronJobs)
	got := factsOf(t, &tc)
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			g, _ := json.Marshal(got[i])
			w, _ := json.Marshal(want[i])
			t.Errorf("facts %d (%T) differ once trimmed:\n got %.600s\nwant %.600s", i, want[i], g, w)
		}
	}

	p := tc.Pods[len(tc.Pods)-1]
	app := p.Spec.Containers[0]
	if p.ManagedFields != nil || p.Annotations[corev1.LastAppliedConfigAnnotation] != "" || p.Status.Conditions != nil ||
		app.Env != nil || app.EnvFrom != nil || app.Command != nil || app.Args != nil || app.VolumeMounts != nil ||
		p.Spec.Affinity != nil || p.Spec.EphemeralContainers[0].Env != nil || *app.LivenessProbe != (corev1.Probe{}) {
		t.Errorf("the pod keeps what no collector reads: %+v", p)
	}
	for _, v := range p.Spec.Volumes {
		if v.ConfigMap != nil && v.ConfigMap.Name != "" || v.Secret != nil && v.Secret.SecretName != "" || v.Projected != nil && v.Projected.Sources != nil {
			t.Errorf("volume %s keeps its source's details: %+v", v.Name, v.VolumeSource)
		}
	}
	before, _ := json.Marshal(c.Pods)
	after, _ := json.Marshal(tc.Pods)
	if len(after)*2 > len(before) {
		t.Errorf("trimmed pods take %d bytes as JSON, whole %d: want less than half", len(after), len(before))
	}
	t.Logf("pods as JSON: %d bytes whole, %d trimmed", len(before), len(after))
	var cj *batchv1.CronJob = tc.CronJobs[0]
	var rs *appsv1.ReplicaSet = tc.ReplicaSets[0]
	if cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Env != nil || rs.Spec.Template.Spec.Containers[0].Env != nil {
		t.Error("templates keep their env")
	}
}
