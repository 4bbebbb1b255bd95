package collectors

import (
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// trims drop, from each item of a LIST as it arrives, the fields no collector reads. The items
// of a cluster are kept until its collection ends (every pod, ReplicaSet, Job…); trimmed, they
// take a fraction of the memory, and the garbage collector, which marks what is kept over and
// over while the other LISTs decode, a fraction of the time. They also drop env values,
// commands and the like before anything could keep them.
//
// A collector that starts reading a field dropped here must keep it here first
// (TestTrimKeepsWhatCollectorsRead compares every collector's facts with and without trims).
// Objects whose metadata the upgrade collector's API-version scan reuses (CronJobs, see
// Target.remember) keep their managedFields and last-applied annotation.
var trims = map[string]func(runtime.Object){
	"pods": func(o runtime.Object) {
		p := o.(*corev1.Pod)
		trimMeta(&p.ObjectMeta)
		trimPodSpec(&p.Spec)
		p.Status = corev1.PodStatus{Phase: p.Status.Phase}
	},
	"replicasets": func(o runtime.Object) {
		x := o.(*appsv1.ReplicaSet)
		trimMeta(&x.ObjectMeta)
		trimPodSpec(&x.Spec.Template.Spec)
	},
	"deployments": func(o runtime.Object) {
		x := o.(*appsv1.Deployment)
		trimMeta(&x.ObjectMeta)
		trimPodSpec(&x.Spec.Template.Spec)
	},
	"statefulsets": func(o runtime.Object) {
		x := o.(*appsv1.StatefulSet)
		trimMeta(&x.ObjectMeta)
		trimPodSpec(&x.Spec.Template.Spec)
	},
	"daemonsets": func(o runtime.Object) {
		x := o.(*appsv1.DaemonSet)
		trimMeta(&x.ObjectMeta)
		trimPodSpec(&x.Spec.Template.Spec)
	},
	"jobs": func(o runtime.Object) {
		x := o.(*batchv1.Job)
		trimMeta(&x.ObjectMeta)
		trimPodSpec(&x.Spec.Template.Spec)
		x.Status = batchv1.JobStatus{}
	},
	"cronjobs":                  func(o runtime.Object) { trimPodSpec(&o.(*batchv1.CronJob).Spec.JobTemplate.Spec.Template.Spec) },
	"customresourcedefinitions": trimCRD,
}

// trimMeta drops managedFields and kubectl's last-applied copy of the object.
func trimMeta(m *metav1.ObjectMeta) {
	m.ManagedFields = nil
	delete(m.Annotations, corev1.LastAppliedConfigAnnotation)
}

// presentProbe stands for a probe that is defined: collectors only ask whether it is. Shared
// by every trimmed container, so it must never be written to.
var presentProbe = &corev1.Probe{}

// volumeSources are, by VolumeType, a volume source of that type with nothing in it; shared by
// every trimmed volume, so they must never be written to.
var volumeSources = func() map[string]corev1.VolumeSource {
	out := map[string]corev1.VolumeSource{}
	vt := reflect.TypeFor[corev1.VolumeSource]()
	for i := range vt.NumField() {
		var v corev1.VolumeSource
		reflect.ValueOf(&v).Elem().Field(i).Set(reflect.New(vt.Field(i).Type.Elem()))
		out[VolumeType(&v)] = v
	}
	return out
}()

// trimPodSpec keeps of a pod spec what the collectors read: host namespaces, security
// contexts, the ServiceAccount and token automount, the node, overhead, each volume's name and
// type (and a hostPath's path), and of each container its name, image, ports, resources,
// restart policy, security context and which probes it has.
func trimPodSpec(s *corev1.PodSpec) {
	s.Affinity, s.Tolerations, s.TopologySpreadConstraints, s.NodeSelector = nil, nil, nil, nil
	s.DNSConfig, s.HostAliases, s.ImagePullSecrets, s.ReadinessGates, s.SchedulingGates, s.ResourceClaims = nil, nil, nil, nil, nil, nil
	for i := range s.Volumes {
		if v := &s.Volumes[i]; v.HostPath == nil {
			v.VolumeSource = volumeSources[VolumeType(&v.VolumeSource)]
		}
	}
	for i := range s.Containers {
		trimContainer(&s.Containers[i])
	}
	for i := range s.InitContainers {
		trimContainer(&s.InitContainers[i])
	}
	for i := range s.EphemeralContainers {
		trimContainer((*corev1.Container)(&s.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

func trimContainer(c *corev1.Container) {
	c.Command, c.Args, c.WorkingDir, c.Env, c.EnvFrom = nil, nil, "", nil, nil
	c.VolumeMounts, c.VolumeDevices, c.Lifecycle, c.ResizePolicy, c.RestartPolicyRules = nil, nil, nil, nil, nil
	c.TerminationMessagePath, c.TerminationMessagePolicy, c.ImagePullPolicy = "", "", ""
	for _, p := range []**corev1.Probe{&c.LivenessProbe, &c.ReadinessProbe, &c.StartupProbe} {
		if *p != nil {
			*p = presentProbe
		}
	}
}
