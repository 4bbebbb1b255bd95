package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The workload side of a synthetic cluster, in the proportions of a real one: full pod specs
// (probes, resources, env, mounts, security contexts), a current ReplicaSet and a few old
// ones per Deployment (revision history), node agents as DaemonSets with a pod on every node,
// a CronJob per namespace with its last Jobs and their finished pods, a few bare Jobs and
// pods, static pods, Pod Security labels and NetworkPolicies. Namespaces take turns: enforce
// baseline, enforce restricted, or no labels; only the unlabelled ones hold risky pods
// (privileged, hostPath, no security context), so that a seeded API server admits them all.
//
// It draws from its own random source, so the objects Generate made before are unchanged.

const platformNS = "platform-system"

// addWorkloads completes c's workloads; r is its own random source.
func addWorkloads(c *Cluster, r *rand.Rand) {
	byOwner := map[string][]*corev1.Pod{} // pods by "NS/controller": the Deployment (through its ReplicaSet) or StatefulSet
	for _, p := range c.Pods {
		if app, ok := p.Labels["app"]; ok {
			byOwner[p.Namespace+"/"+app] = append(byOwner[p.Namespace+"/"+app], p)
		}
	}
	nsIndex := map[string]int{}
	for i, ns := range c.Namespaces {
		nsIndex[ns.Name] = i
		switch i % 3 {
		case 0:
			ns.Labels = map[string]string{"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted"}
		case 1:
			ns.Labels = map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.33"}
		}
	}
	for _, sa := range c.ServiceAccounts {
		if sa.Name != "default" && r.IntN(4) == 0 {
			sa.AutomountServiceAccountToken = ptrTo(false)
		}
	}
	risky := func(ns string, k int) int { // which risky variant a workload of ns gets, 0 for none
		if nsIndex[ns]%3 != 2 {
			return 0
		}
		return []int{0, 0, 0, 0, 1, 2, 3}[k%7]
	}
	for d, dep := range c.Deployments {
		ns := dep.Namespace
		pods := byOwner[ns+"/"+dep.Name]
		hash := pods[0].Labels["pod-template-hash"]
		version := 1 + r.IntN(20)
		spec := appSpec(r, ns, dep.Name, pods[0].Spec.ServiceAccountName, version, risky(ns, d))
		spec.Containers[0].Resources.Requests = pods[0].Spec.Containers[0].Resources.Requests
		dep.Spec.Template.Spec = spec
		dep.Spec.Template.Annotations = map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}
		for _, p := range pods {
			withSpec(p, spec, dep.Spec.Template.Annotations)
		}
		for old := range 1 + r.IntN(4) { // the current ReplicaSet, then up to 3 old ones
			rsHash, replicas, tmpl := hash, *dep.Spec.Replicas, dep.Spec.Template
			if old > 0 {
				rsHash, replicas = fmt.Sprintf("%08x", r.Uint32()), 0
				tmpl = *tmpl.DeepCopy()
				// An older tag; a pinned digest stays (that revision changed something else).
				tmpl.Spec.Containers[0].Image = strings.Replace(tmpl.Spec.Containers[0].Image, fmt.Sprintf(":1.%d", version), fmt.Sprintf(":1.%d", max(0, version-old)), 1)
			}
			tmpl.Labels = map[string]string{"app": dep.Name, "pod-template-hash": rsHash}
			c.ReplicaSets = append(c.ReplicaSets, &appsv1.ReplicaSet{
				ObjectMeta: metav1.ObjectMeta{Name: dep.Name + "-" + rsHash, Namespace: ns, Labels: tmpl.Labels, OwnerReferences: controlledBy("apps/v1", "Deployment", dep.Name)},
				Spec:       appsv1.ReplicaSetSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: tmpl.Labels}, Template: tmpl},
				Status:     appsv1.ReplicaSetStatus{Replicas: replicas}})
		}
	}
	for _, sts := range c.StatefulSets {
		pods := byOwner[sts.Namespace+"/"+sts.Name]
		spec := appSpec(r, sts.Namespace, sts.Name, "default", 15, 0)
		spec.Containers[0].Image = "docker.io/library/postgres:16.4"
		sts.Spec.ServiceName = sts.Name
		sts.Spec.Template.Spec = spec
		for _, p := range pods {
			withSpec(p, spec, nil)
		}
	}
	c.Namespaces = append(c.Namespaces, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: platformNS,
		Labels: map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}}})
	c.ServiceAccounts = append(c.ServiceAccounts, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: platformNS}})
	for _, a := range nodeAgents {
		c.ServiceAccounts = append(c.ServiceAccounts, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: a.name, Namespace: platformNS}})
		spec := a.spec()
		labels := map[string]string{"app.kubernetes.io/name": a.name}
		c.DaemonSets = append(c.DaemonSets, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: a.name, Namespace: platformNS},
			Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}}})
		for n, node := range c.Nodes {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%05d", a.name, n), Namespace: platformNS, Labels: labels,
				OwnerReferences: controlledBy("apps/v1", "DaemonSet", a.name)}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
			withSpec(p, spec, nil)
			p.Spec.NodeName = node.Name
			c.Pods = append(c.Pods, p)
		}
	}
	for n := range min(3, len(c.Nodes)) { // static pods, mirrored by their kubelet
		node := c.Nodes[n].Name
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "kube-proxy-" + node, Namespace: platformNS,
			OwnerReferences: controlledBy("v1", "Node", node)}, Status: corev1.PodStatus{Phase: corev1.PodRunning},
			Spec: corev1.PodSpec{NodeName: node, HostNetwork: true, AutomountServiceAccountToken: ptrTo(false),
				Volumes: []corev1.Volume{hostPath("kubeconfig", "/var/lib/kube-proxy/kubeconfig")},
				Containers: []corev1.Container{{Name: "kube-proxy", Image: "registry.k8s.io/kube-proxy:v1.33.5",
					Command:         []string{"kube-proxy", "--kubeconfig=/var/lib/kube-proxy/kubeconfig"},
					SecurityContext: &corev1.SecurityContext{Privileged: ptrTo(true)}}}}}
		c.Pods = append(c.Pods, p)
	}
	for _, ns := range c.Namespaces[:len(c.Namespaces)-1] {
		name, i := ns.Name, nsIndex[ns.Name]
		job := appSpec(r, name, "report", "default", 3, risky(name, i))
		job.RestartPolicy = corev1.RestartPolicyNever
		job.Containers[0].LivenessProbe, job.Containers[0].ReadinessProbe, job.Containers[0].Ports = nil, nil, nil
		c.CronJobs = append(c.CronJobs, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "nightly-report", Namespace: name},
			Spec: batchv1.CronJobSpec{Schedule: "15 2 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: job}}}}})
		for k := range 3 { // the successful jobs history Kubernetes keeps by default
			jobName := fmt.Sprintf("nightly-report-%d", 29000000+k*1440)
			c.Jobs = append(c.Jobs, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: name, OwnerReferences: controlledBy("batch/v1", "CronJob", "nightly-report")},
				Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: job}}})
			c.Pods = append(c.Pods, finishedPod(name, jobName, job, c.Nodes[r.IntN(len(c.Nodes))].Name))
		}
		if i%4 == 0 {
			jobName := "db-migrate-" + fmt.Sprint(r.IntN(100))
			c.Jobs = append(c.Jobs, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: name}, Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: job}}})
			c.Pods = append(c.Pods, finishedPod(name, jobName, job, c.Nodes[r.IntN(len(c.Nodes))].Name))
		}
		if i%3 == 2 && i%2 == 0 { // someone's debug pod, in a namespace without Pod Security labels
			c.Pods = append(c.Pods, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "debug-" + fmt.Sprint(r.IntN(1000)), Namespace: name},
				Spec:   corev1.PodSpec{NodeName: c.Nodes[r.IntN(len(c.Nodes))].Name, Containers: []corev1.Container{{Name: "sh", Image: "busybox", Command: []string{"sleep", "86400"}}}},
				Status: corev1.PodStatus{Phase: corev1.PodRunning}})
		}
		if i%4 != 3 {
			c.NetworkPolicies = append(c.NetworkPolicies, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default-deny", Namespace: name},
				Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}})
			c.NetworkPolicies = append(c.NetworkPolicies, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "allow-dns", Namespace: name},
				Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
					Egress: []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: ptrTo(intstr.FromInt32(53))}}}}}})
		}
		for d := 0; d < 15; d += 5 {
			app := fmt.Sprintf("svc-%02d", d)
			c.NetworkPolicies = append(c.NetworkPolicies, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "allow-" + app, Namespace: name},
				Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": app}},
					Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{
						MatchLabels: map[string]string{"kubernetes.io/metadata.name": "ingress-nginx"}}}}, Ports: []networkingv1.NetworkPolicyPort{{Port: ptrTo(intstr.FromInt32(8080))}}}}}})
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

func controlledBy(apiVersion, kind, name string) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: types.UID(kind + "-" + name), Controller: ptrTo(true)}}
}

// withSpec gives p its controller's pod spec, keeping p's node, ServiceAccount and requests.
func withSpec(p *corev1.Pod, spec corev1.PodSpec, annotations map[string]string) {
	old := p.Spec
	p.Spec = *spec.DeepCopy()
	p.Spec.NodeName = old.NodeName
	if old.ServiceAccountName != "" {
		p.Spec.ServiceAccountName = old.ServiceAccountName
	}
	if len(old.Containers) > 0 { // a pod Generate made: it keeps its requests (or their absence)
		p.Spec.Containers[0].Resources.Requests = old.Containers[0].Resources.Requests
	}
	p.Annotations = annotations
}

func finishedPod(ns, job string, spec corev1.PodSpec, node string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: job + "-x7k2p", Namespace: ns, Labels: map[string]string{"job-name": job},
		OwnerReferences: controlledBy("batch/v1", "Job", job)}, Status: corev1.PodStatus{Phase: corev1.PodSucceeded}}
	withSpec(p, spec, nil)
	p.Spec.NodeName = node
	return p
}

func hostPath(name, path string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}}}
}

// appSpec is an application pod spec as teams write them; risky picks a flaw: 1 no security
// context at all, 2 the container runtime's socket mounted, 3 privileged.
func appSpec(r *rand.Rand, ns, name, sa string, version, risky int) corev1.PodSpec {
	image := fmt.Sprintf("123456789012.dkr.ecr.us-east-1.amazonaws.com/%s/%s:1.%d", ns, name, version)
	if r.IntN(10) == 0 {
		image = fmt.Sprintf("ghcr.io/example/%s@sha256:%064x", name, r.Uint64())
	}
	c := corev1.Container{Name: "app", Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
		Command: []string{"/app/server"}, Args: []string{"--listen=:8080", "--metrics=:9090", "--config=/etc/app/config.yaml"},
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}},
		Env: []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "SERVICE_NAME", Value: name},
			{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name + "-db"}, Key: "password"}}},
			{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Value: "http://otel-collector.observability:4317"}},
		EnvFrom:   []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name + "-env"}}}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: *resource.NewQuantity(int64(1024+r.IntN(4)*256)<<20, resource.BinarySI)}},
		VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app", ReadOnly: true}, {Name: "tmp", MountPath: "/tmp"},
			{Name: "tls", MountPath: "/etc/tls", ReadOnly: true}},
		LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/livez", Port: intstr.FromString("http")}}, PeriodSeconds: 10},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromString("http")}}, PeriodSeconds: 5},
		SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptrTo(false), ReadOnlyRootFilesystem: ptrTo(true),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}
	s := corev1.PodSpec{ServiceAccountName: sa, TerminationGracePeriodSeconds: ptrTo(int64(30)),
		SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptrTo(true), RunAsUser: ptrTo(int64(10001)), FSGroup: ptrTo(int64(10001)),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		Volumes: []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: name + "-config"}}}},
			{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: name + "-tls"}}}},
		Containers: []corev1.Container{c},
		Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 100,
			PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "kubernetes.io/hostname", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}}}}}}},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}}}},
	}
	switch risky {
	case 1:
		s.SecurityContext, s.Containers[0].SecurityContext = nil, nil
	case 2:
		s.Volumes = append(s.Volumes, hostPath("containerd", "/run/containerd/containerd.sock"))
	case 3:
		s.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptrTo(true)}
	}
	return s
}

// nodeAgents are the DaemonSets of a typical platform: metrics, logs, networking, storage.
var nodeAgents = []struct {
	name string
	spec func() corev1.PodSpec
}{
	{"node-exporter", func() corev1.PodSpec {
		return corev1.PodSpec{ServiceAccountName: "node-exporter", HostNetwork: true, HostPID: true,
			Volumes: []corev1.Volume{hostPath("proc", "/proc"), hostPath("sys", "/sys"), hostPath("root", "/")},
			Containers: []corev1.Container{{Name: "node-exporter", Image: "quay.io/prometheus/node-exporter:v1.9.1",
				Args:            []string{"--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root"},
				Ports:           []corev1.ContainerPort{{Name: "metrics", ContainerPort: 9100, HostPort: 9100}},
				SecurityContext: &corev1.SecurityContext{ReadOnlyRootFilesystem: ptrTo(true), RunAsNonRoot: ptrTo(true), RunAsUser: ptrTo(int64(65534))},
				Resources:       corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("32Mi")}}}}}
	}},
	{"fluent-bit", func() corev1.PodSpec {
		return corev1.PodSpec{ServiceAccountName: "fluent-bit",
			Volumes: []corev1.Volume{hostPath("varlog", "/var/log"), hostPath("machine-id", "/etc/machine-id")},
			Containers: []corev1.Container{{Name: "fluent-bit", Image: "cr.fluentbit.io/fluent/fluent-bit:3.2.4",
				Env: []corev1.EnvVar{{Name: "NODE_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}}},
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
					Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}}}}}
	}},
	{"aws-node", func() corev1.PodSpec {
		return corev1.PodSpec{ServiceAccountName: "aws-node", HostNetwork: true, PriorityClassName: "system-node-critical",
			Volumes: []corev1.Volume{hostPath("cni-bin", "/opt/cni/bin"), hostPath("cni-net", "/etc/cni/net.d"), hostPath("run", "/var/run/aws-node")},
			InitContainers: []corev1.Container{{Name: "aws-vpc-cni-init", Image: "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni-init:v1.19.2",
				SecurityContext: &corev1.SecurityContext{Privileged: ptrTo(true)}}},
			Containers: []corev1.Container{{Name: "aws-node", Image: "602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2",
				Ports:           []corev1.ContainerPort{{Name: "metrics", ContainerPort: 61678}},
				SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "NET_RAW"}}},
				Resources:       corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("25m")}}}}}
	}},
	{"ebs-csi-node", func() corev1.PodSpec {
		return corev1.PodSpec{ServiceAccountName: "ebs-csi-node",
			Volumes: []corev1.Volume{hostPath("kubelet-dir", "/var/lib/kubelet"), hostPath("plugin-dir", "/var/lib/kubelet/plugins/ebs.csi.aws.com/"), hostPath("device-dir", "/dev")},
			Containers: []corev1.Container{{Name: "ebs-plugin", Image: "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.41.0",
				SecurityContext: &corev1.SecurityContext{Privileged: ptrTo(true)},
				LivenessProbe:   &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(9808)}}}},
				{Name: "node-driver-registrar", Image: "public.ecr.aws/eks-distro/kubernetes-csi/node-driver-registrar:v2.13.0"}}}
	}},
}
